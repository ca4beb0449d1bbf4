/*
 * fta_cutsets.c - the result's names and its minimal cut sets: products
 * read out of the cut-set ZBDD, ranked as SCRAM lists them, each with its
 * probability.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fta_analysis_priv.h"

/* Public events by name, private ones by full path (as SCRAM reports). */
static const char *var_name(const analysis *a, uint32_t v)
{
	const ph_fta_event *e = &a->m->ev[PH_FTA_BASIC].v[a->basic_of[v]];
	return e->is_public ? e->name : e->path;
}

int ph_fta_copy_names(analysis *a, result_impl *r)
{
	const char *top = ph_fta_gate_name(a, a->top);
	size_t len = strlen(top) + 1;
	for (uint32_t v = 0; v < a->nvars; v++)
		len += strlen(var_name(a, v)) + 1;
	r->strings = malloc(len);
	r->names = malloc((a->nvars ? a->nvars : 1) * sizeof *r->names);
	if (!r->strings || !r->names)
		return ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
	char *p = r->strings;
	r->pub.top = p;
	p = stpcpy(p, top) + 1;
	for (uint32_t v = 0; v < a->nvars; v++) {
		r->names[v] = p;
		p = stpcpy(p, var_name(a, v)) + 1;
	}
	return 0;
}

/* Cut sets are gathered as name ranks (the position of each event's name
 * in strcmp order), so sorting compares integers, not strings. */
typedef struct raw_product {
	const uint32_t *ranks; /* sorted */
	size_t order;
	double probability;
} raw_product;

typedef struct collect {
	raw_product *products;
	size_t n;
	uint32_t *ranks; /* pool */
	size_t used;
	const uint32_t *rank_of; /* variable -> rank */
	const double *p;         /* NULL when probabilities are unknown */
	size_t *occurrence;      /* variable -> cut sets holding it, or NULL */
} collect;

static int add_product(void *ctx, const uint32_t *vars, size_t n)
{
	collect *c = ctx;
	raw_product *pr = &c->products[c->n++];
	uint32_t *r = c->ranks + c->used;
	c->used += n;
	pr->ranks = r;
	pr->order = n;
	pr->probability = c->p ? 1.0 : 0.0;
	for (size_t i = 0; i < n; i++) {
		uint32_t x = c->rank_of[vars[i]];
		size_t k = i;
		for (; k > 0 && r[k - 1] > x; k--) /* insertion sort: sets are short */
			r[k] = r[k - 1];
		r[k] = x;
		if (c->p)
			pr->probability *= c->p[vars[i]];
		if (c->occurrence)
			c->occurrence[vars[i]]++;
	}
	return 0;
}

static int cmp_raw(const void *x, const void *y)
{
	const raw_product *a = x, *b = y;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	for (size_t i = 0; i < a->order; i++)
		if (a->ranks[i] != b->ranks[i])
			return a->ranks[i] < b->ranks[i] ? -1 : 1;
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

typedef struct name_rank {
	const char *name;
	uint32_t var;
} name_rank;

static int cmp_name_rank(const void *x, const void *y)
{
	return strcmp(((const name_rank *)x)->name, ((const name_rank *)y)->name);
}

/* rank_of[v]: position of variable v's name in sorted order; by_rank[k]
 * the name at position k. */
static int rank_names(analysis *a, result_impl *r, uint32_t *rank_of, const char **by_rank)
{
	name_rank *nr = malloc((a->nvars ? a->nvars : 1) * sizeof *nr);
	if (!nr)
		return ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
	for (uint32_t v = 0; v < a->nvars; v++)
		nr[v] = (name_rank){ r->names[v], v };
	qsort(nr, a->nvars, sizeof *nr, cmp_name_rank);
	for (uint32_t k = 0; k < a->nvars; k++) {
		rank_of[nr[k].var] = k;
		by_rank[k] = nr[k].name;
	}
	free(nr);
	return 0;
}

static int gather(analysis *a, result_impl *r, uint32_t s, const double *p, collect *c,
                  const char **by_rank)
{
	sizer sz = { 0 };
	uint64_t count = ph_fta_zbdd_count(a->zbdd, s);
	if (count > a->opt->max_products)
		return ph_fta_afail(
		        a, PH_FTA_ELIMIT,
		        "gate '%s': %llu minimal cut sets exceed the cap of %zu (lower the "
		        "order limit)",
		        ph_fta_gate_name(a, a->top), (unsigned long long)count,
		        a->opt->max_products);
	c->products = malloc((count ? count : 1) * sizeof *c->products);
	c->p = p;
	if (!c->products || ph_fta_zbdd_foreach(a->zbdd, s, add_size, &sz))
		return ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
	c->ranks = malloc((sz.total ? sz.total : 1) * sizeof *c->ranks);
	r->pub.products = malloc((count ? count : 1) * sizeof *r->pub.products);
	r->pool = malloc((sz.total ? sz.total : 1) * sizeof *r->pool);
	if (!c->ranks || !r->pub.products || !r->pool ||
	    ph_fta_zbdd_foreach(a->zbdd, s, add_product, c))
		return ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
	qsort(c->products, c->n, sizeof *c->products, cmp_raw);
	for (size_t i = 0; i < c->n; i++) {
		ph_fta_product *pr = &r->pub.products[i];
		pr->order = c->products[i].order;
		pr->probability = c->products[i].probability;
		pr->events = r->pool + r->pool_n;
		for (size_t k = 0; k < pr->order; k++)
			r->pool[r->pool_n++] = by_rank[c->products[i].ranks[k]];
	}
	r->pub.n_products = c->n;
	return 0;
}

int ph_fta_collect_products(analysis *a, result_impl *r, uint32_t s, const double *p)
{
	size_t nv = a->nvars ? a->nvars : 1;
	uint32_t *rank_of = malloc(nv * sizeof *rank_of);
	const char **by_rank = malloc(nv * sizeof *by_rank);
	collect c = { 0 };
	c.rank_of = rank_of;
	c.occurrence = a->occurrence;
	int rc = rank_of && by_rank ? rank_names(a, r, rank_of, by_rank)
	                            : ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
	if (!rc)
		rc = gather(a, r, s, p, &c, by_rank);
	free(c.products);
	free(c.ranks);
	r->pub.events = by_rank; /* every event under the top, in name order */
	free(rank_of);
	return rc;
}
