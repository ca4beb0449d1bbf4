/*
 * test_linkfault_faults.c - what each link fault does to a stream of
 * frames, statistically and exactly: drop, corrupt, duplicate, reorder,
 * Gilbert-Elliott bursts, per-path isolation, determinism, bad settings.
 * The board side is a scripted fake transport (lf_fake_inner.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "lf_fake_inner.h"
#include "link/linkfault.h"

#define MS 1000000LL
#define N 20000

typedef struct run {
	ph_transport *lf;
	fake_inner *fk;
	ph_rx *rx;
	size_t n;
} run;

/* N frames from the board on ch through a wrapper set up by cfg. */
static run from_board(uint64_t seed, uint8_t ch, const ph_linkfault_cfg *cfg, size_t n)
{
	run r;

	r.fk = fk_new(n, ch, MS, MS);
	r.lf = ph_linkfault_wrap(&r.fk->base, seed);
	assert_non_null(r.lf);
	assert_int_equal(ph_linkfault_set(r.lf, ch, PH_LF_FROM_BOARD, cfg), PH_T_OK);
	r.rx = calloc(n * 2 + 1, sizeof *r.rx);
	r.n = lf_drain(r.lf, (int64_t)(n + 10) * MS, r.rx, n * 2 + 1);
	return r;
}

static void run_free(run *r)
{
	free(r->rx);
	ph_transport_close(r->lf);
}

static ph_linkfault_counters counters(ph_transport *lf, int ch, int dir)
{
	ph_linkfault_counters c;
	assert_int_equal(ph_linkfault_stats(lf, ch, dir, &c), PH_T_OK);
	return c;
}

static void test_transparent(void **state)
{
	const ph_linkfault_cfg none = { 0 };
	run r = from_board(1, PP_CH_PUMP, &none, 500);
	uint8_t w[FK_WIRE_N];

	(void)state;
	assert_int_equal(r.n, 500);
	for (size_t i = 0; i < r.n; i++) {
		fk_make((uint32_t)i, w);
		assert_memory_equal(r.rx[i].wire, w, FK_WIRE_N);
		assert_int_equal(r.rx[i].t_ns, (int64_t)(i + 1) * MS);
	}
	/* to board: sent at once, unchanged */
	fk_make(7, w);
	assert_int_equal(ph_send(r.lf, PP_CH_FIXTURE, w, FK_WIRE_N), PH_T_OK);
	assert_int_equal(r.fk->nsent, 1);
	assert_int_equal(r.fk->sent[0].ch, PP_CH_FIXTURE);
	assert_memory_equal(r.fk->sent[0].wire, w, FK_WIRE_N);
	run_free(&r);
}

static void test_drop(void **state)
{
	const ph_linkfault_cfg cfg = { .drop = 0.3 };
	run r = from_board(2, PP_CH_PUMP, &cfg, N);
	ph_linkfault_counters c = counters(r.lf, PP_CH_PUMP, PH_LF_FROM_BOARD);
	uint32_t last = 0;

	(void)state;
	assert_int_equal(c.frames, N);
	assert_int_equal(c.dropped + r.n, N);
	assert_int_equal(c.delivered, r.n);
	assert_in_range(c.dropped, (uint64_t)(0.28 * N), (uint64_t)(0.32 * N));
	for (size_t i = 0; i < r.n; i++) { /* survivors intact and in order */
		uint32_t id = fk_id(r.rx[i].wire);
		assert_true(i == 0 || id > last);
		last = id;
	}
	run_free(&r);
}

static int bit_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	int d = 0;
	for (size_t i = 0; i < n; i++)
		d += __builtin_popcount((unsigned)(a[i] ^ b[i]));
	return d;
}

static void test_corrupt(void **state)
{
	const ph_linkfault_cfg cfg = { .corrupt = 0.5 };
	run r = from_board(3, PP_CH_FIXTURE, &cfg, N);
	ph_linkfault_counters c = counters(r.lf, PP_CH_FIXTURE, PH_LF_FROM_BOARD);
	uint64_t flipped = 0;
	uint8_t w[FK_WIRE_N];

	(void)state;
	assert_int_equal(r.n, N);
	for (size_t i = 0; i < r.n; i++) {
		int d;
		fk_make((uint32_t)i, w);
		d = bit_diff(r.rx[i].wire, w, FK_WIRE_N);
		assert_in_range(d, 0, 1);                         /* one bit at most */
		assert_int_equal(r.rx[i].wire[FK_WIRE_N - 1], 0); /* delimiter kept */
		flipped += (uint64_t)d;
	}
	assert_int_equal(flipped, c.corrupted);
	assert_in_range(c.corrupted, (uint64_t)(0.48 * N), (uint64_t)(0.52 * N));
	run_free(&r);
}

static void test_duplicate(void **state)
{
	const ph_linkfault_cfg cfg = { .duplicate = 0.25 };
	run r = from_board(4, PP_CH_PUMP, &cfg, N);
	ph_linkfault_counters c = counters(r.lf, PP_CH_PUMP, PH_LF_FROM_BOARD);
	size_t k = 0;
	uint64_t twice = 0;

	(void)state;
	assert_int_equal(r.n, N + c.duplicated);
	assert_int_equal(c.delivered, r.n);
	assert_in_range(c.duplicated, (uint64_t)(0.23 * N), (uint64_t)(0.27 * N));
	for (uint32_t id = 0; id < N; id++) { /* each once or twice, copies adjacent */
		assert_int_equal(fk_id(r.rx[k++].wire), id);
		if (k < r.n && fk_id(r.rx[k].wire) == id) {
			k++;
			twice++;
		}
	}
	assert_int_equal(k, r.n);
	assert_int_equal(twice, c.duplicated);
	run_free(&r);
}

static void test_reorder(void **state)
{
	const ph_linkfault_cfg cfg = { .reorder = 0.2 };
	run r = from_board(5, PP_CH_PUMP, &cfg, N);
	ph_linkfault_counters c = counters(r.lf, PP_CH_PUMP, PH_LF_FROM_BOARD);
	uint64_t swaps = 0;
	char *seen = calloc(N, 1);
	int last_held = r.n < N;
	ph_rx rx;

	(void)state;
	/* The last frame may still be held (no successor): clear releases it. */
	assert_int_equal(ph_linkfault_clear(r.lf), PH_T_OK);
	while (ph_recv(r.lf, (N + 20) * MS, &rx) == PH_T_OK)
		r.rx[r.n++] = rx;
	assert_int_equal(r.n, N); /* nothing lost, nothing added */
	for (size_t i = 0; i < r.n; i++) {
		uint32_t id = fk_id(r.rx[i].wire);
		assert_true(id + 1 >= i && id <= i + 1); /* displaced by one place at most */
		assert_false(seen[id]);
		seen[id] = 1;
		if (i + 1 < r.n && fk_id(r.rx[i + 1].wire) < id)
			swaps++;
	}
	assert_int_equal(swaps + (uint64_t)last_held, c.reordered);
	/* a frame right after a held one is never held itself: rate p/(1+p) */
	assert_in_range(c.reordered, (uint64_t)(0.15 * N), (uint64_t)(0.185 * N));
	free(seen);
	run_free(&r);
}

/* Loss statistics: loss rate and mean length of runs of lost frames. */
static void loss_runs(const run *r, double *rate, double *mean_burst)
{
	uint32_t expect = 0;
	uint64_t lost = 0, bursts = 0;

	for (size_t i = 0; i <= r->n; i++) {
		uint32_t id = i < r->n ? fk_id(r->rx[i].wire) : (uint32_t)r->fk->nscript;
		if (id > expect) {
			lost += id - expect;
			bursts++;
		}
		expect = id + 1;
	}
	*rate = (double)lost / (double)r->fk->nscript;
	*mean_burst = bursts ? (double)lost / (double)bursts : 0;
}

static void test_gilbert_elliott(void **state)
{
	/* bad share p/(p+r) = 1/11; lost only in bad; mean burst 1/r = 10 */
	const ph_linkfault_cfg ge = { .ge_p = 0.01, .ge_r = 0.1, .ge_loss_bad = 1.0 };
	const ph_linkfault_cfg iid = { .drop = 1.0 / 11 };
	run r = from_board(6, PP_CH_PUMP, &ge, 5 * N);
	run q = from_board(6, PP_CH_PUMP, &iid, 5 * N);
	ph_linkfault_counters c = counters(r.lf, PP_CH_PUMP, PH_LF_FROM_BOARD);
	double rate, burst, qrate, qburst;

	(void)state;
	loss_runs(&r, &rate, &burst);
	loss_runs(&q, &qrate, &qburst);
	assert_int_equal(c.burst_dropped + r.n, 5 * N);
	assert_int_equal(c.bad_state, c.burst_dropped); /* loss_bad 1, loss_good 0 */
	assert_true(rate > 0.07 && rate < 0.11);
	assert_true(burst > 8.0 && burst < 12.0);
	/* the same loss rate without memory gives short bursts */
	assert_true(qrate > 0.085 && qrate < 0.097);
	assert_true(qburst < 1.3);
	run_free(&r);
	run_free(&q);
}

/* Faults on one path leave the three others alone. */
static void test_isolation(void **state)
{
	const ph_linkfault_cfg all = { .drop = 1.0 };
	fake_inner *fk = fk_new(100, PP_CH_FIXTURE, MS, MS);
	ph_transport *lf = ph_linkfault_wrap(&fk->base, 7);
	ph_rx rx[200];
	uint8_t w[FK_WIRE_N];

	(void)state;
	assert_int_equal(ph_linkfault_set(lf, PP_CH_FIXTURE, PH_LF_TO_BOARD, &all), PH_T_OK);
	fk_make(1, w);
	assert_int_equal(ph_send(lf, PP_CH_PUMP, w, FK_WIRE_N), PH_T_OK);
	assert_int_equal(ph_send(lf, PP_CH_FIXTURE, w, FK_WIRE_N), PH_T_OK);
	assert_int_equal(fk->nsent, 1);
	assert_int_equal(fk->sent[0].ch, PP_CH_PUMP);
	assert_int_equal(lf_drain(lf, 200 * MS, rx, 200), 100); /* fixture from board intact */
	assert_int_equal(counters(lf, PP_CH_FIXTURE, PH_LF_TO_BOARD).dropped, 1);
	assert_int_equal(counters(lf, PP_CH_PUMP, PH_LF_TO_BOARD).dropped, 0);
	/* PH_LF_ALL reaches every path */
	assert_int_equal(ph_linkfault_set(lf, PH_LF_ALL, PH_LF_ALL, &all), PH_T_OK);
	assert_int_equal(ph_send(lf, PP_CH_PUMP, w, FK_WIRE_N), PH_T_OK);
	assert_int_equal(fk->nsent, 1);
	ph_transport_close(lf);
}

/* Output of a to-board stream with every fault on, as a hash. */
static uint64_t to_board_hash(uint64_t seed, int interleave)
{
	const ph_linkfault_cfg cfg = { .drop = 0.1,
		                       .corrupt = 0.1,
		                       .duplicate = 0.1,
		                       .reorder = 0.1,
		                       .ge_p = 0.05,
		                       .ge_r = 0.3,
		                       .ge_loss_bad = 0.8 };
	fake_inner *fk = fk_new(interleave ? 2000 : 0, PP_CH_PUMP, 0, MS / 2);
	ph_transport *lf = ph_linkfault_wrap(&fk->base, seed);
	uint64_t h = 1469598103934665603ull;
	uint8_t w[FK_WIRE_N];
	ph_rx rx;

	ph_linkfault_set(lf, PH_LF_ALL, PH_LF_ALL, &cfg);
	for (uint32_t i = 0; i < 1000; i++) {
		fk_make(i, w);
		assert_int_equal(ph_send(lf, PP_CH_PUMP, w, FK_WIRE_N), PH_T_OK);
		while (ph_recv(lf, (int64_t)(i + 1) * MS, &rx) == PH_T_OK)
			;
	}
	for (size_t i = 0; i < fk->nsent; i++)
		for (int b = 0; b < FK_WIRE_N; b++)
			h = (h ^ fk->sent[i].wire[b]) * 1099511628211ull;
	h ^= fk->nsent;
	ph_transport_close(lf);
	return h;
}

static void test_determinism(void **state)
{
	(void)state;
	assert_true(to_board_hash(42, 0) == to_board_hash(42, 0));
	assert_true(to_board_hash(42, 0) != to_board_hash(43, 0));
	/* traffic in the other direction draws from its own generator */
	assert_true(to_board_hash(42, 0) == to_board_hash(42, 1));
}

static void test_invalid(void **state)
{
	fake_inner *fk = fk_new(0, 0, 0, 0);
	ph_transport *lf = ph_linkfault_wrap(&fk->base, 1);
	ph_linkfault_cfg cfg = { 0 };
	ph_linkfault_counters c;

	(void)state;
	assert_int_equal(ph_linkfault_set(lf, 2, 0, &cfg), PH_T_INVALID);
	assert_int_equal(ph_linkfault_set(lf, 0, 2, &cfg), PH_T_INVALID);
	assert_int_equal(ph_linkfault_stats(lf, PH_LF_ALL, 0, &c), PH_T_INVALID);
	cfg.drop = 1.5;
	assert_int_equal(ph_linkfault_set(lf, 0, 0, &cfg), PH_T_INVALID);
	cfg.drop = 0;
	cfg.ge_r = -0.1;
	assert_int_equal(ph_linkfault_set(lf, 0, 0, &cfg), PH_T_INVALID);
	cfg.ge_r = 0;
	cfg.jitter_ns = -1;
	assert_int_equal(ph_linkfault_set(lf, 0, 0, &cfg), PH_T_INVALID);
	/* not a link-fault transport */
	assert_int_equal(ph_linkfault_clear(&fk->base), PH_T_INVALID);
	assert_null(ph_linkfault_inner(&fk->base));
	assert_ptr_equal(ph_linkfault_inner(lf), &fk->base);
	ph_transport_close(lf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transparent), cmocka_unit_test(test_drop),
		cmocka_unit_test(test_corrupt),     cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_reorder),     cmocka_unit_test(test_gilbert_elliott),
		cmocka_unit_test(test_isolation),   cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
