/*
 * test_fw_class.c - the device-class features of the firmware (fw_class.c),
 * through frames: no occlusion alarm, the safe state after a reset, a stall
 * that frees itself detected by the motor probe; and the reference config
 * (all zero) keeping the reference behaviour.
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

/* Re-boot with the peristaltic features (the profile's figures). */
static void peristaltic(fake *f)
{
	f->cfg.no_occlusion_alarm = 1;
	f->cfg.reset_safe_state = 1;
	f->cfg.stall_retry_us = 5 * MIN_US;
	fake_boot(f, 0);
}

static uint32_t alarms(fake *f)
{
	return fake_status(f).alarms;
}

static void no_occlusion_alarm_keeps_stroking(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);
	uint32_t n;

	peristaltic(f);
	fake_ready(f, &x);
	f->pressure = 400000; /* far above the threshold */
	n = f->strokes;
	fake_advance(f, H_US);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_OCCLUSION), 0);
	assert_true(f->strokes - n >= 399);
}

static void safe_state_after_a_reset(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);
	uint32_t since;

	peristaltic(f);
	fake_ready(f, &x);
	fake_advance(f, 10 * MIN_US);
	since = f->nmsgs;
	fake_boot(f, 1); /* watchdog */
	fake_advance(f, S_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_SAFE_STATE));
	assert_int_equal(fake_events(f, since, PP_EV_ALARM_ON, PP_ALARM_SAFE_STATE), 1);
	assert_int_equal(fake_status(f).rate_nl_h, f->cfg.min_rate_nl_h);
	{
		pp_msg m = fake_msg(pp_type_alarm_ack);
		m.u.alarm_ack.alarm = PP_ALARM_SAFE_STATE;
		fake_open(f); /* the reset closed the session */
		assert_int_equal(fake_ack(f, &m), PP_REFUSE_OK);
	}
	fake_advance(f, S_US);
	assert_int_equal(fake_status(f).rate_nl_h, 100000);
}

static void reference_resumes_after_a_reset(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);

	fake_ready(f, &x);
	fake_advance(f, 10 * MIN_US);
	fake_boot(f, 2); /* brown-out */
	fake_advance(f, S_US);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_SAFE_STATE), 0);
	assert_int_equal(fake_status(f).rate_nl_h, 100000);
}

static void stall_that_frees_itself_is_found_by_the_probe(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);
	uint32_t since;

	peristaltic(f);
	fake_ready(f, &x);
	fake_advance(f, 10 * MIN_US);
	f->motor_jammed = 1;
	fake_advance(f, 2 * MIN_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_MOTOR_STALL));
	fake_advance(f, 20 * MIN_US); /* probes fail while jammed */
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_MOTOR_STALL));
	since = f->nmsgs;
	f->motor_jammed = 0;
	fake_advance(f, 5 * MIN_US + S_US); /* the next probe finds it free */
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_MOTOR_STALL), 0);
	assert_int_equal(fake_events(f, since, PP_EV_STALL_RECOVER, 0), 1);
	assert_int_equal(fake_events(f, since, PP_EV_ALARM_ACK, 0), 0);
	since = f->strokes;
	fake_advance(f, H_US);
	assert_true(f->strokes - since >= 399); /* delivery resumed */
}

static void reference_stall_stays_latched(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);

	fake_ready(f, &x);
	fake_advance(f, 10 * MIN_US);
	f->motor_jammed = 1;
	fake_advance(f, 2 * MIN_US);
	f->motor_jammed = 0;
	fake_advance(f, H_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_MOTOR_STALL));
	assert_int_equal(fake_events(f, 0, PP_EV_STALL_RECOVER, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(no_occlusion_alarm_keeps_stroking, setup),
		cmocka_unit_test_setup(safe_state_after_a_reset, setup),
		cmocka_unit_test_setup(reference_resumes_after_a_reset, setup),
		cmocka_unit_test_setup(stall_that_frees_itself_is_found_by_the_probe, setup),
		cmocka_unit_test_setup(reference_stall_stays_latched, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
