/*
 * test_fw_nvm.c - persisted therapy state: resume after a reset, two CRC'd
 * copies surviving a brown-out at every write of a save, fallback event,
 * NVM fault alarm, idempotency across a reset.
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

static void reset_resumes_therapy(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);
	pp_status a, b;
	uint32_t n;

	fake_ready(f, &x);
	fake_advance(f, 2 * H_US);
	a = fake_status(f);
	fake_boot(f, 0); /* power cycle */
	fake_advance(f, S_US);
	b = fake_status(f);
	assert_int_equal(b.rx_crc, a.rx_crc);
	assert_int_equal(b.running, 1);
	assert_int_equal(b.rate_nl_h, 100000);
	assert_int_equal(b.mode, PP_MODE_CONTINUOUS);
	assert_int_equal(b.resets, a.resets + 1);
	/* Counters saved within the last window bucket (10 min) at most. */
	assert_true(b.delivered_nl <= a.delivered_nl + 250);
	assert_true(b.delivered_nl + 100000 / 6 + 250 >= a.delivered_nl);
	assert_true(b.reservoir_nl + b.delivered_nl == 20000000);
	/* Power-on is not a watchdog reset. */
	assert_int_equal(b.alarms & ALARM_BIT(PP_ALARM_WATCHDOG), 0);
	n = f->strokes;
	fake_advance(f, H_US);
	assert_int_equal(f->strokes - n, 400);
	/* The drug library survived too: the same limits apply. */
	fake_open(f);
	assert_int_equal(fake_druglib(f, 1, 1000000, 2000000, 4000000), PP_REFUSE_OK);
}

/* Cut the power at the k-th write of a commit's save, for every k. */
static void brownout_mid_commit_keeps_a_whole_prescription(void **state)
{
	fake *f = *state;
	fake_presc a = fake_continuous(10000), b = fake_continuous(30000);

	for (int k = 1; k <= 3; k++) {
		pp_status s;
		uint32_t since;

		fake_init(f);
		f->auto_ack = 1;
		fake_ready(f, &a);
		fake_advance(f, H_US);
		assert_int_equal(fake_stage(f, &b), PP_REFUSE_OK);
		since = f->nmsgs;
		f->brownout_in = k;
		{
			pp_msg m = fake_msg(pp_type_rx_commit);
			m.u.rx_commit.crc = fake_presc_crc(&b);
			fake_send_seq(f, &m, ++f->seq);
		}
		assert_int_equal(f->resets, 1);
		/* No ack was sent for the interrupted commit. */
		assert_null(fake_reply(f, f->seq, since));
		fake_advance(f, S_US);
		s = fake_status(f);
		/* Old prescription, whole. */
		assert_int_equal(s.rx_crc, fake_presc_crc(&a));
		assert_int_equal(s.rate_nl_h, 10000);
		assert_int_equal(s.running, 1);
		assert_true(s.alarms & ALARM_BIT(PP_ALARM_WATCHDOG));
		assert_int_equal(fake_events(f, since, PP_EV_NVM_RECOVER, 0) >= 1, 1);
		/* The host redoes the transaction and it commits. */
		fake_open(f);
		assert_int_equal(fake_program(f, &b), PP_REFUSE_OK);
		fake_boot(f, 0);
		fake_advance(f, S_US);
		assert_int_equal(fake_status(f).rx_crc, fake_presc_crc(&b));
	}
}

static void both_copies_bad_raise_nvm_fault(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000);
	pp_status s;

	fake_ready(f, &x);
	f->nvm[100] ^= 0xff;
	f->nvm[FW_NVM_SIZE / 2 + 100] ^= 0xff;
	fake_boot(f, 0);
	fake_advance(f, S_US);
	s = fake_status(f);
	assert_true(s.alarms & ALARM_BIT(PP_ALARM_NVM_FAULT));
	assert_int_equal(s.running, 0);
	assert_int_equal(s.rx_crc, 0);
	/* Latched: ack clears it once a save succeeded. */
	fake_open(f);
	{
		pp_msg m = fake_msg(pp_type_alarm_ack);
		m.u.alarm_ack.alarm = PP_ALARM_NVM_FAULT;
		assert_int_equal(fake_ack(f, &m), PP_REFUSE_OK);
	}
	assert_int_equal(fake_status(f).alarms & ALARM_BIT(PP_ALARM_NVM_FAULT), 0);
}

static void one_copy_bad_recovers(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000);
	uint32_t since;
	pp_status s;

	fake_ready(f, &x);
	fake_boot(f, 0);
	since = f->nmsgs;
	/* Damage the newest copy (the one the boot just wrote). */
	f->nvm[(f->pump.nvm_slot ? FW_NVM_SIZE / 2 : 0) + 200] ^= 0x55;
	fake_boot(f, 0);
	fake_advance(f, S_US);
	s = fake_status(f);
	assert_int_equal(s.rx_crc, fake_presc_crc(&x));
	assert_int_equal(s.alarms & ALARM_BIT(PP_ALARM_NVM_FAULT), 0);
	assert_int_equal(fake_events(f, since, PP_EV_NVM_RECOVER, 0) >= 1, 1);
}

static void blank_nvm_is_factory_state(void **state)
{
	fake *f = *state;

	fake_advance(f, S_US);
	assert_int_equal(fake_status(f).alarms & ALARM_BIT(PP_ALARM_NVM_FAULT), 0);
	assert_int_equal(fake_events(f, 0, PP_EV_NVM_RECOVER, 0), 0);
	assert_int_equal(fake_status(f).resets, 0);
}

static void nvm_write_failure_alarms(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000);

	fake_ready(f, &x);
	f->nvm_fail = 1;
	assert_int_equal(fake_simple(f, pp_type_stop), PP_REFUSE_OK);
	assert_true(fake_status(f).alarms & ALARM_BIT(PP_ALARM_NVM_FAULT));
}

static void bolus_id_survives_reset(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000);
	pp_bolus_result r;
	uint32_t n;

	fake_ready(f, &x);
	r = fake_bolus(f, 4242, PP_BOLUS_CLINICIAN, 100000, 600, 0);
	assert_int_equal(r.result, PP_REFUSE_OK);
	fake_advance(f, MIN_US);
	fake_boot(f, 1);
	fake_open(f);
	n = f->strokes;
	/* The host retries the request whose answer it lost: no second dose. */
	r = fake_bolus(f, 4242, PP_BOLUS_CLINICIAN, 100000, 600, 0);
	assert_int_equal(r.result, PP_REFUSE_OK);
	assert_int_equal(fake_status(f).bolus_active, 0); /* a reset ends a bolus */
	fake_advance(f, H_US);
	assert_true(f->strokes - n <= 41);
}

static void lockout_survives_reset(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(10000);

	x.b.pb_dose_nl = 10000;
	x.b.pb_duration_s = 60;
	x.b.pb_lockout_s = 3600;
	x.b.pb_max_per_day = 4;
	fake_ready(f, &x);
	assert_int_equal(fake_bolus(f, 1, PP_BOLUS_PATIENT, 0, 0, 0).result, PP_REFUSE_OK);
	fake_advance(f, MIN_US);
	/* The board clock restarts at 0 after this reset. */
	f->now = 5000;
	fake_boot(f, 2);
	fake_open(f);
	fake_advance(f, 10 * MIN_US);
	assert_int_equal(fake_bolus(f, 2, PP_BOLUS_PATIENT, 0, 0, 0).result, PP_REFUSE_LOCKOUT);
	fake_advance(f, H_US);
	assert_int_equal(fake_bolus(f, 3, PP_BOLUS_PATIENT, 0, 0, 0).result, PP_REFUSE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(reset_resumes_therapy, setup),
		cmocka_unit_test_setup(brownout_mid_commit_keeps_a_whole_prescription, setup),
		cmocka_unit_test_setup(both_copies_bad_raise_nvm_fault, setup),
		cmocka_unit_test_setup(one_copy_bad_recovers, setup),
		cmocka_unit_test_setup(blank_nvm_is_factory_state, setup),
		cmocka_unit_test_setup(nvm_write_failure_alarms, setup),
		cmocka_unit_test_setup(bolus_id_survives_reset, setup),
		cmocka_unit_test_setup(lockout_survives_reset, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
