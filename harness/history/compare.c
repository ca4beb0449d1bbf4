/*
 * compare.c - `pumphil compare A B`: two runs, or two sets of runs (two
 * firmware versions, two builds), test by test and measurement by
 * measurement.  The noise test is Welch's t-test (docs/history.md).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cli.h"
#include "history/history_priv.h"

static const char usage_line[] =
        "usage: pumphil compare [--db URL] [--alpha P] [--min-shift F] [--bench B]\n"
        "       [--profile P] [--since DATE] [--until DATE] A B";

static void usage(FILE *out)
{
	fprintf(out, "%s\n\n", usage_line);
	fputs("Compare the runs A selects with those B selects: new failures, fixed tests,\n"
	      "flaky tests (both outcomes on one side, with their failure rate), and\n"
	      "measurements whose values moved beyond the noise.\n\n"
	      "A and B: a run id, or key=value[,key=value...] with keys run, fw, build, bench,\n"
	      "profile, since, until (e.g. fw=0.1.0, build=1a2b3c4d5e6f).\n\n"
	      "  --db URL         the history (default $PUMPHIL_HISTORY, else\n"
	      "                   sqlite:reports/history.sqlite)\n"
	      "  --alpha P        Welch's t-test level, two-sided (default 0.001)\n"
	      "  --min-shift F    a move must also be at least F of A's mean (default 0.01)\n"
	      "  --single-shift F with one value on a side (no noise estimate): flag a move\n"
	      "                   of at least F of A's value (default 0.1)\n"
	      "  --bench, --profile, --since, --until   narrow both sides\n\n"
	      "Exit status: 0 no difference, 1 differences listed, 2 bad usage or the store\n"
	      "could not be read.\n",
	      out);
}

static int bad(const char *fmt, const char *arg)
{
	return ph_usage_error("compare", usage_line, fmt, arg);
}

typedef struct item {
	const char *key, *name, *unit; /* borrowed from the rows */
	double value;                  /* measurement value, or 1 for a failed test */
} item;

typedef struct group {
	const char *key, *name, *unit;
	double *v; /* into the side's values */
	size_t n;
	size_t nfail; /* tests: failed or errored */
} group;

typedef struct side {
	const char *label;
	ph_db_rows trows, mrows;
	long runs;
	group *tests, *meas;
	size_t ntests, nmeas;
	double *values;
} side;

static int cmp_item(const void *a, const void *b)
{
	const item *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* Sort items by key (and name) and fold them into groups. */
static group *fold(item *it, size_t n, double *values, size_t *ng)
{
	group *g = calloc(n + 1, sizeof *g);
	size_t k = 0;
	if (!g)
		return NULL;
	qsort(it, n, sizeof *it, cmp_item);
	for (size_t i = 0; i < n; i++) {
		if (!k || cmp_item(&it[i], &it[i - 1])) {
			g[k++] = (group){ .key = it[i].key,
				          .name = it[i].name,
				          .unit = it[i].unit,
				          .v = values + i };
		}
		values[i] = it[i].value;
		g[k - 1].n++;
		g[k - 1].nfail += it[i].value != 0;
	}
	*ng = k;
	return g;
}

static int load_side(ph_db *db, side *s, const ph_history_filter *f)
{
	char where[2048] = "", sql[4096], buf[1024], err[1024];
	const char *p[24];
	int np = 0;
	ph_db_rows r;
	item *it = NULL;

	if (ph_history_filter_sql(f, where, sizeof where, p, &np, buf, sizeof buf) < 0) {
		fprintf(stderr, "pumphil compare: %s: filters too long\n", s->label);
		return -1;
	}
	snprintf(sql, sizeof sql,
	         "SELECT COUNT(DISTINCT r.run_key) FROM tests t JOIN runs r ON r.run_key ="
	         " t.run_key WHERE 1 = 1%s",
	         where);
	if (ph_db_exec(db, sql, np, p, &r, err, sizeof err) < 0)
		goto dberr;
	s->runs = atol(ph_db_cell(&r, 0, 0) ? ph_db_cell(&r, 0, 0) : "0");
	ph_db_rows_free(&r);
	snprintf(sql, sizeof sql,
	         "SELECT t.test_key, t.verdict FROM tests t JOIN runs r ON r.run_key = t.run_key"
	         " WHERE t.verdict <> 'skip'%s",
	         where);
	if (ph_db_exec(db, sql, np, p, &s->trows, err, sizeof err) < 0)
		goto dberr;
	snprintf(sql, sizeof sql,
	         "SELECT t.test_key, m.name, m.value, m.unit FROM measurements m JOIN tests t ON"
	         " t.run_key = m.run_key AND t.idx = m.idx JOIN runs r ON r.run_key = m.run_key"
	         " WHERE m.value IS NOT NULL%s",
	         where);
	if (ph_db_exec(db, sql, np, p, &s->mrows, err, sizeof err) < 0)
		goto dberr;
	size_t nt = s->trows.nrows, nm = s->mrows.nrows;
	it = calloc(nt + nm + 1, sizeof *it);
	s->values = calloc(nt + nm + 1, sizeof *s->values);
	if (!it || !s->values)
		goto nomem;
	for (size_t i = 0; i < nt; i++)
		it[i] = (item){ .key = ph_db_cell(&s->trows, i, 0),
			        .value = strcmp(ph_db_cell(&s->trows, i, 1), "pass") != 0 };
	if (!(s->tests = fold(it, nt, s->values, &s->ntests)))
		goto nomem;
	for (size_t i = 0; i < nm; i++)
		it[i] = (item){ .key = ph_db_cell(&s->mrows, i, 0),
			        .name = ph_db_cell(&s->mrows, i, 1),
			        .value = strtod(ph_db_cell(&s->mrows, i, 2), NULL),
			        .unit = ph_db_cell(&s->mrows, i, 3) };
	if (!(s->meas = fold(it, nm, s->values + nt, &s->nmeas)))
		goto nomem;
	free(it);
	return 0;
dberr:
	fprintf(stderr, "pumphil compare: %s\n", err);
	return -1;
nomem:
	free(it);
	fprintf(stderr, "pumphil compare: out of memory\n");
	return -1;
}

static void free_side(side *s)
{
	ph_db_rows_free(&s->trows);
	ph_db_rows_free(&s->mrows);
	free(s->tests);
	free(s->meas);
	free(s->values);
}

static int cmp_group(const group *a, const group *b)
{
	int c = strcmp(a->key, b->key);
	return c ? c : strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

/* Walk a and b's sorted groups together: fn(ga or NULL, gb or NULL). */
#define WALK(ga_arr, na, gb_arr, nb, ...)                                                          \
	for (size_t i_ = 0, j_ = 0; i_ < (na) || j_ < (nb);) {                                     \
		const group *ga = NULL, *gb = NULL;                                                \
		int c_ = i_ == (na)   ? 1                                                          \
		         : j_ == (nb) ? -1                                                         \
		                      : cmp_group(&(ga_arr)[i_], &(gb_arr)[j_]);                   \
		if (c_ <= 0)                                                                       \
			ga = &(ga_arr)[i_++];                                                      \
		if (c_ >= 0)                                                                       \
			gb = &(gb_arr)[j_++];                                                      \
		__VA_ARGS__                                                                        \
	}

static double pct(size_t k, size_t n)
{
	return n ? 100.0 * (double)k / (double)n : 0;
}

static int report(side *a, side *b, const ph_history_thresholds *th)
{
	size_t nnew = 0, nfixed = 0, nflaky = 0, nmoved = 0, nsame_t = 0, nsame_m = 0;
	printf("compare: A %s (%ld runs), B %s (%ld runs)\n", a->label, a->runs, b->label, b->runs);
	/* Tests: new failures, fixed, flaky. */
	for (int pass = 0; pass < 3; pass++) {
		static const char *const head[] = { "new failures", "fixed", "flaky" };
		size_t count = 0;
		WALK(a->tests, a->ntests, b->tests, b->ntests, {
			if (!ga || !gb)
				continue;
			int fa = ga->nfail == ga->n, fb = gb->nfail == gb->n;
			int pa = ga->nfail == 0, pb = gb->nfail == 0;
			int flaky = !(fa || pa) || !(fb || pb);
			int hit = pass == 0 ? pa && fb : pass == 1 ? fa && pb : flaky;
			if (!hit)
				continue;
			if (!count++)
				printf("%s:\n", head[pass]);
			if (pass < 2)
				printf("  %s  %s  (A %zu/%zu failed, B %zu/%zu failed)\n",
				       pass ? "FIXED" : "FAIL ", ga->key, ga->nfail, ga->n,
				       gb->nfail, gb->n);
			else
				printf("  FLAKY  %s  A %zu/%zu failed (%.0f%%), B %zu/%zu failed "
				       "(%.0f%%)\n",
				       ga->key, ga->nfail, ga->n, pct(ga->nfail, ga->n), gb->nfail,
				       gb->n, pct(gb->nfail, gb->n));
		});
		if (pass == 0)
			nnew = count;
		else if (pass == 1)
			nfixed = count;
		else
			nflaky = count;
		if (!count)
			printf("%s: none\n", head[pass]);
	}
	WALK(a->tests, a->ntests, b->tests, b->ntests, {
		if (ga && gb &&
		    ((!ga->nfail && !gb->nfail) || (ga->nfail == ga->n && gb->nfail == gb->n)))
			nsame_t++;
	});
	/* Measurements. */
	printf("moved measurements (Welch's t-test, two-sided, alpha %g, and a shift of at least "
	       "%g%% of A's mean):\n",
	       th->alpha, th->min_shift * 100);
	WALK(a->meas, a->nmeas, b->meas, b->nmeas, {
		if (!ga || !gb)
			continue;
		ph_welch w;
		if (!ph_history_moved(ga->v, ga->n, gb->v, gb->n, th, &w)) {
			nsame_m++;
			continue;
		}
		nmoved++;
		double diff = w.mean_b - w.mean_a;
		const char *u = ga->unit ? ga->unit : "";
		printf("  MOVED  %s: %s  A %.6g %s (sd %.3g, n %zu) -> B %.6g %s (sd %.3g, n %zu): "
		       "shift %+.6g %s (%+.1f%%)",
		       ga->key, ga->name, w.mean_a, u, isnan(w.sd_a) ? 0 : w.sd_a, w.n_a, w.mean_b,
		       u, isnan(w.sd_b) ? 0 : w.sd_b, w.n_b, diff, u,
		       w.mean_a ? 100 * diff / fabs(w.mean_a) : 0);
		if (isnan(w.p))
			printf(", single values: no noise estimate\n");
		else
			printf(", t %.3g, df %.1f, p %.2g\n", w.t, w.df, w.p);
	});
	if (!nmoved)
		printf("  none\n");
	printf("summary: %zu new failures, %zu fixed, %zu flaky, %zu moved measurements; %zu "
	       "tests and %zu measurements unchanged\n",
	       nnew, nfixed, nflaky, nmoved, nsame_t, nsame_m);
	return nnew || nfixed || nflaky || nmoved ? 1 : 0;
}

/* Fields of the selector left open take the shared filters. */
static void merge_filter(ph_history_filter *f, const ph_history_filter *all)
{
	if (!f->bench)
		f->bench = all->bench;
	if (!f->profile)
		f->profile = all->profile;
	if (!f->since)
		f->since = all->since;
	if (!f->until)
		f->until = all->until;
}

static int parse_frac(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v >= 0 && v <= 1))
		return -1;
	*out = v;
	return 0;
}

int ph_cmd_compare(int argc, char **argv)
{
	enum { O_DB = 256, O_ALPHA, O_SHIFT, O_SINGLE, O_BENCH, O_PROFILE, O_SINCE, O_UNTIL };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "alpha", required_argument, NULL, O_ALPHA },
		{ "min-shift", required_argument, NULL, O_SHIFT },
		{ "single-shift", required_argument, NULL, O_SINGLE },
		{ "bench", required_argument, NULL, O_BENCH },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = ph_history_default_url();
	ph_history_thresholds th = PH_HISTORY_THRESHOLDS_DEFAULT;
	ph_history_filter all = { 0 }, fa = { 0 }, fb = { 0 };
	side a = { 0 }, b = { 0 };
	char err[1024], sa[1024], sb[1024];
	int c, status = 2;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case O_DB: url = optarg; break;
		case O_ALPHA:
			if (parse_frac(optarg, &th.alpha) < 0 || th.alpha == 0)
				return bad("--alpha: '%s' is not in (0, 1]", optarg);
			break;
		case O_SHIFT:
			if (parse_frac(optarg, &th.min_shift) < 0)
				return bad("--min-shift: '%s' is not in [0, 1]", optarg);
			break;
		case O_SINGLE:
			if (parse_frac(optarg, &th.single_shift) < 0)
				return bad("--single-shift: '%s' is not in [0, 1]", optarg);
			break;
		case O_BENCH: all.bench = optarg; break;
		case O_PROFILE: all.profile = optarg; break;
		case O_SINCE: all.since = optarg; break;
		case O_UNTIL: all.until = optarg; break;
		case 'h': usage(stdout); return 0;
		case ':': return bad("option '%s' needs a value", argv[optind - 1]);
		default: return bad("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return bad("%s", "give two selectors, A and B");
	snprintf(sa, sizeof sa, "%s", argv[optind]);
	snprintf(sb, sizeof sb, "%s", argv[optind + 1]);
	if (ph_history_filter_parse(sa, &fa, err, sizeof err) < 0)
		return bad("A: %s", err);
	if (ph_history_filter_parse(sb, &fb, err, sizeof err) < 0)
		return bad("B: %s", err);
	merge_filter(&fa, &all);
	merge_filter(&fb, &all);
	a.label = argv[optind];
	b.label = argv[optind + 1];
	if (ph_history_url_off(url))
		return bad("%s", "no history database (PUMPHIL_HISTORY is off): give --db URL");
	ph_history *h = ph_history_open(url, err, sizeof err);
	if (!h) {
		fprintf(stderr, "pumphil compare: %s\n", err);
		return 2;
	}
	if (load_side(ph_history_db(h), &a, &fa) < 0 || load_side(ph_history_db(h), &b, &fb) < 0)
		goto out;
	if (!a.runs || !b.runs) {
		fprintf(stderr, "pumphil compare: %s selects no stored run\n",
		        !a.runs ? a.label : b.label);
		goto out;
	}
	status = report(&a, &b, &th);
out:
	free_side(&a);
	free_side(&b);
	ph_history_close(h);
	return status;
}
