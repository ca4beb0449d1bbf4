/*
 * trend.c - a run's measurements against the runs before it on the same
 * bench and profile, for the report's sparklines (docs/history.md,
 * docs/reports.md).  The verdict is compare's own (ph_history_moved).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "history/history_priv.h"

/* One measurement series: "test_key\nname" in the map, this entry's
 * values per earlier run (past[i], run i newest first as the query
 * returns them) and this run's values and measurement objects. */
typedef struct series {
	json_t *cur;  /* [values] of this run */
	json_t *ms;   /* [measurement objects] to annotate */
	json_t *past; /* [[values] per earlier run] */
} series;

static double mean_of(json_t *a)
{
	double s = 0;
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) s += json_number_value(v);
	return json_array_size(a) ? s / (double)json_array_size(a) : NAN;
}

/* Fill v (length json_array_size(a) at least) from a's numbers. */
static size_t numbers(json_t *a, double *v)
{
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x) v[i] = json_number_value(x);
	return json_array_size(a);
}

/* The map key -> {"cur":[...], "ms":[...], "past":[[]...]} of record's
 * measurements with a numeric value. */
static json_t *collect(json_t *tests, size_t nruns)
{
	json_t *map = json_object(), *t, *m;
	size_t i, k;
	char tkey[1024], key[1400];

	json_array_foreach(tests, i, t)
	{
		ph_history_test_key(json_string_value(json_object_get(t, "suite")),
		                    json_string_value(json_object_get(t, "name")), tkey,
		                    sizeof tkey);
		json_array_foreach(json_object_get(t, "measurements"), k, m)
		{
			json_t *v = json_object_get(m, "value");
			const char *name = json_string_value(json_object_get(m, "name"));
			if (!json_is_number(v) || !name)
				continue;
			snprintf(key, sizeof key, "%s\n%s", tkey, name);
			json_t *e = json_object_get(map, key);
			if (!e) {
				json_t *past = json_array();
				for (size_t r = 0; r < nruns; r++)
					json_array_append_new(past, json_array());
				e = json_pack("{s:[],s:[],s:o}", "cur", "ms", "past", past);
				json_object_set_new(map, key, e);
			}
			json_array_append(json_object_get(e, "cur"), v);
			json_array_append(json_object_get(e, "ms"), m);
		}
	}
	return map;
}

/* The earlier runs' keys, newest first. */
static int earlier_runs(ph_db *db, json_t *run, int nruns, ph_db_rows *r, char *err, size_t errlen)
{
	char key[512], bench[512], sql[1024];
	const char *profile = json_string_value(json_object_get(run, "profile"));
	const char *started = json_string_value(json_object_get(run, "started"));
	const char *p[4];
	int np = 0;

	ph_history_run_key(run, key, sizeof key);
	ph_history_bench_of(run, bench, sizeof bench);
	p[np++] = bench;
	p[np++] = profile ? profile : "";
	p[np++] = key;
	if (started)
		p[np++] = started;
	snprintf(sql, sizeof sql,
	         "SELECT run_key FROM runs WHERE bench = ? AND COALESCE(profile, '') = ? AND"
	         " run_key <> ?%s ORDER BY started DESC, run_key DESC LIMIT %d",
	         started ? " AND started <= ?" : "", nruns - 1);
	return ph_db_exec(db, sql, np, p, r, err, errlen) < 0 ? -1 : 0;
}

/* The earlier runs' measurements into the map's series. */
static int load_past(ph_db *db, const ph_db_rows *runs, json_t *map, char *err, size_t errlen)
{
	size_t n = runs->nrows, len = 0;
	char *sql = malloc(512 + 3 * n);
	const char **p = calloc(n + 1, sizeof *p);
	ph_db_rows r;
	char key[1400];
	int rc = -1;

	if (!sql || !p) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	len = (size_t)sprintf(sql, "SELECT m.run_key, t.test_key, m.name, m.value FROM"
	                           " measurements m JOIN tests t ON t.run_key = m.run_key AND"
	                           " t.idx = m.idx WHERE m.value IS NOT NULL AND m.run_key IN (");
	for (size_t i = 0; i < n; i++) {
		p[i] = ph_db_cell(runs, i, 0);
		len += (size_t)sprintf(sql + len, i ? ", ?" : "?");
	}
	sprintf(sql + len, ")");
	if (ph_db_exec(db, sql, (int)n, p, &r, err, errlen) < 0)
		goto out;
	for (size_t i = 0; i < r.nrows; i++) {
		const char *rk = ph_db_cell(&r, i, 0), *tk = ph_db_cell(&r, i, 1),
		           *name = ph_db_cell(&r, i, 2), *v = ph_db_cell(&r, i, 3);
		if (!rk || !tk || !name || !v)
			continue;
		snprintf(key, sizeof key, "%s\n%s", tk, name);
		json_t *e = json_object_get(map, key);
		if (!e)
			continue;
		for (size_t k = 0; k < n; k++) {
			if (!strcmp(rk, p[k])) {
				json_array_append_new(json_array_get(json_object_get(e, "past"), k),
				                      json_real(strtod(v, NULL)));
				break;
			}
		}
	}
	ph_db_rows_free(&r);
	rc = 0;
out:
	free(sql);
	free(p);
	return rc;
}

/* Annotate e's measurements; returns how many. */
static int annotate(json_t *e)
{
	json_t *cur = json_object_get(e, "cur"), *past = json_object_get(e, "past");
	json_t *values = json_array(), *pr, *m;
	size_t na = 0, nb = json_array_size(cur), i;
	int n = 0;

	json_array_foreach(past, i, pr) na += json_array_size(pr);
	if (!na) {
		json_decref(values);
		return 0;
	}
	double *a = calloc(na, sizeof *a), *b = calloc(nb + 1, sizeof *b);
	if (!a || !b) {
		free(a);
		free(b);
		json_decref(values);
		return 0;
	}
	size_t k = 0;
	/* past[] is newest first: the points go oldest first. */
	for (size_t r = json_array_size(past); r-- > 0;) {
		pr = json_array_get(past, r);
		if (!json_array_size(pr))
			continue;
		k += numbers(pr, a + k);
		json_array_append_new(values, json_real(mean_of(pr)));
	}
	numbers(cur, b);
	json_array_append_new(values, json_real(mean_of(cur)));

	ph_history_thresholds th = PH_HISTORY_THRESHOLDS_DEFAULT;
	ph_welch w;
	int moved = ph_history_moved(a, na, b, nb, &th, &w);
	double shift = w.mean_a != 0 ? 100 * (w.mean_b - w.mean_a) / fabs(w.mean_a) : 0;
	json_t *trend =
	        json_pack("{s:o,s:I,s:b,s:f,s:o,s:f}", "values", values, "runs",
	                  (json_int_t)json_array_size(values), "moved", moved, "shift_pct", shift,
	                  "p", isnan(w.p) ? json_null() : json_real(w.p), "before", w.mean_a);
	free(a);
	free(b);
	if (!trend)
		return 0;
	json_array_foreach(json_object_get(e, "ms"), i, m)
	{
		json_object_set(m, "trend", trend);
		n++;
	}
	json_decref(trend);
	return n;
}

/* A SQLite history that does not exist yet: nothing to read (and nothing
 * to create for a reader). */
static int sqlite_missing(const char *url)
{
	const char *path = ph_db_postgresql.match(url) ? NULL : ph_db_sqlite.match(url);
	return path && access(path, F_OK) != 0;
}

int ph_history_trend(const char *url, json_t *record, int nruns, char *err, size_t errlen)
{
	json_t *run = json_object_get(record, "run"), *tests = json_object_get(record, "tests");
	ph_db_rows runs = { 0 };
	int n = 0;

	if (ph_history_url_off(url) || sqlite_missing(url) || nruns < 2 || !json_is_object(run) ||
	    !json_is_array(tests) || json_object_get(record, "runs"))
		return 0;
	ph_history *h = ph_history_open(url, err, errlen);
	if (!h)
		return -1;
	if (earlier_runs(ph_history_db(h), run, nruns, &runs, err, errlen) < 0) {
		ph_history_close(h);
		return -1;
	}
	if (runs.nrows) {
		json_t *map = collect(tests, runs.nrows), *e;
		const char *key;
		if (!map || load_past(ph_history_db(h), &runs, map, err, errlen) < 0)
			n = -1;
		else
			json_object_foreach(map, key, e) n += annotate(e);
		json_decref(map);
	}
	ph_db_rows_free(&runs);
	ph_history_close(h);
	return n;
}
