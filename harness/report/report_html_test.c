/*
 * report_html_test.c - one test's section of index.html: identity, the
 * failure, measurements with limits, alarm and fault spans, the records
 * around the failure, plots and log.
 */
#include <stdio.h>
#include <string.h>

#include "report_priv.h"

#define str ph_report_str
#define esc ph_report_html_esc

static int64_t num(json_t *o, const char *k, int64_t dflt)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? (int64_t)json_number_value(v) : dflt;
}

/* A time relative to the test's start, "+1.25 h". */
static void rel_time(FILE *f, int64_t t, int64_t t0)
{
	char buf[32];
	if (t < 0) {
		fputs("(open)", f);
		return;
	}
	ph_report_fmt_ns(t - t0 >= 0 ? t - t0 : t0 - t, buf, sizeof buf);
	fprintf(f, "%s%s", t - t0 >= 0 ? "+" : "&minus;", buf);
}

static void id_list(FILE *f, json_t *arr)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (i)
			fputs(", ", f);
		esc(f, json_string_value(v));
	}
	if (!json_array_size(arr))
		fputs("none", f);
}

static void value(FILE *f, json_t *v)
{
	if (json_is_number(v))
		fprintf(f, "%.6g", json_number_value(v));
	else if (json_is_string(v))
		esc(f, json_string_value(v));
	else
		fputs("&ndash;", f);
}

static void meta(FILE *f, json_t *t)
{
	json_t *dut = json_object_get(t, "dut");
	char bench[32];

	ph_report_fmt_ns(num(t, "bench_ns", 0), bench, sizeof bench);
	fputs("<p class=meta>", f);
	esc(f, str(t, "file"));
	fprintf(f, ":%lld &middot; requirements: ", (long long)num(t, "line", 0));
	id_list(f, json_object_get(t, "req"));
	fputs(" &middot; hazards: ", f);
	id_list(f, json_object_get(t, "hazard"));
	fputs(" &middot; tags: ", f);
	id_list(f, json_object_get(t, "tags"));
	fprintf(f,
	        "<br>seed %lld &middot; repeat %lld &middot; %lld checks &middot; bench %s "
	        "&middot; wall %.3f s",
	        (long long)num(t, "seed", 0), (long long)num(t, "repeat", 0) + 1,
	        (long long)num(t, "checks", 0), bench,
	        json_number_value(json_object_get(t, "wall_ms")) / 1000.0);
	if (dut) {
		fputs(" &middot; board serial ", f);
		esc(f, str(dut, "serial"));
		fputs(", firmware ", f);
		esc(f, str(dut, "fw_version"));
	}
	if (*str(t, "run_id")) {
		fputs(" &middot; run ", f);
		esc(f, str(t, "run_id"));
	}
	if (*str(t, "trace") && *str(t, "trace_error")) {
		/* Unread (missing, refused): named, not linked. */
		fputs("<br>trace: <code>", f);
		esc(f, str(t, "trace"));
		fputs("</code> (not read, see below)", f);
	} else if (*str(t, "trace")) {
		fputs("<br>trace: <a href=\"", f);
		esc(f, str(t, "trace"));
		fputs("\">", f);
		esc(f, str(t, "trace"));
		fputs("</a> (Wireshark, or <code>pumphil view</code>)", f);
	}
	fputs("</p>\n", f);
}

static void measurements(FILE *f, json_t *ms)
{
	size_t i;
	json_t *m;
	if (!json_array_size(ms))
		return;
	int trend = ph_report_html_has_trend(ms);
	fputs("<table "
	      "class=measurements><tr><th>measurement</th><th>value</th><th>unit</th><th>nominal</"
	      "th>"
	      "<th>min</th><th>max</th><th>verdict</th>",
	      f);
	fputs(trend ? "<th>trend (last runs)</th></tr>\n" : "</tr>\n", f);
	json_array_foreach(ms, i, m)
	{
		const char *v = !strcmp(str(m, "verdict"), "pass") ? "pass" : "fail";
		fputs("<tr><td>", f);
		esc(f, str(m, "name"));
		fputs("</td><td class=num>", f);
		value(f, json_object_get(m, "value"));
		if (json_number_value(json_object_get(m, "resolution")) > 0) {
			fputs(" &plusmn; ", f);
			value(f, json_object_get(m, "resolution"));
		}
		fputs("</td><td>", f);
		esc(f, str(m, "unit"));
		fputs("</td><td class=num>", f);
		value(f, json_object_get(m, "nominal"));
		fputs("</td><td class=num>", f);
		value(f, json_object_get(m, "min"));
		fputs("</td><td class=num>", f);
		value(f, json_object_get(m, "max"));
		fprintf(f, "</td><td class=\"badge %s\">%s</td>", v, v);
		if (trend) {
			fputs("<td class=trend>", f);
			ph_report_html_trend(f, m);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void spans(FILE *f, json_t *t)
{
	json_t *list = json_object_get(t, "spans"), *sp;
	int64_t t0 = num(t, "t0_ns", 0);
	size_t i;

	if (!json_array_size(list))
		return;
	fputs("<table class=spans><tr><th>alarm or "
	      "fault</th><th>name</th><th>priority</th><th>from</th>"
	      "<th>to</th></tr>\n",
	      f);
	json_array_foreach(list, i, sp)
	{
		fputs("<tr><td>", f);
		esc(f, str(sp, "kind"));
		fputs("</td><td>", f);
		esc(f, str(sp, "label"));
		fputs("</td><td>", f);
		esc(f, str(sp, "priority"));
		fputs("</td><td class=num>", f);
		rel_time(f, num(sp, "t0_ns", 0), t0);
		fputs("</td><td class=num>", f);
		rel_time(f, num(sp, "t1_ns", -1), t0);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void events(FILE *f, json_t *t)
{
	json_t *list = json_object_get(t, "events"), *ev;
	int64_t t0 = num(t, "t0_ns", 0), at = num(t, "fail_event", -1);
	size_t i;

	if (!json_array_size(list))
		return;
	fprintf(f,
	        "<h4>Events around the %s</h4>\n<table class=events><tr><th>t</th><th>source</th>"
	        "<th>direction</th><th>what</th></tr>\n",
	        json_is_true(json_object_get(t, "interrupted")) ? "interruption" : "failure");
	json_array_foreach(list, i, ev)
	{
		const char *cls = (int64_t)i == at             ? " class=at-failure"
		                  : (int64_t)i > at && at >= 0 ? " class=after"
		                                               : "";
		fprintf(f, "<tr%s><td class=num>", cls);
		rel_time(f, num(ev, "t_ns", 0), t0);
		fputs("</td><td>", f);
		esc(f, str(ev, "src"));
		fputs("</td><td>", f);
		esc(f, str(ev, "dir"));
		fputs("</td><td><code>", f);
		esc(f, str(ev, "text"));
		fputs("</code></td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void plots(FILE *f, json_t *t)
{
	json_t *list = json_object_get(t, "plots"), *p;
	size_t i;

	json_array_foreach(list, i, p)
	{
		if (json_is_true(json_object_get(p, "missing")))
			continue;
		fputs("<figure><img class=plot src=\"", f);
		esc(f, str(p, "file"));
		fputs("\" width=1200 height=480 alt=\"timing plot: ", f);
		esc(f, str(p, "title"));
		fputs("\"><figcaption>", f);
		esc(f, str(p, "title"));
		fputs(": alarms and faults marked as spans</figcaption></figure>\n", f);
	}
	if (*str(t, "plot_error") || *str(t, "trace_error")) {
		fputs("<p class=warn>", f);
		esc(f, *str(t, "trace_error") ? str(t, "trace_error") : str(t, "plot_error"));
		fputs("</p>\n", f);
	}
}

static void log_lines(FILE *f, json_t *t, int open)
{
	json_t *log = json_object_get(t, "log"), *l;
	size_t i;
	if (!json_array_size(log))
		return;
	fprintf(f, "<details%s><summary>steps and log (%zu lines)</summary><pre class=log>",
	        open ? " open" : "", json_array_size(log));
	json_array_foreach(log, i, l)
	{
		esc(f, json_string_value(l));
		fputc('\n', f);
	}
	fputs("</pre></details>\n", f);
}

/* xfail/xpass: the known issue; flaky: every attempt before the pass. */
static void known_issue(FILE *f, json_t *t, ph_verdict v)
{
	json_t *x = json_object_get(t, "xfail"), *a;
	size_t i;
	if ((v == PH_VERDICT_XFAIL || v == PH_VERDICT_XPASS) && x) {
		fputs(v == PH_VERDICT_XFAIL ? "<p class=known>Known issue "
		                            : "<p class=failure>Passed, but known issue ",
		      f);
		esc(f, str(x, "id"));
		fputs(": ", f);
		esc(f, str(x, "reason"));
		fputs(v == PH_VERDICT_XFAIL
		              ? " (failed as expected)</p>\n"
		              : " says it fails: close the issue or fix the test</p>\n",
		      f);
	}
	if (v != PH_VERDICT_FLAKY)
		return;
	fputs("<p class=known>Flaky: passed on a retry after", f);
	json_array_foreach(json_object_get(t, "attempts"), i, a)
	{
		fprintf(f, "%s attempt %zu: ", i ? ";" : "", i + 1);
		esc(f, str(a, "verdict"));
		if (*str(a, "message")) {
			fputs(" (", f);
			esc(f, str(a, "message"));
			fputs(")", f);
		}
	}
	fputs("</p>\n", f);
}

void ph_report_html_test(FILE *f, json_t *t, size_t pos)
{
	const char *v = str(t, "verdict");
	ph_verdict vd = ph_verdict_of(t);
	int passed = ph_verdict_is_pass(vd);

	fprintf(f, "<section class=test id=\"test-%zu\">\n<h3><span class=\"badge %s\">%s</span> ",
	        pos + 1, v, json_is_true(json_object_get(t, "interrupted")) ? "interrupted" : v);
	esc(f, str(t, "suite"));
	fputs(" / ", f);
	esc(f, str(t, "name"));
	fputs("</h3>\n", f);
	meta(f, t);
	known_issue(f, t, vd);
	if (!passed && strcmp(v, "skip")) {
		fputs("<pre class=failure>", f);
		if (*str(t, "where")) {
			esc(f, str(t, "where"));
			fputs(": ", f);
		}
		esc(f, str(t, "message"));
		fputs("</pre>\n", f);
	}
	measurements(f, json_object_get(t, "measurements"));
	spans(f, t);
	events(f, t);
	plots(f, t);
	log_lines(f, t, !passed);
	fputs("</section>\n", f);
}
