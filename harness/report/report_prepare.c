/*
 * report_prepare.c - completing a record before it is written: catalogue,
 * summary, what each test's trace shows (spans, timeline, the records
 * around a failure), and plots.  Also the shared small helpers.
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/paths.h"
#include "report/report.h"
#include "report_priv.h"
#include "report_trace.h"

const char *ph_report_str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

void ph_report_fmt_ns(int64_t ns, char *buf, size_t n)
{
	double s = (double)ns / 1e9;
	if (s >= 86400)
		snprintf(buf, n, "%.2f d", s / 86400);
	else if (s >= 3600)
		snprintf(buf, n, "%.2f h", s / 3600);
	else if (s >= 60)
		snprintf(buf, n, "%.1f min", s / 60);
	else
		snprintf(buf, n, "%.3f s", s);
}

void ph_report_count(json_t *tests, const char *suite, ph_report_counts *c)
{
	size_t i;
	json_t *t;

	memset(c, 0, sizeof *c);
	json_array_foreach(tests, i, t)
	{
		ph_verdict v = ph_verdict_of(t);
		if (suite && strcmp(ph_report_str(t, "suite"), suite))
			continue;
		c->tests++;
		c->passed += ph_verdict_is_pass(v);
		c->failed += ph_verdict_is_failure(v);
		c->errors += ph_verdict_is_error(v);
		c->skipped += v == PH_VERDICT_SKIP || v == PH_VERDICT_XFAIL;
		c->xfail += v == PH_VERDICT_XFAIL;
		c->xpass += v == PH_VERDICT_XPASS;
		c->flaky += v == PH_VERDICT_FLAKY;
		c->interrupted += json_is_true(json_object_get(t, "interrupted"));
		c->wall_s += json_number_value(json_object_get(t, "wall_ms")) / 1000.0;
		c->bench_ns += (int64_t)json_number_value(json_object_get(t, "bench_ns"));
	}
}

static void set_summary(json_t *record)
{
	ph_report_counts c;
	ph_report_count(json_object_get(record, "tests"), NULL, &c);
	json_object_set_new(record, "summary",
	                    json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:f,s:I}", "tests",
	                              c.tests, "passed", c.passed, "failed", c.failed, "errors",
	                              c.errors, "skipped", c.skipped, "xfail", c.xfail, "xpass",
	                              c.xpass, "flaky", c.flaky, "interrupted", c.interrupted,
	                              "test_wall_s", c.wall_s, "bench_ns", (json_int_t)c.bench_ns));
}

static int set_catalog(json_t *record, const ph_report_opts *o, char *err, size_t errlen)
{
	json_t *cat;
	if (!o->fixtures_dir && json_is_object(json_object_get(record, "catalogue")))
		return 0;
	cat = ph_report_catalog_load(o->fixtures_dir ? o->fixtures_dir : ph_default_fixtures_dir(),
	                             err, errlen);
	if (!cat)
		return -1;
	json_object_set_new(record, "catalogue", cat);
	return 0;
}

/* The scanned test that is this record test: same name, else the first. */
static json_t *match_scan(json_t *scan, json_t *test)
{
	json_t *tests = json_object_get(scan, "tests"), *st;
	size_t i;
	json_array_foreach(tests, i, st) if (!strcmp(ph_report_str(st, "name"),
	                                             ph_report_str(test, "name"))) return st;
	return json_array_get(tests, 0);
}

static void take_trace(json_t *test, json_t *scan)
{
	static const char *const keys[] = { "t0_ns", "t1_ns", "fail_ns", "fail_event", "events" };
	json_t *st = match_scan(scan, test);

	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		json_object_del(test, keys[k]);
		if (st && json_object_get(st, keys[k]))
			json_object_set(test, keys[k], json_object_get(st, keys[k]));
	}
	json_object_set(test, "spans", json_object_get(scan, "spans"));
	if (!json_object_get(test, "dut") && json_object_get(scan, "dut"))
		json_object_set(test, "dut", json_object_get(scan, "dut"));
	if (json_object_get(scan, "warning"))
		json_object_set(test, "trace_warning", json_object_get(scan, "warning"));
	json_object_del(test, "trace_error");
}

/* Where to read path, a record names: src_dir/path, confined to src_dir
 * unless the record's paths are trusted.  Returns 0, or -1 with why. */
static int locate(const ph_report_opts *o, const char *src_dir, const char *path, const char *what,
                  char *out, size_t n, char *why, size_t whylen)
{
	if (!o->trusted_paths)
		return ph_report_confine(src_dir, path, what, out, n, why, whylen);
	snprintf(out, n, "%s%s%s", path[0] == '/' ? "" : src_dir, path[0] == '/' ? "" : "/", path);
	return 0;
}

/* Plots from an earlier report of this record, when the trace is gone:
 * copied when the report goes elsewhere; one the record may not name
 * (outside the run, not a regular file) is marked missing, never shown. */
static void keep_plots(json_t *test, size_t pos, const ph_report_opts *o, const char *src_dir,
                       const char *out_dir, int same_dir)
{
	json_t *plots = json_object_get(test, "plots"), *p;
	size_t i;

	json_array_foreach(plots, i, p)
	{
		const char *file = ph_report_str(p, "file");
		char src[2048], rel[64], dst[1200], why[512];
		if (json_is_true(json_object_get(p, "missing")))
			continue; /* known missing (or refused by a merge): never read */
		if (locate(o, src_dir, file, "plot", src, sizeof src, why, sizeof why) < 0) {
			json_object_set_new(p, "missing", json_true());
			continue;
		}
		if (same_dir)
			continue;
		snprintf(rel, sizeof rel, "plots/%04zu%s.png", pos + 1, i ? "-failure" : "");
		snprintf(dst, sizeof dst, "%s/%s", out_dir, rel);
		if (strcmp(src, dst) && ph_report_copy_file(src, dst) == 0)
			json_object_set_new(p, "file", json_string(rel));
		else if (strcmp(src, dst))
			json_object_set_new(p, "missing", json_true());
	}
}

/* Make the test's trace path reachable from out_dir (absolute when the
 * report goes elsewhere than the run). */
static void relocate_trace(json_t *test, const char *trace_path, int same_dir)
{
	char abs[PATH_MAX];
	if (same_dir || !realpath(trace_path, abs))
		return;
	json_object_set_new(test, "trace", json_string(abs));
}

/* A plot is rendered for a test worth a look: not a plain pass or skip, or
 * one with a measurement, a fault or an alarm; the rest on demand
 * (pumphil report --plots all).  At 20 ms a plot, rendering every test
 * made a run of empty tests 200 times slower than without a report. */
static int worth_a_plot(json_t *test, int plots)
{
	const char *v = ph_report_str(test, "verdict");
	json_t *sp;
	size_t i;

	if (plots == PH_PLOTS_ALL || (strcmp(v, "pass") && strcmp(v, "skip")))
		return 1;
	if (json_array_size(json_object_get(test, "measurements")) > 0)
		return 1;
	json_array_foreach(json_object_get(test, "spans"), i, sp)
	{
		const char *k = json_string_value(json_object_get(sp, "kind"));
		if (k && (!strcmp(k, "fault") || !strcmp(k, "alarm")))
			return 1;
	}
	return 0;
}

static void prepare_test(json_t *record, json_t *test, size_t pos, const ph_report_opts *o,
                         const char *src_dir, const char *out_dir, int same_dir)
{
	const char *trace = ph_report_str(test, "trace");
	char path[2048], err[1024];
	json_t *scan = NULL;

	if (*trace) {
		if (locate(o, src_dir, trace, "trace", path, sizeof path, err, sizeof err) == 0)
			scan = ph_report_trace_scan(path, err, sizeof err);
		if (!scan)
			json_object_set_new(test, "trace_error", json_string(err));
	}
	if (scan) {
		take_trace(test, scan);
		relocate_trace(test, path, same_dir);
	}
	if (scan && o->plots && ph_report_can_plot() && worth_a_plot(test, o->plots)) {
		if (ph_report_plot_test(test, pos, path, out_dir, err, sizeof err) < 0)
			json_object_set_new(test, "plot_error", json_string(err));
		else
			json_object_del(test, "plot_error");
	} else {
		keep_plots(test, pos, o, src_dir, out_dir, same_dir);
	}
	if (o->plots && !ph_report_can_plot())
		json_object_set_new(record, "plots_note",
		                    json_string("no plots: this build of pumphil has no headless "
		                                "renderer (harness/view)"));
	json_decref(scan);
}

/* Whether a and b name the same directory. */
static int same_directory(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];
	if (!realpath(a, ra) || !realpath(b, rb))
		return !strcmp(a, b);
	return !strcmp(ra, rb);
}

int ph_report_prepare(json_t *record, const ph_report_opts *o, const char *out_dir, char *err,
                      size_t errlen)
{
	const char *src = o->src_dir ? o->src_dir : ".";
	char plots[1200];
	size_t i;
	json_t *t;

	if (set_catalog(record, o, err, errlen) < 0)
		return -1;
	snprintf(plots, sizeof plots, "%s/plots", out_dir);
	if (ph_mkdirs(out_dir) < 0 || ph_mkdirs(plots) < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", plots, strerror(errno));
		return -1;
	}
	int same = same_directory(src, out_dir);
	json_object_del(record, "plots_note");
	json_array_foreach(json_object_get(record, "tests"), i, t)
	        prepare_test(record, t, i, o, src, out_dir, same);
	set_summary(record);
	return 0;
}
