/*
 * trace_events.c - harness events (interface 2, one JSON object per packet)
 * into test and fault spans and measurement markers.
 *
 *   {"ev":"run_start","seed":..,"board":".."}
 *   {"ev":"test_start","name":".."}      {"ev":"test_end","name":"..","verdict":".."}
 *   {"ev":"fault_on","fault":"..","params":{..}}   {"ev":"fault_off","fault":".."}
 *     (without "params", the other fields of fault_on are its parameters)
 *   {"ev":"measurement","name":"..","value":..,"unit":"..","verdict":".."}
 *   {"ev":"check_failed","message":".."}
 * Unknown "ev" values are ignored (newer runners); a packet that is not a
 * JSON object with a string "ev" is counted in bad_events.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "trace_signals_priv.h"

static char *dup_str(const char *s)
{
	return s ? strdup(s) : NULL;
}

int ph_trace_span_open(ph_trace_signals *s, int kind, int64_t t, const char *label,
                       const char *detail)
{
	ph_trace_span *sp;

	if (s->spans.n == s->spans.cap) {
		size_t cap = s->spans.cap ? s->spans.cap * 2 : 32;
		ph_trace_span *p = realloc(s->spans.v, cap * sizeof *p);
		if (!p)
			return -1;
		s->spans.v = p;
		s->spans.cap = cap;
	}
	sp = &s->spans.v[s->spans.n];
	memset(sp, 0, sizeof *sp);
	sp->t0 = t;
	sp->t1 = -1;
	sp->kind = kind;
	sp->label = dup_str(label ? label : "");
	sp->detail = dup_str(detail);
	if (!sp->label || (detail && !sp->detail)) {
		free(sp->label);
		free(sp->detail);
		return -1;
	}
	s->spans.n++;
	return 0;
}

/* The latest open span of kind with this label (any label when NULL). */
static ph_trace_span *find_open(ph_trace_signals *s, int kind, const char *label)
{
	for (size_t i = s->spans.n; i-- > 0;) {
		ph_trace_span *sp = &s->spans.v[i];
		if (sp->kind == kind && sp->t1 < 0 && (!label || !strcmp(sp->label, label)))
			return sp;
	}
	return NULL;
}

static int verdict_of(const char *v)
{
	if (!v)
		return PH_VERDICT_NONE;
	if (!strcasecmp(v, "pass") || !strcasecmp(v, "ok"))
		return PH_VERDICT_PASS;
	if (!strcasecmp(v, "fail") || !strcasecmp(v, "error"))
		return PH_VERDICT_FAIL;
	return PH_VERDICT_NONE;
}

static int add_marker(ph_trace_signals *s, int64_t t, int kind, int verdict, const char *label,
                      const char *detail)
{
	ph_trace_marker *m;

	if (s->markers.n == s->markers.cap) {
		size_t cap = s->markers.cap ? s->markers.cap * 2 : 32;
		ph_trace_marker *p = realloc(s->markers.v, cap * sizeof *p);
		if (!p)
			return -1;
		s->markers.v = p;
		s->markers.cap = cap;
	}
	m = &s->markers.v[s->markers.n];
	m->t = t;
	m->kind = kind;
	m->verdict = verdict;
	m->label = dup_str(label ? label : "");
	m->detail = dup_str(detail);
	if (!m->label || (detail && !m->detail)) {
		free(m->label);
		free(m->detail);
		return -1;
	}
	s->markers.n++;
	return 0;
}

/* A JSON scalar as text into buf. */
static void scalar_text(json_t *v, char *buf, size_t n)
{
	if (json_is_integer(v))
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, n, "%.6g", json_real_value(v));
	else if (json_is_string(v))
		snprintf(buf, n, "%s", json_string_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, n, "%s", json_is_true(v) ? "true" : "false");
	else
		buf[0] = 0;
}

static int on_measurement(ph_trace_signals *s, int64_t t, json_t *o)
{
	char value[64], detail[128];
	const char *unit = json_string_value(json_object_get(o, "unit"));

	scalar_text(json_object_get(o, "value"), value, sizeof value);
	snprintf(detail, sizeof detail, "%s%s%s", value, unit && *unit ? " " : "",
	         unit ? unit : "");
	return add_marker(s, t, PH_MARK_MEASUREMENT,
	                  verdict_of(json_string_value(json_object_get(o, "verdict"))),
	                  json_string_value(json_object_get(o, "name")), detail);
}

/* Fault parameters: "params" when given, else every other field (the
 * Lua test language's Bench:mark flattens them into the event). */
static char *fault_params(json_t *o)
{
	json_t *params = json_object_get(o, "params"), *rest;
	char *text;

	if (params)
		return json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	rest = json_deep_copy(o);
	if (!rest)
		return NULL;
	json_object_del(rest, "ev");
	json_object_del(rest, "fault");
	text = json_object_size(rest) ? json_dumps(rest, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(rest);
	return text;
}

static int on_fault_on(ph_trace_signals *s, int64_t t, json_t *o)
{
	char *text = fault_params(o);
	int r = ph_trace_span_open(s, PH_SPAN_FAULT, t,
	                           json_string_value(json_object_get(o, "fault")), text);

	free(text);
	return r;
}

static void close_span(ph_trace_signals *s, int kind, int64_t t, const char *label,
                       const char *verdict)
{
	ph_trace_span *sp = find_open(s, kind, label);

	if (!sp && label)
		sp = find_open(s, kind, NULL);
	if (!sp)
		return;
	sp->t1 = t;
	if (verdict && !sp->detail)
		sp->detail = strdup(verdict);
}

static int on_run_start(ph_trace_signals *s, json_t *o)
{
	char seed[64];

	scalar_text(json_object_get(o, "seed"), seed, sizeof seed);
	free(s->run_seed);
	free(s->run_board);
	s->run_seed = strdup(seed);
	s->run_board = dup_str(json_string_value(json_object_get(o, "board")));
	return s->run_seed ? 0 : -1;
}

static int dispatch(ph_trace_signals *s, int64_t t, const char *ev, json_t *o)
{
	const char *name = json_string_value(json_object_get(o, "name"));

	if (!strcmp(ev, "test_start"))
		return ph_trace_span_open(s, PH_SPAN_TEST, t, name, NULL);
	if (!strcmp(ev, "test_end")) {
		close_span(s, PH_SPAN_TEST, t, name,
		           json_string_value(json_object_get(o, "verdict")));
		return 0;
	}
	if (!strcmp(ev, "fault_on"))
		return on_fault_on(s, t, o);
	if (!strcmp(ev, "fault_off")) {
		close_span(s, PH_SPAN_FAULT, t, json_string_value(json_object_get(o, "fault")),
		           NULL);
		return 0;
	}
	if (!strcmp(ev, "measurement"))
		return on_measurement(s, t, o);
	if (!strcmp(ev, "check_failed"))
		return add_marker(s, t, PH_MARK_CHECK_FAILED, PH_VERDICT_FAIL,
		                  json_string_value(json_object_get(o, "message")), NULL);
	if (!strcmp(ev, "run_start"))
		return on_run_start(s, o);
	return 0;
}

int ph_trace_signals_harness_event(ph_trace_signals *s, const ph_trace_rec *rec)
{
	json_error_t jerr;
	json_t *o = json_loadb((const char *)rec->data, rec->len, JSON_REJECT_DUPLICATES, &jerr);
	const char *ev = o ? json_string_value(json_object_get(o, "ev")) : NULL;
	int r = 0;

	if (!json_is_object(o) || !ev)
		s->bad_events++;
	else
		r = dispatch(s, rec->t_ns, ev, o);
	json_decref(o);
	return r;
}
