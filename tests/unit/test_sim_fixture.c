/*
 * test_sim_fixture.c - the virtual rig's physics: occlusion builds pressure
 * and releases it as a bolus, a kink pressurises the catheter too, leaks and
 * disconnections divert flow from the balance, the pinch valve cycles, the
 * supply ramps and browns out, the RF path fades, temperature changes the
 * line's resistance, a dry reservoir strokes nothing.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim_fixture_test.h" /* fixture_priv.h, F, fixture_setup, fx_set */

#define S 1000000000LL
#define MIN (60 * S)
#define STROKE 250u

static int setup(void **state)
{
	return fixture_setup(state, 42);
}

static double in_line(const fixture *fx)
{
	return fx->line_nl + fx->cath_nl;
}

/* Every nL taken from the reservoir is in the line, at the balance or lost. */
static void assert_conserved(const fixture *fx, double filled)
{
	double total = fx->reservoir_nl + in_line(fx) + fx->at_balance_nl + fx->leaked_nl;
	assert_true(fabs(total - filled) < 1e-3);
}

static void open_line_delivers_every_stroke(void **state)
{
	fixture *fx = *state;

	for (int i = 0; i < 10; i++)
		assert_int_equal(fixture_stroke(fx, i * MIN, STROKE), 1);
	fixture_advance(fx, 11 * MIN);
	assert_true(fabs(fx->at_balance_nl - 10.0 * STROKE) < 1e-3);
	assert_int_equal(fixture_pressure_pa(fx, 11 * MIN), 0);
	assert_int_equal(fx->strokes, 10);
	assert_conserved(fx, 20000000.0);
}

static void occlusion_builds_pressure_and_releases_a_bolus(void **state)
{
	fixture *fx = *state;

	assert_int_equal(fx_set(fx, 0, PP_FX_PINCH_PM, 1000), PP_REFUSE_OK);
	for (int i = 1; i <= 8; i++)
		fixture_stroke(fx, i * MIN, STROKE);
	/* 8 strokes of 250 nL into 20 nL/kPa: 100 kPa, held for an hour. */
	assert_int_equal(fixture_pressure_pa(fx, 9 * MIN), 100000);
	assert_int_equal(fixture_pressure_pa(fx, 69 * MIN), 100000);
	assert_true(fx->at_balance_nl < 1.0);
	/* Released: the stored 2 uL reaches the balance within seconds. */
	assert_int_equal(fx_set(fx, 70 * MIN, PP_FX_PINCH_PM, 0), PP_REFUSE_OK);
	fixture_advance(fx, 70 * MIN + 10 * S);
	assert_true(fabs(fx->at_balance_nl - 8.0 * STROKE) < 1.0);
	assert_true(fixture_pressure_pa(fx, 70 * MIN + 10 * S) < 10);
	assert_conserved(fx, 20000000.0);
}

static void kink_at_the_tip_pressurises_the_catheter_too(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 0, PP_FX_KINK_PM, 1000);
	for (int i = 1; i <= 6; i++)
		fixture_stroke(fx, i * MIN, STROKE);
	/* 1500 nL over 20 + 10 nL/kPa once the two segments equalise: 50 kPa. */
	assert_int_equal(fixture_pressure_pa(fx, 7 * MIN), 50000);
	assert_true(fabs(fx->cath_nl - 500.0) < 0.01);
	assert_true(fx->at_balance_nl < 1.0);
	fx_set(fx, 8 * MIN, PP_FX_KINK_PM, 0);
	fixture_advance(fx, 9 * MIN);
	assert_true(fabs(fx->at_balance_nl - 1500.0) < 1.0);
}

static void partial_occlusion_slows_but_delivers(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 0, PP_FX_PINCH_PM, 990); /* tau 0.5 s -> 50 s */
	fixture_stroke(fx, 0, STROKE);
	fixture_advance(fx, 50 * S);
	/* About 1 - 1/e of the stroke has left segment A after one time constant. */
	assert_true(fx->line_nl > 80 && fx->line_nl < 100);
	fixture_advance(fx, 20 * MIN);
	assert_true(fabs(fx->at_balance_nl - STROKE) < 0.5);
}

static void leak_diverts_its_share(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 0, PP_FX_LEAK_PM, 250);
	for (int i = 0; i < 100; i++)
		fixture_stroke(fx, i * MIN, STROKE);
	fixture_advance(fx, 101 * MIN);
	assert_true(fabs(fx->at_balance_nl - 0.75 * 100 * STROKE) < 25.0);
	assert_conserved(fx, 20000000.0);
}

static void disconnection_starves_the_balance_and_masks_occlusion(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 0, PP_FX_LEAK_PM, 1000);
	fx_set(fx, 0, PP_FX_PINCH_PM, 1000);
	for (int i = 0; i < 20; i++)
		fixture_stroke(fx, i * MIN, STROKE);
	fixture_advance(fx, 21 * MIN);
	assert_true(fx->at_balance_nl < 1.0);
	assert_int_equal(fixture_pressure_pa(fx, 21 * MIN), 0);
	assert_true(fabs(fx->leaked_nl - 20.0 * STROKE) < 1.0);
}

static void pinch_valve_cycles_on_its_schedule(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 10 * S, PP_FX_PINCH_DUTY_PM, 250);
	fx_set(fx, 10 * S, PP_FX_PINCH_PERIOD_S, 600);
	fx_set(fx, 10 * S, PP_FX_PINCH_PM, 1000);
	assert_int_equal(fixture_pinch_at(fx, 10 * S), 1000);
	assert_int_equal(fixture_pinch_at(fx, 10 * S + 150 * S - 1), 1000);
	assert_int_equal(fixture_pinch_at(fx, 10 * S + 150 * S), 0);
	assert_int_equal(fixture_pinch_at(fx, 10 * S + 600 * S), 1000);
	/* A stroke in the closed phase is held until the valve opens. */
	fixture_stroke(fx, 20 * S, STROKE);
	fixture_advance(fx, 150 * S);
	assert_true(fx->at_balance_nl < 1.0);
	fixture_advance(fx, 170 * S);
	assert_true(fabs(fx->at_balance_nl - STROKE) < 0.5);
	/* Duty 1000 is a steady closure. */
	fx_set(fx, 200 * S, PP_FX_PINCH_DUTY_PM, 1000);
	assert_int_equal(fixture_pinch_at(fx, 500 * S), 1000);
}

static void dry_reservoir_strokes_nothing(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 0, PP_FX_RESERVOIR_NL, 600);
	for (int i = 0; i < 5; i++)
		assert_int_equal(fixture_stroke(fx, i * MIN, STROKE), 1);
	fixture_advance(fx, 10 * MIN);
	assert_true(fabs(fx->at_balance_nl - 600.0) < 0.5);
	assert_true(fx->reservoir_nl == 0);
	assert_int_equal(fx->strokes, 5);
}

static void motor_jam_stops_strokes(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 0, PP_FX_MOTOR_JAM, 1);
	assert_int_equal(fixture_stroke(fx, S, STROKE), 0);
	assert_int_equal(fx->strokes, 0);
	assert_int_equal(fx_set(fx, 0, PP_FX_MOTOR_JAM, 2), PP_REFUSE_BAD_PARAM);
}

static void supply_ramps_and_browns_out(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 0, PP_FX_SUPPLY_RAMP_S, 1000);
	fx_set(fx, 100 * S, PP_FX_SUPPLY_RAMP_MV, 1600); /* 3600 -> 1600 over 1000 s */
	fixture_advance(fx, 600 * S);
	assert_int_equal(fixture_supply_mv(fx), 2600);
	/* The 2000 mV brown-out level is crossed 800 s into the ramp. */
	assert_false(fixture_brownout(fx, 900 * S - 1));
	assert_int_equal(fixture_brownout_edge_ns(fx, 600 * S), 900 * S + 1);
	assert_true(fixture_brownout(fx, 900 * S + 1));
	assert_int_equal(fixture_brownout_edge_ns(fx, 950 * S), INT64_MAX);
	fixture_advance(fx, 2000 * S);
	assert_int_equal(fixture_supply_mv(fx), 1600);
	/* A step cancels the ramp. */
	fx_set(fx, 2000 * S, PP_FX_SUPPLY_MV, 3000);
	assert_false(fixture_brownout(fx, 2000 * S));
	assert_int_equal(fx_set(fx, 0, PP_FX_SUPPLY_RAMP_S, -1), PP_REFUSE_BAD_PARAM);
}

static double lost_share(fixture *fx, int uplink, int64_t from, int64_t step, int n)
{
	uint8_t wire[8] = { 1, 2, 3, 4, 5, 6, 7, 0 };
	int lost = 0;

	for (int i = 0; i < n; i++)
		lost += fixture_rf_pass(fx, from + i * step, uplink, wire, sizeof wire);
	return (double)lost / n;
}

static void rf_fades_lose_bursts(void **state)
{
	fixture *fx = *state;
	fixture copy;
	double share;

	fx_set(fx, 0, PP_FX_RF_FADE_PER_H, 6);
	fx_set(fx, 0, PP_FX_RF_FADE_MS, 60000);
	copy = *fx;
	/* Six one-minute fades an hour: about 10% of the time (Markov on/off). */
	share = lost_share(fx, 0, 0, S, 200000);
	assert_true(share > 0.07 && share < 0.12);
	/* Frames one second apart: losses come in runs, not one by one. */
	{
		uint8_t wire[4] = { 1, 2, 3, 0 };
		int runs = 0, prev = 0, lost = 0;
		fixture g = copy;
		for (int i = 0; i < 200000; i++) {
			int l = fixture_rf_pass(&g, (int64_t)i * S, 0, wire, sizeof wire);
			runs += l && !prev;
			lost += l;
			prev = l;
		}
		assert_true(lost / runs > 30);
	}
	/* The fades are a function of the seed and the settings, not of how
	 * often the path is used: asking every 7 s sees what asking every
	 * second saw at those instants. */
	{
		static uint8_t every_s[70000];
		uint8_t wire[4] = { 1, 2, 3, 0 };
		fixture a = copy, b = copy;
		for (int i = 0; i < 70000; i++)
			every_s[i] =
			        (uint8_t)fixture_rf_pass(&a, (int64_t)i * S, 0, wire, sizeof wire);
		for (int i = 0; i < 70000; i += 7)
			assert_int_equal(fixture_rf_pass(&b, (int64_t)i * S, 1, wire, sizeof wire),
			                 every_s[i]);
	}
}

static void rf_uplink_loss_is_one_way(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 0, PP_FX_RF_UPLINK_LOSS_PM, 1000);
	assert_true(lost_share(fx, 1, 0, S, 1000) == 1.0);
	assert_true(lost_share(fx, 0, 0, S, 1000) == 0.0);
	fx_set(fx, 0, PP_FX_RF_UPLINK_LOSS_PM, 0);
	fx_set(fx, 0, PP_FX_RF_LOSS_PM, 500);
	assert_true(fabs(lost_share(fx, 0, 0, S, 20000) - 0.5) < 0.02);
}

static void cold_bath_slows_the_line(void **state)
{
	fixture *fx = *state;
	fixture warm;

	assert_true(fabs(fixture_viscosity_ratio(37000) - 1.0) < 1e-12);
	assert_true(fixture_viscosity_ratio(20000) > 1.3);
	fx_set(fx, 0, PP_FX_PINCH_PM, 990);
	warm = *fx;
	fx_set(fx, 0, PP_FX_TEMP_MC, 20000);
	fixture_stroke(fx, 0, STROKE);
	fixture_stroke(&warm, 0, STROKE);
	fixture_advance(fx, 30 * S);
	fixture_advance(&warm, 30 * S);
	assert_true(fx->line_nl > warm.line_nl * 1.1);
}

static void unknown_and_out_of_range_parameters_are_refused(void **state)
{
	fixture *fx = *state;

	assert_int_equal(fx_set(fx, 0, 200, 1), PP_REFUSE_BAD_PARAM);
	assert_int_equal(fx_set(fx, 0, PP_FX_PINCH_PM, 1001), PP_REFUSE_BAD_PARAM);
	assert_int_equal(fx_set(fx, 0, PP_FX_PINCH_PERIOD_S, 86401), PP_REFUSE_BAD_PARAM);
	assert_int_equal(fx_set(fx, 0, PP_FX_RF_FADE_MS, -5), PP_REFUSE_BAD_PARAM);
	assert_int_equal(fx->pinch_pm, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(open_line_delivers_every_stroke, setup),
		cmocka_unit_test_setup(occlusion_builds_pressure_and_releases_a_bolus, setup),
		cmocka_unit_test_setup(kink_at_the_tip_pressurises_the_catheter_too, setup),
		cmocka_unit_test_setup(partial_occlusion_slows_but_delivers, setup),
		cmocka_unit_test_setup(leak_diverts_its_share, setup),
		cmocka_unit_test_setup(disconnection_starves_the_balance_and_masks_occlusion,
		                       setup),
		cmocka_unit_test_setup(pinch_valve_cycles_on_its_schedule, setup),
		cmocka_unit_test_setup(dry_reservoir_strokes_nothing, setup),
		cmocka_unit_test_setup(motor_jam_stops_strokes, setup),
		cmocka_unit_test_setup(supply_ramps_and_browns_out, setup),
		cmocka_unit_test_setup(rf_fades_lose_bursts, setup),
		cmocka_unit_test_setup(rf_uplink_loss_is_one_way, setup),
		cmocka_unit_test_setup(cold_bath_slows_the_line, setup),
		cmocka_unit_test_setup(unknown_and_out_of_range_parameters_are_refused, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
