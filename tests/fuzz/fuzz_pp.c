/*
 * fuzz_pp.c - the codec's decoders: deframer, COBS, frame and message
 * decoding.  Inputs whose first byte is odd are also re-framed with a valid
 * CRC, so the fuzzer reaches the message decoders behind the CRC check.
 */
#include <stdint.h>
#include <string.h>

#include "pp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode_one(const uint8_t *cobs, size_t n)
{
	pp_frame f;
	pp_msg m;
	if (pp_frame_decode(cobs, n, &f) == PP_OK && pp_msg_unpack(&f, &m) == PP_OK) {
		pp_frame g = { 0 };
		uint8_t wire[PP_MAX_WIRE];
		/* What decodes must encode again. */
		if (pp_msg_pack(&m, &g) != PP_OK || pp_frame_encode(&g, wire, sizeof wire) <= 0)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pp_deframer d;
	const uint8_t *p = data;
	size_t left = size, len;

	pp_deframer_init(&d);
	while ((len = pp_deframer_push(&d, &p, &left)) > 0)
		decode_one(d.buf, len);
	decode_one(data, size);

	if (size >= 1 && (data[0] & 1) && size - 1 <= PP_MAX_RAW - PP_CRC_SIZE) {
		uint8_t raw[PP_MAX_RAW], wire[PP_MAX_WIRE];
		size_t n = size - 1;
		memcpy(raw, data + 1, n);
		uint32_t crc = pp_crc32(0, raw, n);
		for (int i = 0; i < 4; i++)
			raw[n + (size_t)i] = (uint8_t)(crc >> (8 * i));
		int w = pp_cobs_encode(raw, n + 4, wire, sizeof wire);
		if (w > 0)
			decode_one(wire, (size_t)w);
	}
	return 0;
}
