/*
 * linkfault.c - the link-fault transport (see linkfault.h).
 *
 * Each direction has one hold queue ordered by due time; frames enter it
 * after the faults of their path were applied, and leave it at their due
 * time: towards the inner transport's send (to board) or out of recv (from
 * board).  Without delay a frame is due at once and passes straight through.
 */
#include "link/linkfault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LF_QCAP 256 /* frames in flight per direction */

typedef struct lf_rng {
	uint64_t s[4];
} lf_rng;

typedef struct lf_frame {
	int64_t due;
	uint8_t ch;
	uint16_t n;
	uint8_t wire[PP_MAX_WIRE];
} lf_frame;

typedef struct lf_queue {
	lf_frame f[LF_QCAP];
	unsigned head, n;
} lf_queue;

typedef struct lf_path {
	ph_linkfault_cfg cfg;
	lf_rng rng;
	int ge_bad;
	int held; /* a frame waits for its successor (reorder) */
	int held_copies;
	lf_frame hold;
	int64_t last_due; /* delay never reorders */
	ph_linkfault_counters st;
} lf_path;

typedef struct ph_lf {
	ph_transport base;
	ph_transport *inner;
	lf_path path[PP_CH_COUNT][PH_LF_NDIR];
	lf_queue q[PH_LF_NDIR];
} ph_lf;

static const ph_transport_ops lf_ops;

/* ---- random: splitmix64 seeds xoshiro256** ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void rng_seed(lf_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(lf_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* u uniform on [0, 2^64): true with probability p. */
static int hit(uint64_t u, double p)
{
	if (p <= 0)
		return 0;
	if (p >= 1)
		return 1;
	return u < (uint64_t)(p * 18446744073709551616.0);
}

/* ---- hold queues ---- */

static lf_frame *q_at(lf_queue *q, unsigned i)
{
	return &q->f[(q->head + i) % LF_QCAP];
}

/* Insert keeping due order, after frames with the same due (stable). */
static int q_insert(lf_queue *q, const lf_frame *f)
{
	unsigned i;

	if (q->n == LF_QCAP)
		return -1;
	for (i = q->n; i > 0 && q_at(q, i - 1)->due > f->due; i--)
		*q_at(q, i) = *q_at(q, i - 1);
	*q_at(q, i) = *f;
	q->n++;
	return 0;
}

static const lf_frame *q_peek(lf_queue *q)
{
	return q->n ? q_at(q, 0) : NULL;
}

static void q_pop(lf_queue *q)
{
	q->head = (q->head + 1) % LF_QCAP;
	q->n--;
}

/* ---- one frame through one path ---- */

/* Every frame draws these, whatever the settings (see linkfault.h). */
typedef struct lf_draw {
	uint64_t ge_loss, ge_move, drop, corrupt, bit, dup, jitter, reorder;
} lf_draw;

static void draw(lf_rng *r, lf_draw *d)
{
	d->ge_loss = rng_next(r);
	d->ge_move = rng_next(r);
	d->drop = rng_next(r);
	d->corrupt = rng_next(r);
	d->bit = rng_next(r);
	d->dup = rng_next(r);
	d->jitter = rng_next(r);
	d->reorder = rng_next(r);
}

/* Gilbert-Elliott: loss by the current state, then the state moves. */
static int ge_lost(lf_path *p, const lf_draw *d)
{
	const ph_linkfault_cfg *c = &p->cfg;
	int lost = hit(d->ge_loss, p->ge_bad ? c->ge_loss_bad : c->ge_loss_good);

	if (p->ge_bad)
		p->st.bad_state++;
	if (hit(d->ge_move, p->ge_bad ? c->ge_r : c->ge_p))
		p->ge_bad = !p->ge_bad;
	return lost;
}

static void corrupt(lf_frame *f, uint64_t u)
{
	size_t body = f->n && f->wire[f->n - 1] == 0 ? f->n - 1u : f->n;

	if (body)
		f->wire[u % body] ^= (uint8_t)(1u << ((u >> 32) % 8));
}

static int64_t due_time(lf_path *p, int64_t now, uint64_t u)
{
	const ph_linkfault_cfg *c = &p->cfg;
	int64_t due = now + c->delay_ns;

	if (c->jitter_ns > 0)
		due += (int64_t)(u % ((uint64_t)c->jitter_ns + 1));
	if (due < p->last_due)
		due = p->last_due;
	p->last_due = due;
	return due;
}

static void enqueue(lf_queue *q, lf_path *p, const lf_frame *f, int copies)
{
	for (int i = 0; i < copies; i++) {
		if (q_insert(q, f))
			p->st.overflow++;
		else
			p->st.delivered++;
	}
}

static void offer(ph_lf *lf, int dir, uint8_t ch, const uint8_t *wire, size_t n, int64_t now)
{
	lf_path *p = &lf->path[ch][dir];
	lf_queue *q = &lf->q[dir];
	lf_frame f;
	lf_draw d;
	int copies = 1;

	draw(&p->rng, &d);
	p->st.frames++;
	if (ge_lost(p, &d)) {
		p->st.burst_dropped++;
		return;
	}
	if (hit(d.drop, p->cfg.drop)) {
		p->st.dropped++;
		return;
	}
	f.ch = ch;
	f.n = (uint16_t)n;
	memcpy(f.wire, wire, n);
	if (hit(d.corrupt, p->cfg.corrupt)) {
		corrupt(&f, d.bit);
		p->st.corrupted++;
	}
	if (hit(d.dup, p->cfg.duplicate)) {
		copies = 2;
		p->st.duplicated++;
	}
	if (p->cfg.delay_ns > 0 || p->cfg.jitter_ns > 0)
		p->st.delayed++;
	f.due = due_time(p, now, d.jitter);
	if (p->held) {
		/* The held frame goes right after its successor. */
		enqueue(q, p, &f, copies);
		p->hold.due = f.due;
		enqueue(q, p, &p->hold, p->held_copies);
		p->held = 0;
	} else if (hit(d.reorder, p->cfg.reorder)) {
		p->hold = f;
		p->held = 1;
		p->held_copies = copies;
		p->st.reordered++;
	} else {
		enqueue(q, p, &f, copies);
	}
}

/* Hand every to-board frame due by now to the inner transport. */
static int release_tx(ph_lf *lf, int64_t now)
{
	lf_queue *q = &lf->q[PH_LF_TO_BOARD];
	const lf_frame *f;

	while ((f = q_peek(q)) && f->due <= now) {
		int r = ph_send(lf->inner, f->ch, f->wire, f->n);
		q_pop(q);
		if (r == PH_T_NO_DEVICE)
			return r; /* other errors lose the frame, as a link would */
	}
	return PH_T_OK;
}

/* ---- ops ---- */

static ph_lf *as_lf(ph_transport *t)
{
	return t && t->ops == &lf_ops ? (ph_lf *)t : NULL;
}

static int lf_send(ph_transport *t, uint8_t ch, const uint8_t *wire, size_t n)
{
	ph_lf *lf = as_lf(t);
	int64_t now = ph_now(lf->inner);
	int r;

	if (ch >= PP_CH_COUNT || !wire || n == 0 || n > PP_MAX_WIRE)
		return PH_T_INVALID;
	r = release_tx(lf, now);
	if (r)
		return r;
	offer(lf, PH_LF_TO_BOARD, ch, wire, n, now);
	return release_tx(lf, now);
}

static int64_t min3(int64_t a, int64_t b, int64_t c)
{
	int64_t m = a < b ? a : b;
	return m < c ? m : c;
}

static int lf_recv(ph_transport *t, int64_t deadline_ns, ph_rx *rx)
{
	ph_lf *lf = as_lf(t);
	lf_queue *in = &lf->q[PH_LF_FROM_BOARD], *out = &lf->q[PH_LF_TO_BOARD];

	for (;;) {
		int64_t now = ph_now(lf->inner), wake;
		const lf_frame *f;
		ph_rx got;
		int r = release_tx(lf, now);

		if (r)
			return r;
		if ((f = q_peek(in)) && f->due <= now) {
			rx->channel = f->ch;
			rx->n = f->n;
			rx->t_ns = f->due;
			memcpy(rx->wire, f->wire, f->n);
			q_pop(in);
			return PH_T_OK;
		}
		/* At or past the deadline the inner transport is still polled once,
		 * so frames already waiting there (due now) are not missed. */
		wake = min3(deadline_ns, in->n ? q_peek(in)->due : INT64_MAX,
		            out->n ? q_peek(out)->due : INT64_MAX);
		if (wake < now)
			wake = now;
		r = ph_recv(lf->inner, wake, &got);
		if (r == PH_T_OK && got.channel < PP_CH_COUNT)
			offer(lf, PH_LF_FROM_BOARD, got.channel, got.wire, got.n, got.t_ns);
		else if (r != PH_T_OK && r != PH_T_TIMEOUT)
			return r;
		else if (r == PH_T_TIMEOUT && ph_now(lf->inner) >= deadline_ns &&
		         !((f = q_peek(in)) && f->due <= ph_now(lf->inner)))
			return PH_T_TIMEOUT;
	}
}

static int64_t lf_now(ph_transport *t)
{
	return ph_now(as_lf(t)->inner);
}

static void lf_describe(ph_transport *t, char *buf, size_t n)
{
	char inner[256];
	ph_lf *lf = as_lf(t);

	lf->inner->ops->describe(lf->inner, inner, sizeof inner);
	snprintf(buf, n, "%s (with link faults)", inner);
}

static void lf_close(ph_transport *t)
{
	ph_lf *lf = as_lf(t);

	ph_transport_close(lf->inner);
	free(lf);
}

static int lf_reconnect(ph_transport *t, int64_t deadline_ns)
{
	ph_lf *lf = as_lf(t);

	/* Frames in flight when the board went away are gone with it. */
	lf->q[0].n = lf->q[1].n = 0;
	for (int c = 0; c < PP_CH_COUNT; c++)
		for (int d = 0; d < PH_LF_NDIR; d++)
			lf->path[c][d].held = 0;
	return ph_transport_reconnect(lf->inner, deadline_ns);
}

static const ph_transport_ops lf_ops = {
	.name = "linkfault",
	.send = lf_send,
	.recv = lf_recv,
	.now = lf_now,
	.describe = lf_describe,
	.close = lf_close,
	.reconnect = lf_reconnect,
};

/* ---- public ---- */

ph_transport *ph_linkfault_wrap(ph_transport *inner, uint64_t seed)
{
	ph_lf *lf;

	if (!inner)
		return NULL;
	lf = calloc(1, sizeof *lf);
	if (!lf)
		return NULL;
	lf->base.ops = &lf_ops;
	lf->inner = inner;
	for (int c = 0; c < PP_CH_COUNT; c++)
		for (int d = 0; d < PH_LF_NDIR; d++)
			rng_seed(&lf->path[c][d].rng, seed ^ (0x1000u * (unsigned)c + (unsigned)d));
	return &lf->base;
}

static int prob_ok(double p)
{
	return p >= 0 && p <= 1; /* false for NaN too */
}

static int cfg_ok(const ph_linkfault_cfg *c)
{
	return c && prob_ok(c->drop) && prob_ok(c->corrupt) && prob_ok(c->duplicate) &&
	       prob_ok(c->reorder) && prob_ok(c->ge_p) && prob_ok(c->ge_r) &&
	       prob_ok(c->ge_loss_good) && prob_ok(c->ge_loss_bad) && c->delay_ns >= 0 &&
	       c->jitter_ns >= 0;
}

/* Range of indices a channel or dir argument selects; -1 when invalid. */
static int sel_range(int v, int count, int *lo, int *hi)
{
	if (v == PH_LF_ALL) {
		*lo = 0;
		*hi = count - 1;
		return 0;
	}
	if (v < 0 || v >= count)
		return -1;
	*lo = *hi = v;
	return 0;
}

int ph_linkfault_set(ph_transport *t, int channel, int dir, const ph_linkfault_cfg *cfg)
{
	ph_lf *lf = as_lf(t);
	int c0, c1, d0, d1;

	if (!lf || !cfg_ok(cfg) || sel_range(channel, PP_CH_COUNT, &c0, &c1) ||
	    sel_range(dir, PH_LF_NDIR, &d0, &d1))
		return PH_T_INVALID;
	for (int c = c0; c <= c1; c++)
		for (int d = d0; d <= d1; d++)
			lf->path[c][d].cfg = *cfg;
	return PH_T_OK;
}

int ph_linkfault_clear(ph_transport *t)
{
	ph_lf *lf = as_lf(t);
	static const ph_linkfault_cfg none;

	if (!lf)
		return PH_T_INVALID;
	for (int c = 0; c < PP_CH_COUNT; c++)
		for (int d = 0; d < PH_LF_NDIR; d++) {
			lf_path *p = &lf->path[c][d];
			if (p->held) {
				enqueue(&lf->q[d], p, &p->hold, p->held_copies);
				p->held = 0;
			}
			p->cfg = none;
			p->ge_bad = 0;
		}
	return PH_T_OK;
}

int ph_linkfault_stats(ph_transport *t, int channel, int dir, ph_linkfault_counters *out)
{
	ph_lf *lf = as_lf(t);

	if (!lf || !out || channel < 0 || channel >= PP_CH_COUNT || dir < 0 || dir >= PH_LF_NDIR)
		return PH_T_INVALID;
	*out = lf->path[channel][dir].st;
	return PH_T_OK;
}

ph_transport *ph_linkfault_inner(ph_transport *t)
{
	ph_lf *lf = as_lf(t);
	return lf ? lf->inner : NULL;
}
