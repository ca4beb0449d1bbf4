/*
 * bench.h - the virtual bench: reference firmware + virtual fixture on a
 * virtual clock.
 *
 * The bench is a board as the harness sees it: bytes go in on a channel,
 * bytes come out on a channel, and nothing else crosses.  Time only moves
 * when the caller advances it; bench_advance() jumps from event to event
 * (tickless), so days of therapy take milliseconds and a run replays exactly
 * from its seed.
 *
 * Ownership: bench_new() allocates one bench (host only; the firmware inside
 * uses none); bench_free() releases it.  Not thread-safe: one thread drives a
 * bench.  No call blocks.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "fixture.h"
#include "fw.h"

typedef struct bench bench;

/* Called for every frame the board (pump or fixture side) emits.  wire is
 * COBS + delimiter; t_ns is the virtual time of emission. */
typedef void (*bench_tx_fn)(void *ud, uint8_t channel, const uint8_t *wire, size_t n, int64_t t_ns);

typedef struct bench_config {
	fw_config fw;
	fixture_config fx;
	uint64_t seed;
} bench_config;

/* Defaults of the reference bench profile. */
void bench_config_default(bench_config *cfg);

/* A powered-on bench at virtual time 0.  Returns NULL on allocation failure. */
bench *bench_new(const bench_config *cfg, bench_tx_fn tx, void *ud);
void bench_free(bench *b);

/* Host -> board bytes on a channel, delivered at the current virtual time
 * (after the RF model of the pump channel had its say). */
void bench_rx(bench *b, uint8_t channel, const uint8_t *wire, size_t n);

/* Run everything due up to and including t_ns; the clock ends at t_ns. */
void bench_advance(bench *b, int64_t t_ns);

/* Virtual time now, ns. */
int64_t bench_now_ns(const bench *b);

/* Earliest virtual time at which the bench has work, INT64_MAX if none. */
int64_t bench_next_event_ns(const bench *b);

/* Read-only views for the bench's own tests and benchmarks (the harness
 * never uses these: it measures through the fixture channel). */
const fw_pump *bench_pump(const bench *b);
const fixture *bench_fixture(const bench *b);

#endif
