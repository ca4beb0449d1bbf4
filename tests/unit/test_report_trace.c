/* test_report_trace.c - what the reports read from a trace: the board's
 * identity, alarm and fault spans, the records around a failure, tests
 * rebuilt from harness events, and an unfinished test marked interrupted,
 * also from a trace cut in the middle of a block (kill -9). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pp.h"
#include "report/report.h"
#include "report/report_trace.h"
#include "results/record.h"
#include "trace/trace.h"

#define S 1000000000LL

static void frame(ph_trace *t, int64_t at, const pp_msg *m, uint8_t ch, int dir, uint16_t seq)
{
	uint8_t wire[PP_MAX_WIRE];
	int n = pp_msg_encode(m, ch, seq, (uint64_t)(at / 1000), wire, sizeof wire);
	assert_true(n > 0);
	assert_int_equal(ph_trace_frame(t, at, ch, dir, wire, (size_t)n), 0);
}

static void status(ph_trace *t, int64_t at)
{
	pp_msg m = { .type = pp_type_status };
	m.u.status.fw_version = 0x010203;
	m.u.status.serial = 4242;
	frame(t, at, &m, PP_CH_PUMP, PH_DIR_FROM_BOARD, 1);
}

static void alarm_event(ph_trace *t, int64_t at, uint32_t evseq, int on)
{
	pp_msg m = { .type = pp_type_event };
	m.u.event.evseq = evseq;
	m.u.event.code = on ? PP_EV_ALARM_ON : PP_EV_ALARM_OFF;
	m.u.event.alarm = PP_ALARM_OCCLUSION;
	m.u.event.priority = PP_PRIO_HIGH;
	frame(t, at, &m, PP_CH_PUMP, PH_DIR_FROM_BOARD, (uint16_t)evseq);
}

/* A trace of two tests: the first fails a check after an occlusion fault
 * and alarm; the second starts and never ends. */
static void write_trace(const char *path)
{
	char err[256];
	ph_trace *t = ph_trace_open(path, err, sizeof err);
	assert_non_null(t);
	ph_trace_event(t, 0,
	               "{\"ev\":\"run_start\",\"seed\":9,\"board\":\"sim\",\"run\":{\"id\":\"r1\","
	               "\"seed\":9},"
	               "\"test\":{\"index\":3,\"repeat\":0,\"seed\":77}}");
	status(t, 1 * S);
	ph_trace_event(
	        t, 2 * S,
	        "{\"ev\":\"test_start\",\"name\":\"first "
	        "<one>\",\"suite\":\"s\",\"file\":\"f.lua\","
	        "\"line\":12,\"tags\":[],\"req\":[\"REQ-DEL-001\"],\"hazard\":[\"HAZ-OVER\"]}");
	ph_trace_event(t, 3 * S, "{\"ev\":\"fault_on\",\"fault\":\"occlusion\"}");
	alarm_event(t, 4 * S, 7, 1);
	alarm_event(t, 4 * S + 5, 7, 1); /* resent until acknowledged: one span */
	ph_trace_event(t, 5 * S,
	               "{\"ev\":\"measurement\",\"name\":\"latency\",\"value\":1.5,\"unit\":\"s\","
	               "\"min\":0,\"max\":2,\"verdict\":\"pass\"}");
	ph_trace_event(t, 6 * S, "{\"ev\":\"log\",\"text\":\"[6 s] hello\"}");
	ph_trace_event(t, 7 * S,
	               "{\"ev\":\"check_failed\",\"message\":\"boom\",\"where\":\"f.lua:20\"}");
	ph_trace_event(t, 7 * S,
	               "{\"ev\":\"test_end\",\"name\":\"first <one>\",\"verdict\":\"fail\","
	               "\"message\":\"boom\",\"where\":\"f.lua:20\",\"checks\":4}");
	alarm_event(t, 8 * S, 8, 0);
	ph_trace_event(t, 9 * S, "{\"ev\":\"fault_off\",\"fault\":\"occlusion\"}");
	ph_trace_event(t, 10 * S,
	               "{\"ev\":\"test_start\",\"name\":\"second\",\"suite\":\"s\",\"file\":\"f."
	               "lua\",\"line\":30}");
	ph_trace_event(t, 11 * S, "{\"ev\":\"log\",\"text\":\"spinning\"}");
	ph_trace_event(t, 11 * S, "not json at all");
	ph_trace_close(t);
}

static void test_scan(void **state)
{
	char path[] = "/tmp/test_report_trace_XXXXXX", err[256];
	int fd = mkstemp(path);
	(void)state;
	close(fd);
	write_trace(path);
	json_t *s = ph_report_trace_scan(path, err, sizeof err);
	assert_non_null(s);

	assert_string_equal(json_string_value(json_object_get(json_object_get(s, "dut"), "serial")),
	                    "4242");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(s, "dut"), "fw_version")),
	        "1.2.3");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "test"), "seed")),
	                 77);

	json_t *spans = json_object_get(s, "spans");
	assert_int_equal(json_array_size(spans), 2);
	json_t *fault = json_array_get(spans, 0), *alarm = json_array_get(spans, 1);
	assert_string_equal(json_string_value(json_object_get(fault, "kind")), "fault");
	assert_int_equal(json_integer_value(json_object_get(fault, "t1_ns")), 9 * S);
	assert_string_equal(json_string_value(json_object_get(alarm, "label")), "OCCLUSION");
	assert_string_equal(json_string_value(json_object_get(alarm, "priority")), "HIGH");
	assert_int_equal(json_integer_value(json_object_get(alarm, "t0_ns")), 4 * S);
	assert_int_equal(json_integer_value(json_object_get(alarm, "t1_ns")), 8 * S);

	json_t *tests = json_object_get(s, "tests");
	assert_int_equal(json_array_size(tests), 2);
	json_t *t1 = json_array_get(tests, 0), *t2 = json_array_get(tests, 1);
	assert_string_equal(json_string_value(json_object_get(t1, "verdict")), "fail");
	assert_int_equal(json_integer_value(json_object_get(t1, "checks")), 4);
	assert_int_equal(json_integer_value(json_object_get(t1, "fail_ns")), 7 * S);
	assert_null(json_object_get(t1, "interrupted"));
	assert_int_equal(json_array_size(json_object_get(t1, "measurements")), 1);
	assert_int_equal(json_integer_value(json_object_get(
	                         json_array_get(json_object_get(t1, "measurements"), 0), "t")),
	                 5 * S);
	/* The failing check is the marked record; what followed is kept too. */
	json_t *evs = json_object_get(t1, "events");
	json_int_t at = json_integer_value(json_object_get(t1, "fail_event"));
	assert_non_null(
	        strstr(json_string_value(json_object_get(json_array_get(evs, (size_t)at), "text")),
	               "check failed at f.lua:20: boom"));
	assert_true(json_array_size(evs) > (size_t)at + 1);
	assert_true(json_is_true(json_object_get(t2, "interrupted")));
	assert_int_equal(json_integer_value(json_object_get(t2, "fail_ns")), 11 * S);
	assert_string_equal(json_string_value(json_array_get(json_object_get(t2, "log"), 0)),
	                    "spinning");
	json_decref(s);
	unlink(path);
}

static void test_rebuild_from_torn_trace(void **state)
{
	char path[] = "/tmp/test_report_trace_XXXXXX", err[256];
	int fd = mkstemp(path);
	FILE *f;
	long len;
	(void)state;
	close(fd);
	write_trace(path);
	/* Cut the file in the middle of its last block, as kill -9 may. */
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fclose(f);
	assert_int_equal(truncate(path, len - 10), 0);

	const char *paths[] = { path };
	json_t *r = ph_record_from_traces(paths, 1, "/tmp", err, sizeof err);
	assert_non_null(r);
	assert_int_equal(ph_record_check(r, "rebuilt", err, sizeof err), 0);
	json_t *tests = json_object_get(r, "tests");
	assert_int_equal(json_array_size(tests), 2);
	json_t *t2 = json_array_get(tests, 1);
	assert_string_equal(json_string_value(json_object_get(t2, "verdict")), "error");
	assert_string_equal(json_string_value(json_object_get(t2, "message")),
	                    "interrupted: the run stopped during this test");
	assert_string_equal(json_string_value(json_object_get(json_array_get(tests, 0), "name")),
	                    "first <one>");
	assert_string_equal(json_string_value(json_object_get(json_array_get(tests, 0), "verdict")),
	                    "fail");
	assert_string_equal(json_string_value(json_object_get(t2, "trace")), path + 5);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(r, "run"), "rebuilt_from")),
	        "traces");
	json_decref(r);
	unlink(path);
}

static void test_frame_text(void **state)
{
	pp_msg m = { .type = pp_type_nak };
	uint8_t wire[PP_MAX_WIRE];
	char text[256];
	(void)state;
	m.u.nak.code = PP_NAK_BAD_CRC;
	int n = pp_msg_encode(&m, PP_CH_PUMP, 5, 0, wire, sizeof wire);
	ph_report_frame_text(wire, (size_t)n, text, sizeof text);
	assert_non_null(strstr(text, "nak seq=5 code=BAD_CRC"));
	wire[2] ^= 0x55; /* corrupt */
	ph_report_frame_text(wire, (size_t)n, text, sizeof text);
	assert_non_null(strstr(text, "undecodable frame"));
	pp_msg st = { .type = pp_type_status };
	st.u.status.fw_version = 0x010203;
	st.u.status.mode = PP_MODE_CONTINUOUS;
	n = pp_msg_encode(&st, PP_CH_PUMP, 6, 0, wire, sizeof wire);
	ph_report_frame_text(wire, (size_t)n, text, sizeof text);
	assert_non_null(strstr(text, "status seq=6 fw_version=1.2.3 serial=0 mode=CONTINUOUS "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_rebuild_from_torn_trace),
		cmocka_unit_test(test_frame_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
