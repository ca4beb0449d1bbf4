/*
 * fta_analyse.c - `pumphil fta analyse`: minimal cut sets, probabilities,
 * importance and uncertainty of Open-PSA MEF fault trees, as text or JSON.
 * Uses only fta/ and jansson, so the same file also builds pumphil-fta, the
 * analysis alone without the bench's libraries (harness/fta_main.c).
 * Exit status: 0 success, 1 the analysis hit a size limit or ran out of
 * memory, 2 bad usage or bad input (the message names file:line).
 */
#include "campaign/fta_analyse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fta/fta.h"

static const char analyse_usage[] =
        "usage: pumphil fta analyse [--json] [--top NAME] [-l|--limit-order N]\n"
        "                           [--approx rare-event|mcub] [--mission-time HOURS]\n"
        "                           [--max-products N] [--importance] [--no-ccf]\n"
        "                           [--uncertainty N [--seed S]] FILE...\n";

static const char analyse_help[] =
        "\n"
        "Reads Open-PSA MEF fault trees (all FILEs form one model) and prints, for\n"
        "each top event, the minimal cut sets (sorted by order, then names) and the\n"
        "exact top-event probability computed on the BDD.\n"
        "\n"
        "  --json              print one JSON object {\"top\", \"products\",\n"
        "                      \"probability\", \"rare_event\", \"mcub\", \"limit_order\"};\n"
        "                      needs a single top event (or --top)\n"
        "  --top NAME          analyse this gate only (default: every top event)\n"
        "  -l, --limit-order N keep cut sets of at most N events (default 20, as SCRAM;\n"
        "                      0 for no limit)\n"
        "  --approx KIND       also print the rare-event or MCUB approximation\n"
        "  --mission-time H    hours for <system-mission-time/> (default 8760, as SCRAM)\n"
        "  --max-products N    refuse to list more than N cut sets (default 2^25)\n"
        "  --importance        importance factors of the events in the cut sets\n"
        "                      (MIF/Birnbaum, CIF/criticality, DIF/Fussell-Vesely,\n"
        "                      RAW, RRW as SCRAM defines them; JSON: \"importance\")\n"
        "  --no-ccf            CCF group members as independent events (SCRAM's\n"
        "                      default); by default each is the OR of its CCF events\n"
        "                      \"[a b ...]\" (scram --ccf true)\n"
        "  --uncertainty N     Monte Carlo over the deviates, N trials (at most 1e7):\n"
        "                      mean, standard deviation, 95% interval, quantiles\n"
        "  --seed S            seed of the trials (default 1): a seed repeats its draws\n"
        "\n"
        "Exit status: 0 ok, 1 a size limit was reached, 2 bad usage or bad input.\n";

/* --- analyse ---------------------------------------------------------------- */

typedef struct analyse_args {
	int json;
	int rare_event, mcub;
	const char *top;
	double mission_time; /* 0: the model's default */
	ph_fta_options opt;
	const char **files;
	size_t nfiles;
} analyse_args;

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "pumphil fta analyse: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", analyse_usage);
	return 2;
}

static int parse_count(const char *s, long max, long *out)
{
	char *end;
	if (!s || !*s)
		return -1;
	long v = strtol(s, &end, 10);
	if (*end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Splits "--opt=value" or takes the next argument; NULL when missing. */
static const char *option_value(int argc, char **argv, int *i, const char *opt)
{
	size_t n = strlen(opt);
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	return *i + 1 < argc ? argv[++*i] : NULL;
}

static int is_option(const char *arg, const char *opt)
{
	size_t n = strlen(opt);
	return !strncmp(arg, opt, n) && (arg[n] == 0 || arg[n] == '=');
}

static int parse_option(analyse_args *a, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *v;
	long n;
	if (!strcmp(arg, "--json")) {
		a->json = 1;
	} else if (!strcmp(arg, "--importance")) {
		a->opt.importance = 1;
	} else if (!strcmp(arg, "--no-ccf")) {
		a->opt.no_ccf = 1;
	} else if (is_option(arg, "--uncertainty")) {
		v = option_value(argc, argv, i, "--uncertainty");
		if (parse_count(v, (long)PH_FTA_MAX_TRIALS, &n) || n < 2)
			return usage_error("--uncertainty needs 2 to 10000000 trials, not '%s'",
			                   v ? v : "");
		a->opt.uncertainty_trials = (size_t)n;
	} else if (is_option(arg, "--seed")) {
		v = option_value(argc, argv, i, "--seed");
		char *end = NULL;
		unsigned long long s = v && *v && *v != '-' ? strtoull(v, &end, 10) : 0;
		if (!v || !*v || *v == '-' || *end)
			return usage_error("--seed needs a number >= 0, not '%s'", v ? v : "");
		a->opt.seed = s;
	} else if (is_option(arg, "--top")) {
		if (!(a->top = option_value(argc, argv, i, "--top")))
			return usage_error("--top needs a gate name%s", "");
	} else if (is_option(arg, "--limit-order") || !strcmp(arg, "-l")) {
		v = option_value(argc, argv, i, arg[1] == 'l' ? "-l" : "--limit-order");
		if (parse_count(v, 1000000, &n))
			return usage_error("--limit-order needs a number >= 0, not '%s'",
			                   v ? v : "");
		a->opt.limit_order = (int)n;
	} else if (is_option(arg, "--max-products")) {
		v = option_value(argc, argv, i, "--max-products");
		if (parse_count(v, 1L << 30, &n) || n == 0)
			return usage_error("--max-products needs a number > 0, not '%s'",
			                   v ? v : "");
		a->opt.max_products = (size_t)n;
	} else if (is_option(arg, "--mission-time")) {
		v = option_value(argc, argv, i, "--mission-time");
		char *end = NULL;
		a->mission_time = v ? strtod(v, &end) : 0;
		if (!v || !*v || *end || !(a->mission_time > 0) || a->mission_time > 1e12)
			return usage_error("--mission-time needs hours > 0, not '%s'", v ? v : "");
	} else if (is_option(arg, "--approx")) {
		v = option_value(argc, argv, i, "--approx");
		if (v && !strcmp(v, "rare-event"))
			a->rare_event = 1;
		else if (v && !strcmp(v, "mcub"))
			a->mcub = 1;
		else
			return usage_error("--approx is rare-event or mcub, not '%s'", v ? v : "");
	} else {
		return usage_error("unknown option '%s'", arg);
	}
	return 0;
}

static int parse_analyse(analyse_args *a, int argc, char **argv)
{
	memset(a, 0, sizeof *a);
	ph_fta_options_init(&a->opt);
	a->opt.seed = 1;
	a->files = calloc((size_t)argc, sizeof *a->files);
	if (!a->files) {
		fprintf(stderr, "pumphil fta analyse: out of memory\n");
		return 1;
	}
	int only_files = 0;
	for (int i = 1; i < argc; i++) {
		if (!only_files && !strcmp(argv[i], "--")) {
			only_files = 1;
		} else if (!only_files && argv[i][0] == '-' && argv[i][1]) {
			int rc = parse_option(a, argc, argv, &i);
			if (rc)
				return rc;
		} else {
			a->files[a->nfiles++] = argv[i];
		}
	}
	if (!a->nfiles)
		return usage_error("no input file%s", "");
	return 0;
}

static void print_text(const analyse_args *a, const ph_fta_result *r)
{
	printf("top event: %s\n", r->top);
	printf("minimal cut sets: %zu", r->n_products);
	if (r->limit_order)
		printf(" (order limit %d)", r->limit_order);
	printf("\n");
	if (r->has_probability) {
		printf("probability: %.6g (exact)\n", r->probability);
		if (a->rare_event)
			printf("rare-event approximation: %.6g\n", r->rare_event);
		if (a->mcub)
			printf("mcub approximation: %.6g\n", r->mcub);
	} else {
		printf("probability: unknown (basic event '%s' has none)\n", r->missing);
	}
	for (size_t i = 0; i < r->n_products; i++) {
		const ph_fta_product *p = &r->products[i];
		printf("%6zu  order %zu", i + 1, p->order);
		if (r->has_probability)
			printf("  p=%-12.6g", p->probability);
		printf(" ");
		for (size_t k = 0; k < p->order; k++)
			printf(" %s", p->events[k]);
		printf("\n");
	}
	const ph_fta_uncertainty *u = &r->uncertainty;
	if (u->trials)
		printf("uncertainty (%zu trials, seed %llu): mean %.6g, sigma %.6g, 95%% interval "
		       "of the mean [%.6g, %.6g], error factor %.6g, quantiles 5%% %.6g, 50%% "
		       "%.6g, "
		       "95%% %.6g\n",
		       u->trials, u->seed, u->mean, u->sigma, u->ci_low, u->ci_high,
		       u->error_factor, u->q05, u->median, u->q95);
	if (r->n_importance) {
		printf("importance (%zu basic events in cut sets):\n", r->n_importance);
		printf("  %-12s %-12s %-12s %-12s %-12s %-12s %5s  %s\n", "p", "MIF", "CIF", "DIF",
		       "RAW", "RRW", "occ", "event");
	}
	for (size_t i = 0; i < r->n_importance; i++) {
		const ph_fta_importance *f = &r->importance[i];
		printf("  %-12.6g %-12.6g %-12.6g %-12.6g %-12.6g %-12.6g %5zu  %s\n",
		       f->probability, f->mif, f->cif, f->dif, f->raw, f->rrw, f->occurrence,
		       f->event);
	}
}

static json_t *importance_json(const ph_fta_result *r)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < r->n_importance; i++) {
		const ph_fta_importance *f = &r->importance[i];
		json_t *o = json_pack("{s:s, s:I, s:f, s:f, s:f, s:f, s:f, s:f}", "event", f->event,
		                      "occurrence", (json_int_t)f->occurrence, "probability",
		                      f->probability, "mif", f->mif, "cif", f->cif, "dif", f->dif,
		                      "raw", f->raw, "rrw", f->rrw);
		if (!o || json_array_append_new(arr, o)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *result_json(const ph_fta_result *r, int importance, size_t trials)
{
	json_t *o = json_object(), *products = json_array();
	if (!o || !products)
		goto fail;
	for (size_t i = 0; i < r->n_products; i++) {
		json_t *p = json_array();
		if (!p || json_array_append_new(products, p))
			goto fail;
		for (size_t k = 0; k < r->products[i].order; k++)
			if (json_array_append_new(p, json_string(r->products[i].events[k])))
				goto fail;
	}
	int bad = json_object_set_new(o, "top", json_string(r->top));
	bad |= json_object_set_new(o, "products", products);
	products = NULL;
	bad |= json_object_set_new(o, "limit_order", json_integer(r->limit_order));
	bad |= json_object_set_new(o, "probability",
	                           r->has_probability ? json_real(r->probability) : json_null());
	bad |= json_object_set_new(o, "rare_event",
	                           r->has_probability ? json_real(r->rare_event) : json_null());
	bad |= json_object_set_new(o, "mcub",
	                           r->has_probability ? json_real(r->mcub) : json_null());
	if (importance)
		bad |= json_object_set_new(o, "importance",
		                           r->has_probability ? importance_json(r) : json_null());
	if (trials) {
		const ph_fta_uncertainty *u = &r->uncertainty;
		bad |= json_object_set_new(
		        o, "uncertainty",
		        u->trials ? json_pack("{s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
		                              "trials", (json_int_t)u->trials, "seed",
		                              (json_int_t)u->seed, "mean", u->mean, "sigma",
		                              u->sigma, "ci_low", u->ci_low, "ci_high", u->ci_high,
		                              "error_factor", u->error_factor, "q05", u->q05,
		                              "median", u->median, "q95", u->q95)
		                  : json_null());
	}
	if (!bad)
		return o;
fail:
	json_decref(products);
	json_decref(o);
	return NULL;
}

static int print_json(const analyse_args *a, const ph_fta_result *r)
{
	json_t *o = result_json(r, a->opt.importance, a->opt.uncertainty_trials);
	if (!o || json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(17))) {
		json_decref(o);
		fprintf(stderr, "pumphil fta analyse: out of memory writing JSON\n");
		return 1;
	}
	json_decref(o);
	putchar('\n');
	return 0;
}

static int exit_status(int err)
{
	return err == PH_FTA_ELIMIT || err == PH_FTA_ENOMEM ? 1 : 2;
}

static int analyse_one(const analyse_args *a, const ph_fta_model *m, const char *top)
{
	char err[512];
	ph_fta_result *r = NULL;
	int rc = ph_fta_analyse(m, top, &a->opt, &r, err, sizeof err);
	if (rc) {
		fprintf(stderr, "%s\n", err);
		return exit_status(rc);
	}
	if (a->json)
		rc = print_json(a, r);
	else
		print_text(a, r);
	ph_fta_result_free(r);
	return rc;
}

static int analyse_model(const analyse_args *a, const ph_fta_model *m)
{
	size_t ntops = ph_fta_model_top_count(m);
	if (a->top || ntops == 1 || a->json)
		return analyse_one(a, m, a->top);
	if (ntops == 0)
		return analyse_one(a, m, NULL); /* reports "no top event" */
	int rc = 0;
	for (size_t i = 0; i < ntops && !rc; i++) {
		if (i)
			printf("\n");
		rc = analyse_one(a, m, ph_fta_model_top(m, i));
	}
	return rc;
}

int ph_fta_cmd_analyse(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("%s%s", analyse_usage, analyse_help);
			return 0;
		}
	analyse_args a;
	int rc = parse_analyse(&a, argc, argv);
	if (!rc) {
		char err[512];
		ph_fta_model *m = NULL;
		int lrc = ph_fta_model_load(a.files, a.nfiles, &m, err, sizeof err);
		if (!lrc && a.mission_time > 0)
			lrc = ph_fta_model_set_mission_time(m, a.mission_time, err, sizeof err);
		if (lrc) {
			fprintf(stderr, "%s\n", err);
			rc = exit_status(lrc);
		} else {
			rc = analyse_model(&a, m);
		}
		ph_fta_model_free(m);
	}
	free(a.files);
	return rc;
}
