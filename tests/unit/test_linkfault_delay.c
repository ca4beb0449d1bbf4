/*
 * test_linkfault_delay.c - delay and jitter on the bench clock: delayed
 * frames are released at their due time, recv wakes the inner transport no
 * later than the next due time (so on a virtual clock a to-board frame
 * leaves exactly on time), order is kept, and errors pass through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "bench.h"
#include "lf_fake_inner.h"
#include "link/linkfault.h"
#include "link/transport_sim.h"

#define MS 1000000LL

static void test_from_board_delay_jitter(void **state)
{
	const ph_linkfault_cfg cfg = { .delay_ns = 5 * MS, .jitter_ns = 2 * MS };
	fake_inner *fk = fk_new(1000, PP_CH_PUMP, MS, MS);
	ph_transport *lf = ph_linkfault_wrap(&fk->base, 11);
	int64_t dmin = INT64_MAX, dmax = 0;
	uint32_t next = 0;
	ph_rx rx;

	(void)state;
	assert_int_equal(ph_linkfault_set(lf, PP_CH_PUMP, PH_LF_FROM_BOARD, &cfg), PH_T_OK);
	while (ph_recv(lf, 2000 * MS, &rx) == PH_T_OK) {
		uint32_t id = fk_id(rx.wire);
		int64_t sent = (int64_t)(id + 1) * MS, d = rx.t_ns - sent;

		assert_int_equal(id, next++);          /* order kept */
		assert_int_equal(ph_now(lf), rx.t_ns); /* released at due, not later */
		dmin = d < dmin ? d : dmin;
		dmax = d > dmax ? d : dmax;
	}
	assert_int_equal(next, 1000);
	assert_true(dmin >= 5 * MS && dmin < 5 * MS + MS / 4);
	assert_true(dmax <= 7 * MS && dmax > 7 * MS - MS / 4);
	assert_int_equal(ph_now(lf), 2000 * MS); /* then the deadline */
	ph_transport_close(lf);
}

/* The caller waits in recv for a reply; the delayed request must leave at
 * its due time although nothing else happens until the deadline. */
static void test_to_board_leaves_on_time(void **state)
{
	const ph_linkfault_cfg cfg = { .delay_ns = 3 * MS };
	fake_inner *fk = fk_new(0, 0, 0, 0);
	ph_transport *lf = ph_linkfault_wrap(&fk->base, 12);
	uint8_t w[FK_WIRE_N];
	ph_rx rx;

	(void)state;
	assert_int_equal(ph_linkfault_set(lf, PP_CH_PUMP, PH_LF_TO_BOARD, &cfg), PH_T_OK);
	fk->now = 10 * MS;
	fk_make(1, w);
	assert_int_equal(ph_send(lf, PP_CH_PUMP, w, FK_WIRE_N), PH_T_OK);
	fk_make(2, w);
	assert_int_equal(ph_send(lf, PP_CH_PUMP, w, FK_WIRE_N), PH_T_OK);
	assert_int_equal(fk->nsent, 0); /* held */
	assert_int_equal(ph_recv(lf, 100 * MS, &rx), PH_T_TIMEOUT);
	assert_int_equal(fk->nsent, 2);
	assert_int_equal(fk->sent[0].t, 13 * MS);
	assert_int_equal(fk_id(fk->sent[0].wire), 1);
	assert_int_equal(fk->sent[1].t, 13 * MS);
	assert_int_equal(fk_id(fk->sent[1].wire), 2);
	assert_int_equal(ph_now(lf), 100 * MS);
	ph_transport_close(lf);
}

/* A later send also releases what fell due meanwhile, in order. */
static void test_send_releases_due(void **state)
{
	const ph_linkfault_cfg cfg = { .delay_ns = 2 * MS };
	fake_inner *fk = fk_new(0, 0, 0, 0);
	ph_transport *lf = ph_linkfault_wrap(&fk->base, 13);
	uint8_t w[FK_WIRE_N];

	(void)state;
	ph_linkfault_set(lf, PP_CH_FIXTURE, PH_LF_TO_BOARD, &cfg);
	fk_make(1, w);
	ph_send(lf, PP_CH_FIXTURE, w, FK_WIRE_N);
	fk->now = 5 * MS;
	fk_make(2, w);
	ph_send(lf, PP_CH_FIXTURE, w, FK_WIRE_N);
	assert_int_equal(fk->nsent, 1);
	assert_int_equal(fk_id(fk->sent[0].wire), 1);
	assert_int_equal(ph_linkfault_clear(lf), PH_T_OK); /* in-flight frame stays in flight */
	fk->now = 7 * MS;
	fk_make(3, w);
	ph_send(lf, PP_CH_FIXTURE, w, FK_WIRE_N);
	assert_int_equal(fk->nsent, 3);
	assert_int_equal(fk_id(fk->sent[1].wire), 2);
	assert_int_equal(fk_id(fk->sent[2].wire), 3);
	ph_transport_close(lf);
}

/* clear() lets go of a frame held for reordering. */
static void test_clear_releases_held(void **state)
{
	const ph_linkfault_cfg cfg = { .reorder = 1.0 };
	fake_inner *fk = fk_new(0, 0, 0, 0);
	ph_transport *lf = ph_linkfault_wrap(&fk->base, 14);
	uint8_t w[FK_WIRE_N];
	ph_rx rx;

	(void)state;
	ph_linkfault_set(lf, PP_CH_PUMP, PH_LF_TO_BOARD, &cfg);
	fk_make(1, w);
	ph_send(lf, PP_CH_PUMP, w, FK_WIRE_N);
	assert_int_equal(fk->nsent, 0);
	fk_make(2, w);
	ph_send(lf, PP_CH_PUMP, w, FK_WIRE_N); /* successor: 2 then 1 */
	assert_int_equal(fk->nsent, 2);
	assert_int_equal(fk_id(fk->sent[0].wire), 2);
	assert_int_equal(fk_id(fk->sent[1].wire), 1);
	fk_make(3, w);
	ph_send(lf, PP_CH_PUMP, w, FK_WIRE_N); /* held again */
	assert_int_equal(fk->nsent, 2);
	assert_int_equal(ph_linkfault_clear(lf), PH_T_OK);
	assert_int_equal(ph_recv(lf, fk->now, &rx), PH_T_TIMEOUT);
	assert_int_equal(fk->nsent, 3);
	assert_int_equal(fk_id(fk->sent[2].wire), 3);
	ph_transport_close(lf);
}

static void test_errors_and_close(void **state)
{
	fake_inner *fk = fk_new(0, 0, 0, 0);
	int closed = 0;
	ph_transport *lf = ph_linkfault_wrap(&fk->base, 15);
	uint8_t w[FK_WIRE_N];
	char desc[64];
	ph_rx rx;

	(void)state;
	fk->closed_flag = &closed;
	fk_make(1, w);
	assert_int_equal(ph_send(lf, 2, w, FK_WIRE_N), PH_T_INVALID);
	assert_int_equal(ph_send(lf, 0, w, PP_MAX_WIRE + 1), PH_T_INVALID);
	lf->ops->describe(lf, desc, sizeof desc);
	assert_string_equal(desc, "fake (with link faults)");
	assert_int_equal(ph_transport_reconnect(lf, 0), PH_T_INVALID); /* fake has none */
	fk->gone = 1;
	assert_int_equal(ph_send(lf, 0, w, FK_WIRE_N), PH_T_NO_DEVICE);
	assert_int_equal(ph_recv(lf, MS, &rx), PH_T_NO_DEVICE);
	ph_transport_close(lf);
	assert_int_equal(closed, 1);
}

/* Over the real sim transport: a delayed interrogate reaches the board at
 * its due virtual time, and the status comes back delayed again. */
static void test_over_sim(void **state)
{
	const ph_linkfault_cfg cfg = { .delay_ns = 50 * MS };
	bench_config bc;
	ph_transport *sim, *lf;
	pp_msg m = { .type = pp_type_interrogate };
	uint8_t w[PP_MAX_WIRE];
	int64_t t0;
	pp_frame f = { 0 };
	ph_rx rx;
	int n, r;

	(void)state;
	bench_config_default(&bc);
	sim = ph_sim_open(&bc);
	assert_non_null(sim);
	lf = ph_linkfault_wrap(sim, 16);
	assert_int_equal(ph_linkfault_set(lf, PP_CH_PUMP, PH_LF_ALL, &cfg), PH_T_OK);
	t0 = ph_now(lf);
	n = pp_msg_encode(&m, PP_CH_PUMP, 5, 0, w, sizeof w);
	assert_int_equal(ph_send(lf, PP_CH_PUMP, w, (size_t)n), PH_T_OK);
	while ((r = ph_recv(lf, t0 + 10000 * MS, &rx)) == PH_T_OK) {
		assert_int_equal(pp_frame_decode(rx.wire, rx.n - 1u, &f), PP_OK);
		if (f.type == pp_type_status)
			break;
	}
	assert_int_equal(r, PH_T_OK);
	assert_int_equal(f.seq, 5);
	/* there and back: at least 100 ms of bench time, and not much more */
	assert_true(rx.t_ns - t0 >= 100 * MS);
	assert_true(rx.t_ns - t0 < 150 * MS);
	assert_true((int64_t)f.board_us * 1000 >= t0 + 50 * MS);
	ph_transport_close(lf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_board_delay_jitter),
		cmocka_unit_test(test_to_board_leaves_on_time),
		cmocka_unit_test(test_send_releases_due),
		cmocka_unit_test(test_clear_releases_held),
		cmocka_unit_test(test_errors_and_close),
		cmocka_unit_test(test_over_sim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
