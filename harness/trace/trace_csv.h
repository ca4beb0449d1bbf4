/*
 * trace_csv.h - signals of a trace as CSV.
 */
#ifndef PH_TRACE_CSV_H
#define PH_TRACE_CSV_H

#ifndef PH_USES_TRACE
#error "trace/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdio.h>

#include "trace_signals.h"

/* Write a header row "time_ns,<name>,..." and one row per distinct sample
 * time of the chosen signals (ascending), each signal's value in its column
 * when it has a sample at that time and empty otherwise (a signal with
 * several samples at one time gives several rows).  Values are integers in
 * the unit the name ends with.  Blocks on out; returns 0, or -1 when a
 * write fails (errno from stdio) or a signal index is out of range. */
int ph_trace_csv_write(const ph_trace_signals *s, const int *sigs, size_t nsigs, FILE *out);

/* Parse "balance_ug,flow_nl_h" into up to max indexes.  Returns the count,
 * or -1 with the first unknown name copied into bad. */
int ph_trace_csv_parse_list(const char *list, int *sigs, size_t max, char *bad, size_t badlen);

#endif
