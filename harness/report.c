/*
 * report.c - record.json and junit.xml (libxml2's writer does the escaping).
 */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/xmlwriter.h>

int ph_mkdirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

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

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *c = ph_xml_clean(value);
	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST(c ? c : ""));
	free(c);
}

static void text(xmlTextWriterPtr w, const char *value)
{
	char *c = ph_xml_clean(value);
	xmlTextWriterWriteString(w, BAD_CAST(c ? c : ""));
	free(c);
}

static void attrf(xmlTextWriterPtr w, const char *name, const char *fmt, double v)
{
	char buf[64];
	snprintf(buf, sizeof buf, fmt, v);
	attr(w, name, buf);
}

typedef struct counts {
	int tests, failures, errors, skipped;
	double time_s;
} counts;

static void count(json_t *tests, const char *suite, counts *c)
{
	size_t i;
	json_t *t;
	memset(c, 0, sizeof *c);
	json_array_foreach(tests, i, t) {
		if (suite && strcmp(str(t, "suite"), suite))
			continue;
		const char *v = str(t, "verdict");
		c->tests++;
		c->failures += !strcmp(v, "fail");
		c->errors += strcmp(v, "fail") && strcmp(v, "pass") && strcmp(v, "skip");
		c->skipped += !strcmp(v, "skip");
		c->time_s += json_number_value(json_object_get(t, "wall_ms")) / 1000.0;
	}
}

static void counts_attrs(xmlTextWriterPtr w, const counts *c)
{
	attrf(w, "tests", "%.0f", c->tests);
	attrf(w, "failures", "%.0f", c->failures);
	attrf(w, "errors", "%.0f", c->errors);
	attrf(w, "skipped", "%.0f", c->skipped);
	attrf(w, "time", "%.3f", c->time_s);
}

static void properties(xmlTextWriterPtr w, json_t *t)
{
	static const char *const keys[][2] = { { "req", "requirement" }, { "hazard", "hazard" },
					       { "tags", "tag" } };
	size_t i;
	json_t *v;
	xmlTextWriterStartElement(w, BAD_CAST "properties");
	for (size_t k = 0; k < 3; k++)
		json_array_foreach(json_object_get(t, keys[k][0]), i, v) {
			xmlTextWriterStartElement(w, BAD_CAST "property");
			attr(w, "name", keys[k][1]);
			attr(w, "value", json_string_value(v) ? json_string_value(v) : "");
			xmlTextWriterEndElement(w);
		}
	xmlTextWriterStartElement(w, BAD_CAST "property");
	attr(w, "name", "seed");
	attrf(w, "value", "%.0f", (double)json_integer_value(json_object_get(t, "seed")));
	xmlTextWriterEndElement(w);
	xmlTextWriterEndElement(w);
}

static void system_out(xmlTextWriterPtr w, json_t *t)
{
	size_t i;
	json_t *v;
	size_t cap = 1, len = 0;
	json_array_foreach(json_object_get(t, "log"), i, v)
		cap += strlen(json_string_value(v) ? json_string_value(v) : "") + 1;
	json_array_foreach(json_object_get(t, "measurements"), i, v)
		cap += strlen(str(v, "name")) + strlen(str(v, "unit")) + 96;
	char *buf = malloc(cap);
	if (!buf)
		return;
	buf[0] = 0;
	json_array_foreach(json_object_get(t, "measurements"), i, v)
		len += (size_t)snprintf(buf + len, cap - len, "measurement %s = %.6g %s [%s]\n",
					str(v, "name"), json_number_value(json_object_get(v, "value")),
					str(v, "unit"), str(v, "verdict"));
	json_array_foreach(json_object_get(t, "log"), i, v)
		len += (size_t)snprintf(buf + len, cap - len, "%s\n",
					json_string_value(v) ? json_string_value(v) : "");
	xmlTextWriterStartElement(w, BAD_CAST "system-out");
	text(w, buf);
	xmlTextWriterEndElement(w);
	free(buf);
}

static void testcase(xmlTextWriterPtr w, json_t *t)
{
	const char *v = str(t, "verdict");
	char line[32];
	xmlTextWriterStartElement(w, BAD_CAST "testcase");
	attr(w, "name", str(t, "name"));
	attr(w, "classname", str(t, "suite"));
	attr(w, "file", str(t, "file"));
	snprintf(line, sizeof line, "%lld", (long long)json_integer_value(json_object_get(t, "line")));
	attr(w, "line", line);
	attrf(w, "time", "%.3f", json_number_value(json_object_get(t, "wall_ms")) / 1000.0);
	properties(w, t);
	if (strcmp(v, "pass") && strcmp(v, "skip")) {
		int is_fail = !strcmp(v, "fail");
		xmlTextWriterStartElement(w, BAD_CAST(is_fail ? "failure" : "error"));
		attr(w, "message", str(t, "message"));
		attr(w, "type", is_fail ? "check" : "error");
		char *body = NULL;
		size_t n = strlen(str(t, "where")) + strlen(str(t, "message")) + 4;
		if ((body = malloc(n))) {
			snprintf(body, n, "%s: %s", str(t, "where"), str(t, "message"));
			text(w, body);
			free(body);
		}
		xmlTextWriterEndElement(w);
	} else if (!strcmp(v, "skip")) {
		xmlTextWriterStartElement(w, BAD_CAST "skipped");
		attr(w, "message", str(t, "message"));
		xmlTextWriterEndElement(w);
	}
	system_out(w, t);
	xmlTextWriterEndElement(w);
}

int ph_report_junit(const char *path, json_t *record, char *err, size_t errlen)
{
	json_t *tests = json_object_get(record, "tests"), *run = json_object_get(record, "run");
	json_t *seen = json_object(), *t;
	xmlTextWriterPtr w = xmlNewTextWriterFilename(path, 0);
	counts c;
	size_t i;

	if (!w) {
		snprintf(err, errlen, "%s: cannot write", path);
		json_decref(seen);
		return -1;
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "testsuites");
	attr(w, "name", "pumphil");
	count(tests, NULL, &c);
	counts_attrs(w, &c);
	json_array_foreach(tests, i, t) {
		const char *suite = str(t, "suite");
		size_t k;
		json_t *u;
		if (json_object_get(seen, suite))
			continue;
		json_object_set_new(seen, suite, json_true());
		xmlTextWriterStartElement(w, BAD_CAST "testsuite");
		attr(w, "name", suite);
		count(tests, suite, &c);
		counts_attrs(w, &c);
		attr(w, "timestamp", str(run, "started"));
		attr(w, "hostname", str(run, "host"));
		json_array_foreach(tests, k, u)
			if (!strcmp(str(u, "suite"), suite))
				testcase(w, u);
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);
	int r = xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	json_decref(seen);
	if (r < 0) {
		snprintf(err, errlen, "%s: write failed", path);
		return -1;
	}
	return 0;
}

int ph_report_write_all(const char *dir, json_t *record, const char *fixtures_dir, char *err,
			size_t errlen)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/record.json", dir);
	if (json_dump_file(record, path, JSON_INDENT(1) | JSON_ENSURE_ASCII) < 0) {
		snprintf(err, errlen, "%s: cannot write", path);
		return -1;
	}
	snprintf(path, sizeof path, "%s/junit.xml", dir);
	if (ph_report_junit(path, record, err, errlen) < 0)
		return -1;
	return ph_report_html(dir, record, fixtures_dir, err, errlen);
}
