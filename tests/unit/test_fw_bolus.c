/*
 * test_fw_bolus.c - boluses through frames: clinician (then back to the
 * prior mode), patient (lockout, max per 24 h), priming (catheter length),
 * bridge; refusal codes; idempotency by req_id.
 */
#include "fw_fake_hal.h"

static fake F;

static int setup(void **state)
{
	fake_init(&F);
	F.auto_ack = 1;
	*state = &F;
	return 0;
}

static fake_presc with_pb(uint32_t rate, uint32_t dose, uint32_t dur_s, uint32_t lockout_s,
                          uint8_t max)
{
	fake_presc x = fake_continuous(rate);
	x.b.pb_dose_nl = dose;
	x.b.pb_duration_s = dur_s;
	x.b.pb_lockout_s = lockout_s;
	x.b.pb_max_per_day = max;
	return x;
}

static void clinician_bolus_then_prior_mode(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000); /* a stroke every 90 s */
	pp_bolus_result r;
	uint32_t n;
	uint64_t t0;

	fake_ready(f, &x);
	fake_advance(f, 30 * S_US);
	n = f->strokes;
	t0 = f->now;
	r = fake_bolus(f, 11, PP_BOLUS_CLINICIAN, 100000, 600, 0);
	assert_int_equal(r.result, PP_REFUSE_OK);
	assert_int_equal(r.req_id, 11);
	assert_int_equal(r.volume_nl, 100000);
	assert_int_equal(fake_status(f).bolus_active, PP_BOLUS_CLINICIAN);
	assert_int_equal(fake_status(f).rate_nl_h, 10000); /* basal set-point unchanged */
	fake_run_until(f, t0 + 300 * S_US);
	/* Half the bolus (200 strokes, 1.5 s apart) plus the basal strokes. */
	assert_true(f->strokes - n >= 200 + 3 && f->strokes - n <= 201 + 4);
	fake_run_until(f, t0 + 601 * S_US);
	assert_int_equal(fake_status(f).bolus_active, 0);
	assert_int_equal(fake_events(f, 0, PP_EV_BOLUS_END, 0) >= 1, 1);
	n = f->strokes;
	fake_advance(f, H_US);
	assert_int_equal(f->strokes - n, 40); /* back to 10000 nL/h */
}

static void bolus_idempotent_by_req_id(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000);
	pp_bolus_result a, b;
	uint32_t n;

	fake_ready(f, &x);
	n = f->strokes;
	a = fake_bolus(f, 77, PP_BOLUS_CLINICIAN, 50000, 60, 0);
	b = fake_bolus(f, 77, PP_BOLUS_CLINICIAN, 50000, 60, 0);
	assert_int_equal(a.result, PP_REFUSE_OK);
	assert_memory_equal(&a, &b, sizeof a);
	fake_advance(f, 2 * MIN_US);
	/* After it finished, the same id again: still the first answer, no dose. */
	b = fake_bolus(f, 77, PP_BOLUS_CLINICIAN, 50000, 60, 0);
	assert_int_equal(b.result, PP_REFUSE_OK);
	fake_advance(f, 2 * MIN_US);
	assert_int_equal(fake_events_unique(f, 0, PP_EV_BOLUS_START, 0), 1);
	assert_true(f->strokes - n <= 200 + 3);
	/* A refused request is remembered too. */
	a = fake_bolus(f, 78, 9, 50000, 60, 0);
	assert_int_equal(a.result, PP_REFUSE_BAD_PARAM);
	b = fake_bolus(f, 78, PP_BOLUS_CLINICIAN, 50000, 60, 0);
	assert_int_equal(b.result, PP_REFUSE_BAD_PARAM);
}

static void patient_bolus_lockout(void **state)
{
	fake *f = *state;
	fake_presc x = with_pb(10000, 50000, 60, 3600, 4);
	uint64_t t0;

	fake_ready(f, &x);
	assert_int_equal(fake_bolus(f, 1, PP_BOLUS_PATIENT, 0, 0, 0).result, PP_REFUSE_OK);
	t0 = f->now;
	assert_int_equal(fake_bolus(f, 1, PP_BOLUS_PATIENT, 0, 0, 0).volume_nl, 50000);
	fake_run_until(f, t0 + 30 * MIN_US);
	assert_int_equal(fake_bolus(f, 2, PP_BOLUS_PATIENT, 0, 0, 0).result, PP_REFUSE_LOCKOUT);
	/* Half a second before the lockout ends: still refused. */
	f->now = t0 + 3600 * S_US - S_US / 2;
	assert_int_equal(fake_bolus(f, 3, PP_BOLUS_PATIENT, 0, 0, 0).result, PP_REFUSE_LOCKOUT);
	f->now = t0 + 3600 * S_US;
	assert_int_equal(fake_bolus(f, 4, PP_BOLUS_PATIENT, 0, 0, 0).result, PP_REFUSE_OK);
}

static void patient_bolus_max_per_day(void **state)
{
	fake *f = *state;
	fake_presc x = with_pb(10000, 50000, 60, 600, 3);
	uint64_t t0;

	fake_ready(f, &x);
	t0 = f->now;
	for (uint32_t i = 0; i < 3; i++) {
		fake_run_until(f, t0 + i * H_US);
		assert_int_equal(fake_bolus(f, 10 + i, PP_BOLUS_PATIENT, 0, 0, 0).result,
		                 PP_REFUSE_OK);
	}
	fake_run_until(f, t0 + 3 * H_US);
	assert_int_equal(fake_bolus(f, 20, PP_BOLUS_PATIENT, 0, 0, 0).result,
	                 PP_REFUSE_MAX_PER_DAY);
	fake_run_until(f, t0 + DAY_US - S_US);
	assert_int_equal(fake_bolus(f, 21, PP_BOLUS_PATIENT, 0, 0, 0).result,
	                 PP_REFUSE_MAX_PER_DAY);
	/* 24 h after the first, one slot frees up. */
	fake_run_until(f, t0 + DAY_US + S_US);
	assert_int_equal(fake_bolus(f, 22, PP_BOLUS_PATIENT, 0, 0, 0).result, PP_REFUSE_OK);
	fake_advance(f, 2 * MIN_US);
	assert_int_equal(fake_bolus(f, 23, PP_BOLUS_PATIENT, 0, 0, 0).result, PP_REFUSE_LOCKOUT);
}

static void patient_bolus_refusals(void **state)
{
	fake *f = *state;
	fake_presc none = fake_continuous(10000);
	fake_presc x = with_pb(10000, 50000, 600, 60, 4);

	fake_ready(f, &none);
	assert_int_equal(fake_bolus(f, 1, PP_BOLUS_PATIENT, 0, 0, 0).result, PP_REFUSE_PB_DISABLED);
	assert_int_equal(fake_program(f, &x), PP_REFUSE_OK);
	assert_int_equal(fake_simple(f, pp_type_stop), PP_REFUSE_OK);
	assert_int_equal(fake_bolus(f, 2, PP_BOLUS_PATIENT, 0, 0, 0).result, PP_REFUSE_NOT_RUNNING);
	assert_int_equal(fake_simple(f, pp_type_start), PP_REFUSE_OK);
	assert_int_equal(fake_bolus(f, 3, PP_BOLUS_CLINICIAN, 10000, 600, 0).result, PP_REFUSE_OK);
	assert_int_equal(fake_bolus(f, 4, PP_BOLUS_PATIENT, 0, 0, 0).result,
	                 PP_REFUSE_BOLUS_ACTIVE);
	assert_int_equal(fake_bolus(f, 5, PP_BOLUS_BRIDGE, 10000, 600, 0).result,
	                 PP_REFUSE_BOLUS_ACTIVE);
}

static void no_bolus_during_stopping_alarm(void **state)
{
	fake *f = *state;
	fake_presc x = with_pb(10000, 50000, 600, 60, 4);
	uint32_t n;

	fake_ready(f, &x);
	assert_int_equal(fake_bolus(f, 1, PP_BOLUS_CLINICIAN, 200000, 3600, 0).result,
	                 PP_REFUSE_OK);
	fake_advance(f, 5 * MIN_US);
	f->pressure = 200000;
	fake_advance(f, 2 * MIN_US);
	/* The occlusion stopped the bolus too. */
	assert_int_equal(fake_status(f).bolus_active, 0);
	n = f->strokes;
	assert_int_equal(fake_bolus(f, 2, PP_BOLUS_PATIENT, 0, 0, 0).result, PP_REFUSE_ALARM_STOP);
	assert_int_equal(fake_bolus(f, 3, PP_BOLUS_CLINICIAN, 1000, 60, 0).result,
	                 PP_REFUSE_ALARM_STOP);
	assert_int_equal(fake_bolus(f, 4, PP_BOLUS_PRIMING, 0, 60, 100).result,
	                 PP_REFUSE_ALARM_STOP);
	fake_advance(f, H_US);
	assert_int_equal(f->strokes, n);
}

static void priming_from_catheter_length(void **state)
{
	fake *f = *state;
	pp_bolus_result r;
	uint32_t n;

	fake_open(f);
	assert_int_equal(fake_refill(f, 20000000, 0), PP_REFUSE_OK);
	/* No prescription, not running: priming fills the catheter anyway. */
	n = f->strokes;
	r = fake_bolus(f, 1, PP_BOLUS_PRIMING, 0, 600, 100);
	assert_int_equal(r.result, PP_REFUSE_OK);
	assert_int_equal(r.volume_nl, (1100 - 100) * 260); /* 0.0026 mL/cm of 100 cm */
	assert_int_equal(fake_status(f).bolus_active, PP_BOLUS_PRIMING);
	fake_advance(f, 601 * S_US);
	assert_int_equal(f->strokes - n, 260000 / 250);
	assert_int_equal(fake_status(f).reservoir_nl, 20000000 - 260000);
	assert_int_equal(fake_bolus(f, 2, PP_BOLUS_PRIMING, 0, 600, 1101).result,
	                 PP_REFUSE_BAD_PARAM);
	assert_int_equal(fake_bolus(f, 3, PP_BOLUS_PRIMING, 0, 0, 100).result, PP_REFUSE_BAD_PARAM);
}

static void bridge_bolus(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000);
	pp_bolus_result r;
	uint32_t n;

	fake_ready(f, &x);
	n = f->strokes;
	r = fake_bolus(f, 5, PP_BOLUS_BRIDGE, 30000, 120, 0);
	assert_int_equal(r.result, PP_REFUSE_OK);
	assert_int_equal(fake_status(f).bolus_active, PP_BOLUS_BRIDGE);
	fake_advance(f, 121 * S_US);
	assert_true(f->strokes - n >= 120 + 1 && f->strokes - n <= 120 + 2); /* plus 1-2 basal */
	assert_int_equal(fake_status(f).bolus_active, 0);
}

static void bolus_volume_refusals(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000); /* 120 ug/day at 500 ug/mL */

	fake_ready(f, &x);
	assert_int_equal(fake_bolus(f, 1, PP_BOLUS_CLINICIAN, 0, 60, 0).result,
	                 PP_REFUSE_BAD_PARAM);
	assert_int_equal(fake_bolus(f, 2, PP_BOLUS_CLINICIAN, 3000000, 60, 0).result,
	                 PP_REFUSE_BAD_PARAM);
	assert_int_equal(fake_bolus(f, 3, PP_BOLUS_CLINICIAN, 1000, 0, 0).result,
	                 PP_REFUSE_BAD_PARAM);
	/* Cap = 4000 ug/day / 500 ug/mL = 8 mL; the library is tightened to 200 ug = 0.4 mL. */
	assert_int_equal(fake_druglib(f, 1, 1000000, 200, 200), PP_REFUSE_OK);
	assert_int_equal(fake_bolus(f, 4, PP_BOLUS_CLINICIAN, 500000, 60, 0).result,
	                 PP_REFUSE_DOSE_CAP);
	assert_int_equal(fake_bolus(f, 5, PP_BOLUS_CLINICIAN, 300000, 60, 0).result, PP_REFUSE_OK);
	fake_advance(f, 2 * MIN_US);
	/* 0.3 mL delivered: another 0.2 mL would pass the 0.4 mL in 24 h. */
	assert_int_equal(fake_bolus(f, 6, PP_BOLUS_CLINICIAN, 200000, 60, 0).result,
	                 PP_REFUSE_DOSE_CAP);
	/* Not enough drug above the dead volume. */
	assert_int_equal(fake_druglib(f, 1, 1000000, 4000, 4000), PP_REFUSE_OK);
	assert_int_equal(fake_refill(f, 1500000, 0), PP_REFUSE_OK);
	assert_int_equal(fake_bolus(f, 7, PP_BOLUS_CLINICIAN, 1100000, 60, 0).result,
	                 PP_REFUSE_RESERVOIR);
	assert_int_equal(fake_bolus(f, 8, PP_BOLUS_CLINICIAN, 900000, 600, 0).result, PP_REFUSE_OK);
}

static void clinician_bolus_needs_drug(void **state)
{
	fake *f = *state;

	fake_open(f);
	assert_int_equal(fake_refill(f, 20000000, 0), PP_REFUSE_OK);
	assert_int_equal(fake_bolus(f, 1, PP_BOLUS_CLINICIAN, 1000, 60, 0).result,
	                 PP_REFUSE_UNKNOWN_DRUG);
}

static void bolus_needs_session(void **state)
{
	fake *f = *state;
	pp_msg m = fake_msg(pp_type_bolus);
	const pp_msg *r;

	m.u.bolus.req_id = 1;
	m.u.bolus.kind = PP_BOLUS_CLINICIAN;
	r = fake_req(f, &m);
	assert_int_equal(r->type, pp_type_nak);
	assert_int_equal(r->u.nak.code, PP_NAK_NO_SESSION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(clinician_bolus_then_prior_mode, setup),
		cmocka_unit_test_setup(bolus_idempotent_by_req_id, setup),
		cmocka_unit_test_setup(patient_bolus_lockout, setup),
		cmocka_unit_test_setup(patient_bolus_max_per_day, setup),
		cmocka_unit_test_setup(patient_bolus_refusals, setup),
		cmocka_unit_test_setup(no_bolus_during_stopping_alarm, setup),
		cmocka_unit_test_setup(priming_from_catheter_length, setup),
		cmocka_unit_test_setup(bridge_bolus, setup),
		cmocka_unit_test_setup(bolus_volume_refusals, setup),
		cmocka_unit_test_setup(clinician_bolus_needs_drug, setup),
		cmocka_unit_test_setup(bolus_needs_session, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
