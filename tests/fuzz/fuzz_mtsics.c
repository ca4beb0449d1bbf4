/*
 * fuzz_mtsics.c - MT-SICS reply lines from a balance (instruments/mtsics.h):
 * any bytes parse or are refused with a message; a parsed weight formats
 * and parses back to within half a displayed digit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/mtsics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mts_reply r, back;
	char err[128], buf[64];
	size_t n;

	if (mts_parse((const char *)data, size, &r, err, sizeof err) != 0) {
		if (!err[0])
			abort(); /* a refusal always says why */
		return 0;
	}
	if (r.kind != MTS_WEIGHT || r.decimals > 6)
		return 0;
	if (r.value_ug > INT64_C(999999999999) || r.value_ug < -INT64_C(999999999999))
		return 0; /* wider than the 10-character field: not a round trip */
	n = mts_format_weight(buf, sizeof buf, r.id, r.stable, r.value_ug, r.decimals);
	if (n == 0 || mts_parse(buf, n, &back, err, sizeof err) != 0 || back.stable != r.stable)
		abort();
	return 0;
}
