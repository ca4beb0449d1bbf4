/* test_run_subscribers.c - the run announces to subscribers: a third one,
 * added beside the console and the record writer, sees the run start, every
 * test start, each log line and measurement, each verdict (as the enum,
 * agreeing with the result's text) and the run's end with the counts, in
 * process and with worker processes.  A subscriber that fails at the end
 * makes the run's status say so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "run/runner.h"

static const char SCRIPT[] = "suite { name = \"subs\" }\n"
                             "test(\"passes with a measurement\", function(b)\n"
                             "  print(\"first line\")\n"
                             "  measure(\"answer\", 42, { unit = \"1\", nominal = 42, tol = 1 })\n"
                             "end)\n"
                             "test(\"fails\", function(b)\n"
                             "  print(\"about to fail\")\n"
                             "  fail(\"planned failure\")\n"
                             "end)\n"
                             "test(\"skips\", function(b) skip(\"not today\") end)\n";

typedef struct counts {
	int run_started, test_started, logs, measurements, finished;
	int verdicts[PH_VERDICT_COUNT];
	int mismatched; /* enum and the result's text disagree */
	size_t ntests;
	int seen_index[8];
	char last_measurement[64];
	ph_run_summary summary;
	int fail_at_end;
} counts;

static void c_run_started(void *ud, json_t *run, size_t n)
{
	counts *c = ud;
	c->run_started++;
	c->ntests = n;
	assert_non_null(json_object_get(run, "id"));
}

static void c_test_started(void *ud, const ph_test_ref *t)
{
	counts *c = ud;
	c->test_started++;
	assert_true(t->index < 8);
	assert_string_equal(t->suite, "subs");
	assert_non_null(t->plan);
}

static void c_log(void *ud, const ph_test_ref *t, json_t *e)
{
	((counts *)ud)->logs++;
}

static void c_measurement(void *ud, const ph_test_ref *t, json_t *m)
{
	counts *c = ud;
	c->measurements++;
	snprintf(c->last_measurement, sizeof c->last_measurement, "%s=%g",
	         json_string_value(json_object_get(m, "name")),
	         json_number_value(json_object_get(m, "value")));
}

static void c_verdict(void *ud, const ph_test_ref *t, ph_verdict v, json_t *r)
{
	counts *c = ud;
	c->verdicts[v]++;
	c->seen_index[t->index]++;
	if (strcmp(ph_verdict_name(v), json_string_value(json_object_get(r, "verdict"))))
		c->mismatched++;
}

static int c_run_finished(void *ud, json_t *run, const ph_run_summary *s)
{
	counts *c = ud;
	c->finished++;
	c->summary = *s;
	return c->fail_at_end ? -1 : 0;
}

static char dir[256];

static int setup(void **state)
{
	char path[300];
	FILE *f;
	snprintf(dir, sizeof dir, "/tmp/ph_subs_%d", (int)getpid());
	if (mkdir(dir, 0700) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/subs.lua", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(SCRIPT, f);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static int run_with(counts *c, int jobs)
{
	ph_subscriber s = {
		.name = "counter",
		.ud = c,
		.run_started = c_run_started,
		.test_started = c_test_started,
		.log = c_log,
		.measurement = c_measurement,
		.verdict = c_verdict,
		.run_finished = c_run_finished,
	};
	const ph_subscriber *subs[] = { &s };
	const char *paths[] = { dir };
	ph_run_opts o;
	ph_run_opts_default(&o);
	o.paths = paths;
	o.npaths = 1;
	o.no_report = 1;
	o.jobs = jobs;
	o.subscribers = subs;
	o.nsubscribers = 1;
	return ph_run(&o);
}

static void check_counts(const counts *c)
{
	assert_int_equal(c->run_started, 1);
	assert_int_equal(c->ntests, 3);
	assert_int_equal(c->test_started, 3);
	assert_int_equal(c->logs, 2);
	assert_int_equal(c->measurements, 1);
	assert_string_equal(c->last_measurement, "answer=42");
	assert_int_equal(c->verdicts[PH_VERDICT_PASS], 1);
	assert_int_equal(c->verdicts[PH_VERDICT_FAIL], 1);
	assert_int_equal(c->verdicts[PH_VERDICT_SKIP], 1);
	assert_int_equal(c->verdicts[PH_VERDICT_ERROR], 0);
	assert_int_equal(c->mismatched, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(c->seen_index[i], 1);
	assert_int_equal(c->finished, 1);
	assert_int_equal(c->summary.tests, 3);
	assert_int_equal(c->summary.count[PH_VERDICT_PASS], 1);
	assert_int_equal(c->summary.count[PH_VERDICT_FAIL], 1);
}

static void third_subscriber_in_process(void **state)
{
	counts c = { 0 };
	assert_int_equal(run_with(&c, 1), PH_EXIT_FAILED);
	check_counts(&c);
}

static void third_subscriber_with_workers(void **state)
{
	counts c = { 0 };
	assert_int_equal(run_with(&c, 2), PH_EXIT_FAILED);
	check_counts(&c);
}

static void failing_subscriber_marks_the_run(void **state)
{
	counts c = { .fail_at_end = 1 };
	assert_int_equal(run_with(&c, 1), PH_EXIT_EVIDENCE);
	assert_int_equal(c.finished, 1);
}

static void verdict_names_round_trip(void **state)
{
	for (int v = 0; v < PH_VERDICT_COUNT; v++) {
		json_t *r = json_pack("{s:s}", "verdict", ph_verdict_name((ph_verdict)v));
		assert_int_equal(ph_verdict_of(r), v);
		json_decref(r);
	}
	json_t *odd = json_pack("{s:s}", "verdict", "maybe");
	assert_int_equal(ph_verdict_of(odd), PH_VERDICT_ERROR);
	json_decref(odd);
	assert_int_equal(ph_verdict_of(NULL), PH_VERDICT_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdict_names_round_trip),
		cmocka_unit_test(third_subscriber_in_process),
		cmocka_unit_test(third_subscriber_with_workers),
		cmocka_unit_test(failing_subscriber_marks_the_run),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
