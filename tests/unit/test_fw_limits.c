/*
 * test_fw_limits.c - drug library and prescription limits (refusal codes and
 * the limit in ack.detail, nothing clamped), flexible mode on the wall
 * clock, staging rules, and the projected next refill.
 */
#include "fw_fake_hal.h"

static fake F;

static int setup(void **state)
{
	fake_init(&F);
	F.auto_ack = 1;
	fake_open(&F);
	*state = &F;
	return 0;
}

static void unknown_drug_refused(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000);

	x.b.drug_id = 42;
	assert_int_equal(fake_program(f, &x), PP_REFUSE_UNKNOWN_DRUG);
	assert_int_equal(fake_last_detail(f), 42);
	assert_int_equal(fake_status(f).rx_crc, 0);
}

static void concentration_limit(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000);

	assert_int_equal(fake_druglib(f, 1, 400000, 2000, 4000), PP_REFUSE_OK);
	assert_int_equal(fake_program(f, &x), PP_REFUSE_CONC_LIMIT);
	assert_int_equal(fake_last_detail(f), 400000);
	assert_int_equal(fake_status(f).rx_crc, 0);
}

static void soft_and_hard_daily_limits(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000); /* 2.4 mL/day * 500 ug/mL = 1200 ug/day */
	fake_presc ok = fake_continuous(10000);

	assert_int_equal(fake_druglib(f, 1, 1000000, 1000, 1100), PP_REFUSE_OK);
	assert_int_equal(fake_program(f, &ok), PP_REFUSE_OK);
	assert_int_equal(fake_program(f, &x), PP_REFUSE_HARD_LIMIT);
	assert_int_equal(fake_last_detail(f), 1100);
	assert_int_equal(fake_druglib(f, 1, 1000000, 1000, 1200), PP_REFUSE_OK);
	assert_int_equal(fake_program(f, &x), PP_REFUSE_SOFT_LIMIT); /* exactly the hard limit */
	assert_int_equal(fake_last_detail(f), 1000);
	/* Neither refusal touched the running prescription. */
	assert_int_equal(fake_status(f).rx_crc, fake_presc_crc(&ok));
	assert_int_equal(fake_druglib(f, 1, 1000000, 1200, 1200), PP_REFUSE_OK);
	assert_int_equal(fake_program(f, &x), PP_REFUSE_OK);
}

static void patient_boluses_count_in_daily_dose(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000); /* 120 ug/day basal */

	x.b.pb_dose_nl = 100000; /* 50 ug each */
	x.b.pb_duration_s = 60;
	x.b.pb_lockout_s = 60;
	x.b.pb_max_per_day = 4; /* +200 ug */
	assert_int_equal(fake_druglib(f, 1, 1000000, 300, 300), PP_REFUSE_OK);
	assert_int_equal(fake_program(f, &x), PP_REFUSE_HARD_LIMIT);
	x.b.pb_max_per_day = 3; /* 120 + 150 = 270 */
	assert_int_equal(fake_program(f, &x), PP_REFUSE_OK);
}

static void out_of_range_not_clamped(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(1000001);
	pp_msg m = fake_msg(pp_type_rx_begin);

	assert_int_equal(fake_druglib(f, 1, 1000000, 4000000, 4000000), PP_REFUSE_OK);
	assert_int_equal(fake_program(f, &x), PP_REFUSE_BAD_PARAM);
	assert_int_equal(fake_last_detail(f), 1000000);
	m.u.rx_begin = fake_continuous(1000).b;
	m.u.rx_begin.mode = 3;
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_BAD_PARAM);
	m.u.rx_begin = fake_continuous(1000).b;
	m.u.rx_begin.pb_max_per_day = FW_PB_MAX_PER_DAY + 1;
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_BAD_PARAM);
	m.u.rx_begin = fake_continuous(1000).b;
	m.u.rx_begin.pb_dose_nl = 1000;
	m.u.rx_begin.pb_duration_s = 0;
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_BAD_PARAM);
	m.u.rx_begin = fake_continuous(1000).b;
	m.u.rx_begin.nsteps = 2; /* steps only in flexible mode */
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_BAD_PARAM);
	assert_int_equal(fake_status(f).rx_crc, 0);
}

static void druglib_set_validates(void **state)
{
	fake *f = *state;

	assert_int_equal(fake_druglib(f, 0, 1000, 10, 20), PP_REFUSE_BAD_PARAM);
	assert_int_equal(fake_druglib(f, 1, 0, 10, 20), PP_REFUSE_BAD_PARAM);
	assert_int_equal(fake_druglib(f, 1, 1000, 30, 20), PP_REFUSE_BAD_PARAM);
	for (uint16_t i = 1; i <= FW_DRUGLIB_SIZE; i++)
		assert_int_equal(fake_druglib(f, i, 1000, 10, 20), PP_REFUSE_OK);
	assert_int_equal(fake_druglib(f, 999, 1000, 10, 20), PP_REFUSE_BAD_PARAM);
	assert_int_equal(fake_druglib(f, 3, 2000, 10, 20), PP_REFUSE_OK); /* replace */
}

static fake_presc flexible(void)
{
	fake_presc x = fake_continuous(0);

	x.b.mode = PP_MODE_FLEXIBLE;
	x.b.nsteps = 3;
	x.steps[0] = (pp_rx_step){ 0, 0, 7 * 60, 10000 };  /* 07:00 */
	x.steps[1] = (pp_rx_step){ 0, 1, 12 * 60, 50000 }; /* 12:00 */
	x.steps[2] = (pp_rx_step){ 0, 2, 22 * 60, 2000 };  /* 22:00, across midnight */
	return x;
}

static void clock_to(fake *f, uint32_t hh, uint32_t mm)
{
	pp_msg m = fake_msg(pp_type_clock_set);

	m.u.clock_set.epoch_ms = 1700006400000ull /* a UTC midnight */ + (hh * 60ull + mm) * 60000u;
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_OK);
}

/* A wall clock far in the future is refused (a fuzzed one overflowed the
 * day arithmetic: UBSan, fuzz_fw_rx), and the clock keeps its old value. */
static void absurd_wall_clock_refused(void **state)
{
	fake *f = *state;
	fake_presc x = flexible();
	pp_msg m = fake_msg(pp_type_clock_set);

	clock_to(f, 6, 0);
	m.u.clock_set.epoch_ms = 576470647925899218ull;
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_BAD_PARAM);
	m.u.clock_set.epoch_ms = UINT64_MAX;
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_BAD_PARAM);
	fake_ready(f, &x);
	assert_int_equal(fake_status(f).rate_nl_h, 2000); /* still 06:00: last night's step */
}

static void flexible_steps_follow_wall_clock(void **state)
{
	fake *f = *state;
	fake_presc x = flexible();
	uint32_t n;

	clock_to(f, 6, 0);
	fake_ready(f, &x);
	assert_int_equal(fake_status(f).mode, PP_MODE_FLEXIBLE);
	assert_int_equal(fake_status(f).rate_nl_h, 2000); /* still last night's step */
	fake_advance(f, H_US + S_US);
	assert_int_equal(fake_status(f).rate_nl_h, 10000);
	n = f->strokes;
	fake_advance(f, 5 * H_US); /* 07:00 - 12:00 at 10000 nL/h = 200 strokes */
	assert_true(f->strokes - n >= 199 && f->strokes - n <= 201);
	assert_int_equal(fake_status(f).rate_nl_h, 50000);
	n = f->strokes;
	fake_advance(f, 10 * H_US); /* 12:00 - 22:00 at 50000 = 2000 strokes */
	assert_true(f->strokes - n >= 1999 && f->strokes - n <= 2001);
	assert_int_equal(fake_status(f).rate_nl_h, 2000);
	/* The day's total is exact: 9 h*2000 + 5 h*10000 + 10 h*50000 = 568 uL. */
	n = f->strokes;
	fake_advance(f, DAY_US);
	assert_true(f->strokes - n >= 2271 && f->strokes - n <= 2273);
	/* Changing the clock moves the step. */
	clock_to(f, 12, 30);
	fake_advance(f, S_US);
	assert_int_equal(fake_status(f).rate_nl_h, 50000);
}

static void flexible_daily_dose_checked(void **state)
{
	fake *f = *state;
	fake_presc x = flexible(); /* 568 uL/day * 500 ug/mL = 284 ug/day */

	assert_int_equal(fake_druglib(f, 1, 1000000, 280, 280), PP_REFUSE_OK);
	assert_int_equal(fake_program(f, &x), PP_REFUSE_HARD_LIMIT);
	assert_int_equal(fake_druglib(f, 1, 1000000, 284, 284), PP_REFUSE_OK);
	assert_int_equal(fake_program(f, &x), PP_REFUSE_OK);
}

static void flexible_staging_rules(void **state)
{
	fake *f = *state;
	fake_presc x = flexible();
	pp_msg m = fake_msg(pp_type_rx_begin);
	const pp_msg *r;

	assert_int_equal(fake_druglib(f, 1, 1000000, 4000, 4000), PP_REFUSE_OK);
	/* Incomplete: verify says so and commit refuses. */
	m.u.rx_begin = x.b;
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_OK);
	m = fake_msg(pp_type_rx_step);
	m.u.rx_step = x.steps[0];
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_OK);
	m = fake_msg(pp_type_rx_verify);
	r = fake_req(f, &m);
	assert_int_equal(r->u.rx_crc.complete, 0);
	assert_int_equal(fake_commit(f, fake_presc_crc(&x)), PP_REFUSE_NO_STAGED);
	/* Index beyond nsteps, minute beyond the day: refused. */
	m = fake_msg(pp_type_rx_step);
	m.u.rx_step = (pp_rx_step){ 0, 3, 100, 1000 };
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_BAD_PARAM);
	m.u.rx_step = (pp_rx_step){ 0, 1, 1440, 1000 };
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_BAD_PARAM);
	/* Steps not in ascending time: refused at commit. */
	x.steps[1].start_min = 6 * 60;
	assert_int_equal(fake_program(f, &x), PP_REFUSE_BAD_PARAM);
	/* Flexible with no steps or more than ten: refused. */
	m = fake_msg(pp_type_rx_begin);
	m.u.rx_begin = x.b;
	m.u.rx_begin.nsteps = 0;
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_BAD_PARAM);
	m.u.rx_begin.nsteps = 11;
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_BAD_PARAM);
	/* rx_step without rx_begin (the begin was refused): NO_STAGED. */
	m = fake_msg(pp_type_rx_step);
	m.u.rx_step = x.steps[0];
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_NO_STAGED);
	assert_int_equal(fake_status(f).rx_crc, 0);
}

static void next_refill_projection(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000); /* 2.4 mL/day */

	x.b.pb_dose_nl = 100000;
	x.b.pb_duration_s = 60;
	x.b.pb_lockout_s = 3600;
	x.b.pb_max_per_day = 6; /* + 0.6 mL/day = 3 mL/day with every bolus */
	fake_ready(f, &x);
	/* 20 mL - 2 mL residual = 18 mL at 3 mL/day = 6 days. */
	assert_int_equal(fake_status(f).next_refill_s, 6 * 86400);
	assert_int_equal(fake_refill(f, 20000000, 5000000), PP_REFUSE_OK);
	assert_int_equal(fake_status(f).next_refill_s, 5 * 86400);
	assert_int_equal(fake_refill(f, 4000000, 5000000), PP_REFUSE_OK);
	assert_int_equal(fake_status(f).next_refill_s, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(unknown_drug_refused, setup),
		cmocka_unit_test_setup(concentration_limit, setup),
		cmocka_unit_test_setup(soft_and_hard_daily_limits, setup),
		cmocka_unit_test_setup(patient_boluses_count_in_daily_dose, setup),
		cmocka_unit_test_setup(out_of_range_not_clamped, setup),
		cmocka_unit_test_setup(druglib_set_validates, setup),
		cmocka_unit_test_setup(flexible_steps_follow_wall_clock, setup),
		cmocka_unit_test_setup(flexible_daily_dose_checked, setup),
		cmocka_unit_test_setup(flexible_staging_rules, setup),
		cmocka_unit_test_setup(next_refill_projection, setup),
		cmocka_unit_test_setup(absurd_wall_clock_refused, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
