/*
 * test_fw_core.c - the firmware's first working core through real frames:
 * session, status, atomic prescription, start/stop, exact continuous
 * delivery, refill and events.
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

static void boot_status(void **state)
{
	fake *f = *state;
	pp_status s;

	fake_advance(f, S_US);
	s = fake_status(f);
	assert_int_equal(s.fw_version, FW_VERSION_CODE);
	assert_int_equal(s.serial, 1);
	assert_int_equal(s.running, 0);
	assert_int_equal(s.session, 0);
	assert_int_equal(s.battery_mv, 3300);
	/* No refill yet: computed reservoir 0, the empty alarm stands. */
	assert_int_equal(s.reservoir_nl, 0);
	assert_true(s.alarms & ALARM_BIT(PP_ALARM_EMPTY_RESERVOIR));
	assert_int_equal(fake_events(f, 0, PP_EV_BOOT, 0) >= 1, 1);
}

static void responses_echo_seq_and_board_time(void **state)
{
	fake *f = *state;
	pp_msg m = fake_msg(pp_type_interrogate);
	uint32_t since = f->nmsgs;

	f->now = 5 * S_US;
	fake_send_seq(f, &m, 0x1234);
	assert_non_null(fake_reply(f, 0x1234, since));
	/* The status reply (events resent meanwhile keep their own stamps). */
	int found = 0;
	for (uint32_t i = since; i < f->nmsgs; i++) {
		const fake_rx *r = &f->msgs[i % FAKE_MSGS];
		if (r->m.type == pp_type_status) {
			assert_int_equal(r->seq, 0x1234);
			assert_int_equal(r->board_us, 5 * S_US);
			found = 1;
		}
	}
	assert_true(found);
}

static void therapy_needs_session(void **state)
{
	fake *f = *state;
	pp_msg m = fake_msg(pp_type_start);
	const pp_msg *r = fake_req(f, &m);

	assert_int_equal(r->type, pp_type_nak);
	assert_int_equal(r->u.nak.code, PP_NAK_NO_SESSION);
	assert_int_equal(r->u.nak.req_type, pp_type_start);
	fake_open(f);
	assert_int_equal(fake_status(f).session, 1);
	/* Start needs a committed prescription. */
	assert_int_equal(fake_simple(f, pp_type_start), PP_REFUSE_NO_STAGED);
	assert_int_equal(fake_simple(f, pp_type_session_close), PP_REFUSE_OK);
	assert_int_equal(fake_status(f).session, 0);
	m = fake_msg(pp_type_refill);
	r = fake_req(f, &m);
	assert_int_equal(r->type, pp_type_nak);
}

static void commit_verified_prescription(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000);
	pp_status s;

	fake_open(f);
	assert_int_equal(fake_druglib(f, 1, 1000000, 2000000, 4000000), PP_REFUSE_OK);
	assert_int_equal(fake_program(f, &x), PP_REFUSE_OK);
	s = fake_status(f);
	assert_int_equal(s.rx_crc, fake_presc_crc(&x));
	assert_int_equal(s.mode, PP_MODE_CONTINUOUS);
	assert_int_equal(s.running, 0);
	assert_int_equal(s.rate_nl_h, 0); /* not started */
	assert_int_equal(fake_events(f, 0, PP_EV_RX_COMMIT, 0), 1);
}

static void commit_crc_mismatch_keeps_old(void **state)
{
	fake *f = *state;
	fake_presc a = fake_continuous(10000), b = fake_continuous(40000);
	pp_status s;

	fake_ready(f, &a);
	assert_int_equal(fake_stage(f, &b), PP_REFUSE_OK);
	assert_int_equal(fake_commit(f, fake_presc_crc(&b) ^ 1u), PP_REFUSE_CRC_MISMATCH);
	s = fake_status(f);
	assert_int_equal(s.rx_crc, fake_presc_crc(&a));
	assert_int_equal(s.rate_nl_h, 10000);
	assert_int_equal(s.mode, PP_MODE_CONTINUOUS);
	/* The staged one still commits with the right CRC. */
	assert_int_equal(fake_commit(f, fake_presc_crc(&b)), PP_REFUSE_OK);
	assert_int_equal(fake_status(f).rate_nl_h, 40000);
}

static void lost_commit_leaves_old_running(void **state)
{
	fake *f = *state;
	fake_presc a = fake_continuous(10000), b = fake_continuous(40000);
	uint32_t before;

	fake_ready(f, &a);
	assert_int_equal(fake_stage(f, &b), PP_REFUSE_OK);
	/* The commit is lost on the link: the old prescription keeps running. */
	before = f->strokes;
	fake_advance(f, H_US);
	assert_int_equal(fake_status(f).rx_crc, fake_presc_crc(&a));
	assert_int_equal(fake_status(f).rate_nl_h, 10000);
	assert_int_equal(f->strokes - before, 40);
	/* A new rx_begin discards the staged one: its CRC no longer commits. */
	b.b.rate_nl_h = 20000;
	{
		pp_msg m = fake_msg(pp_type_rx_begin);
		m.u.rx_begin = b.b;
		assert_int_equal(fake_ack(f, &m), PP_REFUSE_OK);
	}
	b.b.rate_nl_h = 40000;
	assert_int_equal(fake_commit(f, fake_presc_crc(&b)), PP_REFUSE_CRC_MISMATCH);
	assert_int_equal(fake_status(f).rate_nl_h, 10000);
}

static void commit_without_staging_refused(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000);

	fake_open(f);
	assert_int_equal(fake_commit(f, fake_presc_crc(&x)), PP_REFUSE_NO_STAGED);
	assert_int_equal(fake_status(f).rx_crc, 0);
}

/* Strokes after time T at a constant rate: floor(rate * T / stroke), exactly. */
static void continuous_delivery_exact(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(7000); /* 28 strokes/h, 128.57 s apart */
	uint64_t t0;
	uint32_t s0;

	fake_ready(f, &x);
	t0 = f->now;
	s0 = f->strokes;
	fake_run_until(f, t0 + 7 * DAY_US);
	assert_int_equal(f->strokes - s0, 7000ull * 7 * 24 / 250);
	/* Spacing is 128571 or 128572 ms: never bunched, never late. */
	for (int i = 1; i < 8; i++) {
		uint64_t a = f->stroke_t[(f->strokes - 1 - (unsigned)i) % 8];
		uint64_t b = f->stroke_t[(f->strokes - (unsigned)i) % 8];
		assert_true(b - a >= 128571428 && b - a <= 128571429);
	}
	assert_int_equal(fake_status(f).delivered_nl, (uint64_t)(f->strokes - s0) * 250);
}

static void rate_change_no_drift(void **state)
{
	fake *f = *state;
	fake_presc a = fake_continuous(7000), b = fake_continuous(13001);
	uint64_t t0, t1, t2;
	uint32_t s0;

	fake_ready(f, &a);
	t0 = f->now;
	s0 = f->strokes;
	fake_run_until(f, t0 + 5 * H_US + 12345);
	t1 = f->now;
	assert_int_equal(fake_program(f, &b), PP_REFUSE_OK);
	fake_run_until(f, t1 + 30 * H_US);
	t2 = f->now;
	/* Total volume follows the integral of the rate to the stroke. */
	{
		uint64_t units = 7000ull * (t1 - t0) + 13001ull * (t2 - t1);
		assert_int_equal(f->strokes - s0, units / (250ull * 3600000000ull));
	}
}

static void start_stop(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);
	uint32_t n;
	uint32_t since = f->nmsgs;

	fake_ready(f, &x);
	assert_int_equal(fake_status(f).running, 1);
	assert_int_equal(fake_status(f).rate_nl_h, 100000);
	fake_advance(f, H_US);
	assert_int_equal(f->strokes, 400);
	assert_int_equal(fake_simple(f, pp_type_stop), PP_REFUSE_OK);
	n = f->strokes;
	fake_advance(f, H_US);
	assert_int_equal(f->strokes, n);
	assert_int_equal(fake_status(f).running, 0);
	assert_int_equal(fake_status(f).rate_nl_h, 0);
	assert_int_equal(fake_events(f, since, PP_EV_START, 0) >= 1, 1);
	assert_int_equal(fake_events(f, since, PP_EV_STOP, 0) >= 1, 1);
	assert_int_equal(fake_simple(f, pp_type_start), PP_REFUSE_OK);
	fake_advance(f, H_US);
	assert_true(f->strokes >= n + 399);
}

static void refill_and_reservoir(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);
	pp_status s;

	fake_ready(f, &x);
	assert_int_equal(fake_status(f).alarms & ALARM_BIT(PP_ALARM_EMPTY_RESERVOIR), 0);
	fake_advance(f, 10 * H_US);
	s = fake_status(f);
	assert_int_equal(s.reservoir_nl, 20000000 - 1000000);
	assert_int_equal(s.delivered_nl, 1000000);
	assert_int_equal(fake_refill(f, 15000000, 0), PP_REFUSE_OK);
	assert_int_equal(fake_status(f).reservoir_nl, 15000000);
	assert_int_equal(fake_events(f, 0, PP_EV_REFILL, 0) >= 2, 1);
	/* Above the capacity: refused, nothing changes. */
	assert_int_equal(fake_refill(f, 40000000, 0), PP_REFUSE_BAD_PARAM);
	assert_int_equal(fake_last_detail(f), 20000000);
	assert_int_equal(fake_status(f).reservoir_nl, 15000000);
}

static void events_resent_until_acked(void **state)
{
	fake *f = *state;
	uint32_t since = f->nmsgs;
	uint32_t evseq = 0;
	pp_msg m;

	f->auto_ack = 0;
	assert_int_equal(fake_simple(f, pp_type_alarm_test), PP_REFUSE_OK);
	fake_advance(f, 5 * S_US + 1);
	assert_int_equal(fake_events(f, since, PP_EV_ALARM_TEST, 0), 3); /* 0, 2, 4 s */
	for (uint32_t i = since; i < f->nmsgs; i++)
		if (f->msgs[i % FAKE_MSGS].m.type == pp_type_event &&
		    f->msgs[i % FAKE_MSGS].m.u.event.code == PP_EV_ALARM_TEST)
			evseq = f->msgs[i % FAKE_MSGS].m.u.event.evseq;
	m = fake_msg(pp_type_event_ack);
	m.u.event_ack.evseq = evseq;
	fake_send_seq(f, &m, 999);
	since = f->nmsgs;
	fake_advance(f, 10 * S_US);
	assert_int_equal(fake_events(f, since, PP_EV_ALARM_TEST, 0), 0);
}

static void same_seq_not_executed_twice(void **state)
{
	fake *f = *state;
	pp_msg m = fake_msg(pp_type_alarm_test);
	uint32_t since = f->nmsgs;
	const pp_msg *r;

	fake_send_seq(f, &m, 50);
	fake_send_seq(f, &m, 50);
	r = fake_reply(f, 50, since);
	assert_non_null(r);
	assert_int_equal(r->type, pp_type_ack);
	assert_int_equal(fake_events_unique(f, since, PP_EV_ALARM_TEST, 0), 1);
	/* Two acks went out, byte-identical replies. */
	{
		int acks = 0;
		for (uint32_t i = since; i < f->nmsgs; i++)
			if (f->msgs[i % FAKE_MSGS].m.type == pp_type_ack &&
			    f->msgs[i % FAKE_MSGS].seq == 50)
				acks++;
		assert_int_equal(acks, 2);
	}
	fake_send_seq(f, &m, 51);
	assert_int_equal(fake_events_unique(f, since, PP_EV_ALARM_TEST, 0), 2);
}

static void stopped_mode_delivers_nothing(void **state)
{
	fake *f = *state;
	fake_presc a = fake_continuous(100000), b = fake_continuous(0);
	uint32_t n;

	fake_ready(f, &a);
	b.b.mode = PP_MODE_STOPPED;
	assert_int_equal(fake_program(f, &b), PP_REFUSE_OK);
	n = f->strokes;
	fake_advance(f, 2 * H_US);
	assert_int_equal(f->strokes, n);
	assert_int_equal(fake_status(f).mode, PP_MODE_STOPPED);
	assert_int_equal(fake_status(f).rate_nl_h, 0);
}

/* A task loop that ran late never catches up as an unplanned bolus. */
static void late_loop_no_catch_up_bolus(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000); /* a stroke every 9 s */
	uint32_t n;

	fake_ready(f, &x);
	fake_advance(f, MIN_US);
	n = f->strokes;
	f->now += 10 * MIN_US; /* the loop was not run for 10 minutes */
	fake_run(f);
	assert_true(f->strokes - n <= 2);
	/* And the schedule carries on at the programmed rate. */
	n = f->strokes;
	fake_advance(f, H_US);
	assert_true(f->strokes - n >= 399 && f->strokes - n <= 401);
}

/* Tickless: the next deadline is the next stroke, not a polling tick. */
static void deadline_is_next_stroke(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(2000); /* a stroke every 450 s */
	uint64_t d;

	fake_ready(f, &x);
	fake_advance(f, 1000 * S_US);
	d = fw_next_deadline_us(&f->pump);
	assert_true(d > f->now);
	assert_true(d - f->now <= FW_KICK_US);
	/* Idle and stopped: only sensing (10 s) and the watchdog kick wake it. */
	assert_int_equal(fake_simple(f, pp_type_stop), PP_REFUSE_OK);
	fake_advance(f, 20 * S_US);
	{
		uint64_t end = f->now + H_US;
		int wakeups = 0;
		while ((d = fw_next_deadline_us(&f->pump)) <= end) {
			assert_true(d > f->now);
			f->now = d;
			fake_run(f);
			wakeups++;
		}
		assert_true(wakeups >= 360 && wakeups <= 360 + 121);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(boot_status, setup),
		cmocka_unit_test_setup(responses_echo_seq_and_board_time, setup),
		cmocka_unit_test_setup(therapy_needs_session, setup),
		cmocka_unit_test_setup(commit_verified_prescription, setup),
		cmocka_unit_test_setup(commit_crc_mismatch_keeps_old, setup),
		cmocka_unit_test_setup(lost_commit_leaves_old_running, setup),
		cmocka_unit_test_setup(commit_without_staging_refused, setup),
		cmocka_unit_test_setup(continuous_delivery_exact, setup),
		cmocka_unit_test_setup(rate_change_no_drift, setup),
		cmocka_unit_test_setup(start_stop, setup),
		cmocka_unit_test_setup(refill_and_reservoir, setup),
		cmocka_unit_test_setup(events_resent_until_acked, setup),
		cmocka_unit_test_setup(same_seq_not_executed_twice, setup),
		cmocka_unit_test_setup(stopped_mode_delivers_nothing, setup),
		cmocka_unit_test_setup(late_loop_no_catch_up_bolus, setup),
		cmocka_unit_test_setup(deadline_is_next_stroke, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
