/*
 * console.c - the console subscriber: what `pumphil run` prints on stdout.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"
#include "run/run_priv.h"

static const char *const verdict_label[PH_VERDICT_COUNT] = {
	[PH_VERDICT_PASS] = "PASS",   [PH_VERDICT_FAIL] = "FAIL",   [PH_VERDICT_ERROR] = "ERROR",
	[PH_VERDICT_SKIP] = "SKIP",   [PH_VERDICT_XFAIL] = "XFAIL", [PH_VERDICT_XPASS] = "XPASS",
	[PH_VERDICT_FLAKY] = "FLAKY",
};

static void print_measurement(json_t *e)
{
	json_t *lo = json_object_get(e, "min"), *hi = json_object_get(e, "max");
	printf("      %-4s %s = %.6g %s", json_string_value(json_object_get(e, "verdict")),
	       json_string_value(json_object_get(e, "name")),
	       json_number_value(json_object_get(e, "value")),
	       json_string_value(json_object_get(e, "unit")));
	if (lo || hi)
		printf("  [%.6g, %.6g]", lo ? json_number_value(lo) : -INFINITY,
		       hi ? json_number_value(hi) : INFINITY);
	printf("\n");
}

void ph_console_progress(void *ud, int64_t bench_ns)
{
	ph_console_live *lv = ud;
	char b[32];
	ph_report_fmt_ns(bench_ns - lv->start, b, sizeof b);
	printf("\r\033[K RUN  %s / %s  [bench %s]", lv->suite, lv->name, b);
	fflush(stdout);
}

void ph_console_event(const char *text)
{
	json_t *e = json_loads(text, 0, NULL);
	const char *ev = json_string_value(json_object_get(e, "ev"));
	if (!ev) {
		json_decref(e);
		return;
	}
	if (isatty(STDOUT_FILENO))
		fputs("\r\033[K", stdout);
	if (!strcmp(ev, "log"))
		printf("      log  %s\n", json_string_value(json_object_get(e, "text")));
	else if (!strcmp(ev, "measurement"))
		print_measurement(e);
	else if (!strcmp(ev, "check_failed"))
		printf("      FAIL %s: %s\n", json_string_value(json_object_get(e, "where")),
		       json_string_value(json_object_get(e, "message")));
	fflush(stdout);
	json_decref(e);
}

/* -v: the test's log and measurements under its result line. */
static void print_details(json_t *r)
{
	json_t *e;
	size_t k;
	json_array_foreach(json_object_get(r, "log"), k, e)
	        printf("      log  %s\n", json_string_value(e));
	json_array_foreach(json_object_get(r, "measurements"), k, e) print_measurement(e);
}

/* One result line, and the failure's message under it. */
static void on_verdict(void *ud, const ph_test_ref *t, ph_verdict v, json_t *r)
{
	const ph_console *c = ud;
	char b[32];
	if (c->verbosity < 0 && !ph_verdict_is_failure(v) && !ph_verdict_is_error(v))
		return;
	ph_report_fmt_ns(json_integer_value(json_object_get(r, "bench_ns")), b, sizeof b);
	if (c->tty)
		fputs("\r\033[K", stdout);
	printf("%-5s %s / %s  [bench %s, wall %.2f s]\n", verdict_label[v],
	       json_string_value(json_object_get(r, "suite")),
	       json_string_value(json_object_get(r, "name")), b,
	       json_number_value(json_object_get(r, "wall_ms")) / 1000.0);
	if (v != PH_VERDICT_PASS && v != PH_VERDICT_FLAKY) {
		const char *m = json_string_value(json_object_get(r, "message"));
		const char *w = json_string_value(json_object_get(r, "where"));
		if (m && w && *w && strncmp(m, w, strlen(w)))
			printf("      %s: %s\n", w, m);
		else if (m)
			printf("      %s\n", m);
	}
	if (c->verbosity > 0 && !c->streamed)
		print_details(r);
	fflush(stdout);
}

/* The closing line "N passed, N failed[, N skipped]" (the shape CI
 * systems read): passed counts pass and flaky, failed counts fail, xpass and
 * error, skipped counts skip and xfail.  When the kinds matter, a line
 * before it breaks them down. */
static int on_run_finished(void *ud, json_t *run, const ph_run_summary *s)
{
	const int *n = s->count;
	int passed = n[PH_VERDICT_PASS] + n[PH_VERDICT_FLAKY];
	int failed = n[PH_VERDICT_FAIL] + n[PH_VERDICT_XPASS] + n[PH_VERDICT_ERROR];
	int skipped = n[PH_VERDICT_SKIP] + n[PH_VERDICT_XFAIL];
	/* The kinds inside those counts, when there is more than pass, fail
	 * and skip to tell: "(1 error, 1 xpass, 2 xfail)". */
	if (n[PH_VERDICT_ERROR] || n[PH_VERDICT_XFAIL] || n[PH_VERDICT_XPASS] ||
	    n[PH_VERDICT_FLAKY]) {
		static const ph_verdict kinds[] = { PH_VERDICT_FAIL,  PH_VERDICT_ERROR,
			                            PH_VERDICT_XPASS, PH_VERDICT_FLAKY,
			                            PH_VERDICT_XFAIL, PH_VERDICT_SKIP };
		const char *sep = "(";
		for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
			if (n[kinds[k]]) {
				printf("%s%d %s", sep, n[kinds[k]], ph_verdict_name(kinds[k]));
				sep = ", ";
			}
		printf(")\n");
	}
	printf("%d passed, %d failed", passed, failed);
	if (skipped)
		printf(", %d skipped", skipped);
	printf("\n");
	fflush(stdout);
	return 0;
}

/* -v with one bench: a header line, so the events streamed under it have
 * their test. */
static void on_test_started(void *ud, const ph_test_ref *t)
{
	const ph_console *c = ud;
	if (c->verbosity <= 0 || !c->streamed)
		return;
	if (c->tty)
		fputs("\r\033[K", stdout);
	printf("RUN   %s / %s\n", t->suite, t->name);
	fflush(stdout);
}

void ph_console_subscriber(ph_console *c, ph_subscriber *s)
{
	c->tty = isatty(STDOUT_FILENO);
	memset(s, 0, sizeof *s);
	s->name = "console";
	s->ud = c;
	s->test_started = on_test_started;
	s->verdict = on_verdict;
	s->run_finished = on_run_finished;
}
