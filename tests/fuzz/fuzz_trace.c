/*
 * fuzz_trace.c - the trace reader and everything that consumes its records:
 * signal extraction (frames, pump events, harness JSON), CSV export and the
 * envelope pyramid.  Any input must end in records or a clean error, never
 * a crash, a leak or an out-of-bounds read; every record must lie inside
 * the input, and the pyramid must agree with a brute-force min/max.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "trace/trace_csv.h"
#include "trace/trace_read.h"
#include "trace/trace_signals.h"
#include "view/view_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_envelope(const ph_trace_series *se)
{
	ph_view_env e;
	ph_view_minmax got;
	int32_t mn = INT32_MAX, mx = INT32_MIN;

	if (!se->n)
		return;
	ph_view_env_init(&e);
	if (ph_view_env_extend(&e, se->v, se->n) == 0) {
		for (size_t i = 0; i < se->n; i++) {
			mn = se->v[i] < mn ? se->v[i] : mn;
			mx = se->v[i] > mx ? se->v[i] : mx;
		}
		got = ph_view_env_range(&e, se->v, 0, se->n);
		if (got.min != mn || got.max != mx)
			__builtin_trap();
	}
	ph_view_env_free(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	ph_trace_reader *r;
	ph_trace_signals s;
	ph_trace_rec rec;
	int sigs[PH_SIG_COUNT], k;
	FILE *devnull;

	err[0] = 0;
	r = ph_trace_reader_open_mem(data, size, "fuzz", err, sizeof err);
	if (!r) {
		if (strncmp(err, "fuzz: ", 6)) /* every failure says where */
			__builtin_trap();
		return 0;
	}
	ph_trace_signals_init(&s);
	while ((k = ph_trace_reader_next(r, &rec)) == PH_TRACE_RECORD) {
		if (rec.len > size || rec.offset >= size)
			__builtin_trap();
		if (rec.len)
			(void)*(volatile const uint8_t *)(rec.data + rec.len - 1);
		if (ph_trace_signals_add(&s, &rec) < 0)
			break;
	}
	if (k == PH_TRACE_ERROR && strncmp(ph_trace_reader_error(r), "fuzz: offset ", 13) &&
	    strncmp(ph_trace_reader_error(r), "fuzz: block ", 12))
		__builtin_trap();
	for (int i = 0; i < PH_SIG_COUNT; i++) {
		sigs[i] = i;
		check_envelope(&s.sig[i]);
	}
	devnull = fopen("/dev/null", "w");
	if (devnull) {
		ph_trace_csv_write(&s, sigs, PH_SIG_COUNT, devnull);
		fclose(devnull);
	}
	ph_trace_signals_free(&s);
	ph_trace_reader_close(r);
	return 0;
}
