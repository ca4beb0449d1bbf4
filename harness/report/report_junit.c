/*
 * report_junit.c - junit.xml in the dialect CI systems read (the shape of
 * the Jenkins xUnit plugin's junit-10.xsd; tests/data/junit/ has the schema
 * the tests validate against).  libxml2's writer does the escaping; text is
 * cleaned of what XML 1.0 cannot carry first.
 *
 * One <testsuite> per suite, one <testcase> per test (a parametrised test's
 * cases and repeats are separate tests).  The dialect allows properties only
 * on the suite and no location attributes on a testcase, so: the suite's
 * <properties> list its requirement and hazard ids and the bench
 * (docs/reports.md), each failure's text starts with "file:line", and each
 * testcase's <system-out> starts with its requirements, hazards and
 * location, then its measurements and log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "report/report.h"
#include "report_priv.h"

char *ph_xml_clean(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue;
		out[o++] = (char)c;
	}
	out[o] = 0;
	return out;
}

#define str ph_report_str

static void attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *c = ph_xml_clean(value ? value : "");
	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST(c ? c : ""));
	free(c);
}

static void text(xmlTextWriterPtr w, const char *value)
{
	char *c = ph_xml_clean(value ? value : "");
	xmlTextWriterWriteString(w, BAD_CAST(c ? c : ""));
	free(c);
}

static void attr_int(xmlTextWriterPtr w, const char *name, long long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", v);
	attr(w, name, buf);
}

static void attr_time(xmlTextWriterPtr w, double s)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%.3f", s > 0 ? s : 0);
	attr(w, "time", buf);
}

static void counts_attrs(xmlTextWriterPtr w, const ph_report_counts *c, int with_skipped)
{
	attr_int(w, "tests", c->tests);
	attr_int(w, "failures", c->failed);
	attr_int(w, "errors", c->errors);
	if (with_skipped)
		attr_int(w, "skipped", c->skipped);
	attr_time(w, c->wall_s);
}

/* ---- a growing text buffer for <system-out> ---- */

typedef struct sbuf {
	char *s;
	size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_add(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2;
		char *s = realloc(b->s, cap);
		if (!s)
			return;
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void sb_list(sbuf *b, const char *label, json_t *arr)
{
	size_t i;
	json_t *v;
	sb_add(b, "%s:", label);
	json_array_foreach(arr, i, v)
	        sb_add(b, "%s%s", i ? ", " : " ", json_string_value(v) ? json_string_value(v) : "");
	sb_add(b, "%s\n", json_array_size(arr) ? "" : " none");
}

static void sb_limit(sbuf *b, json_t *v)
{
	if (json_is_number(v))
		sb_add(b, "%.6g", json_number_value(v));
	else
		sb_add(b, "-");
}

static void system_out(xmlTextWriterPtr w, json_t *t)
{
	sbuf b = { 0 };
	size_t i;
	json_t *v;

	sb_list(&b, "requirements", json_object_get(t, "req"));
	sb_list(&b, "hazards", json_object_get(t, "hazard"));
	sb_add(&b, "location: %s:%lld\nseed: %lld\n", str(t, "file"),
	       (long long)json_integer_value(json_object_get(t, "line")),
	       (long long)json_integer_value(json_object_get(t, "seed")));
	json_array_foreach(json_object_get(t, "measurements"), i, v)
	{
		sb_add(&b, "measurement %s = ", str(v, "name"));
		sb_limit(&b, json_object_get(v, "value"));
		sb_add(&b, " %s, limits [", str(v, "unit"));
		sb_limit(&b, json_object_get(v, "min"));
		sb_add(&b, ", ");
		sb_limit(&b, json_object_get(v, "max"));
		sb_add(&b, "]: %s\n", str(v, "verdict"));
	}
	json_array_foreach(json_object_get(t, "log"), i, v)
	        sb_add(&b, "%s\n", json_string_value(v) ? json_string_value(v) : "");
	xmlTextWriterStartElement(w, BAD_CAST "system-out");
	text(w, b.s ? b.s : "");
	xmlTextWriterEndElement(w);
	free(b.s);
}

static void outcome(xmlTextWriterPtr w, json_t *t)
{
	ph_verdict v = ph_verdict_of(t);
	int is_fail = ph_verdict_is_failure(v);
	sbuf b = { 0 };

	if (ph_verdict_is_pass(v))
		return; /* flaky: its attempts are in system-out */
	if (v == PH_VERDICT_SKIP || v == PH_VERDICT_XFAIL) {
		xmlTextWriterStartElement(w, BAD_CAST "skipped");
		if (v == PH_VERDICT_XFAIL) {
			/* The runner's message names the known issue. */
			sb_add(&b, "xfail: %s", str(t, "message"));
			attr(w, "message", b.s ? b.s : "");
			free(b.s);
		} else {
			attr(w, "message", str(t, "message"));
		}
		xmlTextWriterEndElement(w);
		return;
	}
	xmlTextWriterStartElement(w, BAD_CAST(is_fail ? "failure" : "error"));
	if (v == PH_VERDICT_XPASS) {
		sb_add(&b, "xpass: %s", str(t, "message"));
		attr(w, "message", b.s ? b.s : "");
		attr(w, "type", "xpass");
		text(w, b.s ? b.s : "");
		free(b.s);
		xmlTextWriterEndElement(w);
		return;
	}
	attr(w, "message", str(t, "message"));
	attr(w, "type",
	     is_fail                                           ? "check"
	     : json_is_true(json_object_get(t, "interrupted")) ? "interrupted"
	                                                       : "error");
	sb_add(&b, "%s%s%s", str(t, "where"), *str(t, "where") ? ": " : "", str(t, "message"));
	text(w, b.s ? b.s : "");
	free(b.s);
	xmlTextWriterEndElement(w);
}

static void testcase(xmlTextWriterPtr w, json_t *t)
{
	long long rep = json_integer_value(json_object_get(t, "repeat"));

	xmlTextWriterStartElement(w, BAD_CAST "testcase");
	if (rep > 0) {
		/* Repeats of one test must stay distinct testcases. */
		sbuf b = { 0 };
		sb_add(&b, "%s (repeat %lld)", str(t, "name"), rep + 1);
		attr(w, "name", b.s ? b.s : str(t, "name"));
		free(b.s);
	} else {
		attr(w, "name", str(t, "name"));
	}
	attr(w, "classname", str(t, "suite"));
	attr_time(w, json_number_value(json_object_get(t, "wall_ms")) / 1000.0);
	if (*str(t, "run_id"))
		attr(w, "group", str(t, "run_id")); /* merged runs: which run */
	outcome(w, t);
	system_out(w, t);
	xmlTextWriterEndElement(w);
}

static void property(xmlTextWriterPtr w, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	xmlTextWriterStartElement(w, BAD_CAST "property");
	attr(w, "name", name);
	attr(w, "value", value);
	xmlTextWriterEndElement(w);
}

/* Distinct values of key (a list) over the suite's tests, as properties. */
static void id_properties(xmlTextWriterPtr w, json_t *tests, const char *suite, const char *key,
                          const char *name)
{
	json_t *seen = json_object(), *t, *v;
	size_t i, k;
	json_array_foreach(tests, i, t)
	{
		if (strcmp(str(t, "suite"), suite))
			continue;
		json_array_foreach(json_object_get(t, key), k, v)
		{
			const char *id = json_string_value(v);
			if (!id || json_object_get(seen, id))
				continue;
			json_object_set_new(seen, id, json_true());
			property(w, name, id);
		}
	}
	json_decref(seen);
}

static void suite_properties(xmlTextWriterPtr w, json_t *record, json_t *first, const char *suite)
{
	json_t *run = json_object_get(record, "run"), *dut = json_object_get(first, "dut");
	json_t *tests = json_object_get(record, "tests");
	char seed[32];

	xmlTextWriterStartElement(w, BAD_CAST "properties");
	id_properties(w, tests, suite, "req", "requirement");
	id_properties(w, tests, suite, "hazard", "hazard");
	property(w, "harness", str(run, "harness_version"));
	property(w, "git", str(run, "git"));
	property(w, "board", str(run, "board"));
	property(w, "profile", str(run, "profile"));
	property(w, "serial", str(dut, "serial"));
	property(w, "fw_version", str(dut, "fw_version"));
	snprintf(seed, sizeof seed, "%lld",
	         (long long)json_integer_value(json_object_get(run, "seed")));
	if (json_object_get(run, "seed"))
		property(w, "seed", seed);
	xmlTextWriterEndElement(w);
}

static void testsuite(xmlTextWriterPtr w, json_t *record, const char *suite, json_t *first)
{
	json_t *tests = json_object_get(record, "tests"), *run = json_object_get(record, "run"), *t;
	ph_report_counts c;
	size_t i;

	xmlTextWriterStartElement(w, BAD_CAST "testsuite");
	attr(w, "name", suite);
	ph_report_count(tests, suite, &c);
	counts_attrs(w, &c, 1);
	if (*str(run, "started"))
		attr(w, "timestamp", str(run, "started"));
	if (*str(run, "host"))
		attr(w, "hostname", str(run, "host"));
	if (*str(first, "file"))
		attr(w, "file", str(first, "file"));
	suite_properties(w, record, first, suite);
	json_array_foreach(tests, i, t) if (!strcmp(str(t, "suite"), suite)) testcase(w, t);
	xmlTextWriterEndElement(w);
}

int ph_report_junit(const char *path, json_t *record, char *err, size_t errlen)
{
	json_t *tests = json_object_get(record, "tests"), *seen = json_object(), *t;
	xmlTextWriterPtr w = xmlNewTextWriterFilename(path, 0);
	ph_report_counts c;
	size_t i;
	int r;

	if (!w) {
		snprintf(err, errlen, "%s: cannot write", path);
		json_decref(seen);
		return -1;
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "testsuites");
	attr(w, "name", "pumphil");
	ph_report_count(tests, NULL, &c);
	counts_attrs(w, &c, 0);
	json_array_foreach(tests, i, t)
	{
		const char *suite = str(t, "suite");
		if (json_object_get(seen, suite))
			continue;
		json_object_set_new(seen, suite, json_true());
		testsuite(w, record, suite, t);
	}
	xmlTextWriterEndElement(w);
	r = xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	json_decref(seen);
	if (r < 0) {
		snprintf(err, errlen, "%s: write failed", path);
		return -1;
	}
	return 0;
}
