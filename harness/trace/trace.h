/*
 * trace.h - recording every frame and harness event of a run to pcapng.
 *
 * One pcapng section; interface 0 carries the pump channel, 1 the fixture
 * channel (link type USER0, the bytes exactly as they crossed: COBS frame and
 * delimiter), 2 harness events (link type USER1, one JSON object per packet).
 * Packet timestamps are host ns (virtual on sim, monotonic on a real bench);
 * the board's own us stamp is inside each frame.  Direction is in the EPB
 * flags option (inbound = board to host).
 *
 * Crash tolerance: records are written with write(2) at least every 1 MiB or
 * every 100 ms of host time, so a kill -9 loses at most that; the reader
 * stops cleanly at a torn last block.
 */
#ifndef PH_TRACE_H
#define PH_TRACE_H

#ifndef PH_USES_TRACE
#error "trace/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

typedef struct ph_trace ph_trace;

enum ph_dir { PH_DIR_TO_BOARD = 0, PH_DIR_FROM_BOARD = 1 };

/* Every time stamp the reader returns lies strictly within +-PH_TRACE_T_LIMIT
 * ns (2^62 ns, about 146 years), so any two differ by less than 2^63 and
 * their difference fits an int64_t.  A trace holding one outside is refused
 * ("block N at byte M: time stamp out of range"). */
#define PH_TRACE_T_LIMIT (INT64_C(1) << 62)
enum ph_trace_if { PH_IF_PUMP = 0, PH_IF_FIXTURE = 1, PH_IF_EVENTS = 2 };

/* Create path (truncating).  Returns NULL and fills err on failure. */
ph_trace *ph_trace_open(const char *path, char *err, size_t errlen);
/* Record one frame as it crossed.  Returns 0 or -1 (errno set). */
int ph_trace_frame(ph_trace *t, int64_t host_ns, uint8_t channel, int dir, const uint8_t *wire,
                   size_t n);
/* Record one harness event, a JSON object as text. */
int ph_trace_event(ph_trace *t, int64_t host_ns, const char *json);
/* Write out what is buffered now (called on test boundaries). */
int ph_trace_flush(ph_trace *t);
/* Flush and close; NULL is fine.  Returns 0 when every record reached the
 * file, or -1 with errno set to the first write error (a full disk): the
 * trace is then incomplete, and the run must say so. */
int ph_trace_close(ph_trace *t);

#endif
