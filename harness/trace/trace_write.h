/*
 * trace_write.h - recorder additions beyond the harness/trace.h contract.
 */
#ifndef PH_TRACE_WRITE_H
#define PH_TRACE_WRITE_H

#ifndef PH_USES_TRACE
#error "trace/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdint.h>

#include "trace/trace.h"

/* Tell the recorder the bench clock reached host_ns with nothing to record
 * (a long wait on the virtual clock): records buffered 100 ms or more before
 * host_ns are written out, so a kill during the wait loses at most 100 ms.
 * Never blocks beyond write(2).  Returns 0, or -1 with errno set (EINVAL for
 * a NULL trace, write errors as write(2); the records stay buffered). */
int ph_trace_clock(ph_trace *t, int64_t host_ns);

#endif
