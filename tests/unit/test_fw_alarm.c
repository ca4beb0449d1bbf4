/*
 * test_fw_alarm.c - detection and the alarm table, through frames: occlusion,
 * low and empty reservoir, motor stall, battery ERI/EOS, link loss, max
 * dose; priorities, actions, latching, acknowledgement, alarm test.
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

/* Priority carried by the newest ALARM_ON event for alarm, -1 if none. */
static int alarm_prio(const fake *f, uint8_t alarm)
{
	for (uint32_t i = f->nmsgs; i > 0; i--) {
		const pp_msg *m = &f->msgs[(i - 1) % FAKE_MSGS].m;
		if (m->type == pp_type_event && m->u.event.code == PP_EV_ALARM_ON &&
		    m->u.event.alarm == alarm)
			return m->u.event.priority;
	}
	return -1;
}

static int alarm_ack(fake *f, uint8_t alarm)
{
	pp_msg m = fake_msg(pp_type_alarm_ack);
	m.u.alarm_ack.alarm = alarm;
	return fake_ack(f, &m);
}

static uint32_t alarms(fake *f)
{
	return fake_status(f).alarms;
}

static void occlusion_stops_after_persistence(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000); /* a stroke every 9 s */
	uint64_t t0;
	uint32_t n;

	fake_ready(f, &x);
	fake_advance(f, MIN_US);
	f->pressure = 150000;
	t0 = f->now;
	fake_advance(f, 50 * S_US);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_OCCLUSION), 0);
	fake_advance(f, 20 * S_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_OCCLUSION));
	assert_int_equal(alarm_prio(f, PP_ALARM_OCCLUSION), PP_PRIO_HIGH);
	assert_true(f->now - t0 <= 70 * S_US);
	n = f->strokes;
	fake_advance(f, H_US);
	assert_int_equal(f->strokes, n); /* stopped */
	assert_int_equal(fake_status(f).rate_nl_h, 0);
	assert_int_equal(fake_events(f, 0, PP_EV_STOP, 0) >= 1, 1);
	/* Latched: the cause is still there, ack refused with detail 1. */
	assert_int_equal(alarm_ack(f, PP_ALARM_OCCLUSION), PP_REFUSE_NOT_ACTIVE);
	assert_int_equal(fake_last_detail(f), 1);
	f->pressure = 1000;
	fake_advance(f, 20 * S_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_OCCLUSION)); /* latched */
	assert_int_equal(f->strokes, n);
	assert_int_equal(alarm_ack(f, PP_ALARM_OCCLUSION), PP_REFUSE_OK);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_OCCLUSION), 0);
	fake_advance(f, H_US);
	assert_true(f->strokes >= n + 399);
	assert_int_equal(fake_events(f, 0, PP_EV_ALARM_OFF, PP_ALARM_OCCLUSION) >= 1, 1);
}

/* At a slow rate the pressure is still sampled between strokes. */
static void occlusion_detected_between_slow_strokes(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(2000); /* a stroke every 450 s */
	uint64_t t0;

	fake_ready(f, &x);
	fake_advance(f, 100 * S_US);
	f->pressure = 200000;
	t0 = f->now;
	fake_advance(f, 75 * S_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_OCCLUSION));
	(void)t0;
}

/* A short pressure spike below the persistence time is not an occlusion. */
static void occlusion_needs_persistence(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);

	fake_ready(f, &x);
	for (int i = 0; i < 10; i++) {
		f->pressure = 150000;
		fake_advance(f, 40 * S_US);
		f->pressure = 0;
		fake_advance(f, 20 * S_US);
	}
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_OCCLUSION), 0);
}

static void low_reservoir_at_residual_continues(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000); /* 0.1 mL/h */
	uint32_t n;

	uint64_t t0, t;
	uint32_t since;

	fake_ready(f, &x);
	since = f->nmsgs;
	assert_int_equal(fake_refill(f, 3000000, 2500000), PP_REFUSE_OK);
	t0 = f->now;
	fake_advance(f, 4 * H_US + 50 * MIN_US);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_LOW_RESERVOIR), 0);
	fake_advance(f, 15 * MIN_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_LOW_RESERVOIR));
	assert_int_equal(alarm_prio(f, PP_ALARM_LOW_RESERVOIR), PP_PRIO_MEDIUM);
	/* The alarm fired at the residual, not before: 0.5 mL delivered = 5 h. */
	t = fake_event_time(f, since, PP_EV_ALARM_ON, PP_ALARM_LOW_RESERVOIR);
	assert_true(t >= t0 + 5 * H_US - 9 * S_US && t <= t0 + 5 * H_US + 9 * S_US);
	n = f->strokes;
	fake_advance(f, H_US);
	assert_int_equal(f->strokes - n, 400); /* basal continues */
	assert_int_equal(fake_status(f).rate_nl_h, 100000);
	/* Refill clears it (not latched). */
	assert_int_equal(fake_refill(f, 20000000, 0), PP_REFUSE_OK);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_LOW_RESERVOIR), 0);
}

static void low_reservoir_default_residual(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(1000000);

	uint32_t since;
	uint64_t t0, t;

	fake_ready(f, &x);
	since = f->nmsgs;
	assert_int_equal(fake_refill(f, 2100000, 0), PP_REFUSE_OK);
	t0 = f->now;
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_LOW_RESERVOIR), 0);
	fake_advance(f, 7 * MIN_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_LOW_RESERVOIR));
	/* 0.1 mL above 2 mL at 1 mL/h: 6 min. */
	t = fake_event_time(f, since, PP_EV_ALARM_ON, PP_ALARM_LOW_RESERVOIR);
	assert_true(t >= t0 + 6 * MIN_US - S_US && t <= t0 + 6 * MIN_US + S_US);
}

static void empty_reservoir_stops_at_dead_volume(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(1000000);
	uint32_t n;

	fake_ready(f, &x);
	assert_int_equal(fake_refill(f, 1000000, 0), PP_REFUSE_OK);
	fake_advance(f, H_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_EMPTY_RESERVOIR));
	assert_int_equal(alarm_prio(f, PP_ALARM_EMPTY_RESERVOIR), PP_PRIO_HIGH);
	assert_int_equal(fake_status(f).reservoir_nl, 500000); /* exactly the dead volume */
	n = f->strokes;
	assert_int_equal(n, 2000);
	fake_advance(f, H_US);
	assert_int_equal(f->strokes, n);
	assert_int_equal(fake_refill(f, 20000000, 0), PP_REFUSE_OK);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_EMPTY_RESERVOIR), 0);
	fake_advance(f, H_US);
	assert_true(f->strokes > n + 3990);
}

static void motor_stall_from_feedback(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);
	uint32_t n;

	fake_ready(f, &x);
	fake_advance(f, 10 * MIN_US);
	f->motor_jammed = 1;
	n = f->strokes;
	fake_advance(f, 2 * MIN_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_MOTOR_STALL));
	assert_int_equal(alarm_prio(f, PP_ALARM_MOTOR_STALL), PP_PRIO_HIGH);
	assert_int_equal(f->strokes - n, 3); /* stall_strokes commanded, no more */
	fake_advance(f, H_US);
	assert_int_equal(f->strokes - n, 3);
	/* Ack retries the motor: still jammed, stalls again after 3 strokes. */
	assert_int_equal(alarm_ack(f, PP_ALARM_MOTOR_STALL), PP_REFUSE_OK);
	fake_advance(f, H_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_MOTOR_STALL));
	assert_int_equal(f->strokes - n, 6);
	/* Repaired: ack and delivery resumes. */
	f->motor_jammed = 0;
	assert_int_equal(alarm_ack(f, PP_ALARM_MOTOR_STALL), PP_REFUSE_OK);
	fake_advance(f, H_US);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_MOTOR_STALL), 0);
	assert_true(f->strokes - n >= 6 + 399);
}

static void battery_eri_then_eos(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);
	uint32_t n;

	fake_ready(f, &x);
	f->supply = 2700;
	fake_advance(f, 11 * S_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_BATTERY_ERI));
	assert_int_equal(alarm_prio(f, PP_ALARM_BATTERY_ERI), PP_PRIO_LOW);
	assert_int_equal(fake_status(f).rate_nl_h, 100000); /* continues */
	assert_int_equal(fake_status(f).battery_mv, 2700);
	f->supply = 2400;
	fake_advance(f, 11 * S_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_BATTERY_EOS));
	assert_int_equal(alarm_prio(f, PP_ALARM_BATTERY_EOS), PP_PRIO_HIGH);
	assert_int_equal(fake_status(f).rate_nl_h, 2000); /* EOS rate */
	n = f->strokes;
	fake_advance(f, 10 * H_US);
	assert_int_equal(f->strokes - n, 80);
	/* Hysteresis: 20 mV above the threshold is not enough to clear. */
	f->supply = 2520;
	fake_advance(f, 11 * S_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_BATTERY_EOS));
	f->supply = 3300;
	fake_advance(f, 11 * S_US);
	assert_int_equal(
	        alarms(f) & (ALARM_BIT(PP_ALARM_BATTERY_EOS) | ALARM_BIT(PP_ALARM_BATTERY_ERI)), 0);
	assert_int_equal(fake_status(f).rate_nl_h, 100000);
}

static void link_loss_on_session_timeout(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);
	pp_msg m = fake_msg(pp_type_session_open);
	uint32_t n;

	fake_ready(f, &x);
	m.u.session_open.timeout_s = 60;
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_OK);
	n = f->strokes;
	fake_advance(f, 59 * S_US);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_LINK_LOSS), 0); /* the frame refreshed it */
	fake_advance(f, 61 * S_US);
	/* interrogate works without a session; the session is gone. */
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_LINK_LOSS));
	assert_int_equal(alarm_prio(f, PP_ALARM_LINK_LOSS), PP_PRIO_LOW);
	assert_int_equal(fake_status(f).session, 0);
	assert_int_equal(fake_events(f, 0, PP_EV_SESSION_CLOSE, 0) >= 1, 1);
	/* Therapy continues through the outage. */
	fake_advance(f, H_US);
	assert_true(f->strokes - n >= 400);
	{
		pp_msg s = fake_msg(pp_type_stop);
		assert_int_equal(fake_req(f, &s)->type, pp_type_nak);
	}
	/* A new session clears it. */
	fake_open(f);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_LINK_LOSS), 0);
}

static void session_default_timeout(void **state)
{
	fake *f = *state;
	pp_msg m = fake_msg(pp_type_session_open);

	m.u.session_open.timeout_s = 0; /* board default: 120 s */
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_OK);
	assert_int_equal(fake_last_detail(f), 120);
	fake_advance(f, 121 * S_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_LINK_LOSS));
}

static void max_dose_drops_to_min_rate(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000); /* 1200 ug/day at 500 ug/mL */

	fake_ready(f, &x);
	/* The library tightens after the commit: cap 600 ug = 1.2 mL = 12 h. */
	assert_int_equal(fake_druglib(f, 1, 1000000, 600, 600), PP_REFUSE_OK);
	fake_advance(f, 11 * H_US);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_MAX_DOSE), 0);
	fake_advance(f, 2 * H_US);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_MAX_DOSE));
	assert_int_equal(alarm_prio(f, PP_ALARM_MAX_DOSE), PP_PRIO_MEDIUM);
	assert_int_equal(fake_status(f).rate_nl_h, 2000);
	/* Over the following days no 24 h holds more than the cap (4800
	 * strokes) plus the strokes of one window bucket at the minimum rate. */
	for (int day = 0; day < 3; day++) {
		uint32_t n = f->strokes;
		fake_advance(f, DAY_US);
		assert_true(f->strokes - n <= 4800 + 1);
		assert_true(f->strokes - n >= 4800 - 600);
	}
	/* Raised limit: the alarm clears and the rate returns. */
	assert_int_equal(fake_druglib(f, 1, 1000000, 4000, 4000), PP_REFUSE_OK);
	fake_advance(f, MIN_US);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_MAX_DOSE), 0);
	assert_int_equal(fake_status(f).rate_nl_h, 100000);
}

static void max_dose_halts_a_bolus_in_progress(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000); /* 1200 ug/day at 500 ug/mL */
	pp_bolus_result r;

	fake_ready(f, &x);
	/* Cap 600 ug = 1.2 mL: after 11 h (1.1 mL) a 90 uL bolus over 2 h fits
	 * when asked, but with the basal the cap is reached after ~40 min. */
	assert_int_equal(fake_druglib(f, 1, 1000000, 600, 600), PP_REFUSE_OK);
	fake_advance(f, 11 * H_US);
	r = fake_bolus(f, 31, PP_BOLUS_CLINICIAN, 90000, 7200, 0);
	assert_int_equal(r.result, PP_REFUSE_OK);
	fake_advance(f, 90 * MIN_US); /* the bolus alone would run until 2 h */
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_MAX_DOSE));
	assert_int_equal(fake_status(f).bolus_active, 0);
	/* The bolus ended early: BOLUS_END carries less than was asked. */
	assert_int_equal(fake_events(f, 0, PP_EV_BOLUS_END, 0) >= 1, 1);
	assert_true(fake_status(f).delivered_nl < 1100000 + 100000 + 90000 - 20000);
}

static void watchdog_reset_resumes_and_latches(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);
	pp_msg m = fake_msg(pp_type_hook);
	pp_status s;
	uint32_t n;

	fake_ready(f, &x);
	fake_advance(f, H_US);
	m.u.hook.hook = PP_HOOK_WATCHDOG_HANG;
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_OK);
	n = f->strokes;
	fake_advance(f, 89 * S_US);
	assert_int_equal(f->resets, 0);
	assert_true(f->strokes - n <= 1);
	fake_advance(f, 2 * S_US);
	assert_int_equal(f->resets, 1);
	s = fake_status(f);
	assert_true(s.alarms & ALARM_BIT(PP_ALARM_WATCHDOG));
	assert_int_equal(alarm_prio(f, PP_ALARM_WATCHDOG), PP_PRIO_MEDIUM);
	assert_int_equal(s.running, 1);
	assert_int_equal(s.rx_crc, fake_presc_crc(&x));
	assert_int_equal(s.resets, 1);
	assert_int_equal(s.rate_nl_h, 100000);
	/* The boot was logged with its cause. */
	{
		int seen = 0;
		for (uint32_t i = 0; i < f->nmsgs; i++) {
			const pp_msg *e = &f->msgs[i % FAKE_MSGS].m;
			if (e->type == pp_type_event && e->u.event.code == PP_EV_BOOT &&
			    e->u.event.arg == 1)
				seen = 1;
		}
		assert_true(seen);
	}
	n = f->strokes;
	fake_advance(f, H_US);
	assert_true(f->strokes - n >= 399);
	/* Latched: stays until acknowledged (session is RAM: open again). */
	fake_open(f);
	assert_true(alarms(f) & ALARM_BIT(PP_ALARM_WATCHDOG));
	assert_int_equal(alarm_ack(f, PP_ALARM_WATCHDOG), PP_REFUSE_OK);
	assert_int_equal(alarms(f) & ALARM_BIT(PP_ALARM_WATCHDOG), 0);
	assert_int_equal(alarm_ack(f, PP_ALARM_WATCHDOG), PP_REFUSE_NOT_ACTIVE);
	assert_int_equal(fake_last_detail(f), 0);
}

static void watchdog_kicked_while_idle(void **state)
{
	fake *f = *state;

	fake_advance(f, 3 * DAY_US);
	assert_int_equal(f->resets, 0);
}

static void alarm_test_event(void **state)
{
	fake *f = *state;

	assert_int_equal(fake_simple(f, pp_type_alarm_test), PP_REFUSE_OK);
	fake_advance(f, S_US);
	assert_int_equal(fake_events(f, 0, PP_EV_ALARM_TEST, 0), 1);
	/* Unknown alarm code: refused as a bad parameter. */
	fake_open(f);
	assert_int_equal(alarm_ack(f, 0), PP_REFUSE_BAD_PARAM);
	assert_int_equal(alarm_ack(f, 99), PP_REFUSE_BAD_PARAM);
}

static void alarm_events_logged(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);
	pp_msg m = fake_msg(pp_type_log_read);
	const pp_msg *r;
	uint32_t count;
	int on = 0, off = 0;

	fake_ready(f, &x);
	f->supply = 2700;
	fake_advance(f, 11 * S_US);
	f->supply = 3300;
	fake_advance(f, 11 * S_US);
	r = fake_req(f, &m);
	count = r->u.log_entry.count;
	for (uint32_t i = 0; i < count; i++) {
		m.u.log_read.index = i;
		r = fake_req(f, &m);
		assert_int_equal(r->type, pp_type_log_entry);
		if (r->u.log_entry.code == PP_EV_ALARM_ON &&
		    r->u.log_entry.arg == PP_ALARM_BATTERY_ERI)
			on++;
		if (r->u.log_entry.code == PP_EV_ALARM_OFF &&
		    r->u.log_entry.arg == PP_ALARM_BATTERY_ERI)
			off++;
	}
	assert_int_equal(on, 1);
	assert_int_equal(off, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(occlusion_stops_after_persistence, setup),
		cmocka_unit_test_setup(occlusion_detected_between_slow_strokes, setup),
		cmocka_unit_test_setup(occlusion_needs_persistence, setup),
		cmocka_unit_test_setup(low_reservoir_at_residual_continues, setup),
		cmocka_unit_test_setup(low_reservoir_default_residual, setup),
		cmocka_unit_test_setup(empty_reservoir_stops_at_dead_volume, setup),
		cmocka_unit_test_setup(motor_stall_from_feedback, setup),
		cmocka_unit_test_setup(battery_eri_then_eos, setup),
		cmocka_unit_test_setup(link_loss_on_session_timeout, setup),
		cmocka_unit_test_setup(session_default_timeout, setup),
		cmocka_unit_test_setup(max_dose_drops_to_min_rate, setup),
		cmocka_unit_test_setup(max_dose_halts_a_bolus_in_progress, setup),
		cmocka_unit_test_setup(watchdog_reset_resumes_and_latches, setup),
		cmocka_unit_test_setup(watchdog_kicked_while_idle, setup),
		cmocka_unit_test_setup(alarm_test_event, setup),
		cmocka_unit_test_setup(alarm_events_logged, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
