/*
 * test_sim_bench.c - the bench around the rig: a supply ramp below the
 * brown-out level holds the board in reset (silent, no strokes) until the
 * supply returns, then it boots with cause brown-out; the RF path drops
 * uplink frames only when told so; fixture settings arrive as frames.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bench.h"

#define S 1000000000LL

typedef struct rec {
	int pump_frames; /* frames on the pump channel */
	int64_t last_pump_ns;
	int boots, boot_cause;
	int64_t boot_ns;
	pp_deframer df;
} rec;

static void on_tx(void *ud, uint8_t channel, const uint8_t *wire, size_t n, int64_t t_ns)
{
	rec *r = ud;
	size_t len;

	if (channel != PP_CH_PUMP)
		return;
	r->pump_frames++;
	r->last_pump_ns = t_ns;
	while ((len = pp_deframer_push(&r->df, &wire, &n)) > 0) {
		pp_frame f;
		pp_msg m;
		if (pp_frame_decode(r->df.buf, len, &f) == PP_OK &&
		    pp_msg_unpack(&f, &m) == PP_OK && m.type == pp_type_event &&
		    m.u.event.code == PP_EV_BOOT && m.u.event.evseq != 0 && t_ns != r->boot_ns) {
			r->boots++;
			r->boot_cause = m.u.event.arg;
			r->boot_ns = t_ns;
		}
	}
}

static void send(bench *b, uint8_t ch, const pp_msg *m, uint16_t seq)
{
	uint8_t wire[PP_MAX_WIRE];
	int n = pp_msg_encode(m, ch, seq, 0, wire, sizeof wire);

	assert_true(n > 0);
	bench_rx(b, ch, wire, (size_t)n);
}

static void fx_set(bench *b, uint8_t param, int32_t v)
{
	pp_msg m = { .type = pp_type_fx_set };

	m.u.fx_set.param = param;
	m.u.fx_set.value = v;
	send(b, PP_CH_FIXTURE, &m, 1);
}

static void supply_below_brownout_holds_the_board_in_reset(void **state)
{
	rec r;
	bench_config cfg;
	bench *b;
	uint32_t strokes;

	(void)state;
	memset(&r, 0, sizeof r);
	pp_deframer_init(&r.df);
	bench_config_default(&cfg);
	b = bench_new(&cfg, on_tx, &r);
	assert_non_null(b);
	bench_advance(b, 10 * S);
	/* 3600 -> 1600 mV over 200 s from t = 10 s: 2000 mV at t = 170 s. */
	fx_set(b, PP_FX_SUPPLY_RAMP_S, 200);
	fx_set(b, PP_FX_SUPPLY_RAMP_MV, 1600);
	bench_advance(b, 169 * S);
	r.pump_frames = 0;
	strokes = bench_fixture(b)->strokes;
	bench_advance(b, 600 * S);
	assert_true(r.pump_frames == 0 || r.last_pump_ns <= 170 * S);
	assert_int_equal(bench_fixture(b)->strokes, strokes);
	/* A command to the pump meets a board that is off. */
	{
		pp_msg m = { .type = pp_type_interrogate };
		int before = r.pump_frames;
		send(b, PP_CH_PUMP, &m, 7);
		bench_advance(b, 601 * S);
		assert_int_equal(r.pump_frames, before);
	}
	/* Supply back: the board boots at that instant, cause brown-out. */
	r.boots = 0;
	fx_set(b, PP_FX_SUPPLY_MV, 3600);
	bench_advance(b, 602 * S);
	assert_int_equal(r.boots, 1);
	assert_int_equal(r.boot_cause, 2);
	assert_int_equal(r.boot_ns, 601 * S);
	bench_free(b);
}

static void uplink_loss_drops_only_what_the_pump_sends(void **state)
{
	rec r;
	bench_config cfg;
	bench *b;
	pp_msg m = { .type = pp_type_interrogate };

	(void)state;
	memset(&r, 0, sizeof r);
	pp_deframer_init(&r.df);
	bench_config_default(&cfg);
	b = bench_new(&cfg, on_tx, &r);
	bench_advance(b, S);
	fx_set(b, PP_FX_RF_UPLINK_LOSS_PM, 1000);
	r.pump_frames = 0;
	send(b, PP_CH_PUMP, &m, 3);
	bench_advance(b, 2 * S);
	assert_int_equal(r.pump_frames, 0);
	/* The request did arrive: the pump counts it as its last frame. */
	assert_int_equal(bench_pump(b)->last_seq, 3);
	fx_set(b, PP_FX_RF_UPLINK_LOSS_PM, 0);
	send(b, PP_CH_PUMP, &m, 4);
	bench_advance(b, 3 * S);
	assert_true(r.pump_frames >= 1);
	bench_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(supply_below_brownout_holds_the_board_in_reset),
		cmocka_unit_test(uplink_loss_drops_only_what_the_pump_sends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
