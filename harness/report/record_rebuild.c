/*
 * record_rebuild.c - a record from traces alone, for a run that was killed
 * before it wrote record.json.  What the harness events say is kept; a test
 * that started and never ended is marked interrupted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "report_trace.h"
#include "results/record.h"

#define INTERRUPTED_MSG "interrupted: the run stopped during this test"

/* path relative to base when it lies under base, else path itself. */
static const char *relative_to(const char *path, const char *base)
{
	size_t n = base ? strlen(base) : 0;
	while (n > 1 && base[n - 1] == '/')
		n--;
	if (n && !strncmp(path, base, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

static json_t *test_from_scan(json_t *st, json_t *scan, const char *trace_rel)
{
	static const char *const keys[] = { "file",   "line",         "suite",   "name",    "tags",
		                            "req",    "hazard",       "verdict", "message", "where",
		                            "checks", "measurements", "log" };
	json_t *t = json_object(), *info = json_object_get(scan, "test");
	int64_t t0 = json_integer_value(json_object_get(st, "t0_ns"));
	int64_t t1 = json_integer_value(json_object_get(st, "t1_ns"));

	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		if (json_object_get(st, keys[k]))
			json_object_set(t, keys[k], json_object_get(st, keys[k]));
	if (!json_is_string(json_object_get(t, "name")))
		json_object_set_new(t, "name", json_string("(unnamed test)"));
	if (json_is_true(json_object_get(st, "interrupted"))) {
		json_object_set_new(t, "verdict", json_string("error"));
		json_object_set_new(t, "message", json_string(INTERRUPTED_MSG));
		json_object_set_new(t, "interrupted", json_true());
	} else if (!json_is_string(json_object_get(t, "verdict"))) {
		json_object_set_new(t, "verdict", json_string("error"));
		json_object_set_new(t, "message",
		                    json_string("the trace's test_end has no verdict"));
	}
	json_object_set_new(t, "bench_ns", json_integer(t1 > t0 ? t1 - t0 : 0));
	json_object_set_new(t, "trace", json_string(trace_rel));
	if (json_is_object(info)) {
		json_object_set(t, "index", json_object_get(info, "index"));
		json_object_set(t, "seed", json_object_get(info, "seed"));
		json_object_set(t, "repeat", json_object_get(info, "repeat"));
	}
	if (json_object_get(scan, "dut"))
		json_object_set(t, "dut", json_object_get(scan, "dut"));
	return t;
}

static int by_index(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "index"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "index"));
	return (x > y) - (x < y);
}

/* Sort tests by their index in the run (stable enough: indices are unique). */
static json_t *sorted(json_t *tests)
{
	size_t n = json_array_size(tests);
	json_t **v = calloc(n ? n : 1, sizeof *v), *out = json_array();
	if (!v || !out) {
		free(v);
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(tests, i);
	qsort(v, n, sizeof *v, by_index);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

static void set_run(json_t *record, json_t *scan, int ntraces)
{
	json_t *run = json_object_get(scan, "run");
	char note[160];

	if (json_object_get(json_object_get(record, "run"), "id"))
		return;
	run = json_is_object(run) ? json_deep_copy(run) : json_object();
	snprintf(note, sizeof note, "rebuilt from %d trace%s: the run did not write record.json",
	         ntraces, ntraces == 1 ? "" : "s");
	json_object_set_new(run, "rebuilt_from", json_string("traces"));
	json_object_set_new(run, "note", json_string(note));
	json_object_set_new(record, "run", run);
}

json_t *ph_record_from_traces(const char *const *paths, int n, const char *base_dir, char *err,
                              size_t errlen)
{
	json_t *record = json_pack("{s:s,s:{},s:[]}", "schema", PH_RECORD_SCHEMA, "run", "tests");
	json_t *tests = json_object_get(record, "tests"), *st, *out;
	size_t k;

	for (int i = 0; i < n; i++) {
		json_t *scan = ph_report_trace_scan(paths[i], err, errlen);
		if (!scan)
			goto fail;
		json_array_foreach(json_object_get(scan, "tests"), k, st) json_array_append_new(
		        tests, test_from_scan(st, scan, relative_to(paths[i], base_dir)));
		if (json_array_size(json_object_get(scan, "tests")))
			set_run(record, scan, n);
		json_decref(scan);
	}
	if (json_array_size(tests) == 0) {
		snprintf(err, errlen, "%s: no test started in %s", n ? paths[0] : "(no traces)",
		         n == 1 ? "this trace" : "these traces");
		goto fail;
	}
	out = sorted(tests);
	if (!out) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	json_object_set_new(record, "tests", out);
	return record;
fail:
	json_decref(record);
	return NULL;
}
