/*
 * report_merge.c - one record from several runs (CI shards, several
 * benches): the union of their tests, each tagged with its run, and the
 * runs listed; the summary is recomputed by ph_report_prepare.
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "report_priv.h"
#include "results/record.h"

#define str ph_report_str

/* dir/rel as an absolute path (symlinks resolved when it exists). */
static json_t *reachable(const char *dir, const char *rel)
{
	char path[PATH_MAX + 1100], abs[PATH_MAX];
	if (rel[0] == '/')
		return json_string(rel);
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (realpath(path, abs))
		return json_string(abs);
	if (realpath(dir, abs))
		snprintf(path, sizeof path, "%s/%s", abs, rel);
	return json_string(path);
}

/* The test of the run in dir, its trace and plot paths made absolute: the
 * merged record is read from elsewhere.  The paths come from the run's
 * record, so each must lie inside dir: a trace that does not is dropped
 * (its reason kept as trace_error), such a plot is marked missing. */
static json_t *merged_test(json_t *t, const char *run_id, const char *dir)
{
	json_t *c = json_deep_copy(t), *p;
	char path[2048], why[1024];
	size_t i;

	json_object_set_new(c, "run_id", json_string(run_id));
	if (*str(c, "trace")) {
		if (ph_report_confine(dir, str(c, "trace"), "trace", path, sizeof path, why,
		                      sizeof why) < 0) {
			json_object_set_new(c, "trace_error", json_string(why));
			json_object_del(c, "trace");
		} else {
			json_object_set_new(c, "trace", reachable(dir, str(c, "trace")));
		}
	}
	json_array_foreach(json_object_get(c, "plots"), i, p)
	{
		if (ph_report_confine(dir, str(p, "file"), "plot", path, sizeof path, why,
		                      sizeof why) < 0)
			json_object_set_new(p, "missing", json_true());
		else
			json_object_set_new(p, "file", reachable(dir, str(p, "file")));
	}
	return c;
}

/* The value of key when every run agrees, else "several (see runs)". */
static void common(json_t *out, json_t *runs, const char *key)
{
	json_t *first = json_object_get(json_array_get(runs, 0), key), *r;
	size_t i;
	json_array_foreach(runs, i, r) if (!json_equal(json_object_get(r, key), first))
	{
		json_object_set_new(out, key, json_string("several (see runs)"));
		return;
	}
	if (first)
		json_object_set(out, key, first);
}

static json_t *merged_run(json_t *runs)
{
	static const char *const keys[] = { "harness_version", "git", "board", "seed",
		                            "profile",         "host" };
	json_t *run = json_object(), *r;
	double wall = 0;
	size_t i;
	char id[64], note[128];

	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		common(run, runs, keys[k]);
	json_array_foreach(runs, i, r)
	{
		double w = json_number_value(json_object_get(r, "wall_s"));
		wall = w > wall ? w : wall;
		if (i == 0 || strcmp(str(r, "started"), str(run, "started")) < 0)
			json_object_set(run, "started", json_object_get(r, "started"));
		if (strcmp(str(r, "finished"), str(run, "finished")) > 0)
			json_object_set(run, "finished", json_object_get(r, "finished"));
	}
	snprintf(id, sizeof id, "merge of %zu runs", json_array_size(runs));
	snprintf(note, sizeof note, "merged from %zu runs; duration is the longest run's",
	         json_array_size(runs));
	json_object_set_new(run, "id", json_string(id));
	json_object_set_new(run, "wall_s", json_real(wall));
	json_object_set_new(run, "note", json_string(note));
	json_object_set_new(run, "command", json_string("pumphil merge"));
	return run;
}

static int cmp_location(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(str(x, "file"), str(y, "file"));
	if (c)
		return c;
	/* Definition order within the file (tests defined in a loop or as
	 * cases share a line), then repetitions, then the order seen. */
	static const char *const keys[] = { "ordinal", "line", "repeat" };
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		json_int_t lx = json_integer_value(json_object_get(x, keys[k]));
		json_int_t ly = json_integer_value(json_object_get(y, keys[k]));
		if (lx != ly)
			return lx < ly ? -1 : 1;
	}
	json_int_t ox = json_integer_value(json_object_get(x, "merge_order"));
	json_int_t oy = json_integer_value(json_object_get(y, "merge_order"));
	return (ox > oy) - (ox < oy);
}

/* Tests in script order (as an unsharded run lists them), stable. */
static int sort_tests(json_t *record)
{
	json_t *tests = json_object_get(record, "tests"), *out = json_array();
	size_t n = json_array_size(tests);
	json_t **v = calloc(n ? n : 1, sizeof *v);

	if (!v || !out) {
		free(v);
		json_decref(out);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		v[i] = json_array_get(tests, i);
		json_object_set_new(v[i], "merge_order", json_integer((json_int_t)i));
	}
	qsort(v, n, sizeof *v, cmp_location);
	for (size_t i = 0; i < n; i++) {
		json_object_del(v[i], "merge_order");
		json_array_append(out, v[i]);
	}
	free(v);
	json_object_set_new(record, "tests", out);
	return 0;
}

/* "K/N" with 1 <= K <= N into *k, *nn; -1 when malformed. */
static int parse_shard(const char *s, long *k, long *nn)
{
	char *end;

	*k = strtol(s, &end, 10);
	if (end == s || *end != '/')
		return -1;
	s = end + 1;
	*nn = strtol(s, &end, 10);
	if (end == s || *end || *k < 1 || *k > *nn)
		return -1;
	return 0;
}

/* Refuse inputs whose merge would double or misstate the counts: the same
 * run twice (same run id, or the same record), the same shard twice, shards
 * of different splits.  Returns 0, or -1 with a line naming both runs. */
static int check_runs(json_t *const *records, const char *const *dirs, int n, char *err,
                      size_t errlen)
{
	for (int k = 0; k < n; k++) {
		json_t *rk = json_object_get(records[k], "run");
		const char *idk = str(rk, "id"), *shk = str(rk, "shard");
		long kk = 0, kn = 0, jk = 0, jn = 0;

		if (*shk && parse_shard(shk, &kk, &kn) < 0) {
			snprintf(err, errlen,
			         "run '%s' (%s): shard '%s' is not K/N with 1 <= K <= N", idk,
			         dirs[k], shk);
			return -1;
		}
		for (int j = 0; j < k; j++) {
			json_t *rj = json_object_get(records[j], "run");
			const char *idj = str(rj, "id"), *shj = str(rj, "shard");
			if ((*idk && !strcmp(idk, idj)) || json_equal(records[k], records[j])) {
				snprintf(err, errlen,
				         "run '%s' (%s) is given twice; merge each run once", idk,
				         dirs[k]);
				return -1;
			}
			if (!*shk || !*shj || parse_shard(shj, &jk, &jn) < 0)
				continue;
			if (kn != jn) {
				snprintf(err, errlen,
				         "run '%s' (%s) is shard %s but run '%s' (%s) is shard %s: "
				         "shards of different splits cannot be merged",
				         idk, dirs[k], shk, idj, dirs[j], shj);
				return -1;
			}
			if (kk == jk) {
				snprintf(err, errlen,
				         "run '%s' (%s) is shard %s like run '%s' (%s): each shard "
				         "once",
				         idk, dirs[k], shk, idj, dirs[j]);
				return -1;
			}
		}
	}
	return 0;
}

json_t *ph_report_merge(json_t *const *records, const char *const *dirs, int n, char *err,
                        size_t errlen)
{
	json_t *out, *runs, *tests, *t;
	size_t i;

	if (check_runs(records, dirs, n, err, errlen) < 0)
		return NULL;
	out = json_pack("{s:s,s:[],s:[]}", "schema", PH_RECORD_SCHEMA, "runs", "tests");
	runs = json_object_get(out, "runs");
	tests = json_object_get(out, "tests");

	for (int k = 0; k < n; k++) {
		json_t *run = json_deep_copy(json_object_get(records[k], "run"));
		char id[64];
		if (!*str(run, "id")) {
			snprintf(id, sizeof id, "run %d", k + 1);
			json_object_set_new(run, "id", json_string(id));
		}
		json_object_set_new(run, "dir", reachable(".", dirs[k]));
		json_array_append_new(runs, run);
		json_array_foreach(json_object_get(records[k], "tests"), i, t)
		        json_array_append_new(tests, merged_test(t, str(run, "id"), dirs[k]));
		if (!json_object_get(out, "catalogue") && json_object_get(records[k], "catalogue"))
			json_object_set(out, "catalogue", json_object_get(records[k], "catalogue"));
	}
	json_object_set_new(out, "run", merged_run(runs));
	if (sort_tests(out) < 0) {
		snprintf(err, errlen, "out of memory");
		json_decref(out);
		return NULL;
	}
	return out;
}
