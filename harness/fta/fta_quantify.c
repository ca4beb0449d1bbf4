/*
 * fta_quantify.c - probabilities: per basic event, the top event's exact
 * probability from its BDD, and the rare-event and min-cut upper bound
 * approximations from the cut sets.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fta_analysis_priv.h"

/* Probabilities per variable, or NULL with *missing set to the first
 * variable without one (NONE when out of memory). */
double *ph_fta_variable_probabilities(analysis *a, uint32_t *missing)
{
	double *p = malloc((a->nvars ? a->nvars : 1) * sizeof *p);
	*missing = NONE;
	for (uint32_t v = 0; p && v < a->nvars; v++) {
		const ph_fta_event *e = &a->m->ev[PH_FTA_BASIC].v[a->basic_of[v]];
		if (!e->has_prob) {
			*missing = v;
			free(p);
			return NULL;
		}
		p[v] = e->prob;
	}
	return p;
}

int ph_fta_quantify(analysis *a, result_impl *r, uint32_t root, const double *p)
{
	ph_fta_result *pub = &r->pub;
	if (!p)
		return 0;
	pub->has_probability = 1;
	pub->probability = ph_fta_bdd_probability(a->bdd, root, p);
	if (pub->probability < 0)
		return ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
	double none = 1.0;
	pub->rare_event = 0;
	for (size_t i = 0; i < pub->n_products; i++) {
		pub->rare_event += pub->products[i].probability;
		none *= 1.0 - pub->products[i].probability;
	}
	pub->mcub = 1.0 - none;
	if (pub->rare_event > 1.0)
		pub->rare_event = 1.0; /* a probability, as SCRAM reports it */
	return 0;
}

static int cmp_importance(const void *x, const void *y)
{
	return strcmp(((const ph_fta_importance *)x)->event, ((const ph_fta_importance *)y)->event);
}

/* SCRAM's factors from MIF (importance_analysis.cc); see fta.h. */
static void factors(ph_fta_importance *f, double total)
{
	double p = f->probability;
	if (total == 0)
		return;
	f->cif = p * f->mif / total;
	f->raw = 1 + (1 - p) * f->mif / total;
	f->dif = p * f->raw;
	/* The event in every way to the top: SCRAM's exact test, with the
	 * rounding of two differently ordered sums allowed for. */
	double rest = total - p * f->mif;
	if (fabs(rest) > 1e-12 * total)
		f->rrw = total / rest;
}

int ph_fta_importance_factors(analysis *a, result_impl *r, uint32_t root, const double *p)
{
	ph_fta_result *pub = &r->pub;
	if (!p || !pub->has_probability)
		return 0;
	size_t nv = a->nvars ? a->nvars : 1, n = 0;
	double *mif = malloc(nv * sizeof *mif);
	pub->importance = calloc(nv, sizeof *pub->importance);
	if (!mif || !pub->importance || ph_fta_bdd_birnbaum(a->bdd, root, p, mif)) {
		free(mif);
		return ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
	}
	for (uint32_t v = 0; v < a->nvars; v++) {
		if (!a->occurrence[v])
			continue;
		ph_fta_importance *f = &pub->importance[n++];
		*f = (ph_fta_importance){ .event = r->names[v],
			                  .occurrence = a->occurrence[v],
			                  .probability = p[v],
			                  .mif = mif[v] };
		factors(f, pub->probability);
	}
	free(mif);
	qsort(pub->importance, n, sizeof *pub->importance, cmp_importance);
	pub->n_importance = n;
	return 0;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

/* The sample at rank ceil(q n) (1-based) of sorted samples. */
static double quantile(const double *sorted, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);
	return sorted[k ? k - 1 : 0];
}

int ph_fta_monte_carlo(analysis *a, result_impl *r, uint32_t root)
{
	size_t n = a->opt->uncertainty_trials, nv = a->nvars ? a->nvars : 1;
	double *p = malloc(nv * sizeof *p), *x = malloc(n * sizeof *x);
	ph_fta_sampler *s = ph_fta_sampler_new(a->m, a->opt->seed);
	int rc = !p || !x || !s ? ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory") : 0;
	double sum = 0;
	for (size_t t = 0; !rc && t < n; t++) {
		const char *owner = NULL;
		if ((rc = ph_fta_sampler_draw(s, a->basic_of, a->nvars, p, &owner))) {
			rc = ph_fta_afail(a, rc,
			                  "gate '%s': uncertainty: trial %zu: '%s' has no value",
			                  ph_fta_gate_name(a, a->top), t + 1, owner ? owner : "?");
			break;
		}
		x[t] = ph_fta_bdd_probability(a->bdd, root, p);
		if (x[t] < 0)
			rc = ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
		sum += x[t];
	}
	if (!rc) {
		ph_fta_uncertainty *u = &r->pub.uncertainty;
		double mean = sum / (double)n, ss = 0;
		for (size_t t = 0; t < n; t++)
			ss += (x[t] - mean) * (x[t] - mean);
		u->trials = n;
		u->seed = a->opt->seed;
		u->mean = mean;
		u->sigma = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
		u->ci_low = mean - 1.96 * u->sigma / sqrt((double)n);
		u->ci_high = mean + 1.96 * u->sigma / sqrt((double)n);
		u->error_factor = exp(1.96 * u->sigma);
		qsort(x, n, sizeof *x, cmp_double);
		u->q05 = quantile(x, n, 0.05);
		u->median = quantile(x, n, 0.5);
		u->q95 = quantile(x, n, 0.95);
	}
	ph_fta_sampler_free(s);
	free(p);
	free(x);
	return rc;
}
