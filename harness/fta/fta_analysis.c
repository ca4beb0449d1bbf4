/*
 * fta_analysis.c - analysis of one top event: the BDD of the top gate and
 * the run that strings the stages together (order, BDD, cut-set ZBDD, cut
 * sets, probabilities) into the result the CLI prints and the validation
 * campaign drives injections from.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fta_analysis_priv.h"

/* Report a failure into the caller's message buffer; returns code. */
int ph_fta_afail(analysis *a, int code, const char *fmt, ...)
{
	if (a->err && a->errlen) {
		int k = snprintf(a->err, a->errlen, "error: ");
		va_list ap;
		va_start(ap, fmt);
		if (k >= 0 && (size_t)k < a->errlen)
			vsnprintf(a->err + k, a->errlen - k, fmt, ap);
		va_end(ap);
	}
	return code;
}

void ph_fta_options_init(ph_fta_options *o)
{
	o->limit_order = PH_FTA_DEFAULT_LIMIT_ORDER;
	o->max_nodes = PH_FTA_DEFAULT_MAX_NODES;
	o->max_products = PH_FTA_DEFAULT_MAX_PRODUCTS;
	o->importance = 0;
	o->no_ccf = 0;
	o->uncertainty_trials = 0;
	o->seed = 0;
}

/* --- BDD of the top gate ------------------------------------------------------ */

static uint32_t formula_bdd(analysis *a, size_t f);

static uint32_t arg_bdd(analysis *a, ph_fta_ref r)
{
	switch (r.kind) {
	case PH_FTA_BASIC:
		if (ph_fta_ccf_expanded(a, r.index))
			return formula_bdd(a, a->m->ev[PH_FTA_BASIC].v[r.index].ccf_formula);
		return ph_fta_bdd_var(a->bdd, a->var_of[r.index]);
	case PH_FTA_GATE: return a->gate_bdd[r.index];
	case PH_FTA_HOUSE:
		return a->m->ev[PH_FTA_HOUSE].v[r.index].value ? PH_FTA_DD_ONE : PH_FTA_DD_ZERO;
	case PH_FTA_CONST: return r.index ? PH_FTA_DD_ONE : PH_FTA_DD_ZERO;
	default: return formula_bdd(a, r.index);
	}
}

/* "At least min and at most max of the arguments" by counting: t[j] is
 * "at least j of the arguments seen so far". */
static uint32_t count_bdd(analysis *a, const ph_fta_formula *fo, int min, int max)
{
	ph_fta_bdd *b = a->bdd;
	size_t k = (size_t)max + 1;
	uint32_t *t = malloc((k + 1) * sizeof *t), r = PH_FTA_DD_FAIL;
	if (!t)
		return PH_FTA_DD_FAIL;
	t[0] = PH_FTA_DD_ONE;
	for (size_t j = 1; j <= k; j++)
		t[j] = PH_FTA_DD_ZERO;
	for (size_t i = 0; i < fo->nargs; i++) {
		uint32_t x = arg_bdd(a, a->m->args.v[fo->first + i]);
		for (size_t j = k; j >= 1; j--)
			t[j] = ph_fta_bdd_or(b, t[j], ph_fta_bdd_and(b, x, t[j - 1]));
		if (t[k] == PH_FTA_DD_FAIL)
			goto out;
	}
	r = ph_fta_bdd_and(b, t[min], ph_fta_bdd_not(b, t[k]));
out:
	free(t);
	return r;
}

/* The AND or OR of the arguments, combined pairwise (a balanced tree of
 * operations): the intermediate diagrams stay smaller than with a running
 * result that grows with every argument. */
static uint32_t fold(analysis *a, const ph_fta_formula *fo, int is_and)
{
	size_t n = fo->nargs;
	uint32_t small[16], *v = n <= 16 ? small : malloc(n * sizeof *v);
	if (!v)
		return PH_FTA_DD_FAIL;
	for (size_t i = 0; i < n; i++)
		v[i] = arg_bdd(a, a->m->args.v[fo->first + i]);
	while (n > 1) {
		size_t k = 0;
		for (size_t i = 0; i + 1 < n; i += 2)
			v[k++] = is_and ? ph_fta_bdd_and(a->bdd, v[i], v[i + 1])
			                : ph_fta_bdd_or(a->bdd, v[i], v[i + 1]);
		if (n % 2)
			v[k++] = v[n - 1];
		n = k;
	}
	uint32_t r = fo->nargs ? v[0] : is_and ? PH_FTA_DD_ONE : PH_FTA_DD_ZERO;
	if (v != small)
		free(v);
	return r;
}

static uint32_t formula_bdd(analysis *a, size_t f)
{
	const ph_fta_formula *fo = &a->m->formulas.v[f];
	const ph_fta_ref *args = a->m->args.v + fo->first;
	ph_fta_bdd *b = a->bdd;
	switch (fo->op) {
	case PH_FTA_AND: return fold(a, fo, 1);
	case PH_FTA_OR: return fold(a, fo, 0);
	case PH_FTA_NAND: return ph_fta_bdd_not(b, fold(a, fo, 1));
	case PH_FTA_NOR: return ph_fta_bdd_not(b, fold(a, fo, 0));
	case PH_FTA_NOT: return ph_fta_bdd_not(b, arg_bdd(a, args[0]));
	case PH_FTA_NULL: return arg_bdd(a, args[0]);
	case PH_FTA_XOR: return ph_fta_bdd_xor(b, arg_bdd(a, args[0]), arg_bdd(a, args[1]));
	case PH_FTA_IFF:
		return ph_fta_bdd_not(b,
		                      ph_fta_bdd_xor(b, arg_bdd(a, args[0]), arg_bdd(a, args[1])));
	case PH_FTA_IMPLY:
		return ph_fta_bdd_or(b, ph_fta_bdd_not(b, arg_bdd(a, args[0])),
		                     arg_bdd(a, args[1]));
	case PH_FTA_ATLEAST: return count_bdd(a, fo, fo->vote, (int)fo->nargs);
	case PH_FTA_CARDINAL: return count_bdd(a, fo, fo->vote, fo->vote_max);
	}
	return PH_FTA_DD_FAIL;
}

static int dd_fail(analysis *a, int err, const char *what)
{
	if (err == PH_FTA_ELIMIT)
		return ph_fta_afail(a, err, "gate '%s': the %s exceeds %zu nodes",
		                    ph_fta_gate_name(a, a->top), what, a->opt->max_nodes);
	return ph_fta_afail(a, PH_FTA_ENOMEM, "gate '%s': out of memory building the %s",
	                    ph_fta_gate_name(a, a->top), what);
}

static int build_bdd(analysis *a, uint32_t *root)
{
	size_t ng = a->m->ev[PH_FTA_GATE].n;
	a->bdd = ph_fta_bdd_new(a->nvars, a->opt->max_nodes);
	a->gate_bdd = malloc((ng ? ng : 1) * sizeof *a->gate_bdd);
	if (!a->bdd || !a->gate_bdd)
		return ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
	for (size_t i = 0; i < a->ngates; i++) {
		uint32_t g = a->postorder[i];
		a->gate_bdd[g] = formula_bdd(a, ph_fta_gate(a, g)->formula);
		if (a->gate_bdd[g] == PH_FTA_DD_FAIL) {
			int e = ph_fta_bdd_error(a->bdd);
			return dd_fail(a, e ? e : PH_FTA_ENOMEM, "BDD");
		}
	}
	*root = a->gate_bdd[a->top];
	return 0;
}

static int run(analysis *a, result_impl *r)
{
	uint32_t root = PH_FTA_DD_ZERO, s;
	int rc = ph_fta_order_variables(a);
	if (!rc)
		rc = build_bdd(a, &root);
	if (rc)
		return rc;
	r->pub.n_vars = a->nvars;
	r->pub.limit_order = a->opt->limit_order > 0 ? a->opt->limit_order : 0;
	if ((rc = ph_fta_copy_names(a, r)))
		return rc;
	a->zbdd = ph_fta_zbdd_new(a->nvars, a->opt->max_nodes);
	if (!a->zbdd)
		return ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
	s = ph_fta_zbdd_mcs(a->zbdd, a->bdd, root,
	                    a->opt->limit_order > 0 ? a->opt->limit_order : -1);
	if (s == PH_FTA_DD_FAIL) {
		int e = ph_fta_zbdd_error(a->zbdd);
		return dd_fail(a, e ? e : PH_FTA_ENOMEM, "cut-set ZBDD");
	}
	/* The BDD is complete: its unique table and cache make room for the
	 * probability passes (CEA9601: 96 of 262 MiB). */
	ph_fta_bdd_freeze(a->bdd);
	uint32_t missing;
	double *p = ph_fta_variable_probabilities(a, &missing);
	if (!p && missing == NONE)
		return ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
	r->pub.missing = p ? NULL : r->names[missing];
	if (a->opt->importance && p &&
	    !(a->occurrence = calloc(a->nvars ? a->nvars : 1, sizeof *a->occurrence)))
		rc = ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
	if (!rc)
		rc = ph_fta_collect_products(a, r, s, p);
	if (!rc)
		rc = ph_fta_quantify(a, r, root, p);
	if (!rc && a->occurrence)
		rc = ph_fta_importance_factors(a, r, root, p);
	if (!rc && p && a->opt->uncertainty_trials)
		rc = ph_fta_monte_carlo(a, r, root);
	r->pub.bdd_nodes = ph_fta_bdd_size(a->bdd);
	r->pub.zbdd_nodes = ph_fta_zbdd_size(a->zbdd);
	free(p);
	return rc;
}

int ph_fta_analyse(const ph_fta_model *m, const char *top, const ph_fta_options *opt,
                   ph_fta_result **out, char *err, size_t errlen)
{
	ph_fta_options o;
	analysis a = { .m = m, .err = err, .errlen = err ? errlen : 0 };
	if (err && errlen)
		err[0] = 0;
	if (!out)
		return PH_FTA_EARG;
	*out = NULL;
	if (!m)
		return ph_fta_afail(&a, PH_FTA_EARG, "no model");
	ph_fta_options_init(&o);
	if (opt) {
		o.limit_order = opt->limit_order;
		o.max_nodes = opt->max_nodes ? opt->max_nodes : o.max_nodes;
		o.max_products = opt->max_products ? opt->max_products : o.max_products;
		o.importance = opt->importance;
		o.no_ccf = opt->no_ccf;
		o.uncertainty_trials = opt->uncertainty_trials;
		o.seed = opt->seed;
		if (o.uncertainty_trials > PH_FTA_MAX_TRIALS)
			return ph_fta_afail(&a, PH_FTA_EARG, "more than %zu trials",
			                    PH_FTA_MAX_TRIALS);
	}
	a.opt = &o;
	result_impl *r = calloc(1, sizeof *r);
	if (!r)
		return ph_fta_afail(&a, PH_FTA_ENOMEM, "out of memory");
	int rc = ph_fta_pick_top(&a, top);
	if (!rc)
		rc = run(&a, r);
	ph_fta_zbdd_free(a.zbdd);
	ph_fta_bdd_free(a.bdd);
	free(a.gate_bdd);
	free(a.occurrence);
	free(a.postorder);
	free(a.basic_of);
	free(a.var_of);
	if (rc) {
		ph_fta_result_free(&r->pub);
		return rc;
	}
	*out = &r->pub;
	return 0;
}

void ph_fta_result_free(ph_fta_result *res)
{
	if (!res)
		return;
	result_impl *r = (result_impl *)res;
	free(r->pub.products);
	free(r->pub.importance);
	free(r->pool);
	free(r->names);
	free((void *)r->pub.events);
	free(r->strings);
	free(r);
}
