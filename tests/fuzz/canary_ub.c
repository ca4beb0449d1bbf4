/*
 * canary_ub.c - not a fuzz target: a signed overflow on the input "UB!!"
 * (a seed gen_fuzz_seeds writes).  tools/fuzz.sh runs it first and stops
 * when that run passes: a sanitizer report must fail a fuzz run.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile int big = INT_MAX;

	if (size >= 4 && !memcmp(data, "UB!!", 4))
		return big + (int)size > 0; /* overflows */
	return 0;
}
