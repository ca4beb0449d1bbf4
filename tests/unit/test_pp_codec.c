/* test_pp_codec.c - COBS, CRC, frames, every message round trip, deframer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "pp.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void test_crc_matches_zlib(void **state)
{
	uint8_t buf[300];
	(void)state;
	assert_int_equal(pp_crc32(0, "123456789", 9), 0xcbf43926u);
	for (int round = 0; round < 200; round++) {
		size_t n = rnd() % sizeof buf;
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)rnd();
		assert_int_equal(pp_crc32(0, buf, n), (uint32_t)crc32(0, buf, (uInt)n));
		/* Incremental use gives the same result. */
		size_t k = n / 2;
		assert_int_equal(pp_crc32(pp_crc32(0, buf, k), buf + k, n - k),
		                 (uint32_t)crc32(0, buf, (uInt)n));
	}
}

static void test_cobs_known_vectors(void **state)
{
	static const struct {
		uint8_t in[8];
		size_t n;
		uint8_t out[10];
		size_t m;
	} v[] = {
		{ { 0x00 }, 1, { 0x01, 0x01 }, 2 },
		{ { 0x00, 0x00 }, 2, { 0x01, 0x01, 0x01 }, 3 },
		{ { 0x11, 0x22, 0x00, 0x33 }, 4, { 0x03, 0x11, 0x22, 0x02, 0x33 }, 5 },
		{ { 0x11, 0x00, 0x00, 0x00 }, 4, { 0x02, 0x11, 0x01, 0x01, 0x01 }, 5 },
	};
	uint8_t out[16], back[16];
	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		int m = pp_cobs_encode(v[i].in, v[i].n, out, sizeof out);
		assert_int_equal(m, (int)v[i].m);
		assert_memory_equal(out, v[i].out, v[i].m);
		assert_int_equal(pp_cobs_decode(out, (size_t)m, back, sizeof back), (int)v[i].n);
		assert_memory_equal(back, v[i].in, v[i].n);
	}
}

static void test_cobs_long_runs_and_errors(void **state)
{
	uint8_t in[600], enc[700], dec[600];
	(void)state;
	for (int round = 0; round < 100; round++) {
		size_t n = rnd() % sizeof in;
		int zeros = (int)(rnd() % 3); /* 0: no zeros (254-byte blocks), else some */
		for (size_t i = 0; i < n; i++)
			in[i] = zeros ? (uint8_t)rnd() : (uint8_t)(rnd() % 255 + 1);
		int m = pp_cobs_encode(in, n, enc, sizeof enc);
		assert_true(m > 0);
		assert_null(memchr(enc, 0, (size_t)m));
		assert_int_equal(pp_cobs_decode(enc, (size_t)m, dec, sizeof dec), (int)n);
		assert_memory_equal(dec, in, n);
	}
	/* A code byte pointing past the end, and an embedded zero, are errors. */
	uint8_t bad1[] = { 0x05, 0x11, 0x22 };
	uint8_t bad2[] = { 0x03, 0x11, 0x00, 0x01 };
	assert_int_equal(pp_cobs_decode(bad1, sizeof bad1, dec, sizeof dec), PP_ERR_COBS);
	assert_int_equal(pp_cobs_decode(bad2, sizeof bad2, dec, sizeof dec), PP_ERR_COBS);
	/* Output space is respected. */
	assert_int_equal(pp_cobs_encode(in, 100, enc, 50), PP_ERR_SPACE);
}

/* Fill every field of a message with a value derived from the field index. */
static void fill(pp_msg *m, const pp_msg_desc *d, uint64_t salt)
{
	uint8_t *body = (uint8_t *)&m->u;
	memset(m, 0, sizeof *m);
	m->type = d->type;
	for (int i = 0; i < d->nfields; i++) {
		const pp_field_desc *f = &d->fields[i];
		uint64_t v = salt * 0x0101010101010101ull + (uint64_t)i * 0x1122334455667788ull;
		switch (f->type) {
		case PP_T_U8: {
			uint8_t x = (uint8_t)v;
			memcpy(body + f->offset, &x, 1);
			break;
		}
		case PP_T_U16: {
			uint16_t x = (uint16_t)v;
			memcpy(body + f->offset, &x, 2);
			break;
		}
		case PP_T_U32: {
			uint32_t x = (uint32_t)v;
			memcpy(body + f->offset, &x, 4);
			break;
		}
		case PP_T_I32: {
			int32_t x = -(int32_t)(uint32_t)(v >> 33);
			memcpy(body + f->offset, &x, 4);
			break;
		}
		default: memcpy(body + f->offset, &v, 8); break;
		}
	}
}

static void test_every_message_round_trips(void **state)
{
	uint8_t wire[PP_MAX_WIRE];
	int count = 0;
	(void)state;
	for (const pp_msg_desc *d = pp_msg_descs; d->name; d++, count++) {
		for (uint64_t salt = 0; salt < 4; salt++) {
			pp_msg m, back;
			pp_frame f;
			uint8_t ch = d->channel == PP_CH_ANY ? (uint8_t)(salt & 1) : d->channel;
			fill(&m, d, salt);
			int n = pp_msg_encode(&m, ch, (uint16_t)(salt * 7919), salt << 40, wire,
			                      sizeof wire);
			assert_true(n > 0);
			assert_int_equal(wire[n - 1], 0);
			assert_null(memchr(wire, 0, (size_t)n - 1));
			assert_int_equal(pp_frame_decode(wire, (size_t)n - 1, &f), PP_OK);
			assert_int_equal(f.channel, ch);
			assert_int_equal(f.seq, (uint16_t)(salt * 7919));
			assert_true(f.board_us == salt << 40);
			assert_int_equal(f.len, d->wire_len);
			assert_int_equal(pp_msg_unpack(&f, &back), PP_OK);
			assert_int_equal(back.type, d->type);
			assert_memory_equal(&back.u, &m.u, d->struct_size);
		}
		assert_ptr_equal(pp_msg_desc_by_name(d->name), d);
		assert_ptr_equal(pp_msg_desc_find(d->type), d);
	}
	assert_true(count >= 30);
}

static void test_frame_errors(void **state)
{
	uint8_t wire[PP_MAX_WIRE];
	pp_msg m = { .type = pp_type_interrogate };
	pp_frame f;
	(void)state;
	int n = pp_msg_encode(&m, PP_CH_PUMP, 5, 0, wire, sizeof wire) - 1;
	assert_int_equal(pp_frame_decode(wire, (size_t)n, &f), PP_OK);

	/* Any single bit flip is caught (CRC or COBS), never accepted. */
	for (int byte = 0; byte < n; byte++)
		for (int bit = 0; bit < 8; bit++) {
			uint8_t c[PP_MAX_WIRE];
			memcpy(c, wire, (size_t)n);
			c[byte] ^= (uint8_t)(1u << bit);
			assert_int_not_equal(pp_frame_decode(c, (size_t)n, &f), PP_OK);
		}
	/* Truncated. */
	assert_int_not_equal(pp_frame_decode(wire, (size_t)n - 3, &f), PP_OK);
	uint8_t tiny[10] = { 1, 2, 3 }, tiny_wire[16];
	int tn = pp_cobs_encode(tiny, sizeof tiny, tiny_wire, sizeof tiny_wire);
	assert_int_equal(pp_frame_decode(tiny_wire, (size_t)tn, &f), PP_ERR_SHORT);
	/* Oversized. */
	uint8_t big[PP_MAX_WIRE + 10];
	memset(big, 1, sizeof big);
	assert_int_equal(pp_frame_decode(big, sizeof big, &f), PP_ERR_TOO_LONG);

	/* Wrong version and lying length (with a valid CRC). */
	pp_frame g = { .version = 2, .channel = 0, .type = pp_type_interrogate, .seq = 9 };
	n = pp_frame_encode(&g, wire, sizeof wire) - 1;
	assert_int_equal(pp_frame_decode(wire, (size_t)n, &f), PP_ERR_VERSION);
	assert_int_equal(f.seq, 9);

	/* A message on the wrong channel or with a short payload. */
	pp_frame h = {
		.version = PP_VERSION, .channel = PP_CH_FIXTURE, .type = pp_type_bolus, .len = 17
	};
	pp_msg out;
	assert_int_equal(pp_msg_unpack(&h, &out), PP_ERR_CHANNEL);
	h.channel = PP_CH_PUMP;
	h.len = 3;
	assert_int_equal(pp_msg_unpack(&h, &out), PP_ERR_LENGTH);
	h.type = 0x7e;
	assert_int_equal(pp_msg_unpack(&h, &out), PP_ERR_TYPE);
	assert_string_equal(pp_strerror(PP_ERR_CRC), "CRC mismatch");
}

static void test_deframer_splits_and_drops_overruns(void **state)
{
	uint8_t stream[4 * PP_MAX_WIRE], *p = stream;
	pp_deframer d;
	pp_msg m = { .type = pp_type_fx_read };
	(void)state;
	pp_deframer_init(&d);
	*p++ = 0; /* leading delimiter: skipped */
	for (int i = 0; i < 2; i++)
		p += pp_msg_encode(&m, PP_CH_FIXTURE, (uint16_t)i, 0, p, PP_MAX_WIRE);
	memset(p, 0x55, PP_MAX_WIRE + 5); /* an overlong frame */
	p += PP_MAX_WIRE + 5;
	*p++ = 0;
	p += pp_msg_encode(&m, PP_CH_FIXTURE, 7, 0, p, PP_MAX_WIRE);

	const uint8_t *in = stream;
	size_t left = (size_t)(p - stream), len;
	uint16_t seqs[3];
	int got = 0;
	/* Feed in small pieces to exercise partial frames. */
	while (left > 0) {
		size_t chunk = left < 7 ? left : 7, rest = chunk;
		const uint8_t *q = in;
		while ((len = pp_deframer_push(&d, &q, &rest)) > 0) {
			pp_frame f;
			assert_int_equal(pp_frame_decode(d.buf, len, &f), PP_OK);
			assert_true(got < 3);
			seqs[got++] = f.seq;
		}
		in += chunk;
		left -= chunk;
	}
	assert_int_equal(got, 3);
	assert_int_equal(seqs[0], 0);
	assert_int_equal(seqs[1], 1);
	assert_int_equal(seqs[2], 7);
	assert_int_equal(d.overruns, 1);
}

static void test_code_names(void **state)
{
	(void)state;
	assert_string_equal(pp_code_name("ALARM", PP_ALARM_OCCLUSION), "OCCLUSION");
	assert_string_equal(pp_code_name("NAK", PP_NAK_BAD_CRC), "BAD_CRC");
	assert_null(pp_code_name("ALARM", 200));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_matches_zlib),
		cmocka_unit_test(test_cobs_known_vectors),
		cmocka_unit_test(test_cobs_long_runs_and_errors),
		cmocka_unit_test(test_every_message_round_trips),
		cmocka_unit_test(test_frame_errors),
		cmocka_unit_test(test_deframer_splits_and_drops_overruns),
		cmocka_unit_test(test_code_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
