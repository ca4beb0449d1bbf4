/*
 * test_fw_session.c - the link: every NAK code for unusable frames (counted,
 * never a crash), garbage on the line, the receive queue bound, the event
 * log readout and ring, and the board-side test hooks.
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

/* Build a raw frame (header + payload + CRC), optionally damaged, COBS it. */
static size_t raw_frame(uint8_t *wire, uint8_t version, uint8_t ch, uint8_t type, uint16_t seq,
                        const uint8_t *payload, uint16_t len, uint16_t hdr_len, int bad_crc)
{
	uint8_t raw[PP_MAX_RAW + 64];
	uint32_t crc;
	size_t n = PP_HEADER_SIZE + len;
	int k;

	memset(raw, 0, sizeof raw);
	raw[0] = version;
	raw[1] = ch;
	raw[2] = type;
	raw[4] = (uint8_t)seq;
	raw[5] = (uint8_t)(seq >> 8);
	raw[6] = (uint8_t)hdr_len;
	raw[7] = (uint8_t)(hdr_len >> 8);
	memcpy(raw + PP_HEADER_SIZE, payload, len);
	crc = pp_crc32(0, raw, n) ^ (bad_crc ? 1u : 0u);
	for (int i = 0; i < 4; i++)
		raw[n + (size_t)i] = (uint8_t)(crc >> (8 * i));
	k = pp_cobs_encode(raw, n + 4, wire, PP_MAX_WIRE + 64);
	assert_true(k > 0);
	wire[k] = 0;
	return (size_t)k + 1;
}

static const pp_msg *nak_for(fake *f, const uint8_t *wire, size_t n)
{
	uint32_t since = f->nmsgs;

	fake_bytes(f, wire, n);
	for (uint32_t i = since; i < f->nmsgs; i++)
		if (f->msgs[i % FAKE_MSGS].m.type == pp_type_nak)
			return &f->msgs[i % FAKE_MSGS].m;
	return NULL;
}

static void nak_codes(void **state)
{
	fake *f = *state;
	uint8_t wire[PP_MAX_WIRE + 64], pl[PP_MAX_PAYLOAD + 8] = { 0 };
	const pp_msg *r;
	size_t n;

	n = raw_frame(wire, PP_VERSION, PP_CH_PUMP, pp_type_interrogate, 5, pl, 0, 0, 1);
	r = nak_for(f, wire, n);
	assert_non_null(r);
	assert_int_equal(r->u.nak.code, PP_NAK_BAD_CRC);

	n = raw_frame(wire, 9, PP_CH_PUMP, pp_type_interrogate, 6, pl, 0, 0, 0);
	r = nak_for(f, wire, n);
	assert_int_equal(r->u.nak.code, PP_NAK_BAD_VERSION);
	assert_int_equal(r->u.nak.req_seq, 6);

	n = raw_frame(wire, PP_VERSION, PP_CH_PUMP, 0x7e, 7, pl, 0, 0, 0);
	r = nak_for(f, wire, n);
	assert_int_equal(r->u.nak.code, PP_NAK_UNKNOWN_TYPE);
	assert_int_equal(r->u.nak.req_type, 0x7e);
	assert_int_equal(r->u.nak.req_seq, 7);

	/* A response type, and a fixture message on the pump channel. */
	n = raw_frame(wire, PP_VERSION, PP_CH_PUMP, pp_type_status, 8, pl, 0, 0, 0);
	assert_int_equal(nak_for(f, wire, n)->u.nak.code, PP_NAK_UNKNOWN_TYPE);
	n = raw_frame(wire, PP_VERSION, PP_CH_FIXTURE, pp_type_fx_read, 9, pl, 0, 0, 0);
	assert_int_equal(nak_for(f, wire, n)->u.nak.code, PP_NAK_UNKNOWN_TYPE);

	/* Header length disagrees with the frame; payload shorter than the message. */
	n = raw_frame(wire, PP_VERSION, PP_CH_PUMP, pp_type_interrogate, 10, pl, 4, 2, 0);
	assert_int_equal(nak_for(f, wire, n)->u.nak.code, PP_NAK_BAD_LENGTH);
	n = raw_frame(wire, PP_VERSION, PP_CH_PUMP, pp_type_bolus, 11, pl, 3, 3, 0);
	assert_int_equal(nak_for(f, wire, n)->u.nak.code, PP_NAK_BAD_LENGTH);

	/* Too short to hold a header; invalid COBS. */
	{
		uint8_t shortf[] = { 0x03, 0x01, 0x02, 0x00 };
		assert_int_equal(nak_for(f, shortf, sizeof shortf)->u.nak.code, PP_NAK_BAD_FRAME);
		uint8_t badcobs[] = { 0x09, 0x01, 0x00 };
		assert_int_equal(nak_for(f, badcobs, sizeof badcobs)->u.nak.code, PP_NAK_BAD_FRAME);
	}

	/* Longer than any frame. */
	{
		uint8_t longf[400];
		memset(longf, 0x11, sizeof longf);
		longf[sizeof longf - 1] = 0;
		assert_int_equal(nak_for(f, longf, sizeof longf)->u.nak.code, PP_NAK_TOO_LONG);
	}
	assert_int_equal(f->pump.naks[PP_NAK_BAD_CRC], 1);
	assert_int_equal(f->pump.naks[PP_NAK_UNKNOWN_TYPE], 3);
	assert_int_equal(f->pump.naks[PP_NAK_BAD_LENGTH], 2);
	/* Still alive and answering. */
	assert_int_equal(fake_status(f).serial, 1);
}

static void garbage_never_crashes(void **state)
{
	fake *f = *state;
	uint32_t x = 12345;
	uint8_t buf[256];

	for (int i = 0; i < 3000; i++) {
		size_t n = 1 + (x % sizeof buf);
		for (size_t j = 0; j < n; j++) {
			x = x * 1103515245u + 12345u;
			buf[j] = (uint8_t)(x >> 16);
		}
		fake_bytes(f, buf, n);
	}
	fake_bytes(f, (const uint8_t *)"\0", 1);
	assert_int_equal(fake_status(f).serial, 1);
	assert_int_equal(f->bad_frames, 0); /* every frame the pump sent decodes */
}

static void rx_queue_bounded(void **state)
{
	fake *f = *state;
	uint8_t junk[FW_RXQ_SIZE * 2];

	memset(junk, 0x22, sizeof junk);
	assert_true(fw_rx(&f->pump, junk, sizeof junk) < sizeof junk);
	fake_run(f);
	fake_bytes(f, (const uint8_t *)"\0", 1);
	assert_int_equal(fake_status(f).serial, 1);
}

/* The receive queue is shared with the UART interrupt: fw_rx (the ISR) alone
 * writes rxq_head, the task loop (fw_session_frames) alone writes rxq_tail.
 * rxq_head must be volatile: the task loop's drain calls nothing, so without
 * the qualifier the compiler may read the ISR's index once and keep it in a
 * register (gcc -Os for the M0+ did), and bytes the interrupt queues
 * meanwhile go unseen.  A host run cannot show that (no interrupt mid-loop,
 * and a Debug build hoists nothing), so this checks the qualifier itself:
 * &rxq_head carries it in its pointer type, and _Generic selects on that
 * type - dropping `volatile` makes this fail. */
static void rxq_head_is_volatile(void **state)
{
	fw_pump *p = &((fake *)*state)->pump;

	assert_true(_Generic(&p->rxq_head, volatile uint16_t * : 1, default : 0));
}

static void log_readout(void **state)
{
	fake *f = *state;
	pp_msg m = fake_msg(pp_type_log_read);
	const pp_msg *r;
	uint32_t count;
	uint64_t t = 0;

	fake_open(f);
	assert_int_equal(fake_simple(f, pp_type_alarm_test), PP_REFUSE_OK);
	r = fake_req(f, &m);
	count = r->u.log_entry.count;
	assert_true(count >= 3); /* boot, session open, alarm test */
	assert_int_equal(r->u.log_entry.code, PP_EV_BOOT);
	for (uint32_t i = 0; i < count; i++) {
		m.u.log_read.index = i;
		r = fake_req(f, &m);
		assert_int_equal(r->u.log_entry.index, i);
		assert_true(r->u.log_entry.t_us >= t);
		t = r->u.log_entry.t_us;
	}
	assert_int_equal(r->u.log_entry.code, PP_EV_ALARM_TEST);
	m.u.log_read.index = count;
	r = fake_req(f, &m);
	assert_int_equal(r->u.log_entry.code, 0);
	assert_int_equal(r->u.log_entry.count, count);
}

static void log_ring_keeps_newest(void **state)
{
	fake *f = *state;
	pp_msg m = fake_msg(pp_type_log_read);
	const pp_msg *r;

	for (unsigned i = 0; i < FW_LOG_SIZE + 10; i++)
		assert_int_equal(fake_simple(f, pp_type_alarm_test), PP_REFUSE_OK);
	r = fake_req(f, &m);
	assert_int_equal(r->u.log_entry.count, FW_LOG_SIZE);
	assert_int_equal(r->u.log_entry.code, PP_EV_ALARM_TEST); /* boot fell out */
	m.u.log_read.index = FW_LOG_SIZE - 1;
	assert_int_equal(fake_req(f, &m)->u.log_entry.code, PP_EV_ALARM_TEST);
}

static int hook(fake *f, uint8_t code, int32_t arg)
{
	pp_msg m = fake_msg(pp_type_hook);
	m.u.hook.hook = code;
	m.u.hook.arg = arg;
	return fake_ack(f, &m);
}

static void hook_pressure_stuck(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);

	fake_ready(f, &x);
	assert_int_equal(hook(f, PP_HOOK_PRESSURE_STUCK, 200000), PP_REFUSE_OK);
	fake_advance(f, 75 * S_US);
	assert_true(fake_status(f).alarms & ALARM_BIT(PP_ALARM_OCCLUSION));
	assert_int_equal(hook(f, PP_HOOK_PRESSURE_STUCK, -1), PP_REFUSE_OK);
	{
		pp_msg m = fake_msg(pp_type_alarm_ack);
		m.u.alarm_ack.alarm = PP_ALARM_OCCLUSION;
		fake_advance(f, 11 * S_US);
		assert_int_equal(fake_ack(f, &m), PP_REFUSE_OK);
	}
}

static void hook_pressure_drift(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);

	fake_ready(f, &x);
	/* 200 kPa per hour: above 103 kPa after ~31 min, alarm a minute later. */
	assert_int_equal(hook(f, PP_HOOK_PRESSURE_DRIFT, 200000), PP_REFUSE_OK);
	fake_advance(f, 30 * MIN_US);
	assert_int_equal(fake_status(f).alarms & ALARM_BIT(PP_ALARM_OCCLUSION), 0);
	fake_advance(f, 4 * MIN_US);
	assert_true(fake_status(f).alarms & ALARM_BIT(PP_ALARM_OCCLUSION));
}

static void hook_motor_stall(void **state)
{
	fake *f = *state;
	fake_presc x = fake_continuous(100000);
	uint32_t n;

	fake_ready(f, &x);
	n = f->strokes;
	assert_int_equal(hook(f, PP_HOOK_MOTOR_STALL, 1), PP_REFUSE_OK);
	fake_advance(f, 2 * MIN_US);
	assert_int_equal(f->strokes, n); /* the driver produced nothing */
	assert_true(fake_status(f).alarms & ALARM_BIT(PP_ALARM_MOTOR_STALL));
	assert_int_equal(hook(f, PP_HOOK_MOTOR_STALL, 0), PP_REFUSE_OK);
}

static void hook_clock_drift_and_unknown(void **state)
{
	fake *f = *state;

	assert_int_equal(hook(f, PP_HOOK_CLOCK_DRIFT_PPM, 100), PP_REFUSE_OK);
	assert_int_equal(f->pump.clock_drift_ppm, 100);
	assert_int_equal(hook(f, 99, 0), PP_REFUSE_BAD_PARAM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(nak_codes, setup),
		cmocka_unit_test_setup(garbage_never_crashes, setup),
		cmocka_unit_test_setup(rx_queue_bounded, setup),
		cmocka_unit_test_setup(rxq_head_is_volatile, setup),
		cmocka_unit_test_setup(log_readout, setup),
		cmocka_unit_test_setup(log_ring_keeps_newest, setup),
		cmocka_unit_test_setup(hook_pressure_stuck, setup),
		cmocka_unit_test_setup(hook_pressure_drift, setup),
		cmocka_unit_test_setup(hook_motor_stall, setup),
		cmocka_unit_test_setup(hook_clock_drift_and_unknown, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
