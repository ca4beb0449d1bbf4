/* test_history_store.c - the results store on SQLite: a record in, its rows
 * counted, a second store of the same run a no-op, a schema newer than the
 * build refused, the selectors compare takes, and Welch's t-test against
 * textbook values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "history/history.h"
#include "history/history_priv.h"

static const char RECORD[] =
        "{\"schema\":\"pumphil-record/1\","
        " \"run\":{\"id\":\"r1\",\"host\":\"h\",\"started\":\"2024-05-01T10:00:00Z\","
        "  \"board\":\"sim\",\"seed\":7,\"profile\":\"p/reference.json\",\"git\":\"abc\"},"
        " \"tests\":["
        "  {\"suite\":\"s\",\"name\":\"a\",\"verdict\":\"pass\",\"seed\":1,\"repeat\":0,"
        "   \"dut\":{\"serial\":\"9\",\"fw_version\":\"0.1.0\"},"
        "   \"measurements\":[{\"name\":\"lat\",\"value\":1.5,\"unit\":\"s\",\"max\":2},"
        "                     {\"name\":\"p\",\"value\":3,\"unit\":\"psi\",\"min\":1}]},"
        "  {\"suite\":\"s\",\"name\":\"b\",\"verdict\":\"fail\",\"message\":\"no\","
        "   \"dut\":{\"serial\":\"9\",\"fw_version\":\"0.1.0\"}}]}";

static char path[256];

static int setup(void **state)
{
	snprintf(path, sizeof path, "sqlite:/tmp/ph_hist_%d.sqlite", (int)getpid());
	unlink(path + 7);
	return 0;
}

static int teardown(void **state)
{
	char p[300];
	unlink(path + 7);
	snprintf(p, sizeof p, "%s-wal", path + 7);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path + 7);
	unlink(p);
	return 0;
}

static long count(ph_history *h, const char *sql)
{
	ph_db_rows r;
	char err[256];
	assert_int_equal(ph_db_exec(ph_history_db(h), sql, 0, NULL, &r, err, sizeof err), 0);
	long n = atol(ph_db_cell(&r, 0, 0));
	ph_db_rows_free(&r);
	return n;
}

static void store_once(void **state)
{
	char err[512];
	json_t *rec = json_loads(RECORD, 0, NULL);
	assert_non_null(rec);
	ph_history *h = ph_history_open(path, err, sizeof err);
	assert_non_null(h);
	assert_int_equal(ph_history_store(h, rec, "dir", err, sizeof err), 1);
	assert_int_equal(count(h, "SELECT COUNT(*) FROM runs"), 1);
	assert_int_equal(count(h, "SELECT COUNT(*) FROM tests"), 2);
	assert_int_equal(count(h, "SELECT COUNT(*) FROM measurements"), 2);
	assert_int_equal(count(h, "SELECT failed FROM runs"), 1);
	assert_int_equal(count(h, "SELECT COUNT(*) FROM measurements WHERE limit_max = 2 AND"
	                          " limit_min IS NULL AND value = 1.5"),
	                 1);
	assert_int_equal(count(h, "SELECT COUNT(*) FROM runs WHERE fw_version = '0.1.0' AND"
	                          " bench = 'h/sim' AND run_key = 'r1|h|2024-05-01T10:00:00Z'"),
	                 1);
	/* The same run again: left alone. */
	assert_int_equal(ph_history_store(h, rec, "dir", err, sizeof err), 0);
	assert_int_equal(count(h, "SELECT COUNT(*) FROM tests"), 2);
	ph_history_close(h);
	/* Reopened: the schema is there, nothing migrated twice. */
	h = ph_history_open(path, err, sizeof err);
	assert_non_null(h);
	assert_int_equal(count(h, "SELECT COUNT(*) FROM ph_schema"), PH_HISTORY_SCHEMA_VERSION);
	assert_int_equal(count(h, "SELECT COUNT(*) FROM runs"), 1);
	ph_history_close(h);
	json_decref(rec);
}

static void newer_schema_refused(void **state)
{
	char err[512];
	ph_history *h = ph_history_open(path, err, sizeof err);
	assert_non_null(h);
	assert_int_equal(ph_db_exec(ph_history_db(h),
	                            "INSERT INTO ph_schema VALUES (99, 'the future')", 0, NULL,
	                            NULL, err, sizeof err),
	                 0);
	ph_history_close(h);
	assert_null(ph_history_open(path, err, sizeof err));
	assert_non_null(strstr(err, "schema version 99, newer than this pumphil's 1"));
}

static void merged_record_refused(void **state)
{
	char err[512];
	json_t *rec = json_loads(RECORD, 0, NULL);
	json_object_set_new(rec, "runs", json_array());
	ph_history *h = ph_history_open(path, err, sizeof err);
	assert_non_null(h);
	assert_int_equal(ph_history_store(h, rec, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "merged record"));
	assert_int_equal(count(h, "SELECT COUNT(*) FROM runs"), 0);
	ph_history_close(h);
	json_decref(rec);
}

static void bad_url(void **state)
{
	char err[512];
	assert_null(ph_history_open("mysql://x", err, sizeof err));
	assert_non_null(strstr(err, "is not a history database"));
}

static void selectors(void **state)
{
	ph_history_filter f = { 0 };
	char s[] = "fw=0.2.0,bench=h/sim", t[] = "20240501-1", u[] = "colour=red", err[256];
	assert_int_equal(ph_history_filter_parse(s, &f, err, sizeof err), 0);
	assert_string_equal(f.fw, "0.2.0");
	assert_string_equal(f.bench, "h/sim");
	memset(&f, 0, sizeof f);
	assert_int_equal(ph_history_filter_parse(t, &f, err, sizeof err), 0);
	assert_string_equal(f.run, "20240501-1");
	assert_int_equal(ph_history_filter_parse(u, &f, err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown key 'colour'"));
}

static void welch(void **state)
{
	/* Student's t, 10 degrees of freedom: |t| = 2.228 is p = 0.05. */
	assert_true(fabs(ph_history_ibeta(5, 0.5, 10 / (10 + 2.228 * 2.228)) - 0.05) < 1e-3);
	/* Welch's classic example (unequal variances). */
	const double a[] = { 27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1,
		             21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4 };
	const double b[] = { 27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0,
		             24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4 };
	ph_welch w;
	ph_history_welch(a, 15, b, 15, &w);
	assert_true(fabs(w.t - 2.46) < 0.01);
	assert_true(fabs(w.df - 24.9) < 0.1);
	assert_true(fabs(w.p - 0.021) < 0.001);
	/* No spread: equal is no move, any difference is one. */
	const double c[] = { 60, 60, 60 }, d[] = { 72, 72, 72 };
	ph_history_welch(c, 3, c, 3, &w);
	assert_true(w.p == 1);
	ph_history_welch(c, 3, d, 3, &w);
	assert_true(w.p == 0);
	/* One value: no noise estimate. */
	ph_history_welch(c, 1, d, 3, &w);
	assert_true(isnan(w.p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(store_once, setup, teardown),
		cmocka_unit_test_setup_teardown(newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(merged_record_refused, setup, teardown),
		cmocka_unit_test(bad_url),
		cmocka_unit_test(selectors),
		cmocka_unit_test(welch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
