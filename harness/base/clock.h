/*
 * clock.h - the host's monotonic clock, for wall-time limits and the
 * durations a report states.  Bench time is the transport's clock
 * (link/transport.h), never this one.
 */
#ifndef PH_CLOCK_H
#define PH_CLOCK_H

#ifndef PH_USES_BASE
#error "base/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdint.h>

/* CLOCK_MONOTONIC in ns.  Never fails. */
int64_t ph_monotonic_ns(void);

#endif
