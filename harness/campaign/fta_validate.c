/*
 * fta_validate.c - `pumphil fta validate`: inject every minimal cut set (up
 * to an order) and every single basic event of the trees on the bench and
 * check the hazard against the tree.
 *
 * The campaign is a generated Lua script (one test per scenario, through
 * harness/lua/pumphil_fta.lua) run with ph_run(), so its results land in
 * record.json, junit.xml and index.html like any other run.
 * Exit status: 0 no contradiction, 1 a contradiction (or a scenario that
 * errored), 2 bad usage or bad input.
 */
#include "campaign/fta_validate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "campaign/fta_map.h"
#include "fta/fta.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/paths.h"
#include "run/runner.h"

static const char validate_usage[] =
        "usage: pumphil fta validate --map MAP [--order N] [--top NAME] [--report DIR]\n"
        "                            [--fixtures DIR] [--seed N] [-j N] TREE...\n";

static const char validate_help[] =
        "\n"
        "Runs, on a fresh simulated bench each, every minimal cut set of order <= N\n"
        "(default 2) and every single basic event of the tree's top events, with\n"
        "the faults MAP ties to the basic events injected, and judges the hazard\n"
        "oracles MAP ties to the top events.  A cut set that does not reach the\n"
        "hazard, or a single event that reaches it without being a cut set, is a\n"
        "contradiction.  Scenarios needing a planted firmware bug other than this\n"
        "build's are skipped.  Results: record.json, junit.xml and index.html in\n"
        "DIR (default reports/<run-id>).  The fault catalogue, hazard and requirement\n"
        "ids and bench profiles come from --fixtures DIR (default $PUMPHIL_FIXTURES,\n"
        "./fixtures, or the source tree's).\n"
        "\n"
        "Exit status: 0 no contradiction, 1 contradictions, 2 bad usage or input.\n";

typedef struct validate_args {
	const char *map, *top, *report, *fixtures;
	int order, jobs;
	unsigned long long seed;
	const char **files;
	size_t nfiles;
} validate_args;

static int v_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "pumphil fta validate: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", validate_usage);
	return 2;
}

static const char *value_of(int argc, char **argv, int *i)
{
	const char *eq = strchr(argv[*i], '=');
	if (eq && argv[*i][1] == '-')
		return eq + 1;
	return *i + 1 < argc ? argv[++*i] : NULL;
}

static int number_arg(const char *v, long max, long *out)
{
	char *end;
	if (!v || !*v)
		return -1;
	long n = strtol(v, &end, 10);
	if (*end || n < 0 || n > max)
		return -1;
	*out = n;
	return 0;
}

static int is_opt(const char *arg, const char *opt)
{
	size_t n = strlen(opt);
	return !strncmp(arg, opt, n) && (arg[n] == 0 || arg[n] == '=');
}

static int parse_opt(validate_args *a, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *v;
	long n;
	if (is_opt(arg, "--map")) {
		if (!(a->map = value_of(argc, argv, i)))
			return v_usage("--map needs a file%s", "");
	} else if (is_opt(arg, "--top")) {
		if (!(a->top = value_of(argc, argv, i)))
			return v_usage("--top needs a gate name%s", "");
	} else if (is_opt(arg, "--fixtures")) {
		if (!(a->fixtures = value_of(argc, argv, i)))
			return v_usage("--fixtures needs a directory%s", "");
	} else if (is_opt(arg, "--report")) {
		if (!(a->report = value_of(argc, argv, i)))
			return v_usage("--report needs a directory%s", "");
	} else if (is_opt(arg, "--order")) {
		v = value_of(argc, argv, i);
		if (number_arg(v, 20, &n) || n < 1)
			return v_usage("--order needs a number from 1 to 20, not '%s'", v ? v : "");
		a->order = (int)n;
	} else if (is_opt(arg, "--seed")) {
		v = value_of(argc, argv, i);
		if (number_arg(v, 0x7fffffffL, &n))
			return v_usage("--seed needs a number >= 0, not '%s'", v ? v : "");
		a->seed = (unsigned long long)n;
	} else if (!strcmp(arg, "-j") || is_opt(arg, "--jobs")) {
		v = value_of(argc, argv, i);
		if (number_arg(v, 256, &n) || n < 1)
			return v_usage("-j needs a number >= 1, not '%s'", v ? v : "");
		a->jobs = (int)n;
	} else {
		return v_usage("unknown option '%s'", arg);
	}
	return 0;
}

static int parse_validate(validate_args *a, int argc, char **argv)
{
	memset(a, 0, sizeof *a);
	a->order = 2;
	a->jobs = 1;
	a->seed = 1;
	a->fixtures = ph_default_fixtures_dir();
	a->files = calloc((size_t)argc, sizeof *a->files);
	if (!a->files) {
		ph_log_error("pumphil fta validate: out of memory");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			int rc = parse_opt(a, argc, argv, &i);
			if (rc)
				return rc;
		} else {
			a->files[a->nfiles++] = argv[i];
		}
	}
	if (!a->nfiles)
		return v_usage("no tree file%s", "");
	if (!a->map)
		return v_usage("no mapping file (--map MAP)%s", "");
	return 0;
}

/* The top events to validate: --top, or every top of the model. */
static const char **tops_of(const validate_args *a, const ph_fta_model *m, size_t *n)
{
	size_t count = a->top ? 1 : ph_fta_model_top_count(m);
	const char **tops = calloc(count ? count : 1, sizeof *tops);
	if (!tops)
		return NULL;
	for (size_t i = 0; i < count; i++)
		tops[i] = a->top ? a->top : ph_fta_model_top(m, i);
	*n = count;
	return tops;
}

char *ph_fta_verdict_line(char *buf, size_t n, const int *count)
{
	int e = count[PH_VERDICT_ERROR];
	snprintf(buf, n,
	         "fta validate: %d consistent, %d contradiction%s, %d error%s (not judged), %d "
	         "skipped",
	         count[PH_VERDICT_PASS], count[PH_VERDICT_FAIL],
	         count[PH_VERDICT_FAIL] == 1 ? "" : "s", e, e == 1 ? "" : "s",
	         count[PH_VERDICT_SKIP]);
	return buf;
}

/* A run subscriber that prints the campaign's verdict line once the last
 * planned scenario has its verdict: before the console's closing line
 * (subscribers hear the run's end after the console). */
typedef struct verdicts {
	size_t planned, seen;
	int count[PH_VERDICT_COUNT];
} verdicts;

static void on_started(void *ud, json_t *run, size_t ntests)
{
	verdicts *v = ud;
	(void)run;
	v->planned = ntests;
}

static void on_verdict(void *ud, const ph_test_ref *t, ph_verdict verdict, json_t *result)
{
	verdicts *v = ud;
	char line[256];
	(void)t;
	(void)result;
	if ((unsigned)verdict < PH_VERDICT_COUNT)
		v->count[verdict]++;
	if (++v->seen == v->planned) {
		printf("%s\n", ph_fta_verdict_line(line, sizeof line, v->count));
		fflush(stdout);
	}
}

static int run_script(const validate_args *a, const char *script, const char *dir)
{
	ph_run_opts o;
	verdicts v = { 0 };
	ph_subscriber sub = {
		.name = "fta verdicts", .ud = &v, .run_started = on_started, .verdict = on_verdict
	};
	const ph_subscriber *subs[] = { &sub };
	ph_run_opts_default(&o);
	o.subscribers = subs;
	o.nsubscribers = 1;
	const char *paths[] = { script };
	o.paths = paths;
	o.npaths = 1;
	o.seed = a->seed;
	o.jobs = a->jobs;
	o.report_dir = dir;
	o.fixtures_dir = a->fixtures;
	o.argv_line = "pumphil fta validate";
	int rc = ph_run(&o);
	return rc == 2 ? 2 : rc ? 1 : 0;
}

/* The report directory: --report, or the runner's default
 * <reports root>/<UTC time>-<pid>, chosen here so the campaign script and
 * the provenance file live beside the record. */
static void report_dir(const validate_args *a, char *dir, size_t n)
{
	ph_run_opts o;
	time_t now = time(NULL);
	struct tm tm;
	if (a->report) {
		snprintf(dir, n, "%s", a->report);
		return;
	}
	ph_run_opts_default(&o);
	gmtime_r(&now, &tm);
	snprintf(dir, n, "%s/%04d%02d%02d-%02d%02d%02d-%d", o.reports_root, tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)getpid());
}

static json_t *file_entry(const char *path)
{
	char hex[65];
	if (ph_fta_sha256_file(path, hex))
		return json_pack("{s:s, s:n}", "path", path, "sha256");
	return json_pack("{s:s, s:s}", "path", path, "sha256", hex);
}

/* fta_validation.json: which tree and map (path, SHA-256), the order, the
 * build's plant and the planned coverage; the coverage also on the console. */
static int write_provenance(const validate_args *a, const ph_fta_model *m, const ph_fta_map *map,
                            const char *const *tops, size_t ntops, const char *dir)
{
	char path[PATH_MAX], err[512];
	json_t *trees = json_array(), *coverage = json_array();
	const char *plant = ph_fta_build_plant();
	for (size_t i = 0; trees && i < a->nfiles; i++)
		json_array_append_new(trees, file_entry(a->files[i]));
	if (!coverage ||
	    ph_fta_campaign_coverage(m, map, tops, ntops, a->order, coverage, err, sizeof err)) {
		json_decref(trees);
		json_decref(coverage);
		ph_log_error("%s", coverage ? err : "pumphil fta validate: out of memory");
		return 2;
	}
	size_t i;
	json_t *c;
	json_array_foreach(coverage, i, c)
	{
		json_t *cov = json_object_get(c, "coverage");
		printf("coverage: %s: %lld of %lld cut sets (order <= %d) exercised",
		       json_string_value(json_object_get(c, "top")),
		       (long long)json_integer_value(json_object_get(c, "exercised")),
		       (long long)json_integer_value(json_object_get(c, "cut_sets")), a->order);
		if (json_is_number(cov))
			printf(", %.4g %% of their probability", 100 * json_number_value(cov));
		printf("\n");
	}
	json_t *o = json_pack("{s:o, s:o, s:i, s:s?, s:o}", "trees", trees, "map",
	                      file_entry(map->path), "order", a->order, "plant", plant, "coverage",
	                      coverage);
	snprintf(path, sizeof path, "%s/fta_validation.json", dir);
	if (!o || json_dump_file(o, path, JSON_INDENT(1) | JSON_REAL_PRECISION(17))) {
		json_decref(o);
		ph_log_error("pumphil fta validate: cannot write %s", path);
		return 2;
	}
	json_decref(o);
	return 0;
}

/* The campaign script is kept in the report directory (fta_validate.lua)
 * so a failure's location points at a file that exists, whose comments
 * trace each scenario to the tree and the map. */
static int campaign(const validate_args *a, ph_fta_model *m, const ph_fta_map *map,
                    const char *const *tops, size_t ntops)
{
	char dir[PATH_MAX - 32], script[PATH_MAX], err[512];
	report_dir(a, dir, sizeof dir);
	if (ph_mkdirs(dir)) {
		perror(dir);
		return 2;
	}
	snprintf(script, sizeof script, "%s/fta_validate.lua", dir);
	FILE *f = fopen(script, "w");
	int rc = 2;
	if (!f) {
		perror(script);
	} else if (ph_fta_write_campaign(f, m, map, tops, ntops, a->order, err, sizeof err)) {
		fclose(f);
		ph_log_error("%s", err);
	} else if (fclose(f)) {
		perror(script);
	} else {
		const char *plant = ph_fta_build_plant();
		printf("firmware: %s%s\n", plant ? "planted bug " : "reference",
		       plant ? plant : "");
		rc = write_provenance(a, m, map, tops, ntops, dir);
		if (!rc)
			rc = run_script(a, script, dir);
	}
	return rc;
}

static int validate(const validate_args *a)
{
	char err[512];
	ph_fta_model *m = NULL;
	ph_fta_map map = { 0 };
	size_t ntops = 0;
	const char **tops = NULL;
	int rc = 2;
	if (ph_fta_model_load(a->files, a->nfiles, &m, err, sizeof err)) {
		ph_log_error("%s", err);
		goto out;
	}
	if (!(tops = tops_of(a, m, &ntops))) {
		ph_log_error("pumphil fta validate: out of memory");
		goto out;
	}
	if (ph_fta_vmap_load(&map, a->map, a->fixtures, m, tops, ntops, err, sizeof err)) {
		ph_log_error("%s", err);
		goto out;
	}
	rc = campaign(a, m, &map, tops, ntops);
out:
	ph_fta_vmap_free(&map);
	free(tops);
	ph_fta_model_free(m);
	return rc;
}

int ph_fta_cmd_validate(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("%s%s", validate_usage, validate_help);
			return 0;
		}
	validate_args a;
	int rc = parse_validate(&a, argc, argv);
	if (!rc)
		rc = validate(&a);
	free(a.files);
	return rc;
}
