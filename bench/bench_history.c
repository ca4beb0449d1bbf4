/*
 * bench_history.c - the results history: the time to store one run the size
 * of the regression suite (93 tests, 60 measurements with limits; one
 * transaction), and `pumphil compare` over 1,000 stored runs (500 a side).
 * Records are synthesised (the shape of record.json); SQLite in a temporary
 * file, and PostgreSQL too when $PUMPHIL_TEST_PG names a server (a scratch
 * database is created there and dropped).  Whole-operation wall times,
 * medians of repeats; compare's output goes to /dev/null.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_common.h"
#include "history/history.h"

#define NTESTS 93
#define NMEAS 60
#define INSERT_REPEATS 30
#define STORED_RUNS 1000
#define COMPARE_REPEATS 3

static unsigned long long rng = 88172645463325252ull;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* A run's record: tests "bench / test k", measurements on the first NMEAS
 * tests, values 10 + noise (+ shift on measurement 0). */
static json_t *record(int n, const char *build, double shift)
{
	char id[64], name[64];
	snprintf(id, sizeof id, "bench-%d", n);
	json_t *tests = json_array();
	for (int k = 0; k < NTESTS; k++) {
		snprintf(name, sizeof name, "test %d", k);
		json_t *t = json_pack("{s:s,s:s,s:s,s:i,s:i,s:{s:s,s:s},s:[]}", "suite", "bench",
		                      "name", name, "verdict", "pass", "repeat", 0, "seed",
		                      n * 1000 + k, "dut", "serial", "1", "fw_version", "0.1.0",
		                      "measurements");
		if (k < NMEAS)
			json_array_append_new(
			        json_object_get(t, "measurements"),
			        json_pack("{s:s,s:f,s:s,s:f,s:f,s:s}", "name", "reading", "value",
			                  10 + uniform() + (k ? 0 : shift), "unit", "s", "min", 0.0,
			                  "max", 20.0, "verdict", "pass"));
		json_array_append_new(tests, t);
	}
	return json_pack("{s:s,s:{s:s,s:s,s:s,s:s,s:i,s:s,s:s},s:o}", "schema", "pumphil-record/1",
	                 "run", "id", id, "host", "bench", "started", "2024-05-01T10:00:00Z",
	                 "board", "sim", "seed", n, "profile", "reference", "git", build, "tests",
	                 tests);
}

static int bench_store(const char *label, const char *url)
{
	char err[1024];
	double t[INSERT_REPEATS], c[COMPARE_REPEATS];
	ph_history *h = ph_history_open(url, err, sizeof err);
	if (!h) {
		printf("| history insert, %s | FAILED | %s | |\n", label, err);
		return -1;
	}
	for (int i = 0; i < STORED_RUNS; i++) {
		json_t *r = record(i, i % 2 ? "B" : "A", i % 2 ? 1.0 : 0);
		double t0 = bench_now_s();
		int rc = ph_history_store(h, r, NULL, err, sizeof err);
		if (i < INSERT_REPEATS)
			t[i] = bench_now_s() - t0;
		json_decref(r);
		if (rc != 1) {
			printf("| history insert, %s | FAILED | %s | |\n", label, err);
			ph_history_close(h);
			return -1;
		}
	}
	ph_history_close(h);
	printf("| history insert per run, %s | %.1f ms | a regression-suite-sized record (%d "
	       "tests, %d measurements), one transaction, median of %d | < 250 ms |\n",
	       label, bench_median(t, INSERT_REPEATS) * 1e3, NTESTS, NMEAS, INSERT_REPEATS);

	char *argv[] = { "compare", "--db", (char *)url, "build=A", "build=B", NULL };
	int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
	int status = 0;
	for (int i = 0; i < COMPARE_REPEATS; i++) {
		fflush(stdout);
		dup2(null, STDOUT_FILENO);
		double t0 = bench_now_s();
		status = ph_cmd_compare(5, argv);
		c[i] = bench_now_s() - t0;
		fflush(stdout);
		dup2(saved, STDOUT_FILENO);
	}
	close(null);
	close(saved);
	if (status != 1) {
		printf("| history compare over %d runs, %s | FAILED | exit %d, expected 1 | |\n",
		       STORED_RUNS, label, status);
		return -1;
	}
	printf("| history compare over %d runs, %s | %.0f ms | %d runs a side, %d tests and %d "
	       "measurements each (%d values), median of %d | < 5 s |\n",
	       STORED_RUNS, label, bench_median(c, COMPARE_REPEATS) * 1e3, STORED_RUNS / 2, NTESTS,
	       NMEAS, STORED_RUNS * (NTESTS + NMEAS), COMPARE_REPEATS);
	return 0;
}

static int psql(const char *conninfo, const char *sql)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "psql '%s' -qc '%s' >/dev/null 2>&1", conninfo, sql);
	return system(cmd);
}

int main(void)
{
	char path[256], url[300], p[300];
	int status = 0;

	snprintf(path, sizeof path, "/tmp/bench_history_%d.sqlite", (int)getpid());
	snprintf(url, sizeof url, "sqlite:%s", path);
	status |= bench_store("SQLite", url);
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);

	const char *pg = getenv("PUMPHIL_TEST_PG");
	if (!pg || !*pg) {
		printf("| history insert per run, PostgreSQL | skipped | PUMPHIL_TEST_PG not set "
		       "(run "
		       "under tools/with-pg.sh) | < 250 ms |\n");
	} else {
		char db[64], sql[128], conn[1200];
		snprintf(db, sizeof db, "ph_bench_%d", (int)getpid());
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
		psql(pg, sql);
		snprintf(conn, sizeof conn, "%s dbname=%s", pg, db);
		status |= bench_store("PostgreSQL", conn);
		snprintf(sql, sizeof sql, "DROP DATABASE %s", db);
		psql(pg, sql);
	}
	return status ? 1 : 0;
}
