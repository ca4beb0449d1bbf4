/*
 * report_trace.c - one pass over a test's trace for the reports: harness
 * events rebuild the tests, pump frames give the board's identity and the
 * alarm spans, and a ring of recent records gives the context of a failure.
 */
#include "report_trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"
#include "results/record.h"
#include "trace/trace.h"
#include "trace/trace_read.h"

typedef struct scan {
	json_t *out;   /* the result */
	json_t *tests; /* out.tests (borrowed) */
	json_t *spans; /* out.spans (borrowed) */
	json_t *cur;   /* the test between test_start and test_end (borrowed) */
	json_t *ring;  /* the last PH_REPORT_EVENTS_BEFORE records as event objects */
	json_t *after; /* a failed test's events still taking records (borrowed) */
	int after_left;
	int64_t t_first, t_last;
	uint32_t seen_ev[64]; /* event sequence numbers seen (boards resend until acked) */
	unsigned nseen;
} scan;

/* ---- the ring of recent records ---- */

static void ring_push(scan *s, json_t *ev)
{
	if (s->after && s->after_left > 0) {
		json_array_append(s->after, ev);
		if (--s->after_left == 0)
			s->after = NULL;
	}
	json_array_append_new(s->ring, ev);
	if (json_array_size(s->ring) > PH_REPORT_EVENTS_BEFORE)
		json_array_remove(s->ring, 0);
}

static json_t *event_obj(int64_t t, const char *src, const char *dir, const char *text)
{
	json_t *ev = json_pack("{s:I,s:s,s:s}", "t_ns", (json_int_t)t, "src", src, "dir", dir);
	json_object_set_new(ev, "text", ph_json_string_lossy(text, strlen(text)));
	return ev;
}

/* The test failed at t: keep what led up to it, and the next few records. */
static void mark_failure(scan *s, json_t *test, int64_t t)
{
	if (!test || json_object_get(test, "fail_ns"))
		return;
	json_object_set_new(test, "fail_ns", json_integer(t));
	json_object_set_new(test, "events", json_deep_copy(s->ring));
	json_object_set_new(test, "fail_event",
	                    json_integer((json_int_t)json_array_size(s->ring) - 1));
	s->after = json_object_get(test, "events");
	s->after_left = PH_REPORT_EVENTS_AFTER;
}

/* ---- pump frames: identity and alarm spans ---- */

static int seen_before(scan *s, uint32_t evseq)
{
	unsigned n = s->nseen < 64 ? s->nseen : 64;
	for (unsigned i = 0; i < n; i++)
		if (s->seen_ev[i] == evseq)
			return 1;
	s->seen_ev[s->nseen++ % 64] = evseq;
	return 0;
}

static void on_status(scan *s, const pp_status *st)
{
	char ver[32], serial[16];
	if (json_object_get(s->out, "dut"))
		return;
	snprintf(ver, sizeof ver, "%u.%u.%u", (unsigned)(st->fw_version >> 16),
	         (unsigned)(st->fw_version >> 8 & 0xff), (unsigned)(st->fw_version & 0xff));
	snprintf(serial, sizeof serial, "%lu", (unsigned long)st->serial);
	json_object_set_new(s->out, "dut",
	                    json_pack("{s:s,s:s}", "serial", serial, "fw_version", ver));
}

static json_t *find_open_span(scan *s, const char *kind, const char *label)
{
	for (size_t i = json_array_size(s->spans); i-- > 0;) {
		json_t *sp = json_array_get(s->spans, i);
		if (!strcmp(json_string_value(json_object_get(sp, "kind")), kind) &&
		    json_integer_value(json_object_get(sp, "t1_ns")) < 0 &&
		    (!label || !strcmp(json_string_value(json_object_get(sp, "label")), label)))
			return sp;
	}
	return NULL;
}

static void open_span(scan *s, const char *kind, const char *label, int64_t t)
{
	json_t *sp = json_pack("{s:s,s:I,s:I}", "kind", kind, "t0_ns", (json_int_t)t, "t1_ns",
	                       (json_int_t)-1);
	json_object_set_new(sp, "label", ph_json_string_lossy(label, strlen(label)));
	json_array_append_new(s->spans, sp);
}

static void close_span(scan *s, const char *kind, const char *label, int64_t t)
{
	json_t *sp = find_open_span(s, kind, label);
	if (sp)
		json_object_set_new(sp, "t1_ns", json_integer(t));
}

static void on_event(scan *s, const pp_event *e, int64_t t)
{
	const char *alarm = pp_code_name("ALARM", e->alarm);
	char label[32];

	if (seen_before(s, e->evseq))
		return;
	if (!alarm) {
		snprintf(label, sizeof label, "alarm %u", (unsigned)e->alarm);
		alarm = label;
	}
	if (e->code == PP_EV_ALARM_ON && !find_open_span(s, "alarm", alarm)) {
		open_span(s, "alarm", alarm, t);
		json_t *sp = json_array_get(s->spans, json_array_size(s->spans) - 1);
		const char *prio = pp_code_name("PRIO", e->priority);
		json_object_set_new(sp, "priority", json_string(prio ? prio : "?"));
	} else if (e->code == PP_EV_ALARM_OFF) {
		close_span(s, "alarm", alarm, t);
	}
}

static void on_frame(scan *s, const ph_trace_rec *rec)
{
	char text[512];
	size_t n = rec->len;
	pp_frame f;
	pp_msg m;

	ph_report_frame_text(rec->data, rec->len, text, sizeof text);
	ring_push(s, event_obj(rec->t_ns, rec->iface == PH_IF_PUMP ? "pump" : "fixture",
	                       rec->dir == PH_DIR_FROM_BOARD ? "from board"
	                       : rec->dir == PH_DIR_TO_BOARD ? "to board"
	                                                     : "",
	                       text));
	if (rec->iface != PH_IF_PUMP || rec->dir != PH_DIR_FROM_BOARD)
		return;
	if (n > 0 && rec->data[n - 1] == 0)
		n--;
	if (pp_frame_decode(rec->data, n, &f) != PP_OK || pp_msg_unpack(&f, &m) != PP_OK)
		return;
	if (m.type == pp_type_status)
		on_status(s, &m.u.status);
	else if (m.type == pp_type_event)
		on_event(s, &m.u.event, rec->t_ns);
}

/* ---- harness events ---- */

static const char *str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

static void on_test_start(scan *s, json_t *o, int64_t t)
{
	static const char *const keys[] = {
		"file", "line", "suite", "name", "tags", "req", "hazard"
	};
	json_t *test = json_object();

	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		if (json_object_get(o, keys[k]))
			json_object_set(test, keys[k], json_object_get(o, keys[k]));
	json_object_set_new(test, "t0_ns", json_integer(t));
	json_object_set_new(test, "measurements", json_array());
	json_object_set_new(test, "log", json_array());
	json_object_set_new(test, "interrupted", json_true());
	json_array_append_new(s->tests, test);
	s->cur = test;
}

static void on_test_end(scan *s, json_t *o, int64_t t)
{
	static const char *const keys[] = { "verdict", "message", "where", "checks" };
	json_t *test = s->cur;
	if (!test)
		return;
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		if (json_object_get(o, keys[k]) && !json_is_null(json_object_get(o, keys[k])))
			json_object_set(test, keys[k], json_object_get(o, keys[k]));
	json_object_set_new(test, "t1_ns", json_integer(t));
	json_object_del(test, "interrupted");
	if (strcmp(str(test, "verdict"), "pass") && strcmp(str(test, "verdict"), "skip"))
		mark_failure(s, test, t);
	s->cur = NULL;
}

static void on_measurement(scan *s, json_t *o, int64_t t)
{
	json_t *m = json_deep_copy(o);
	json_object_del(m, "ev");
	json_object_set_new(m, "t", json_integer(t));
	json_array_append_new(json_object_get(s->cur, "measurements"), m);
	if (!strcmp(str(o, "verdict"), "fail"))
		mark_failure(s, s->cur, t);
}

static void event_text(json_t *o, const char *ev, char *buf, size_t cap)
{
	if (!strcmp(ev, "log"))
		snprintf(buf, cap, "log %s", str(o, "text"));
	else if (!strcmp(ev, "check_failed"))
		snprintf(buf, cap, "check failed at %s: %s", str(o, "where"), str(o, "message"));
	else if (!strcmp(ev, "test_start") || !strcmp(ev, "test_end"))
		snprintf(buf, cap, "%s %s%s%s", ev, str(o, "name"), *str(o, "verdict") ? ": " : "",
		         str(o, "verdict"));
	else {
		/* Any other event (fault_on/off, marks): its name, then its fields. */
		json_t *rest = json_deep_copy(o);
		json_object_del(rest, "ev");
		char *j = json_object_size(rest) ? json_dumps(rest, JSON_COMPACT | JSON_SORT_KEYS)
		                                 : NULL;
		snprintf(buf, cap, "%s%s%s", ev, j ? " " : "", j ? j : "");
		free(j);
		json_decref(rest);
	}
}

static void dispatch(scan *s, json_t *o, const char *ev, int64_t t)
{
	if (!strcmp(ev, "run_start")) {
		if (json_is_object(json_object_get(o, "run")))
			json_object_set(s->out, "run", json_object_get(o, "run"));
		if (json_is_object(json_object_get(o, "test")))
			json_object_set(s->out, "test", json_object_get(o, "test"));
	} else if (!strcmp(ev, "test_start")) {
		on_test_start(s, o, t);
	} else if (!strcmp(ev, "test_end")) {
		on_test_end(s, o, t);
	} else if (!strcmp(ev, "measurement") && s->cur) {
		on_measurement(s, o, t);
	} else if (!strcmp(ev, "log") && s->cur) {
		json_array_append_new(json_object_get(s->cur, "log"), json_string(str(o, "text")));
	} else if (!strcmp(ev, "check_failed") && s->cur) {
		mark_failure(s, s->cur, t);
	} else if (!strcmp(ev, "fault_on")) {
		open_span(s, "fault", str(o, "fault"), t);
	} else if (!strcmp(ev, "fault_off")) {
		close_span(s, "fault", str(o, "fault"), t);
	}
}

static void on_harness(scan *s, const ph_trace_rec *rec)
{
	json_t *o = json_loadb((const char *)rec->data, rec->len, 0, NULL);
	const char *ev = json_string_value(json_object_get(o, "ev"));
	char text[600];

	if (!json_is_object(o) || !ev) {
		ring_push(s, event_obj(rec->t_ns, "harness", "", "(not a harness event)"));
		json_decref(o);
		return;
	}
	/* Push first so a failure's own event is the last one before it. */
	event_text(o, ev, text, sizeof text);
	if (strcmp(ev, "run_start"))
		ring_push(s, event_obj(rec->t_ns, "harness", "", text));
	dispatch(s, o, ev, rec->t_ns);
	json_decref(o);
}

/* ---- the pass ---- */

static void finish(scan *s, const char *warning)
{
	size_t i;
	json_t *t;

	json_array_foreach(s->tests, i, t)
	{
		if (!json_is_true(json_object_get(t, "interrupted")))
			continue;
		json_object_set_new(t, "t1_ns", json_integer(s->t_last));
		if (!json_object_get(t, "fail_ns")) {
			json_object_set_new(t, "fail_ns", json_integer(s->t_last));
			json_object_set_new(t, "events", json_deep_copy(s->ring));
			json_object_set_new(t, "fail_event",
			                    json_integer((json_int_t)json_array_size(s->ring) - 1));
		}
	}
	json_object_set_new(s->out, "t_first_ns",
	                    json_integer(s->t_first <= s->t_last ? s->t_first : 0));
	json_object_set_new(s->out, "t_last_ns",
	                    json_integer(s->t_first <= s->t_last ? s->t_last : 0));
	if (warning)
		json_object_set_new(s->out, "warning", json_string(warning));
}

json_t *ph_report_trace_scan(const char *path, char *err, size_t errlen)
{
	ph_trace_reader *r = ph_trace_reader_open(path, err, errlen);
	scan s = { .t_first = INT64_MAX, .t_last = INT64_MIN };
	ph_trace_rec rec;
	int st;

	if (!r)
		return NULL;
	s.out = json_pack("{s:[],s:[]}", "tests", "spans");
	s.ring = json_array();
	if (!s.out || !s.ring)
		goto fail_memory;
	s.tests = json_object_get(s.out, "tests");
	s.spans = json_object_get(s.out, "spans");
	while ((st = ph_trace_reader_next(r, &rec)) == PH_TRACE_RECORD) {
		s.t_first = rec.t_ns < s.t_first ? rec.t_ns : s.t_first;
		s.t_last = rec.t_ns > s.t_last ? rec.t_ns : s.t_last;
		if (rec.iface == PH_IF_EVENTS)
			on_harness(&s, &rec);
		else if (rec.iface == PH_IF_PUMP || rec.iface == PH_IF_FIXTURE)
			on_frame(&s, &rec);
	}
	if (st == PH_TRACE_ERROR) {
		snprintf(err, errlen, "%s", ph_trace_reader_error(r));
		goto fail;
	}
	finish(&s, ph_trace_reader_warning(r));
	json_decref(s.ring);
	ph_trace_reader_close(r);
	return s.out;
fail_memory:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	json_decref(s.ring);
	json_decref(s.out);
	ph_trace_reader_close(r);
	return NULL;
}
