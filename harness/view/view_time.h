/*
 * view_time.h - times on the command line and on the time axis.
 */
#ifndef PH_VIEW_TIME_H
#define PH_VIEW_TIME_H

#ifndef PH_USES_VIEW
#error "view/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#define PH_NS_S INT64_C(1000000000)
#define PH_NS_MIN (60 * PH_NS_S)
#define PH_NS_H (3600 * PH_NS_S)
#define PH_NS_D (86400 * PH_NS_S)

/* Parse "90s", "2h", "1.5d", "10min", "250ms", "40us", "123ns" or a bare
 * integer (ns) into *ns.  Returns 0, or -1 for anything else (negative,
 * unknown unit, trailing junk, overflow). */
int ph_view_time_parse(const char *s, int64_t *ns);

/* The tick step (ns) from the 1-2-5 / clock-friendly ladder that keeps at
 * least min_px pixels between ticks at ns_per_px. */
int64_t ph_view_time_step(double ns_per_px, double min_px);

/* Format t for a tick of the given step: "1d 02:30", "09:15:00",
 * "09:15:00.250", "12.345678 s"...  Writes at most n bytes. */
void ph_view_time_label(int64_t t, int64_t step, char *buf, size_t n);

/* A duration for humans: "51 min 3.2 s", "2.5 ms", "1 d 3 h". */
void ph_view_time_span(int64_t dt, char *buf, size_t n);

#endif
