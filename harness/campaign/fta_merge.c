/*
 * fta_merge.c - `pumphil fta merge`: one verdict over the validation runs
 * of several firmware builds (the reference and planted-bug builds).
 *
 * Each run directory holds fta_validation.json (trees and map by SHA-256,
 * the build's plant, the cut sets per top) and record.json (one test per
 * scenario, its "fta" object naming the events the build's plant made
 * present).  The runs must have validated the same trees with the same map
 * and order.  A scenario is consistent when every build that ran it found
 * what the tree says; a cut set is exercised when some build ran it.
 * Exit status: 0 no contradiction, 1 a contradiction or a scenario that
 * errored, 2 bad usage or bad input (one line naming the file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "campaign/fta_validate.h"

static const char merge_usage[] = "usage: pumphil fta merge [--json FILE] RUN_DIR...\n";

static const char merge_help[] =
        "\n"
        "Merges the results of `pumphil fta validate` on several builds (the reference\n"
        "firmware and planted-bug builds, each run into its own RUN_DIR): per scenario\n"
        "the builds that ran it and their verdicts, per top event the cut sets\n"
        "exercised on some build and the share of their probability, and one verdict.\n"
        "The runs must have validated the same trees, map and order.\n"
        "\n"
        "Exit status: 0 no contradiction, 1 contradictions or errors, 2 bad usage or input.\n";

typedef struct run {
	const char *dir, *plant;
	json_t *prov, *record;
} run;

static json_t *load(const char *dir, const char *file)
{
	char path[4096];
	json_error_t je;
	snprintf(path, sizeof path, "%s/%s", dir, file);
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		fprintf(stderr, "%s:%d: error: %s\n", path, je.line, je.text);
	else if (!json_is_object(j)) {
		fprintf(stderr, "%s: error: not a JSON object\n", path);
		json_decref(j);
		j = NULL;
	}
	return j;
}

/* The identity the runs must share: trees, map (SHA-256) and order. */
static json_t *identity(json_t *prov)
{
	json_t *id = json_object(), *e;
	json_t *trees = json_array();
	size_t i;
	json_array_foreach(json_object_get(prov, "trees"), i, e)
	        json_array_append(trees, json_object_get(e, "sha256"));
	json_object_set_new(id, "trees", trees);
	json_object_set(id, "map", json_object_get(json_object_get(prov, "map"), "sha256"));
	json_object_set(id, "order", json_object_get(prov, "order"));
	return id;
}

static int load_runs(run *runs, int n, char **dirs)
{
	json_t *first = NULL;
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		runs[i].dir = dirs[i];
		runs[i].prov = load(dirs[i], "fta_validation.json");
		runs[i].record = runs[i].prov ? load(dirs[i], "record.json") : NULL;
		if (!runs[i].record) {
			rc = 2;
			break;
		}
		runs[i].plant = json_string_value(json_object_get(runs[i].prov, "plant"));
		json_t *id = identity(runs[i].prov);
		if (!first) {
			first = id;
		} else if (!json_equal(first, id)) {
			fprintf(stderr,
			        "%s/fta_validation.json: error: validated other trees, map or "
			        "order "
			        "than %s/fta_validation.json\n",
			        dirs[i], dirs[0]);
			json_decref(id);
			rc = 2;
		} else {
			json_decref(id);
		}
	}
	json_decref(first);
	return rc;
}

/* Key of a scenario: "top|kind|a,b". */
static void scenario_key(json_t *fta, char *buf, size_t len)
{
	size_t i, n;
	json_t *e;
	n = (size_t)snprintf(buf, len, "%s|%s|", json_string_value(json_object_get(fta, "top")),
	                     json_string_value(json_object_get(fta, "kind")));
	json_array_foreach(json_object_get(fta, "events"), i, e)
	{
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
			                      json_string_value(e));
	}
}

/* What each build planted: the "present" events of its scenarios. */
static void print_builds(const run *runs, int n, json_t *out)
{
	json_t *builds = json_array();
	for (int i = 0; i < n; i++) {
		json_t *present = json_object(), *t, *e;
		size_t k, j;
		json_array_foreach(json_object_get(runs[i].record, "tests"), k, t)
		        json_array_foreach(json_object_get(json_object_get(t, "fta"), "present"), j,
		                           e)
		                json_object_set(present, json_string_value(e), json_true());
		printf("build %s: %s", runs[i].dir, runs[i].plant ? "planted bug " : "reference");
		printf("%s", runs[i].plant ? runs[i].plant : "");
		const char *name;
		json_t *v, *list = json_array();
		json_object_foreach(present, name, v)
		{
			printf("%s%s", json_array_size(list) ? ", " : " (plants ", name);
			json_array_append_new(list, json_string(name));
		}
		printf("%s\n", json_array_size(list) ? ")" : "");
		json_array_append_new(builds, json_pack("{s:s, s:s?, s:o}", "dir", runs[i].dir,
		                                        "plant", runs[i].plant, "plants", list));
		json_decref(present);
	}
	json_object_set_new(out, "builds", builds);
}

/* Adds run's scenarios into merged: key -> {fta, ran: [plant], verdicts}. */
static void merge_run(json_t *merged, const run *r)
{
	size_t i;
	json_t *t;
	char key[2048];
	json_array_foreach(json_object_get(r->record, "tests"), i, t)
	{
		json_t *fta = json_object_get(t, "fta");
		if (!json_is_object(fta) || !json_is_string(json_object_get(fta, "top")))
			continue;
		scenario_key(fta, key, sizeof key);
		json_t *m = json_object_get(merged, key);
		if (!m) {
			m = json_pack("{s:O, s:[], s:[], s:[]}", "fta", fta, "ran", "verdicts",
			              "messages");
			json_object_set_new(merged, key, m);
		}
		const char *v = json_string_value(json_object_get(t, "verdict"));
		if (!v || !strcmp(v, "skip"))
			continue;
		json_array_append_new(json_object_get(m, "ran"),
		                      json_string(r->plant ? r->plant : "reference"));
		json_array_append_new(json_object_get(m, "verdicts"), json_string(v));
		json_array_append(json_object_get(m, "messages"), json_object_get(t, "message"));
	}
}

typedef struct tally {
	int consistent, contradictions, errors, never;
} tally;

static void judge(json_t *m, tally *t)
{
	json_t *ran = json_object_get(m, "ran"), *v;
	size_t i;
	const char *worst = "pass";
	json_array_foreach(json_object_get(m, "verdicts"), i, v)
	{
		const char *s = json_string_value(v);
		if (!strcmp(s, "fail") || (!strcmp(s, "error") && strcmp(worst, "fail")))
			worst = s;
	}
	if (!json_array_size(ran)) {
		t->never++;
		json_object_set_new(m, "merged", json_string("never run"));
		return;
	}
	const char *verdict = !strcmp(worst, "fail")    ? "contradiction"
	                      : !strcmp(worst, "error") ? "error"
	                                                : "consistent";
	t->contradictions += !strcmp(worst, "fail");
	t->errors += !strcmp(worst, "error");
	t->consistent += !strcmp(worst, "pass");
	json_object_set_new(m, "merged", json_string(verdict));
	char set[2048];
	json_t *fta = json_object_get(m, "fta");
	scenario_key(fta, set, sizeof set);
	printf("%s: %s {%s}: %s (ran on", json_string_value(json_object_get(fta, "top")),
	       json_string_value(json_object_get(fta, "kind")), strrchr(set, '|') + 1, verdict);
	json_array_foreach(ran, i, v) printf("%s%s", i ? ", " : " ", json_string_value(v));
	printf(")\n");
}

/* Per top: cut sets exercised on some build and their probability share. */
static void coverage(const run *r0, json_t *merged, json_t *out)
{
	json_t *cov = json_array(), *c;
	size_t i;
	json_array_foreach(json_object_get(r0->prov, "coverage"), i, c)
	{
		const char *top = json_string_value(json_object_get(c, "top"));
		double total = json_number_value(json_object_get(c, "probability")), p = 0;
		long long n = 0;
		const char *k;
		json_t *m;
		json_object_foreach(merged, k, m)
		{
			json_t *fta = json_object_get(m, "fta");
			if (strcmp(json_string_value(json_object_get(fta, "top")), top) ||
			    strcmp(json_string_value(json_object_get(fta, "kind")), "cut set") ||
			    !json_array_size(json_object_get(m, "ran")))
				continue;
			n++;
			p += json_number_value(json_object_get(fta, "probability"));
		}
		long long all = json_integer_value(json_object_get(c, "cut_sets"));
		printf("coverage: %s: %lld of %lld cut sets exercised on some build", top, n, all);
		if (total > 0)
			printf(", %.4g %% of their probability", 100 * p / total);
		printf("\n");
		json_array_append_new(cov, json_pack("{s:s, s:I, s:I, s:f}", "top", top, "cut_sets",
		                                     all, "exercised", n, "coverage",
		                                     total > 0 ? p / total : 0.0));
	}
	json_object_set_new(out, "coverage", cov);
}

static int merge(run *runs, int n, const char *json_out)
{
	json_t *merged = json_object(), *out = json_object(), *m;
	tally t = { 0 };
	const char *k;
	print_builds(runs, n, out);
	for (int i = 0; i < n; i++)
		merge_run(merged, &runs[i]);
	json_object_foreach(merged, k, m) judge(m, &t);
	coverage(&runs[0], merged, out);
	printf("fta merge: %d consistent, %d contradiction%s, %d error%s (not judged), %d never "
	       "run, over %d build%s\n",
	       t.consistent, t.contradictions, t.contradictions == 1 ? "" : "s", t.errors,
	       t.errors == 1 ? "" : "s", t.never, n, n == 1 ? "" : "s");
	json_object_set_new(out, "scenarios", merged);
	json_object_set_new(out, "verdict",
	                    json_pack("{s:i, s:i, s:i, s:i}", "consistent", t.consistent,
	                              "contradictions", t.contradictions, "errors", t.errors,
	                              "never_run", t.never));
	int rc = t.contradictions || t.errors ? 1 : 0;
	if (json_out && json_dump_file(out, json_out, JSON_INDENT(1) | JSON_SORT_KEYS)) {
		fprintf(stderr, "pumphil fta merge: cannot write %s\n", json_out);
		rc = 2;
	}
	json_decref(out);
	return rc;
}

int ph_fta_cmd_merge(int argc, char **argv)
{
	const char *json_out = NULL;
	int first = 1;
	for (; first < argc && argv[first][0] == '-'; first++) {
		if (!strcmp(argv[first], "--help") || !strcmp(argv[first], "-h")) {
			printf("%s%s", merge_usage, merge_help);
			return 0;
		} else if (!strcmp(argv[first], "--json") && first + 1 < argc) {
			json_out = argv[++first];
		} else {
			fprintf(stderr, "pumphil fta merge: unknown option '%s'\n%s", argv[first],
			        merge_usage);
			return 2;
		}
	}
	int n = argc - first;
	if (n < 1) {
		fprintf(stderr, "pumphil fta merge: no run directory\n%s", merge_usage);
		return 2;
	}
	run *runs = calloc((size_t)n, sizeof *runs);
	int rc = runs ? load_runs(runs, n, argv + first) : 2;
	if (!rc)
		rc = merge(runs, n, json_out);
	for (int i = 0; runs && i < n; i++) {
		json_decref(runs[i].prov);
		json_decref(runs[i].record);
	}
	free(runs);
	return rc;
}
