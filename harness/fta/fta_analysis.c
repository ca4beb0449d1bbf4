/*
 * fta_analysis.c - analysis of one top event: variable order, BDD of the
 * top gate, exact probability, minimal cut sets (ZBDD) and the result the
 * CLI prints and the validation campaign drives injections from.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int fail(analysis *a, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(analysis *a, int code, const char *fmt, ...)
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
}

static const ph_fta_event *gate(const analysis *a, uint32_t g)
{
	return &a->m->ev[PH_FTA_GATE].v[g];
}

static const char *gate_name(const analysis *a, uint32_t g)
{
	return gate(a, g)->is_public ? gate(a, g)->name : gate(a, g)->path;
}

static int pick_top(analysis *a, const char *top)
{
	const ph_fta_model *m = a->m;
	if (top) {
		if (!ph_fta_model_find_gate(m, top, &a->top))
			return fail(a, PH_FTA_ETOP, "gate '%s': no such gate in the model", top);
		return 0;
	}
	if (m->tops.n == 1) {
		a->top = m->tops.v[0];
		return 0;
	}
	if (m->tops.n == 0)
		return fail(a, PH_FTA_ETOP, "the model has no top event (no fault tree gate)");
	char list[256] = "";
	size_t k = 0;
	for (size_t i = 0; i < m->tops.n && k < sizeof list; i++) {
		int w = snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "",
		                 ph_fta_model_top(m, i));
		k += w > 0 ? (size_t)w : 0;
	}
	return fail(a, PH_FTA_ETOP, "the model has %zu top events (%s): choose one", m->tops.n,
	            list);
}

/* --- variable order: depth-first from the top ------------------------------- */

typedef struct frame {
	size_t formula, pos;
	uint32_t gate; /* NONE for a nested formula */
} frame;

static void visit_arg(analysis *a, ph_fta_ref r, frame *stack, size_t *sp, unsigned char *seen)
{
	const ph_fta_model *m = a->m;
	if (r.kind == PH_FTA_BASIC && a->var_of[r.index] == NONE) {
		a->basic_of[a->nvars] = r.index;
		a->var_of[r.index] = a->nvars++;
	} else if (r.kind == PH_FTA_GATE && !seen[r.index]) {
		seen[r.index] = 1;
		stack[(*sp)++] = (frame){ m->ev[PH_FTA_GATE].v[r.index].formula, 0, r.index };
	} else if (r.kind == PH_FTA_FORMULA) {
		stack[(*sp)++] = (frame){ r.index, 0, NONE };
	}
}

static int order_variables(analysis *a)
{
	const ph_fta_model *m = a->m;
	size_t ng = m->ev[PH_FTA_GATE].n, nb = m->ev[PH_FTA_BASIC].n;
	frame *stack = malloc((ng + m->formulas.n + 1) * sizeof *stack);
	unsigned char *seen = calloc(ng ? ng : 1, 1);
	a->var_of = malloc((nb ? nb : 1) * sizeof *a->var_of);
	a->basic_of = malloc((nb ? nb : 1) * sizeof *a->basic_of);
	a->postorder = malloc((ng ? ng : 1) * sizeof *a->postorder);
	int rc = 0;
	if (!stack || !seen || !a->var_of || !a->basic_of || !a->postorder) {
		rc = fail(a, PH_FTA_ENOMEM, "out of memory");
		goto out_free;
	}
	for (size_t i = 0; i < nb; i++)
		a->var_of[i] = NONE;
	size_t sp = 0;
	seen[a->top] = 1;
	stack[sp++] = (frame){ gate(a, a->top)->formula, 0, a->top };
	while (sp) {
		frame *f = &stack[sp - 1];
		const ph_fta_formula *fo = &m->formulas.v[f->formula];
		if (f->pos == fo->nargs) {
			if (f->gate != NONE)
				a->postorder[a->ngates++] = f->gate;
			sp--;
			continue;
		}
		visit_arg(a, m->args.v[fo->first + f->pos++], stack, &sp, seen);
	}
out_free:
	free(seen);
	free(stack);
	return rc;
}

/* --- BDD of the top gate ------------------------------------------------------ */

static uint32_t formula_bdd(analysis *a, size_t f);

static uint32_t arg_bdd(analysis *a, ph_fta_ref r)
{
	switch (r.kind) {
	case PH_FTA_BASIC: return ph_fta_bdd_var(a->bdd, a->var_of[r.index]);
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

static uint32_t fold(analysis *a, const ph_fta_formula *fo, int is_and)
{
	uint32_t r = is_and ? PH_FTA_DD_ONE : PH_FTA_DD_ZERO;
	for (size_t i = 0; i < fo->nargs && r != PH_FTA_DD_FAIL; i++) {
		uint32_t x = arg_bdd(a, a->m->args.v[fo->first + i]);
		r = is_and ? ph_fta_bdd_and(a->bdd, r, x) : ph_fta_bdd_or(a->bdd, r, x);
	}
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
		return fail(a, err, "gate '%s': the %s exceeds %zu nodes", gate_name(a, a->top),
		            what, a->opt->max_nodes);
	return fail(a, PH_FTA_ENOMEM, "gate '%s': out of memory building the %s",
	            gate_name(a, a->top), what);
}

static int build_bdd(analysis *a, uint32_t *root)
{
	size_t ng = a->m->ev[PH_FTA_GATE].n;
	a->bdd = ph_fta_bdd_new(a->nvars, a->opt->max_nodes);
	a->gate_bdd = malloc((ng ? ng : 1) * sizeof *a->gate_bdd);
	if (!a->bdd || !a->gate_bdd)
		return fail(a, PH_FTA_ENOMEM, "out of memory");
	for (size_t i = 0; i < a->ngates; i++) {
		uint32_t g = a->postorder[i];
		a->gate_bdd[g] = formula_bdd(a, gate(a, g)->formula);
		if (a->gate_bdd[g] == PH_FTA_DD_FAIL) {
			int e = ph_fta_bdd_error(a->bdd);
			return dd_fail(a, e ? e : PH_FTA_ENOMEM, "BDD");
		}
	}
	*root = a->gate_bdd[a->top];
	return 0;
}

/* --- result ----------------------------------------------------------------- */

/* Public events by name, private ones by full path (as SCRAM reports). */
static const char *var_name(const analysis *a, uint32_t v)
{
	const ph_fta_event *e = &a->m->ev[PH_FTA_BASIC].v[a->basic_of[v]];
	return e->is_public ? e->name : e->path;
}

static int copy_names(analysis *a, result_impl *r)
{
	const char *top = gate_name(a, a->top);
	size_t len = strlen(top) + 1;
	for (uint32_t v = 0; v < a->nvars; v++)
		len += strlen(var_name(a, v)) + 1;
	r->strings = malloc(len);
	r->names = malloc((a->nvars ? a->nvars : 1) * sizeof *r->names);
	if (!r->strings || !r->names)
		return fail(a, PH_FTA_ENOMEM, "out of memory");
	char *p = r->strings;
	r->pub.top = p;
	p = stpcpy(p, top) + 1;
	for (uint32_t v = 0; v < a->nvars; v++) {
		r->names[v] = p;
		p = stpcpy(p, var_name(a, v)) + 1;
	}
	return 0;
}

typedef struct collect {
	result_impl *r;
	const double *p; /* NULL when probabilities are unknown */
} collect;

static int add_product(void *ctx, const uint32_t *vars, size_t n)
{
	collect *c = ctx;
	result_impl *r = c->r;
	ph_fta_product *pr = &r->pub.products[r->pub.n_products++];
	pr->order = n;
	pr->events = r->pool + r->pool_n;
	pr->probability = c->p ? 1.0 : 0.0;
	for (size_t i = 0; i < n; i++) {
		r->pool[r->pool_n++] = r->names[vars[i]];
		if (c->p)
			pr->probability *= c->p[vars[i]];
	}
	return 0;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int cmp_product(const void *x, const void *y)
{
	const ph_fta_product *a = x, *b = y;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	for (size_t i = 0; i < a->order; i++) {
		int c = strcmp(a->events[i], b->events[i]);
		if (c)
			return c;
	}
	return 0;
}

typedef struct sizer {
	size_t total;
} sizer;

static int add_size(void *ctx, const uint32_t *vars, size_t n)
{
	(void)vars;
	((sizer *)ctx)->total += n;
	return 0;
}

static int collect_products(analysis *a, result_impl *r, uint32_t s, const double *p)
{
	uint64_t count = ph_fta_zbdd_count(a->zbdd, s);
	if (count > a->opt->max_products)
		return fail(a, PH_FTA_ELIMIT,
		            "gate '%s': %llu minimal cut sets exceed the cap of %zu (lower the "
		            "order limit)",
		            gate_name(a, a->top), (unsigned long long)count, a->opt->max_products);
	sizer sz = { 0 };
	int rc = ph_fta_zbdd_foreach(a->zbdd, s, add_size, &sz);
	r->pub.products = malloc((count ? count : 1) * sizeof *r->pub.products);
	r->pool = malloc((sz.total ? sz.total : 1) * sizeof *r->pool);
	if (rc || !r->pub.products || !r->pool)
		return fail(a, PH_FTA_ENOMEM, "out of memory");
	collect c = { r, p };
	if (ph_fta_zbdd_foreach(a->zbdd, s, add_product, &c))
		return fail(a, PH_FTA_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->pub.n_products; i++)
		qsort((void *)r->pub.products[i].events, r->pub.products[i].order,
		      sizeof(const char *), cmp_str);
	qsort(r->pub.products, r->pub.n_products, sizeof *r->pub.products, cmp_product);
	return 0;
}

/* Probabilities per variable, or NULL with *missing set to the first
 * variable without one (NONE when out of memory). */
static double *variable_probabilities(analysis *a, uint32_t *missing)
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

static int quantify(analysis *a, result_impl *r, uint32_t root, const double *p)
{
	ph_fta_result *pub = &r->pub;
	if (!p)
		return 0;
	pub->has_probability = 1;
	pub->probability = ph_fta_bdd_probability(a->bdd, root, p);
	if (pub->probability < 0)
		return fail(a, PH_FTA_ENOMEM, "out of memory");
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

static int run(analysis *a, result_impl *r)
{
	uint32_t root = PH_FTA_DD_ZERO, s;
	int rc = order_variables(a);
	if (!rc)
		rc = build_bdd(a, &root);
	if (rc)
		return rc;
	r->pub.n_vars = a->nvars;
	r->pub.limit_order = a->opt->limit_order > 0 ? a->opt->limit_order : 0;
	if ((rc = copy_names(a, r)))
		return rc;
	a->zbdd = ph_fta_zbdd_new(a->nvars, a->opt->max_nodes);
	if (!a->zbdd)
		return fail(a, PH_FTA_ENOMEM, "out of memory");
	s = ph_fta_zbdd_mcs(a->zbdd, a->bdd, root,
	                    a->opt->limit_order > 0 ? a->opt->limit_order : -1);
	if (s == PH_FTA_DD_FAIL) {
		int e = ph_fta_zbdd_error(a->zbdd);
		return dd_fail(a, e ? e : PH_FTA_ENOMEM, "cut-set ZBDD");
	}
	uint32_t missing;
	double *p = variable_probabilities(a, &missing);
	if (!p && missing == NONE)
		return fail(a, PH_FTA_ENOMEM, "out of memory");
	r->pub.missing = p ? NULL : r->names[missing];
	rc = collect_products(a, r, s, p);
	if (!rc)
		rc = quantify(a, r, root, p);
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
		return fail(&a, PH_FTA_EARG, "no model");
	ph_fta_options_init(&o);
	if (opt) {
		o.limit_order = opt->limit_order;
		o.max_nodes = opt->max_nodes ? opt->max_nodes : o.max_nodes;
		o.max_products = opt->max_products ? opt->max_products : o.max_products;
	}
	a.opt = &o;
	result_impl *r = calloc(1, sizeof *r);
	if (!r)
		return fail(&a, PH_FTA_ENOMEM, "out of memory");
	int rc = pick_top(&a, top);
	if (!rc)
		rc = run(&a, r);
	ph_fta_zbdd_free(a.zbdd);
	ph_fta_bdd_free(a.bdd);
	free(a.gate_bdd);
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
	free(r->pool);
	free(r->names);
	free(r->strings);
	free(r);
}
