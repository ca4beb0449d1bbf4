/*
 * lf_fake_inner.h - a scripted transport for the link-fault tests: a
 * virtual clock like the sim's, frames "from the board" arriving at
 * scripted times, and a log of what was sent "to the board" and when.
 * Frames carry an id in their bytes so tests can follow them.
 */
#ifndef LF_FAKE_INNER_H
#define LF_FAKE_INNER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link/linkfault.h"
#include "link/transport.h"

#define FK_WIRE_N 6

typedef struct fk_frame {
	int64_t t;
	uint8_t ch;
	uint16_t n;
	uint8_t wire[FK_WIRE_N];
} fk_frame;

typedef struct fake_inner {
	ph_transport base;
	int64_t now;
	fk_frame *sent;
	size_t nsent, capsent;
	fk_frame *script; /* arrivals, ascending t */
	size_t nscript, next;
	int gone;
	int *closed_flag;
} fake_inner;

/* A frame whose body encodes id (never 0x00) and ends in the delimiter. */
static inline void fk_make(uint32_t id, uint8_t *w)
{
	w[0] = (uint8_t)(1 + id % 251);
	w[1] = (uint8_t)(1 + id / 251 % 251);
	w[2] = (uint8_t)(1 + id / 63001 % 251);
	w[3] = 0xa5;
	w[4] = 0x5a;
	w[5] = 0;
}

static inline uint32_t fk_id(const uint8_t *w)
{
	return (uint32_t)(w[0] - 1) + 251u * (uint32_t)(w[1] - 1) + 63001u * (uint32_t)(w[2] - 1);
}

static inline int fk_send(ph_transport *t, uint8_t ch, const uint8_t *wire, size_t n)
{
	fake_inner *f = (fake_inner *)t;
	fk_frame *s;

	if (f->gone)
		return PH_T_NO_DEVICE;
	if (f->nsent == f->capsent) {
		f->capsent = f->capsent ? 2 * f->capsent : 1024;
		f->sent = realloc(f->sent, f->capsent * sizeof *f->sent);
	}
	s = &f->sent[f->nsent++];
	s->t = f->now;
	s->ch = ch;
	s->n = (uint16_t)n;
	memcpy(s->wire, wire, n < FK_WIRE_N ? n : FK_WIRE_N);
	return PH_T_OK;
}

static inline int fk_recv(ph_transport *t, int64_t deadline, ph_rx *rx)
{
	fake_inner *f = (fake_inner *)t;
	const fk_frame *s;

	if (f->gone)
		return PH_T_NO_DEVICE;
	if (f->next < f->nscript && f->script[f->next].t <= deadline) {
		s = &f->script[f->next++];
		if (s->t > f->now)
			f->now = s->t;
		rx->channel = s->ch;
		rx->n = s->n;
		rx->t_ns = s->t;
		memcpy(rx->wire, s->wire, s->n);
		return PH_T_OK;
	}
	if (deadline > f->now)
		f->now = deadline;
	return PH_T_TIMEOUT;
}

static inline int64_t fk_now(ph_transport *t)
{
	return ((fake_inner *)t)->now;
}

static inline void fk_describe(ph_transport *t, char *buf, size_t n)
{
	(void)t;
	snprintf(buf, n, "fake");
}

static inline void fk_close(ph_transport *t)
{
	fake_inner *f = (fake_inner *)t;

	if (f->closed_flag)
		*f->closed_flag = 1;
	free(f->sent);
	free(f->script);
	free(f);
}

static const ph_transport_ops fk_ops = {
	.name = "fake",
	.send = fk_send,
	.recv = fk_recv,
	.now = fk_now,
	.describe = fk_describe,
	.close = fk_close,
};

/* n frames on channel ch arriving every period_ns from t0, ids from 0. */
static inline fake_inner *fk_new(size_t n, uint8_t ch, int64_t t0, int64_t period_ns)
{
	fake_inner *f = calloc(1, sizeof *f);

	f->base.ops = &fk_ops;
	f->script = calloc(n ? n : 1, sizeof *f->script);
	f->nscript = n;
	for (size_t i = 0; i < n; i++) {
		f->script[i].t = t0 + (int64_t)i * period_ns;
		f->script[i].ch = ch;
		f->script[i].n = FK_WIRE_N;
		fk_make((uint32_t)i, f->script[i].wire);
	}
	return f;
}

/* Everything the wrapper delivers before deadline; returns the count. */
static inline size_t lf_drain(ph_transport *lf, int64_t deadline, ph_rx *out, size_t cap)
{
	size_t k = 0;
	ph_rx rx;

	while (ph_recv(lf, deadline, &rx) == PH_T_OK)
		if (k < cap)
			out[k++] = rx;
	return k;
}

#endif
