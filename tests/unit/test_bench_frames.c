/* test_bench_frames.c - malformed frames from the host reach the virtual
 * bench on both channels: each is NAKed (or dropped when unframeable), and
 * the session goes on working afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "link/transport_sim.h"

static ph_transport *open_bench(void)
{
	bench_config cfg;
	bench_config_default(&cfg);
	ph_transport *t = ph_sim_open(&cfg);
	assert_non_null(t);
	return t;
}

/* Send bytes, return the first reply frame on `ch` (decoded) within 1 s. */
static int exchange(ph_transport *t, uint8_t ch, const uint8_t *w, size_t n, pp_msg *out)
{
	ph_rx rx;
	assert_int_equal(ph_send(t, ch, w, n), PH_T_OK);
	int64_t deadline = ph_now(t) + 1000000000LL;
	while (ph_recv(t, deadline, &rx) == PH_T_OK) {
		pp_frame f;
		if (rx.channel != ch || pp_frame_decode(rx.wire, rx.n - 1u, &f) != PP_OK)
			continue;
		if (f.type == pp_type_event)
			continue;
		assert_int_equal(pp_msg_unpack(&f, out), PP_OK);
		return 1;
	}
	return 0;
}

static void expect_nak(ph_transport *t, uint8_t ch, const uint8_t *w, size_t n, int code)
{
	pp_msg m;
	assert_int_equal(exchange(t, ch, w, n, &m), 1);
	assert_int_equal(m.type, pp_type_nak);
	assert_int_equal(m.u.nak.code, code);
}

static int encode(uint8_t ch, uint8_t type, uint16_t seq, uint8_t *w)
{
	pp_msg m;
	memset(&m, 0, sizeof m);
	m.type = type;
	return pp_msg_encode(&m, ch, seq, 0, w, PP_MAX_WIRE);
}

static void still_works(ph_transport *t)
{
	uint8_t w[PP_MAX_WIRE];
	pp_msg m;
	int n = encode(PP_CH_PUMP, pp_type_interrogate, 900, w);
	assert_int_equal(exchange(t, PP_CH_PUMP, w, (size_t)n, &m), 1);
	assert_int_equal(m.type, pp_type_status);
	n = encode(PP_CH_FIXTURE, pp_type_fx_read, 901, w);
	assert_int_equal(exchange(t, PP_CH_FIXTURE, w, (size_t)n, &m), 1);
	assert_int_equal(m.type, pp_type_fx_state);
}

static void damaged_frames(uint8_t ch, uint8_t good_type, uint8_t foreign_type)
{
	ph_transport *t = open_bench();
	uint8_t w[PP_MAX_WIRE], big[PP_MAX_WIRE * 2];
	int n;

	/* Wrong CRC: a valid raw frame whose last CRC byte is off by one,
	 * stuffed with COBS so only the CRC is wrong. */
	uint8_t raw[PP_HEADER_SIZE + PP_CRC_SIZE] = { PP_VERSION, ch, good_type, 0, 1, 0, 0, 0 };
	uint32_t crc = pp_crc32(0, raw, PP_HEADER_SIZE) ^ 0x01000000u;
	for (int i = 0; i < 4; i++)
		raw[PP_HEADER_SIZE + i] = (uint8_t)(crc >> (8 * i));
	n = pp_cobs_encode(raw, sizeof raw, w, sizeof w - 1);
	w[n++] = 0;
	expect_nak(t, ch, w, (size_t)n, PP_NAK_BAD_CRC);

	/* A type not valid on this channel. */
	n = encode(ch, foreign_type, 2, w);
	pp_frame f;
	memset(&f, 0, sizeof f);
	f.version = PP_VERSION;
	f.channel = ch;
	f.type = 0x7e; /* unknown everywhere */
	f.seq = 3;
	n = pp_frame_encode(&f, w, sizeof w);
	expect_nak(t, ch, w, (size_t)n, PP_NAK_UNKNOWN_TYPE);

	/* Wrong version. */
	f.type = good_type;
	f.version = 9;
	n = pp_frame_encode(&f, w, sizeof w);
	expect_nak(t, ch, w, (size_t)n, PP_NAK_BAD_VERSION);

	/* Truncated COBS: a code byte that runs past the end. */
	static const uint8_t cut[] = { 0x30, 0x01, 0x02, 0x00 };
	expect_nak(t, ch, cut, sizeof cut, PP_NAK_BAD_FRAME);

	/* Oversized: dropped whole by the deframer and NAKed. */
	memset(big, 0x44, sizeof big - 1);
	big[sizeof big - 1] = 0;
	expect_nak(t, ch, big, sizeof big, PP_NAK_TOO_LONG);

	still_works(t);
	ph_transport_close(t);
}

static void test_pump_channel_damage(void **state)
{
	(void)state;
	damaged_frames(PP_CH_PUMP, pp_type_interrogate, pp_type_fx_read);
}

static void test_fixture_channel_damage(void **state)
{
	(void)state;
	damaged_frames(PP_CH_FIXTURE, pp_type_fx_read, pp_type_interrogate);
}

static void test_fixture_refuses_out_of_range_without_clamping(void **state)
{
	ph_transport *t = open_bench();
	uint8_t w[PP_MAX_WIRE];
	pp_msg m, r;
	(void)state;
	memset(&m, 0, sizeof m);
	m.type = pp_type_fx_set;
	m.u.fx_set.param = PP_FX_PINCH_PM;
	m.u.fx_set.value = 1001;
	int n = pp_msg_encode(&m, PP_CH_FIXTURE, 5, 0, w, sizeof w);
	assert_int_equal(exchange(t, PP_CH_FIXTURE, w, (size_t)n, &r), 1);
	assert_int_equal(r.type, pp_type_ack);
	assert_int_equal(r.u.ack.result, PP_REFUSE_BAD_PARAM);
	n = encode(PP_CH_FIXTURE, pp_type_fx_read, 6, w);
	assert_int_equal(exchange(t, PP_CH_FIXTURE, w, (size_t)n, &r), 1);
	assert_int_equal(r.u.fx_state.pinch_pm, 0); /* unchanged, not clamped to 1000 */
	ph_transport_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pump_channel_damage),
		cmocka_unit_test(test_fixture_channel_damage),
		cmocka_unit_test(test_fixture_refuses_out_of_range_without_clamping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
