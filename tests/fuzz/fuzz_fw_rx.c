/*
 * fuzz_fw_rx.c - the firmware's receive path (deframing, NAKs, sequence
 * cache, every command handler) fed arbitrary bytes on the virtual bench's
 * pump channel, and the fixture channel's handler likewise.  Inputs whose
 * first byte is odd are cut into frames with valid CRCs, so the command
 * handlers see well-formed frames with arbitrary fields.
 */
#include <stdint.h>
#include <string.h>

#include "bench.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(void *ud, uint8_t ch, const uint8_t *w, size_t n, int64_t t)
{
	(void)ud;
	(void)ch;
	(void)w;
	(void)n;
	(void)t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bench_config cfg;
	static int init;
	if (!init) {
		bench_config_default(&cfg);
		init = 1;
	}
	bench *b = bench_new(&cfg, sink, NULL);
	if (!b)
		return 0;
	if (size > 0 && (data[0] & 1)) {
		/* [channel byte][len byte][raw header+payload]... with CRC added */
		size_t i = 1;
		while (i + 2 <= size) {
			uint8_t ch = data[i] & 1, n = data[i + 1];
			i += 2;
			if (n > size - i || n > PP_MAX_RAW - PP_CRC_SIZE)
				break;
			uint8_t raw[PP_MAX_RAW], wire[PP_MAX_WIRE];
			memcpy(raw, data + i, n);
			if (n >= 2)
				raw[1] = ch;
			uint32_t crc = pp_crc32(0, raw, n);
			for (int k = 0; k < 4; k++)
				raw[n + (size_t)k] = (uint8_t)(crc >> (8 * k));
			int w = pp_cobs_encode(raw, (size_t)n + 4, wire, sizeof wire - 1);
			if (w > 0) {
				wire[w] = 0;
				bench_rx(b, ch, wire, (size_t)w + 1);
				bench_advance(b, bench_now_ns(b) + 1000000LL);
			}
			i += n;
		}
	} else {
		size_t half = size / 2;
		bench_rx(b, PP_CH_PUMP, data, half);
		bench_rx(b, PP_CH_FIXTURE, data + half, size - half);
		bench_advance(b, 60LL * 1000000000);
	}
	bench_free(b);
	return 0;
}
