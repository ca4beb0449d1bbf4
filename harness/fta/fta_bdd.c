/*
 * fta_bdd.c - reduced ordered BDDs: Boolean operations by recursive apply
 * over the unique table and computed cache, and the exact probability of a
 * function by Shannon expansion.
 */
#include <stdlib.h>

#include "fta_dd.h"
#include "fta_internal.h"

enum { OP_AND = 1, OP_OR, OP_XOR, OP_NOT };

struct ph_fta_bdd {
	ph_fta_dd_store s;
};

ph_fta_bdd *ph_fta_bdd_new(uint32_t nvars, size_t max_nodes)
{
	ph_fta_bdd *b = calloc(1, sizeof *b);
	if (b && ph_fta_dd_store_init(&b->s, nvars, max_nodes)) {
		free(b);
		return NULL;
	}
	return b;
}

void ph_fta_bdd_freeze(ph_fta_bdd *b)
{
	ph_fta_dd_store_freeze(&b->s);
}

void ph_fta_bdd_free(ph_fta_bdd *b)
{
	if (!b)
		return;
	ph_fta_dd_store_fini(&b->s);
	free(b);
}

int ph_fta_bdd_error(const ph_fta_bdd *b)
{
	return b->s.error;
}

size_t ph_fta_bdd_size(const ph_fta_bdd *b)
{
	return b->s.n;
}

const ph_fta_dd_node *ph_fta_bdd_node(const ph_fta_bdd *b, uint32_t f)
{
	return &b->s.nodes[f];
}

/* Reduced node: both branches equal means the test is useless. */
static uint32_t mk(ph_fta_bdd *b, uint32_t var, uint32_t lo, uint32_t hi)
{
	if (lo == PH_FTA_DD_FAIL || hi == PH_FTA_DD_FAIL)
		return PH_FTA_DD_FAIL;
	if (lo == hi)
		return lo;
	return ph_fta_dd_store_node(&b->s, var, lo, hi);
}

uint32_t ph_fta_bdd_var(ph_fta_bdd *b, uint32_t v)
{
	return mk(b, v, PH_FTA_DD_ZERO, PH_FTA_DD_ONE);
}

uint32_t ph_fta_bdd_not(ph_fta_bdd *b, uint32_t f)
{
	if (f == PH_FTA_DD_FAIL)
		return f;
	if (f <= PH_FTA_DD_ONE)
		return f ^ 1u;
	uint32_t r;
	if (ph_fta_dd_cache_get(&b->s, OP_NOT, f, 0, &r))
		return r;
	ph_fta_dd_node x = b->s.nodes[f];
	uint32_t lo = ph_fta_bdd_not(b, x.lo);
	r = mk(b, x.var, lo, lo == PH_FTA_DD_FAIL ? lo : ph_fta_bdd_not(b, x.hi));
	if (r != PH_FTA_DD_FAIL)
		ph_fta_dd_cache_put(&b->s, OP_NOT, f, 0, r);
	return r;
}

/* Terminal cases; returns 1 and *r when the result is known without recursion. */
static int terminal(ph_fta_bdd *b, int op, uint32_t f, uint32_t g, uint32_t *r)
{
	switch (op) {
	case OP_AND:
		if (f == PH_FTA_DD_ZERO || g == PH_FTA_DD_ZERO)
			*r = PH_FTA_DD_ZERO;
		else if (f == PH_FTA_DD_ONE || f == g)
			*r = g;
		else if (g == PH_FTA_DD_ONE)
			*r = f;
		else
			return 0;
		return 1;
	case OP_OR:
		if (f == PH_FTA_DD_ONE || g == PH_FTA_DD_ONE)
			*r = PH_FTA_DD_ONE;
		else if (f == PH_FTA_DD_ZERO || f == g)
			*r = g;
		else if (g == PH_FTA_DD_ZERO)
			*r = f;
		else
			return 0;
		return 1;
	default: /* OP_XOR */
		if (f == g)
			*r = PH_FTA_DD_ZERO;
		else if (f == PH_FTA_DD_ZERO)
			*r = g;
		else if (g == PH_FTA_DD_ZERO)
			*r = f;
		else if (f == PH_FTA_DD_ONE)
			*r = ph_fta_bdd_not(b, g);
		else if (g == PH_FTA_DD_ONE)
			*r = ph_fta_bdd_not(b, f);
		else
			return 0;
		return 1;
	}
}

static uint32_t apply(ph_fta_bdd *b, int op, uint32_t f, uint32_t g)
{
	uint32_t r;
	if (f == PH_FTA_DD_FAIL || g == PH_FTA_DD_FAIL)
		return PH_FTA_DD_FAIL;
	if (terminal(b, op, f, g, &r))
		return r;
	if (f > g) { /* all three operations commute */
		uint32_t t = f;
		f = g;
		g = t;
	}
	if (ph_fta_dd_cache_get(&b->s, (uint32_t)op, f, g, &r))
		return r;
	ph_fta_dd_node x = b->s.nodes[f], y = b->s.nodes[g];
	uint32_t v = x.var < y.var ? x.var : y.var;
	uint32_t f0 = x.var == v ? x.lo : f, f1 = x.var == v ? x.hi : f;
	uint32_t g0 = y.var == v ? y.lo : g, g1 = y.var == v ? y.hi : g;
	uint32_t lo = apply(b, op, f0, g0);
	uint32_t hi = lo == PH_FTA_DD_FAIL ? lo : apply(b, op, f1, g1);
	r = mk(b, v, lo, hi);
	if (r != PH_FTA_DD_FAIL)
		ph_fta_dd_cache_put(&b->s, (uint32_t)op, f, g, r);
	return r;
}

uint32_t ph_fta_bdd_and(ph_fta_bdd *b, uint32_t f, uint32_t g)
{
	return apply(b, OP_AND, f, g);
}

uint32_t ph_fta_bdd_or(ph_fta_bdd *b, uint32_t f, uint32_t g)
{
	return apply(b, OP_OR, f, g);
}

uint32_t ph_fta_bdd_xor(ph_fta_bdd *b, uint32_t f, uint32_t g)
{
	return apply(b, OP_XOR, f, g);
}

static double prob_rec(const ph_fta_bdd *b, uint32_t f, const double *p, double *memo)
{
	if (f <= PH_FTA_DD_ONE)
		return (double)f;
	if (memo[f] >= 0)
		return memo[f];
	const ph_fta_dd_node *x = &b->s.nodes[f];
	double q = p[x->var];
	double r = q * prob_rec(b, x->hi, p, memo) + (1 - q) * prob_rec(b, x->lo, p, memo);
	memo[f] = r;
	return r;
}

double ph_fta_bdd_probability(const ph_fta_bdd *b, uint32_t f, const double *p)
{
	double *memo = malloc(b->s.n * sizeof *memo);
	if (!memo)
		return -1;
	for (size_t i = 0; i < b->s.n; i++)
		memo[i] = -1;
	double r = prob_rec(b, f, p, memo);
	free(memo);
	return r;
}

/* A node's children were made before it, so ids below a node's are a
 * topological order: probabilities bottom-up, reach top-down. */
int ph_fta_bdd_birnbaum(const ph_fta_bdd *b, uint32_t f, const double *p, double *mif)
{
	for (uint32_t v = 0; v < b->s.nvars; v++)
		mif[v] = 0;
	if (f <= PH_FTA_DD_ONE)
		return 0;
	size_t n = (size_t)f + 1;
	double *prob = malloc(n * sizeof *prob), *reach = calloc(n, sizeof *reach);
	if (!prob || !reach) {
		free(prob);
		free(reach);
		return PH_FTA_ENOMEM;
	}
	prob[0] = 0;
	prob[1] = 1;
	for (size_t i = 2; i < n; i++) {
		const ph_fta_dd_node *x = &b->s.nodes[i];
		prob[i] = p[x->var] * prob[x->hi] + (1 - p[x->var]) * prob[x->lo];
	}
	reach[f] = 1;
	for (size_t i = f; i >= 2; i--) {
		if (reach[i] == 0)
			continue;
		const ph_fta_dd_node *x = &b->s.nodes[i];
		reach[x->hi] += reach[i] * p[x->var];
		reach[x->lo] += reach[i] * (1 - p[x->var]);
		mif[x->var] += reach[i] * (prob[x->hi] - prob[x->lo]);
	}
	free(prob);
	free(reach);
	return 0;
}
