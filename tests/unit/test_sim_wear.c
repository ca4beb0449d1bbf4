/*
 * test_sim_wear.c - the rig's delivery errors (board/sim/fixture_wear.c):
 * a stroke gain, drift per fill, over-delivery after a long stall and after
 * running dry, an over-filled reservoir, and the pocket fill.
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
#define H (3600 * S)
#define STROKE 250u

static int setup(void **state)
{
	return fixture_setup(state, 7);
}

/* The volume one stroke takes out of the reservoir at t. */
static double one_stroke(fixture *fx, int64_t t)
{
	double before = fx->reservoir_nl;

	assert_int_equal(fixture_stroke(fx, t, STROKE), 1);
	return before - fx->reservoir_nl;
}

static void stroke_gain_scales_every_stroke(void **state)
{
	fixture *fx = *state;

	assert_true(fabs(one_stroke(fx, S) - 250.0) < 1e-9);
	assert_int_equal(fx_set(fx, S, PP_FX_STROKE_GAIN_PM, 200), PP_REFUSE_OK);
	assert_true(fabs(one_stroke(fx, 2 * S) - 300.0) < 1e-9);
	assert_int_equal(fx_set(fx, S, PP_FX_STROKE_GAIN_PM, -600), PP_REFUSE_BAD_PARAM);
	assert_int_equal(fx_set(fx, S, PP_FX_STROKE_GAIN_PM, 1001), PP_REFUSE_BAD_PARAM);
}

static void drift_grows_at_every_fill(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 0, PP_FX_STROKE_DRIFT_PM, 75);
	assert_true(fabs(one_stroke(fx, S) - 250.0) < 1e-9); /* no fill yet */
	fx_set(fx, 2 * S, PP_FX_REFILL_NL, 1000000);
	fx_set(fx, 3 * S, PP_FX_RESERVOIR_NL, 10000000);
	assert_int_equal(fx->stroke_gain_pm, 150);
	assert_true(fabs(one_stroke(fx, 4 * S) - 287.5) < 1e-9);
}

static void long_stall_then_over_delivery(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 0, PP_FX_STALL_GAIN_PM, 200);
	/* A stall shorter than 48 h leaves the stroke as it was. */
	fx_set(fx, S, PP_FX_MOTOR_JAM, 1);
	fx_set(fx, 47 * H, PP_FX_MOTOR_JAM, 0);
	assert_true(fabs(one_stroke(fx, 47 * H + S) - 250.0) < 1e-9);
	fx_set(fx, 48 * H, PP_FX_MOTOR_JAM, 1);
	fx_set(fx, 96 * H, PP_FX_MOTOR_JAM, 0);
	assert_true(fabs(one_stroke(fx, 96 * H + S) - 300.0) < 1e-9);
}

static void running_dry_then_over_delivery(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 0, PP_FX_DRY_GAIN_PM, 250);
	fx_set(fx, 0, PP_FX_RESERVOIR_NL, 100);
	assert_true(fabs(one_stroke(fx, S) - 100.0) < 1e-9); /* the last drop */
	assert_true(one_stroke(fx, 2 * S) == 0.0);
	assert_int_equal(fx->stroke_gain_pm, 0);
	fx_set(fx, 3 * S, PP_FX_REFILL_NL, 5000000);
	assert_true(fabs(one_stroke(fx, 4 * S) - 312.5) < 1e-9);
	/* The next fill (no dry run since) adds nothing more. */
	fx_set(fx, 5 * S, PP_FX_REFILL_NL, 1000);
	assert_int_equal(fx->stroke_gain_pm, 250);
}

static void overfill_over_delivers_until_back_to_nominal(void **state)
{
	fixture *fx = *state;

	fx_set(fx, 0, PP_FX_OVERFILL_GAIN_PM, 200);
	assert_true(fabs(one_stroke(fx, S) - 250.0) < 1e-9); /* at nominal: not over */
	fx_set(fx, 0, PP_FX_RESERVOIR_NL, (int32_t)fx->cfg.reservoir_nl + 250);
	assert_true(fabs(one_stroke(fx, 2 * S) - 300.0) < 1e-9);
	assert_true(fabs(one_stroke(fx, 3 * S) - 250.0) < 1e-9); /* now below nominal */
}

static void pocket_fill_misses_the_reservoir(void **state)
{
	fixture *fx = *state;
	double before = fx->reservoir_nl;

	fx_set(fx, 0, PP_FX_POCKET_PM, 1000);
	fx_set(fx, S, PP_FX_REFILL_NL, 18000000);
	assert_true(fx->reservoir_nl == before);
	assert_true(fabs(fx->pocket_nl - 18e6) < 1e-3);
	fx_set(fx, 2 * S, PP_FX_POCKET_PM, 250);
	fx_set(fx, 3 * S, PP_FX_REFILL_NL, 4000000);
	assert_true(fabs(fx->reservoir_nl - before - 3e6) < 1e-3);
	assert_true(fabs(fx->pocket_nl - 19e6) < 1e-3);
	assert_int_equal(fx_set(fx, 3 * S, PP_FX_REFILL_NL, -1), PP_REFUSE_BAD_PARAM);
	assert_int_equal(fx_set(fx, 3 * S, PP_FX_POCKET_PM, 1001), PP_REFUSE_BAD_PARAM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(stroke_gain_scales_every_stroke, setup),
		cmocka_unit_test_setup(drift_grows_at_every_fill, setup),
		cmocka_unit_test_setup(long_stall_then_over_delivery, setup),
		cmocka_unit_test_setup(running_dry_then_over_delivery, setup),
		cmocka_unit_test_setup(overfill_over_delivers_until_back_to_nominal, setup),
		cmocka_unit_test_setup(pocket_fill_misses_the_reservoir, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
