/*
 * report_html.c - index.html: one self-contained page (inline CSS, no
 * scripts, nothing fetched; plots are PNG files in plots/ next to it) with
 * the run summary, the environment, the traceability matrix and every
 * test.  Written to a temporary file and renamed, so a reader never sees
 * half a page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"
#include "report_priv.h"

#define str ph_report_str

void ph_report_html_esc(FILE *f, const char *s)
{
	char *c = ph_xml_clean(s ? s : "");
	for (const char *p = c ? c : ""; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*p, f);
		}
	}
	free(c);
}

#define esc ph_report_html_esc

static const char style[] =
        "body{font:14px/1.4 sans-serif;margin:1.5em 2em;color:#222;max-width:1300px}"
        "h1{margin:0 0 .2em}h2{border-bottom:2px solid #ccc;margin-top:1.6em}"
        "table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ccc;padding:2px 8px;"
        "text-align:left;vertical-align:top}th{background:#f4f4f4}"
        ".pass,.flaky{color:#070}.fail,.error,.xpass{color:#b00}.skip,.xfail{color:#777}"
        ".warn,.known{color:#a60}"
        ".badge{font-weight:bold;text-transform:uppercase}.meta{color:#555}"
        "pre{white-space:pre-wrap;word-break:break-word;margin:.3em 0}"
        "pre.failure{background:#fee;border-left:4px solid #b00;padding:6px}"
        "section.test{border-top:1px solid #ddd;margin-top:1.2em;padding-top:.3em}"
        "tr.at-failure td{background:#fee}tr.after td{color:#777}"
        "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
        "figure{margin:.5em 0}img.plot{max-width:100%;height:auto;border:1px solid #ccc}"
        ".banner{font-size:18px;padding:6px 10px;display:inline-block;border-radius:4px}"
        ".banner.pass{background:#e6f4e6}.banner.fail{background:#fde8e8}"
        "nav a{margin-right:1em}"
        "svg.spark{vertical-align:middle}svg.spark polyline{fill:none;stroke:#457;stroke-width:1}"
        "svg.spark circle.current{fill:#d60}svg.spark line.limit{stroke:#b00;stroke-width:.5;"
        "stroke-dasharray:2 2}.badge.moved{color:#b00;text-transform:none}";

static void summary(FILE *f, json_t *record)
{
	json_t *run = json_object_get(record, "run");
	ph_report_counts c;
	char bench[32];
	int ok;

	ph_report_count(json_object_get(record, "tests"), NULL, &c);
	ok = c.failed == 0 && c.errors == 0;
	ph_report_fmt_ns(c.bench_ns, bench, sizeof bench);
	fprintf(f,
	        "<p class=\"banner %s\" id=verdict>%s: %d test%s, %d passed, %d failed, %d "
	        "errored, "
	        "%d skipped",
	        ok ? "pass" : "fail", ok ? "PASSED" : "FAILED", c.tests, c.tests == 1 ? "" : "s",
	        c.passed, c.failed, c.errors, c.skipped);
	if (c.xfail || c.xpass || c.flaky)
		fprintf(f,
		        " (of which %d xfail: known issues, %d xpass: known issues that passed, %d "
		        "flaky: passed on a retry)",
		        c.xfail, c.xpass, c.flaky);
	fputs("</p>\n", f);
	fputs("<h2 id=summary>Summary</h2>\n<table class=summary>\n", f);
	fprintf(f,
	        "<tr><th>tests</th><td class=num>%d</td></tr>\n"
	        "<tr><th>passed</th><td class=\"num pass\" id=n-passed>%d</td></tr>\n"
	        "<tr><th>failed</th><td class=\"num fail\" id=n-failed>%d</td></tr>\n"
	        "<tr><th>errored</th><td class=\"num error\" id=n-errors>%d%s</td></tr>\n"
	        "<tr><th>skipped</th><td class=num id=n-skipped>%d</td></tr>\n",
	        c.tests, c.passed, c.failed, c.errors,
	        c.interrupted ? " (interrupted runs included)" : "", c.skipped);
	if (c.interrupted)
		fprintf(f,
		        "<tr><th>interrupted</th><td class=\"num error\" "
		        "id=n-interrupted>%d</td></tr>\n",
		        c.interrupted);
	if (json_is_number(json_object_get(run, "wall_s")))
		fprintf(f, "<tr><th>duration</th><td class=num>%.3f s wall</td></tr>\n",
		        json_number_value(json_object_get(run, "wall_s")));
	else
		fputs("<tr><th>duration</th><td>not recorded (the run did not finish)</td></tr>\n",
		      f);
	fprintf(f,
	        "<tr><th>bench time</th><td class=num>%s (sum over tests; %.3f s of test wall "
	        "time)</td></tr>\n",
	        bench, c.wall_s);
	fputs("</table>\n", f);
}

/* What a time stamp in this run can be trusted to (DESIGN.md, time). */
static const char *resolution(const char *board)
{
	if (!strncmp(board, "sim", 3))
		return "virtual clock: host stamps exact to 1 ns of bench time; board stamps 1 us";
	if (!strncmp(board, "usb", 3) || !strncmp(board, "virtual-usb", 11))
		return "host stamps through USB are no finer than the bus polling interval (1 ms "
		       "full-speed, 125 us high-speed); board stamps 1 us";
	return "see the board's transport";
}

/* Distinct values of test.dut.key over the tests of run id (all when NULL). */
static void dut_values(FILE *f, json_t *tests, const char *key, const char *run_id)
{
	json_t *seen = json_object(), *t;
	size_t i;
	json_array_foreach(tests, i, t)
	{
		const char *v = str(json_object_get(t, "dut"), key);
		if (!*v || (run_id && strcmp(str(t, "run_id"), run_id)) || json_object_get(seen, v))
			continue;
		if (json_object_size(seen))
			fputs(", ", f);
		json_object_set_new(seen, v, json_true());
		esc(f, v);
	}
	if (!json_object_size(seen))
		fputs("<span class=warn>not identified (the board did not answer "
		      "interrogate)</span>",
		      f);
	json_decref(seen);
}

static void env_row(FILE *f, const char *label, const char *value)
{
	fprintf(f, "<tr><th>%s</th><td>", label);
	esc(f, value);
	fputs("</td></tr>\n", f);
}

static void run_table(FILE *f, json_t *run, json_t *tests, const char *run_id)
{
	char buf[512];

	fputs("<table class=env>\n", f);
	env_row(f, "run", str(run, "id"));
	snprintf(buf, sizeof buf, "%s (git %s)", str(run, "harness_version"), str(run, "git"));
	env_row(f, "harness", buf);
	env_row(f, "board transport", str(run, "board"));
	env_row(f, "timing resolution", resolution(str(run, "board")));
	fputs("<tr><th>board serial</th><td class=serial>", f);
	dut_values(f, tests, "serial", run_id);
	fputs("</td></tr>\n<tr><th>firmware version</th><td class=fw>", f);
	dut_values(f, tests, "fw_version", run_id);
	fputs("</td></tr>\n", f);
	env_row(f, "bench profile", str(run, "profile"));
	snprintf(buf, sizeof buf, "%lld",
	         (long long)json_integer_value(json_object_get(run, "seed")));
	env_row(f, "seed", buf);
	env_row(f, "host", str(run, "host"));
	env_row(f, "started", str(run, "started"));
	env_row(f, "finished", *str(run, "finished") ? str(run, "finished") : "(not recorded)");
	if (*str(run, "shard"))
		env_row(f, "shard", str(run, "shard"));
	env_row(f, "command", str(run, "command"));
	if (*str(run, "note"))
		env_row(f, "note", str(run, "note"));
	fputs("</table>\n", f);
}

static void environment(FILE *f, json_t *record)
{
	json_t *runs = json_object_get(record, "runs"), *r;
	json_t *tests = json_object_get(record, "tests");
	size_t i;

	fputs("<h2 id=environment>Environment</h2>\n", f);
	if (!json_array_size(runs)) {
		run_table(f, json_object_get(record, "run"), tests, NULL);
		return;
	}
	fprintf(f, "<p>Merged from %zu runs.</p>\n", json_array_size(runs));
	json_array_foreach(runs, i, r)
	{
		fprintf(f, "<h3>run %zu: ", i + 1);
		esc(f, str(r, "id"));
		fputs("</h3>\n", f);
		run_table(f, r, tests, str(r, "id"));
	}
}

static void test_index(FILE *f, json_t *tests)
{
	size_t i;
	json_t *t;

	fputs("<h2 id=tests>Tests</h2>\n<table "
	      "class=tests><tr><th>#</th><th>verdict</th><th>suite</th>"
	      "<th>test</th><th>checks</th><th>measurements</th><th>bench</th><th>wall</th></tr>\n",
	      f);
	json_array_foreach(tests, i, t)
	{
		const char *v = str(t, "verdict");
		char bench[32];
		ph_report_fmt_ns((int64_t)json_number_value(json_object_get(t, "bench_ns")), bench,
		                 sizeof bench);
		fprintf(f, "<tr><td class=num>%zu</td><td class=\"badge %s\">%s</td><td>", i + 1, v,
		        json_is_true(json_object_get(t, "interrupted")) ? "interrupted" : v);
		esc(f, str(t, "suite"));
		fprintf(f, "</td><td><a href=\"#test-%zu\">", i + 1);
		esc(f, str(t, "name"));
		fprintf(f,
		        "</a></td><td class=num>%lld</td><td class=num>%zu</td><td "
		        "class=num>%s</td>"
		        "<td class=num>%.3f s</td></tr>\n",
		        (long long)json_integer_value(json_object_get(t, "checks")),
		        json_array_size(json_object_get(t, "measurements")), bench,
		        json_number_value(json_object_get(t, "wall_ms")) / 1000.0);
	}
	fputs("</table>\n", f);
}

static void page(FILE *f, json_t *record)
{
	json_t *tests = json_object_get(record, "tests"), *t;
	size_t i;

	fputs("<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n<title>pumphil "
	      "report ",
	      f);
	esc(f, str(json_object_get(record, "run"), "id"));
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>pumphil test report</h1>\n",
	        style);
	fputs("<nav><a href=\"#summary\">Summary</a><a href=\"#environment\">Environment</a>"
	      "<a href=\"#traceability\">Traceability</a>",
	      f);
	if (ph_report_has_fta(record))
		fputs("<a href=\"#fta\">Fault-tree validation</a>", f);
	fputs("<a href=\"#tests\">Tests</a></nav>\n", f);
	summary(f, record);
	environment(f, record);
	ph_report_html_matrix(f, record);
	ph_report_html_fta(f, record);
	test_index(f, tests);
	if (*str(record, "plots_note")) {
		fputs("<p class=warn>", f);
		esc(f, str(record, "plots_note"));
		fputs("</p>\n", f);
	}
	json_array_foreach(tests, i, t) ph_report_html_test(f, t, i);
	fputs("<footer class=meta><p>Written by pumphil from the run's record.json (schema ", f);
	esc(f, str(record, "schema"));
	fputs("); <code>pumphil report</code> regenerates this page from "
	      "it.</p></footer>\n</body>\n</html>\n",
	      f);
}

int ph_report_html(const char *dir, json_t *record, char *err, size_t errlen)
{
	char path[4096], tmp[4200];
	FILE *f;

	snprintf(path, sizeof path, "%s/index.html", dir);
	snprintf(tmp, sizeof tmp, "%s/.index.html.%d", dir, (int)getpid());
	f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errlen, "%s: cannot write", path);
		return -1;
	}
	page(f, record);
	if (ferror(f) | (fclose(f) != 0) || rename(tmp, path) != 0) {
		unlink(tmp);
		snprintf(err, errlen, "%s: write failed", path);
		return -1;
	}
	return 0;
}
