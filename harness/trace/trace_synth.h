/*
 * trace_synth.h - a deterministic synthetic bench run written through the
 * recorder, for tests, benchmarks, fuzz seeds and the documentation.
 *
 * It is not a physics model (the virtual bench is): just plausible numbers
 * in real encoded frames.  The run: every protocol message type once near
 * t = 1 s; a continuous prescription; fx_read/fx_state every fx period and
 * interrogate/status every status period; tests "basal_accuracy",
 * "occlusion", "low_supply", "link_loss" and "reservoir" with fault spans, an
 * occlusion alarm (high), a battery ERI alarm (low) and a link-loss alarm
 * (medium), measurements and one check failure.  Times scale with the
 * duration (24 h by default).
 */
#ifndef PH_TRACE_SYNTH_H
#define PH_TRACE_SYNTH_H

#ifndef PH_USES_TRACE
#error "trace/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdint.h>

#include "trace/trace.h"

typedef struct ph_trace_synth_opts {
	int64_t duration_ns;      /* default 24 h */
	int64_t fx_period_ns;     /* default 30 s */
	int64_t status_period_ns; /* default 5 min */
	uint32_t seed;            /* balance noise */
} ph_trace_synth_opts;

/* Fill o with the defaults above (seed 1). */
void ph_trace_synth_defaults(ph_trace_synth_opts *o);

/* Write the run into t (not closed).  Blocks on file writes only.
 * Returns 0, or -1 with errno set by the recorder. */
int ph_trace_synth(ph_trace *t, const ph_trace_synth_opts *o);

#endif
