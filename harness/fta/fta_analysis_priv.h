/*
 * fta_analysis_priv.h - one analysis in progress, shared by its stages:
 * variable order (fta_order.c), the BDD and the run (fta_analysis.c), cut
 * sets into the result (fta_cutsets.c), probabilities (fta_quantify.c) —
 * SCRAM keeps these apart the same way.
 */
#ifndef PH_FTA_ANALYSIS_PRIV_H
#define PH_FTA_ANALYSIS_PRIV_H

#ifndef PH_USES_FTA
#error "fta/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "fta_dd.h"
#include "fta_internal.h"

#define NONE UINT32_MAX

typedef struct analysis {
	const ph_fta_model *m;
	const ph_fta_options *opt;
	uint32_t top;
	uint32_t *var_of;   /* basic event -> variable, NONE when not under top */
	uint32_t *basic_of; /* variable -> basic event */
	uint32_t nvars;
	uint32_t *postorder; /* gates under top, children first */
	size_t ngates;
	uint32_t *gate_bdd; /* gate -> BDD node, NONE until built */
	ph_fta_bdd *bdd;
	ph_fta_zbdd *zbdd;
	size_t *occurrence; /* variable -> cut sets holding it (with importance) */
	char *err;
	size_t errlen;
} analysis;

/* The result as allocated: the public part first, then what it owns. */
typedef struct result_impl {
	ph_fta_result pub;
	char *strings;      /* top name and variable names, NUL-separated */
	const char **names; /* variable -> name inside strings */
	const char **pool;  /* event pointers of all products */
	size_t pool_n, pool_cap;
} result_impl;

/* "error: ..." into the analysis's message buffer; returns code. */
int ph_fta_afail(analysis *a, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static inline const ph_fta_event *ph_fta_gate(const analysis *a, uint32_t g)
{
	return &a->m->ev[PH_FTA_GATE].v[g];
}

/* Public gates by name, private ones by full path (as SCRAM reports). */
static inline const char *ph_fta_gate_name(const analysis *a, uint32_t g)
{
	return ph_fta_gate(a, g)->is_public ? ph_fta_gate(a, g)->name : ph_fta_gate(a, g)->path;
}

/* A CCF group member that stands for the OR of its CCF events. */
static inline int ph_fta_ccf_expanded(const analysis *a, uint32_t basic)
{
	const ph_fta_event *e = &a->m->ev[PH_FTA_BASIC].v[basic];
	return e->ccf && !e->ccf_level && !a->opt->no_ccf;
}

/* fta_order.c: the top gate named (or the model's only one), then the
 * variable order (depth-first from the top) and the gates in postorder. */
int ph_fta_pick_top(analysis *a, const char *top);
int ph_fta_order_variables(analysis *a);

/* fta_cutsets.c: variable names into the result, then the minimal cut sets
 * of ZBDD s with their probabilities (p may be NULL). */
int ph_fta_copy_names(analysis *a, result_impl *r);
int ph_fta_collect_products(analysis *a, result_impl *r, uint32_t s, const double *p);

/* fta_quantify.c: probabilities per variable (NULL with *missing the first
 * variable without one, NONE when out of memory), and the top event's
 * exact probability, rare-event and min-cut upper bound. */
double *ph_fta_variable_probabilities(analysis *a, uint32_t *missing);
int ph_fta_quantify(analysis *a, result_impl *r, uint32_t root, const double *p);

/* fta_quantify.c: importance factors of the variables found in some cut set
 * (a->occurrence), on BDD root; nothing when p is NULL. */
int ph_fta_importance_factors(analysis *a, result_impl *r, uint32_t root, const double *p);

/* fta_quantify.c: Monte Carlo over the deviates, a->opt->uncertainty_trials
 * trials, into r->pub.uncertainty. */
int ph_fta_monte_carlo(analysis *a, result_impl *r, uint32_t root);

#endif
