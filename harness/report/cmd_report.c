/*
 * cmd_report.c - `pumphil report` (regenerate a run's reports from its
 * record, or from its traces when the run died before writing one) and
 * `pumphil merge` (one report from several runs).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "history/history.h"
#include "report/report.h"
#include "results/record.h"
#include "base/log.h"

typedef struct cli {
	const char *out, *fixtures;
	const char *history; /* NULL: none (merge, --no-history) */
	int plots, trend_runs;
} cli;

static const char report_usage[] =
        "usage: pumphil report [-o DIR] [--fixtures DIR] [--no-plots] [--plots WHICH]\n"
        "       [--history URL] [--no-history] [--trend-runs N] RECORD|TRACE|RUN_DIR";
static const char merge_usage[] =
        "usage: pumphil merge [-o DIR] [--fixtures DIR] [--no-plots] RUN_DIR|RECORD...";

static int bad(const char *cmd, const char *usage_line, const char *msg, const char *arg)
{
	fprintf(stderr, "pumphil %s: ", cmd);
	fprintf(stderr, msg, arg);
	fprintf(stderr, "\n%s\n", usage_line);
	return 2;
}

/* ---- inputs ---- */

static int is_pcapng(const char *path)
{
	unsigned char m[4] = { 0 };
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(m, 1, 4, f) : 0;
	if (f)
		fclose(f);
	return n == 4 && m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d && m[3] == 0x0a;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every dir/traces/ *.pcapng, sorted; returns the count or -1. */
static int list_traces(const char *dir, char ***out)
{
	char tdir[2048];
	DIR *d;
	struct dirent *e;
	char **v = NULL;
	int n = 0;

	snprintf(tdir, sizeof tdir, "%s/traces", dir);
	if (!(d = opendir(tdir)))
		return 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char **nv;
		if (len < 8 || strcmp(e->d_name + len - 7, ".pcapng") || e->d_name[0] == '.')
			continue;
		if (!(nv = realloc(v, (size_t)(n + 1) * sizeof *v)))
			break;
		v = nv;
		if (!(v[n] = malloc(strlen(tdir) + len + 2)))
			break;
		sprintf(v[n++], "%s/%s", tdir, e->d_name);
	}
	closedir(d);
	qsort(v, (size_t)n, sizeof *v, cmp_str);
	*out = v;
	return n;
}

static json_t *from_traces(const char *const *paths, int n, const char *base, char *err,
                           size_t errlen)
{
	json_t *r = ph_record_from_traces(paths, n, base, err, errlen);
	if (r)
		ph_log_note("pumphil: %s: no record.json, rebuilt from %d trace%s", base, n,
		            n == 1 ? "" : "s");
	return r;
}

static json_t *from_run_dir(const char *dir, int *rebuilt, char *err, size_t errlen)
{
	char path[2048], **traces = NULL;
	struct stat st;
	json_t *r = NULL;
	int n;

	snprintf(path, sizeof path, "%s/record.json", dir);
	if (stat(path, &st) == 0)
		return ph_record_load(path, err, errlen);
	*rebuilt = 1;
	n = list_traces(dir, &traces);
	if (n <= 0)
		snprintf(err, errlen,
		         "%s: no record.json and no traces/*.pcapng: not a run directory", dir);
	else
		r = from_traces((const char *const *)traces, n, dir, err, errlen);
	for (int i = 0; i < n; i++)
		free(traces[i]);
	free(traces);
	return r;
}

/* The run directory a trace belongs to: RUN/traces/NNNN.pcapng -> RUN;
 * any other trace: its own directory. */
static void trace_run_dir(const char *trace, char *dir, size_t n)
{
	const char *slash = strrchr(trace, '/');
	size_t len;

	if (!slash) {
		snprintf(dir, n, ".");
		return;
	}
	snprintf(dir, n, "%.*s", (int)(slash - trace), trace);
	len = strlen(dir);
	if (len >= 6 && !strcmp(dir + len - 6, "traces") && (len == 6 || dir[len - 7] == '/')) {
		if (len == 6)
			snprintf(dir, n, ".");
		else
			dir[len - 7] = 0;
	}
	if (!dir[0])
		snprintf(dir, n, "/");
}

/* Load what path names; src gets the directory its relative paths start at,
 * *rebuilt whether the record was rebuilt here from traces (its trace paths
 * are then the ones found, not ones a record file names). */
static json_t *load_input(const char *path, char *src, size_t srclen, int *rebuilt, char *err,
                          size_t errlen)
{
	struct stat st;

	*rebuilt = 0;
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(src, srclen, "%s", path);
		return from_run_dir(path, rebuilt, err, errlen);
	}
	if (is_pcapng(path)) {
		*rebuilt = 1;
		trace_run_dir(path, src, srclen);
		return from_traces(&path, 1, src, err, errlen);
	}
	const char *slash = strrchr(path, '/');
	snprintf(src, srclen, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	return ph_record_load(path, err, errlen);
}

/* ---- options ---- */

static int parse(int argc, char **argv, const char *cmd, const char *usage_line, cli *c, int *first)
{
	enum { O_FIXTURES = 256, O_NOPLOTS, O_HISTORY, O_NOHISTORY, O_TREND, O_PLOTS };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "fixtures", required_argument, NULL, O_FIXTURES },
		{ "no-plots", no_argument, NULL, O_NOPLOTS },
		{ "plots", required_argument, NULL, O_PLOTS },
		{ "history", required_argument, NULL, O_HISTORY },
		{ "no-history", no_argument, NULL, O_NOHISTORY },
		{ "trend-runs", required_argument, NULL, O_TREND },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	c->plots = PH_PLOTS_SOME;
	opterr = 0;
	optind = 1;
	while ((o = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (o) {
		case 'o': c->out = optarg; break;
		case O_FIXTURES: c->fixtures = optarg; break;
		case O_NOPLOTS: c->plots = PH_PLOTS_NONE; break;
		case O_PLOTS:
			if (!strcmp(optarg, "all"))
				c->plots = PH_PLOTS_ALL;
			else if (!strcmp(optarg, "some"))
				c->plots = PH_PLOTS_SOME;
			else if (!strcmp(optarg, "none"))
				c->plots = PH_PLOTS_NONE;
			else
				return bad(cmd, usage_line,
				           "--plots: '%s' is not all, some or none", optarg);
			break;
		case O_HISTORY: c->history = optarg; break;
		case O_NOHISTORY: c->history = NULL; break;
		case O_TREND: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (end == optarg || *end || n < 2 || n > 1000)
				return bad(cmd, usage_line,
				           "--trend-runs: '%s' is not in [2, 1000]", optarg);
			c->trend_runs = (int)n;
			break;
		}
		case 'h': return 0;
		case ':':
			return bad(cmd, usage_line, "option '%s' needs a value", argv[optind - 1]);
		default: return bad(cmd, usage_line, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return bad(cmd, usage_line, "%s", "no input given");
	*first = optind;
	return -1;
}

/* Write the reports; print where and the counts.  Exit status. */
static int write_out(const char *cmd, json_t *record, const cli *c, const char *src,
                     const char *out, int trusted_paths)
{
	ph_report_opts o = { .src_dir = src,
		             .fixtures_dir = c->fixtures,
		             .plots = c->plots,
		             .trusted_paths = trusted_paths,
		             .history = c->history,
		             .trend_runs = c->trend_runs };
	ph_report_counts n;
	char err[2048];

	if (ph_report_write_all(out, record, &o, err, sizeof err) < 0) {
		fprintf(stderr, "pumphil %s: %s\n", cmd, err);
		return 2;
	}
	ph_report_count(json_object_get(record, "tests"), NULL, &n);
	printf("report: %s/index.html\n%d passed, %d failed", out, n.passed, n.failed + n.errors);
	if (n.interrupted)
		printf(" (%d interrupted)", n.interrupted);
	if (n.skipped)
		printf(", %d skipped", n.skipped);
	printf("\n");
	/* As `pumphil run` exits: a failure, else an error, else 0. */
	return n.failed ? 1 : n.errors ? 4 : 0;
}

int ph_cmd_report(int argc, char **argv)
{
	cli c = { .history = ph_history_default_url() };
	char src[2048], err[2048];
	int first, r = parse(argc, argv, "report", report_usage, &c, &first), rebuilt;
	json_t *record;

	if (r >= 0) {
		if (r == 0)
			printf("%s\n\nRegenerate index.html, junit.xml, record.json and plots/ "
			       "from a run's\n"
			       "record.json, from a trace (a run killed before it wrote its "
			       "record), or from\n"
			       "a run directory (its record.json, else every traces/*.pcapng).\n\n"
			       "  -o, --output DIR  where to write (default: the run's directory)\n"
			       "  --fixtures DIR    reload the requirement catalogue from DIR\n"
			       "  --no-plots        do not render timing plots\n"
			       "  --plots WHICH     some (default: tests not passed, or with a\n"
			       "                    measurement, fault or alarm), all, or none\n"
			       "  --history URL     draw each measurement's trend from this "
			       "results "
			       "history\n"
			       "                    (default $PUMPHIL_HISTORY, else\n"
			       "                    sqlite:reports/history.sqlite; "
			       "docs/reports.md)\n"
			       "  --no-history      no trends\n"
			       "  --trend-runs N    points per trend, this run's included (default "
			       "20)\n\n"
			       "Exit status: 0 all tests passed, 1 some failed, 2 bad usage or bad "
			       "input.\n",
			       report_usage);
		return r;
	}
	if (argc - first > 1)
		return bad("report", report_usage,
		           "one input only (got also '%s'); see pumphil merge", argv[first + 1]);
	if (!(record = load_input(argv[first], src, sizeof src, &rebuilt, err, sizeof err))) {
		fprintf(stderr, "pumphil report: %s\n", err);
		return 2;
	}
	r = write_out("report", record, &c, src, c.out ? c.out : src, rebuilt);
	json_decref(record);
	return r;
}

int ph_cmd_merge(int argc, char **argv)
{
	cli c = { 0 };
	char err[2048];
	int first, r = parse(argc, argv, "merge", merge_usage, &c, &first), n, rebuilt;
	json_t **records = NULL, *merged = NULL;
	char(*dirs)[2048] = NULL;
	const char **dirp = NULL;

	if (r >= 0) {
		if (r == 0)
			printf("%s\n\nOne report from several runs (CI shards, several benches): "
			       "the union of\n"
			       "their tests, the summary recomputed, the environment of each "
			       "run.\n\n"
			       "  -o, --output DIR  where to write (default reports/merged)\n"
			       "  --fixtures DIR    reload the requirement catalogue from DIR\n"
			       "  --no-plots        do not render timing plots\n\n"
			       "Exit status: 0 all tests passed, 1 some failed, 2 bad usage or bad "
			       "input.\n",
			       merge_usage);
		return r;
	}
	n = argc - first;
	records = calloc((size_t)n, sizeof *records);
	dirs = calloc((size_t)n, sizeof *dirs);
	dirp = calloc((size_t)n, sizeof *dirp);
	r = 2;
	if (!records || !dirs || !dirp)
		goto out;
	for (int i = 0; i < n; i++) {
		dirp[i] = dirs[i];
		if (!(records[i] = load_input(argv[first + i], dirs[i], sizeof dirs[i], &rebuilt,
		                              err, sizeof err))) {
			fprintf(stderr, "pumphil merge: %s\n", err);
			goto out;
		}
	}
	if (!(merged = ph_report_merge(records, dirp, n, err, sizeof err))) {
		fprintf(stderr, "pumphil merge: %s\n", err);
		goto out;
	}
	/* ph_report_merge confined each run's paths to its directory. */
	r = write_out("merge", merged, &c, ".", c.out ? c.out : "reports/merged", 1);
out:
	for (int i = 0; records && i < n; i++)
		json_decref(records[i]);
	json_decref(merged);
	free(records);
	free(dirs);
	free(dirp);
	return r;
}
