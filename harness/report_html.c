/*
 * report_html.c - index.html: one self-contained page (inline CSS, no
 * scripts, no network) with the run summary, environment, and per test the
 * verdict, failure, measurements with limits, and log.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void esc(FILE *f, const char *s)
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

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void list(FILE *f, json_t *arr)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (i)
			fputs(", ", f);
		esc(f, json_string_value(v));
	}
}

static void limit(FILE *f, json_t *v)
{
	if (json_is_number(v))
		fprintf(f, "%.6g", json_number_value(v));
	else
		fputs("&ndash;", f);
}

static void measurements(FILE *f, json_t *ms)
{
	size_t i;
	json_t *m;
	if (!json_array_size(ms))
		return;
	fputs("<table class=m><tr><th>measurement</th><th>value</th><th>unit</th><th>min</th><th>max</th><th>verdict</th></tr>\n", f);
	json_array_foreach(ms, i, m) {
		const char *v = str(m, "verdict");
		fputs("<tr><td>", f);
		esc(f, str(m, "name"));
		fputs("</td><td>", f);
		limit(f, json_object_get(m, "value"));
		fputs("</td><td>", f);
		esc(f, str(m, "unit"));
		fputs("</td><td>", f);
		limit(f, json_object_get(m, "min"));
		fputs("</td><td>", f);
		limit(f, json_object_get(m, "max"));
		fprintf(f, "</td><td class=%s>%s</td></tr>\n", !strcmp(v, "pass") ? "pass" : "fail",
			!strcmp(v, "pass") ? "pass" : "fail");
	}
	fputs("</table>\n", f);
}

static void test_section(FILE *f, json_t *t)
{
	const char *v = str(t, "verdict");
	size_t i;
	json_t *l;

	fprintf(f, "<section class=test><h3><span class=%s>%s</span> ", v, v);
	esc(f, str(t, "suite"));
	fputs(" / ", f);
	esc(f, str(t, "name"));
	fputs("</h3>\n<p class=meta>", f);
	esc(f, str(t, "file"));
	fprintf(f, ":%lld &middot; requirements: ", (long long)json_integer_value(json_object_get(t, "line")));
	list(f, json_object_get(t, "req"));
	fputs(" &middot; hazards: ", f);
	list(f, json_object_get(t, "hazard"));
	fprintf(f, " &middot; seed %lld &middot; bench %.3f h &middot; wall %.3f s</p>\n",
		(long long)json_integer_value(json_object_get(t, "seed")),
		(double)json_integer_value(json_object_get(t, "bench_ns")) / 3.6e12,
		json_number_value(json_object_get(t, "wall_ms")) / 1000.0);
	if (strcmp(v, "pass")) {
		fputs("<pre class=failure>", f);
		esc(f, str(t, "where"));
		fputs(": ", f);
		esc(f, str(t, "message"));
		fputs("</pre>\n", f);
	}
	measurements(f, json_object_get(t, "measurements"));
	if (json_array_size(json_object_get(t, "log"))) {
		fputs("<details><summary>log</summary><pre>", f);
		json_array_foreach(json_object_get(t, "log"), i, l) {
			esc(f, json_string_value(l));
			fputc('\n', f);
		}
		fputs("</pre></details>\n", f);
	}
	fputs("</section>\n", f);
}

int ph_report_html(const char *dir, json_t *record, const char *fixtures_dir, char *err,
		   size_t errlen)
{
	char path[4096];
	json_t *run = json_object_get(record, "run"), *tests = json_object_get(record, "tests"), *t;
	int pass = 0, fail = 0, error = 0, skip = 0;
	size_t i;
	FILE *f;

	(void)fixtures_dir;
	snprintf(path, sizeof path, "%s/index.html", dir);
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: cannot write", path);
		return -1;
	}
	json_array_foreach(tests, i, t) {
		const char *v = str(t, "verdict");
		pass += !strcmp(v, "pass");
		fail += !strcmp(v, "fail");
		skip += !strcmp(v, "skip");
		error += strcmp(v, "pass") && strcmp(v, "fail") && strcmp(v, "skip");
	}
	fputs("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>pumphil report</title>\n"
	      "<style>body{font:14px sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
	      "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}.pass{color:#080}"
	      ".fail,.error{color:#b00}.meta{color:#666}pre.failure{background:#fee;padding:6px}"
	      "section.test{border-top:1px solid #ddd;padding-top:4px}</style></head><body>\n", f);
	fputs("<h1>pumphil test report</h1>\n<table class=summary>", f);
	fprintf(f, "<tr><th>passed</th><td class=pass>%d</td></tr><tr><th>failed</th><td class=fail>%d</td></tr>"
		"<tr><th>errors</th><td class=error>%d</td></tr><tr><th>skipped</th><td>%d</td></tr>\n",
		pass, fail, error, skip);
	static const char *const env_keys[] = { "id", "started", "harness_version", "git", "board",
						"board_desc", "profile", "host", "command" };
	for (size_t k = 0; k < sizeof env_keys / sizeof *env_keys; k++) {
		fprintf(f, "<tr><th>%s</th><td>", env_keys[k]);
		esc(f, str(run, env_keys[k]));
		fputs("</td></tr>\n", f);
	}
	fprintf(f, "<tr><th>seed</th><td>%lld</td></tr></table>\n",
		(long long)json_integer_value(json_object_get(run, "seed")));
	json_array_foreach(tests, i, t)
		test_section(f, t);
	fputs("</body></html>\n", f);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: write failed", path);
		return -1;
	}
	return 0;
}
