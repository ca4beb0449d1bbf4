/*
 * fta_quantify.c - probabilities: per basic event, the top event's exact
 * probability from its BDD, and the rare-event and min-cut upper bound
 * approximations from the cut sets.
 */
#include <stdlib.h>

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
