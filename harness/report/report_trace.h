/*
 * report_trace.h - what the reports read from a test's trace: the harness
 * events (to rebuild a test's record), the board's identity, alarm and fault
 * spans, and the frames and events around a failure, as text.
 */
#ifndef PH_REPORT_TRACE_H
#define PH_REPORT_TRACE_H

#ifndef PH_USES_REPORT
#error "report/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Records kept before a failure (and after it) in a test's "events". */
#define PH_REPORT_EVENTS_BEFORE 30
#define PH_REPORT_EVENTS_AFTER 5

/* One wire frame (COBS bytes, with or without the trailing 0x00) as a line
 * of text: "status fw_version=256 serial=100001 mode=STOPPED ...", codes by
 * name; an undecodable frame says why.  Always terminates buf. */
void ph_report_frame_text(const uint8_t *wire, size_t n, char *buf, size_t cap);

/* Scan the pcapng trace at path.  Returns a new object:
 *   "run"      the run_start event's run object (absent in older traces)
 *   "test"     {index, repeat, seed} from run_start (absent likewise)
 *   "dut"      {serial, fw_version} from the first status reply (or absent)
 *   "spans"    [{kind:"alarm"|"fault", label, t0_ns, t1_ns (-1 open), priority?, detail?}]
 *   "tests"    one per test_start: identity, verdict/message/where/checks
 *              from test_end, measurements, log, t0_ns, t1_ns, fail_ns, and
 *              "events" around the failure; a test with no test_end has
 *              "interrupted": true
 *   "t_first_ns", "t_last_ns", "warning" (a torn tail, as after kill -9)
 * Returns NULL with "path: ..." in err when the file cannot be read or is
 * corrupt before its end.  Blocks reading the file. */
json_t *ph_report_trace_scan(const char *path, char *err, size_t errlen);

#endif
