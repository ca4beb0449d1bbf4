/*
 * transport_sim.c - the in-process virtual bench as a transport.
 *
 * The board's output lands in a fixed ring; recv() drains it and, when it is
 * empty, advances the virtual clock straight to the bench's next event (or
 * the deadline), so waiting costs no wall time.
 */
#include "link/transport_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_RING 128

typedef struct sim_transport {
	ph_transport base;
	bench *b;
	uint64_t seed;
	unsigned head, count;
	uint32_t overflow;
	ph_rx ring[SIM_RING];
} sim_transport;

static void on_tx(void *ud, uint8_t channel, const uint8_t *wire, size_t n, int64_t t_ns)
{
	sim_transport *s = ud;
	ph_rx *rx;

	if (s->count == SIM_RING || n > PP_MAX_WIRE) {
		s->overflow++;
		return;
	}
	rx = &s->ring[(s->head + s->count++) % SIM_RING];
	rx->channel = channel;
	rx->n = (uint16_t)n;
	rx->t_ns = t_ns;
	memcpy(rx->wire, wire, n);
}

static int sim_send(ph_transport *t, uint8_t channel, const uint8_t *wire, size_t n)
{
	sim_transport *s = (sim_transport *)t;
	if (channel >= PP_CH_COUNT)
		return PH_T_INVALID;
	bench_rx(s->b, channel, wire, n);
	return PH_T_OK;
}

static int sim_recv(ph_transport *t, int64_t deadline_ns, ph_rx *rx)
{
	sim_transport *s = (sim_transport *)t;

	for (;;) {
		if (s->count > 0) {
			*rx = s->ring[s->head];
			s->head = (s->head + 1) % SIM_RING;
			s->count--;
			return PH_T_OK;
		}
		int64_t now = bench_now_ns(s->b);
		if (now >= deadline_ns)
			return PH_T_TIMEOUT;
		int64_t next = bench_next_event_ns(s->b);
		bench_advance(s->b, next < deadline_ns ? next : deadline_ns);
	}
}

static int64_t sim_now(ph_transport *t)
{
	return bench_now_ns(((sim_transport *)t)->b);
}

static void sim_describe(ph_transport *t, char *buf, size_t n)
{
	sim_transport *s = (sim_transport *)t;
	snprintf(buf, n, "sim (virtual bench, seed %llu)", (unsigned long long)s->seed);
}

static void sim_close(ph_transport *t)
{
	sim_transport *s = (sim_transport *)t;
	bench_free(s->b);
	free(s);
}

static const ph_transport_ops sim_ops = {
	.name = "sim",
	.send = sim_send,
	.recv = sim_recv,
	.now = sim_now,
	.describe = sim_describe,
	.close = sim_close,
};

ph_transport *ph_sim_open(const bench_config *cfg)
{
	sim_transport *s = malloc(sizeof *s);

	if (!s)
		return NULL;
	memset(s, 0, offsetof(sim_transport, ring)); /* the ring needs no zeroing */
	s->base.ops = &sim_ops;
	s->seed = cfg->seed;
	s->b = bench_new(cfg, on_tx, s);
	if (!s->b) {
		free(s);
		return NULL;
	}
	return &s->base;
}

bench *ph_sim_bench(ph_transport *t)
{
	return t && t->ops == &sim_ops ? ((sim_transport *)t)->b : NULL;
}

const char *ph_transport_strerror(int err)
{
	switch (err) {
	case PH_T_OK: return "ok";
	case PH_T_TIMEOUT: return "timed out";
	case PH_T_NO_DEVICE: return "board disconnected";
	case PH_T_IO: return "transfer error";
	case PH_T_INVALID: return "invalid argument";
	case PH_T_NOT_FOUND: return "no matching board";
	case PH_T_INTERRUPTED: return "interrupted";
	default: return "unknown transport error";
	}
}
