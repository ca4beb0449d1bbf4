/*
 * trace_signals_priv.h - helpers shared by trace_signals.c and
 * trace_events.c.  Internal to harness/trace.
 */
#ifndef PH_TRACE_SIGNALS_PRIV_H
#define PH_TRACE_SIGNALS_PRIV_H

#ifndef PH_USES_TRACE
#error "trace/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include "trace_signals.h"

/* Append (value saturated to int32) keeping time order.  0 or -1 (ENOMEM). */
int ph_trace_series_push(ph_trace_series *se, int64_t t, int64_t value);

/* Append an open span (t1 = -1); label and detail are copied, detail may be
 * NULL.  0 or -1 (out of memory). */
int ph_trace_span_open(ph_trace_signals *s, int kind, int64_t t, const char *label,
                       const char *detail);

/* Decode one harness event record (JSON object).  0 or -1 (out of memory);
 * anything malformed is counted in s->bad_events. */
int ph_trace_signals_harness_event(ph_trace_signals *s, const ph_trace_rec *rec);

#endif
