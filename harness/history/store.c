/*
 * store.c - the schema and its migrations, and a record into the store.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history/db.h"
#include "history/history.h"
#include "history/history_priv.h"

/* Migrations: migrations[k] takes the schema from version k to k + 1.  A
 * released migration is never edited; a change is a new entry (and
 * PH_HISTORY_SCHEMA_VERSION + 1).  The SQL is the subset SQLite and
 * PostgreSQL read alike (BIGINT, DOUBLE PRECISION, TEXT). */
static const char *const migrations[PH_HISTORY_SCHEMA_VERSION] = {
	/* 0 -> 1: runs, tests, measurements. */
	"CREATE TABLE runs ("
	" run_key TEXT PRIMARY KEY, run_id TEXT NOT NULL, host TEXT, started TEXT,"
	" finished TEXT, wall_s DOUBLE PRECISION, board TEXT, board_desc TEXT,"
	" bench TEXT NOT NULL, profile TEXT, seed BIGINT, harness_version TEXT, git TEXT,"
	" fw_version TEXT, dut_serial TEXT, command TEXT, shard TEXT, interrupted TEXT,"
	" tests INTEGER NOT NULL, passed INTEGER NOT NULL, failed INTEGER NOT NULL,"
	" errors INTEGER NOT NULL, skipped INTEGER NOT NULL, source TEXT, stored TEXT NOT NULL);"
	"CREATE INDEX runs_started ON runs (started);"
	"CREATE INDEX runs_fw ON runs (fw_version);"
	"CREATE INDEX runs_bench ON runs (bench, profile);"
	"CREATE TABLE tests ("
	" run_key TEXT NOT NULL REFERENCES runs (run_key) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL, test_key TEXT NOT NULL, suite TEXT, name TEXT NOT NULL,"
	" file TEXT, line INTEGER, rep INTEGER, seed BIGINT, verdict TEXT NOT NULL,"
	" message TEXT, fw_version TEXT, dut_serial TEXT, bench_ns DOUBLE PRECISION,"
	" wall_ms DOUBLE PRECISION, PRIMARY KEY (run_key, idx));"
	"CREATE INDEX tests_key ON tests (test_key);"
	"CREATE TABLE measurements ("
	" run_key TEXT NOT NULL, idx INTEGER NOT NULL, m INTEGER NOT NULL, name TEXT NOT NULL,"
	" value DOUBLE PRECISION, unit TEXT, limit_min DOUBLE PRECISION,"
	" limit_max DOUBLE PRECISION, nominal DOUBLE PRECISION, resolution DOUBLE PRECISION,"
	" verdict TEXT, PRIMARY KEY (run_key, idx, m),"
	" FOREIGN KEY (run_key, idx) REFERENCES tests (run_key, idx) ON DELETE CASCADE);"
	"CREATE INDEX measurements_name ON measurements (name);",
};

const char *ph_history_default_url(void)
{
	const char *e = getenv("PUMPHIL_HISTORY");
	return e ? e : "sqlite:reports/history.sqlite";
}

int ph_history_url_off(const char *url)
{
	return !url || !*url || !strcmp(url, "off") || !strcmp(url, "none");
}

static void utc_now(char *buf, size_t n)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Bring the schema up to date, in one transaction that concurrent writers
 * take in turn. */
static int migrate(ph_db *db, char *err, size_t errlen)
{
	ph_db_rows r;
	char when[32], ver[16];
	int have;

	if (ph_db_begin(db, err, errlen) < 0)
		return -1;
	if (db->drv->migration_lock_sql &&
	    ph_db_exec(db, db->drv->migration_lock_sql, 0, NULL, NULL, err, errlen) < 0)
		goto fail;
	if (ph_db_exec(db,
	               "CREATE TABLE IF NOT EXISTS ph_schema (version INTEGER PRIMARY KEY,"
	               " applied TEXT NOT NULL)",
	               0, NULL, NULL, err, errlen) < 0)
		goto fail;
	if (ph_db_exec(db, "SELECT COALESCE(MAX(version), 0) FROM ph_schema", 0, NULL, &r, err,
	               errlen) < 0)
		goto fail;
	have = atoi(ph_db_cell(&r, 0, 0) ? ph_db_cell(&r, 0, 0) : "0");
	ph_db_rows_free(&r);
	if (have > PH_HISTORY_SCHEMA_VERSION) {
		snprintf(err, errlen,
		         "the history database has schema version %d, newer than this pumphil's "
		         "%d: use a newer pumphil",
		         have, PH_HISTORY_SCHEMA_VERSION);
		goto fail;
	}
	for (int v = have; v < PH_HISTORY_SCHEMA_VERSION; v++) {
		const char *p[2] = { ver, when };
		if (ph_db_exec(db, migrations[v], 0, NULL, NULL, err, errlen) < 0)
			goto fail;
		snprintf(ver, sizeof ver, "%d", v + 1);
		utc_now(when, sizeof when);
		if (ph_db_exec(db, "INSERT INTO ph_schema (version, applied) VALUES (?, ?)", 2, p,
		               NULL, err, errlen) < 0)
			goto fail;
	}
	return ph_db_commit(db, err, errlen);
fail:
	ph_db_rollback(db);
	return -1;
}

ph_history *ph_history_open(const char *url, char *err, size_t errlen)
{
	ph_db *db = ph_db_open(url, err, errlen);
	if (!db)
		return NULL;
	if (migrate(db, err, errlen) < 0) {
		ph_db_close(db);
		return NULL;
	}
	return (ph_history *)db;
}

void ph_history_close(ph_history *h)
{
	ph_db_close((ph_db *)h);
}

ph_db *ph_history_db(ph_history *h)
{
	return (ph_db *)h;
}

void ph_history_run_key(json_t *run, char *key, size_t n)
{
	const char *id = json_string_value(json_object_get(run, "id"));
	const char *host = json_string_value(json_object_get(run, "host"));
	const char *started = json_string_value(json_object_get(run, "started"));
	snprintf(key, n, "%s|%s|%s", id ? id : "?", host ? host : "", started ? started : "");
}

/* Text parameters from JSON values: a number, a string, or NULL.  Up to
 * NBUF numbers per statement live in the caller's buffers. */
#define NBUF 16
typedef struct params {
	const char *v[32];
	int n;
	char num[NBUF][32];
	int nnum;
} params;

static void p_str(params *p, json_t *obj, const char *key)
{
	p->v[p->n++] = json_string_value(json_object_get(obj, key));
}

static void p_text(params *p, const char *s)
{
	p->v[p->n++] = s;
}

static void p_num(params *p, json_t *obj, const char *key)
{
	json_t *j = json_object_get(obj, key);
	char *b = p->num[p->nnum++];
	if (json_is_integer(j))
		snprintf(b, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
	else if (json_is_real(j))
		snprintf(b, 32, "%.17g", json_real_value(j));
	else
		b = NULL;
	p->v[p->n++] = b;
}

static void p_int(params *p, long long x)
{
	char *b = p->num[p->nnum++];
	snprintf(b, 32, "%lld", x);
	p->v[p->n++] = b;
}

/* The distinct values of tests[].dut.<field>, joined with ","; "" when none. */
static void dut_values(json_t *tests, const char *field, char *out, size_t n)
{
	json_t *t;
	size_t i;
	*out = 0;
	json_array_foreach(tests, i, t)
	{
		const char *v =
		        json_string_value(json_object_get(json_object_get(t, "dut"), field));
		if (!v)
			continue;
		size_t len = strlen(v);
		const char *hit = strstr(out, v);
		if (hit && (hit == out || hit[-1] == ',') && (hit[len] == 0 || hit[len] == ','))
			continue;
		if (strlen(out) + len + 2 > n)
			break;
		if (*out)
			strcat(out, ",");
		strcat(out, v);
	}
}

static int insert_run(ph_db *db, const char *key, json_t *run, json_t *tests, const char *source,
                      char *err, size_t errlen)
{
	params p = { .n = 0 };
	char fw[256], serial[256], bench[512], when[32];
	int count[4] = { 0 };
	json_t *t;
	size_t i;

	json_array_foreach(tests, i, t)
	{
		const char *v = json_string_value(json_object_get(t, "verdict"));
		if (!v)
			continue;
		count[!strcmp(v, "pass")    ? 0
		      : !strcmp(v, "fail")  ? 1
		      : !strcmp(v, "error") ? 2
		                            : 3]++;
	}
	dut_values(tests, "fw_version", fw, sizeof fw);
	dut_values(tests, "serial", serial, sizeof serial);
	ph_history_bench_of(run, bench, sizeof bench);
	utc_now(when, sizeof when);
	p_text(&p, key);
	p_str(&p, run, "id");
	p_str(&p, run, "host");
	p_str(&p, run, "started");
	p_str(&p, run, "finished");
	p_num(&p, run, "wall_s");
	p_str(&p, run, "board");
	p_str(&p, run, "board_desc");
	p_text(&p, bench);
	p_str(&p, run, "profile");
	p_num(&p, run, "seed");
	p_str(&p, run, "harness_version");
	p_str(&p, run, "git");
	p_text(&p, *fw ? fw : NULL);
	p_text(&p, *serial ? serial : NULL);
	p_str(&p, run, "command");
	p_str(&p, run, "shard");
	p_str(&p, run, "interrupted");
	p_int(&p, (long long)json_array_size(tests));
	for (int k = 0; k < 4; k++)
		p_int(&p, count[k]);
	p_text(&p, source);
	p_text(&p, when);
	return ph_db_exec(db,
	                  "INSERT INTO runs (run_key, run_id, host, started, finished, wall_s,"
	                  " board, board_desc, bench, profile, seed, harness_version, git,"
	                  " fw_version, dut_serial, command, shard, interrupted, tests, passed,"
	                  " failed, errors, skipped, source, stored) VALUES (?, ?, ?, ?, ?, ?, ?,"
	                  " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                  p.n, p.v, NULL, err, errlen);
}

static int insert_test(ph_db *db, const char *key, size_t idx, json_t *t, char *err, size_t errlen)
{
	params p = { .n = 0 };
	char tkey[1024];
	json_t *dut = json_object_get(t, "dut");
	const char *suite = json_string_value(json_object_get(t, "suite"));
	const char *name = json_string_value(json_object_get(t, "name"));

	ph_history_test_key(suite, name, tkey, sizeof tkey);
	p_text(&p, key);
	p_int(&p, (long long)idx);
	p_text(&p, tkey);
	p_text(&p, suite);
	p_text(&p, name);
	p_str(&p, t, "file");
	p_num(&p, t, "line");
	p_num(&p, t, "repeat");
	p_num(&p, t, "seed");
	p_str(&p, t, "verdict");
	p_str(&p, t, "message");
	p_str(&p, dut, "fw_version");
	p_str(&p, dut, "serial");
	p_num(&p, t, "bench_ns");
	p_num(&p, t, "wall_ms");
	return ph_db_exec(db,
	                  "INSERT INTO tests (run_key, idx, test_key, suite, name, file, line,"
	                  " rep, seed, verdict, message, fw_version, dut_serial, bench_ns,"
	                  " wall_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                  p.n, p.v, NULL, err, errlen);
}

static int insert_measurement(ph_db *db, const char *key, size_t idx, size_t m, json_t *j,
                              char *err, size_t errlen)
{
	params p = { .n = 0 };
	p_text(&p, key);
	p_int(&p, (long long)idx);
	p_int(&p, (long long)m);
	p_str(&p, j, "name");
	p_num(&p, j, "value");
	p_str(&p, j, "unit");
	p_num(&p, j, "min");
	p_num(&p, j, "max");
	p_num(&p, j, "nominal");
	p_num(&p, j, "resolution");
	p_str(&p, j, "verdict");
	if (!p.v[3])
		p.v[3] = "?";
	return ph_db_exec(db,
	                  "INSERT INTO measurements (run_key, idx, m, name, value, unit,"
	                  " limit_min, limit_max, nominal, resolution, verdict) VALUES (?, ?, ?,"
	                  " ?, ?, ?, ?, ?, ?, ?, ?)",
	                  p.n, p.v, NULL, err, errlen);
}

int ph_history_store(ph_history *h, json_t *record, const char *source, char *err, size_t errlen)
{
	ph_db *db = (ph_db *)h;
	json_t *run = json_object_get(record, "run");
	json_t *tests = json_object_get(record, "tests");
	char key[512];
	ph_db_rows r;
	int rc;

	if (!json_is_object(run) || !json_is_array(tests)) {
		snprintf(err, errlen, "not a record: no run object or no tests array");
		return -1;
	}
	if (json_object_get(record, "runs")) {
		snprintf(err, errlen,
		         "a merged record: import the runs it was merged from, one by one");
		return -1;
	}
	ph_history_run_key(run, key, sizeof key);
	if (ph_db_begin(db, err, errlen) < 0)
		return -1;
	const char *kp[1] = { key };
	if (ph_db_exec(db, "SELECT 1 FROM runs WHERE run_key = ?", 1, kp, &r, err, errlen) < 0)
		goto fail;
	int there = r.nrows > 0;
	ph_db_rows_free(&r);
	if (there) {
		ph_db_rollback(db);
		return 0;
	}
	rc = insert_run(db, key, run, tests, source, err, errlen);
	if (rc == PH_DB_DUPLICATE) { /* another writer stored it just now */
		ph_db_rollback(db);
		return 0;
	}
	if (rc < 0)
		goto fail;
	json_t *t, *m;
	size_t i, k;
	json_array_foreach(tests, i, t)
	{
		if (!json_is_object(t) || !json_is_string(json_object_get(t, "verdict")))
			continue;
		if (insert_test(db, key, i, t, err, errlen) < 0)
			goto fail;
		json_array_foreach(json_object_get(t, "measurements"), k, m)
		{
			if (json_is_object(m) &&
			    insert_measurement(db, key, i, k, m, err, errlen) < 0)
				goto fail;
		}
	}
	if (ph_db_commit(db, err, errlen) < 0)
		goto fail;
	return 1;
fail:
	ph_db_rollback(db);
	return -1;
}
