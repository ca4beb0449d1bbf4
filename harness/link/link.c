/*
 * link.c - requests, replies, retries and events over a transport.
 */
#include "link/link.h"
#include "base/interrupt.h"

#include <stdlib.h>
#include <string.h>

#define UNSOLICITED 16
#define SEEN_EVSEQ 64

struct ph_link {
	ph_transport *t;
	ph_frame_tap tap;
	void *tap_ud;
	int64_t reply_timeout_ns;
	int retries;
	int auto_ack;
	int gone; /* the transport reported the board gone */
	uint16_t seq[PP_CH_COUNT];
	ph_link_stats st;
	unsigned ev_head, ev_count;
	unsigned seen_n, seen_at;
	unsigned un_head, un_count;
	/* Large buffers last: they need no zeroing (see ph_link_new). */
	pp_deframer in[PP_CH_COUNT];
	struct {
		pp_event ev;
		uint64_t board_us;
	} seen[SEEN_EVSEQ];
	ph_event ev[PH_LINK_EVENTS]; /* events, a ring */
	pp_msg un[UNSOLICITED];      /* replies nobody waited for */
	pp_frame un_f[UNSOLICITED];
};

const char *ph_link_strerror(int err)
{
	switch (err) {
	case PH_LINK_OK: return "ok";
	case PH_LINK_TIMEOUT: return "no reply from the board";
	case PH_LINK_NAK: return "request NAKed by the board";
	case PH_LINK_NO_DEVICE: return "board disconnected";
	case PH_LINK_IO: return "transport error";
	case PH_LINK_INVALID: return "request cannot be encoded";
	case PH_LINK_INTERRUPTED: return "interrupted";
	default: return "unknown link error";
	}
}

ph_link *ph_link_new(ph_transport *t)
{
	ph_link *l = malloc(sizeof *l);
	if (!l)
		return NULL;
	/* Only the bookkeeping is zeroed: a new link per test must be cheap. */
	memset(l, 0, offsetof(ph_link, in));
	l->t = t;
	l->reply_timeout_ns = 250 * 1000000LL;
	l->retries = 3;
	l->auto_ack = 1;
	for (int c = 0; c < PP_CH_COUNT; c++)
		pp_deframer_init(&l->in[c]);
	return l;
}

void ph_link_free(ph_link *l)
{
	free(l);
}

void ph_link_set_tap(ph_link *l, ph_frame_tap tap, void *ud)
{
	l->tap = tap;
	l->tap_ud = ud;
}

void ph_link_set_timing(ph_link *l, int64_t reply_timeout_ns, int retries)
{
	l->reply_timeout_ns = reply_timeout_ns;
	l->retries = retries;
}

void ph_link_get_timing(const ph_link *l, int64_t *reply_timeout_ns, int *retries)
{
	*reply_timeout_ns = l->reply_timeout_ns;
	*retries = l->retries;
}

void ph_link_set_auto_ack(ph_link *l, int on)
{
	l->auto_ack = on;
}

ph_transport *ph_link_transport(ph_link *l)
{
	return l->t;
}

int64_t ph_link_now(ph_link *l)
{
	return ph_now(l->t);
}

const ph_link_stats *ph_link_stats_get(const ph_link *l)
{
	return &l->st;
}

static int map_terr(int r)
{
	return r == PH_T_NO_DEVICE     ? PH_LINK_NO_DEVICE
	       : r == PH_T_INTERRUPTED ? PH_LINK_INTERRUPTED
	                               : PH_LINK_IO;
}

int ph_link_send_raw(ph_link *l, uint8_t channel, const uint8_t *bytes, size_t n)
{
	int r;
	if (l->gone)
		return PH_LINK_NO_DEVICE;
	if (l->tap)
		l->tap(l->tap_ud, ph_now(l->t), channel, 0, bytes, n);
	l->st.tx++;
	r = ph_send(l->t, channel, bytes, n);
	if (r == PH_T_NO_DEVICE)
		l->gone = 1;
	return r == PH_T_OK ? PH_LINK_OK : map_terr(r);
}

static int send_seq(ph_link *l, uint8_t channel, const pp_msg *m, uint16_t seq, uint8_t flags)
{
	uint8_t wire[PP_MAX_WIRE];
	pp_frame f;
	int n;

	memset(&f, 0, offsetof(pp_frame, payload));
	f.version = PP_VERSION;
	f.channel = channel;
	f.seq = seq;
	f.flags = flags;
	if (pp_msg_pack(m, &f) != PP_OK)
		return PH_LINK_INVALID;
	n = pp_frame_encode(&f, wire, sizeof wire);
	if (n < 0)
		return PH_LINK_INVALID;
	return ph_link_send_raw(l, channel, wire, (size_t)n);
}

int ph_link_send(ph_link *l, uint8_t channel, const pp_msg *m, uint8_t flags)
{
	uint16_t seq;
	int r;
	if (channel >= PP_CH_COUNT)
		return PH_LINK_INVALID;
	seq = ++l->seq[channel];
	r = send_seq(l, channel, m, seq, flags);
	return r < 0 ? r : seq;
}

/* An event instance is its evseq, its board stamp and its content: copies
 * resent until acknowledged carry all of them unchanged, while a board that
 * reset numbers its events afresh (at a later board time, or at least with
 * other content: a BOOT names its cause). */
static int seen_event(ph_link *l, const pp_event *e, uint64_t board_us)
{
	for (unsigned i = 0; i < l->seen_n; i++)
		if (l->seen[i].ev.evseq == e->evseq && l->seen[i].board_us == board_us &&
		    l->seen[i].ev.code == e->code && l->seen[i].ev.alarm == e->alarm &&
		    l->seen[i].ev.arg == e->arg)
			return 1;
	l->seen[l->seen_at].ev = *e;
	l->seen[l->seen_at].board_us = board_us;
	l->seen_at = (l->seen_at + 1) % SEEN_EVSEQ;
	if (l->seen_n < SEEN_EVSEQ)
		l->seen_n++;
	return 0;
}

static void on_event(ph_link *l, const pp_frame *f, const pp_msg *m, int64_t t_ns)
{
	if (l->auto_ack) {
		pp_msg ack = { .type = pp_type_event_ack };
		ack.u.event_ack.evseq = m->u.event.evseq;
		ph_link_send(l, PP_CH_PUMP, &ack, 0);
	}
	if (seen_event(l, &m->u.event, f->board_us)) {
		l->st.dup_events++;
		return;
	}
	if (l->ev_count == PH_LINK_EVENTS) {
		l->st.dropped_events++;
		return;
	}
	ph_event *e = &l->ev[(l->ev_head + l->ev_count++) % PH_LINK_EVENTS];
	e->t_ns = t_ns;
	e->board_us = f->board_us;
	e->ev = m->u.event;
}

static void keep_unsolicited(ph_link *l, const pp_frame *f, const pp_msg *m)
{
	unsigned at;
	if (l->un_count == UNSOLICITED) {
		l->un_head = (l->un_head + 1) % UNSOLICITED;
		l->un_count--;
	}
	at = (l->un_head + l->un_count++) % UNSOLICITED;
	l->un[at] = *m;
	l->un_f[at] = *f;
}

/* Receive until deadline or until the reply (channel, seq) arrives; with
 * want_ch == -2, until any event is queued.  Returns 1 when it did, 0 on
 * deadline, < 0 on transport error. */
static int pump(ph_link *l, int64_t deadline, int want_ch, int want_seq, pp_msg *reply,
                ph_call_info *info)
{
	ph_rx rx;
	for (;;) {
		if (ph_interrupted())
			return PH_LINK_INTERRUPTED;
		int r = ph_recv(l->t, deadline, &rx);
		if (r == PH_T_TIMEOUT)
			return 0;
		if (r != PH_T_OK) {
			if (r == PH_T_NO_DEVICE)
				l->gone = 1;
			return map_terr(r);
		}
		if (l->tap)
			l->tap(l->tap_ud, rx.t_ns, rx.channel, 1, rx.wire, rx.n);
		if (rx.channel >= PP_CH_COUNT) {
			l->st.bad_rx++;
			continue;
		}
		const uint8_t *p = rx.wire;
		size_t left = rx.n, len;
		int got = 0;
		while ((len = pp_deframer_push(&l->in[rx.channel], &p, &left)) > 0) {
			pp_frame f;
			pp_msg m;
			l->st.rx++;
			if (pp_frame_decode(l->in[rx.channel].buf, len, &f) != PP_OK ||
			    f.channel != rx.channel || pp_msg_unpack(&f, &m) != PP_OK) {
				l->st.bad_rx++;
				continue;
			}
			if (m.type == pp_type_event) {
				on_event(l, &f, &m, rx.t_ns);
			} else if (m.type == pp_type_fx_sample) {
				/* A monitor sample: the tap recorded it; nobody waits. */
			} else if (!got && f.channel == want_ch && f.seq == want_seq) {
				*reply = m;
				if (info) {
					info->t_reply = rx.t_ns;
					info->board_us = f.board_us;
				}
				got = 1;
			} else {
				l->st.stale++;
				keep_unsolicited(l, &f, &m);
			}
		}
		if (got || (want_ch == -2 && l->ev_count > 0))
			return 1;
	}
}

int ph_link_call(ph_link *l, uint8_t channel, const pp_msg *req, pp_msg *reply, ph_call_info *info)
{
	ph_call_info local;
	uint16_t seq;
	int r;

	if (!info)
		info = &local;
	memset(info, 0, sizeof *info);
	if (channel >= PP_CH_COUNT)
		return PH_LINK_INVALID;
	seq = ++l->seq[channel];
	info->t_sent = ph_now(l->t);
	for (int attempt = 0; attempt <= l->retries; attempt++) {
		int64_t t_attempt = ph_now(l->t);

		info->attempts = attempt + 1;
		if (attempt > 0)
			l->st.retries++;
		r = send_seq(l, channel, req, seq, attempt ? PP_FLAG_RETRY : 0);
		if (r < 0)
			return r;
		r = pump(l, ph_now(l->t) + l->reply_timeout_ns, channel, seq, reply, info);
		if (r < 0)
			return r;
		if (r == 1) {
			if (info->t_reply - t_attempt > l->st.rtt_max_ns)
				l->st.rtt_max_ns = info->t_reply - t_attempt;
			if (reply->type == pp_type_nak) {
				l->st.naks++;
				return PH_LINK_NAK;
			}
			return PH_LINK_OK;
		}
	}
	l->st.timeouts++;
	return PH_LINK_TIMEOUT;
}

int ph_link_run_until(ph_link *l, int64_t t_ns)
{
	pp_msg unused;
	int r = pump(l, t_ns, -1, -1, &unused, NULL);
	return r < 0 ? r : PH_LINK_OK;
}

int ph_link_next_event(ph_link *l, int64_t deadline_ns, ph_event *ev)
{
	pp_msg unused;
	for (;;) {
		if (l->ev_count > 0) {
			*ev = l->ev[l->ev_head];
			l->ev_head = (l->ev_head + 1) % PH_LINK_EVENTS;
			l->ev_count--;
			return 1;
		}
		if (ph_now(l->t) >= deadline_ns)
			return 0;
		/* Wait for the next frame (any), then look again. */
		int r = pump(l, deadline_ns, -2, -2, &unused, NULL);
		if (r < 0)
			return r;
		if (r == 0 && l->ev_count == 0)
			return 0;
	}
}

int ph_link_pop_unsolicited(ph_link *l, pp_msg *m, pp_frame *f)
{
	if (l->un_count == 0)
		return 0;
	*m = l->un[l->un_head];
	if (f)
		*f = l->un_f[l->un_head];
	l->un_head = (l->un_head + 1) % UNSOLICITED;
	l->un_count--;
	return 1;
}
