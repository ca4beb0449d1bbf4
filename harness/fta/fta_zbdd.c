/*
 * fta_zbdd.c - minimal cut sets as a zero-suppressed BDD, computed from the
 * top event's BDD with Rauzy's recursion:
 *
 *   mcs(ite(x, f1, f0)) = x . without(mcs(f1), mcs(f0))  +  mcs(f0)
 *
 * where without(F, G) drops every set of F that contains a set of G.  On a
 * non-coherent function this gives the minimal sets of true variables that
 * make f true with all other variables false: complemented literals are
 * dropped, as SCRAM does unless asked for prime implicants.  An order limit
 * L keeps sets of at most L variables: the high branch gets L - 1.
 */
#include <stdlib.h>
#include <string.h>

#include "fta_dd.h"
#include "fta_internal.h"

enum { OP_WITHOUT = 1 };

#define NO_LIMIT UINT32_MAX

/* Memo of mcs(f, limit) keyed by (BDD node, limit). */
typedef struct memo_slot {
	uint32_t f, limit, r; /* f 0: free (terminals are never stored) */
} memo_slot;

struct ph_fta_zbdd {
	ph_fta_dd_store s;
	memo_slot *memo;
	size_t memo_cap, memo_used;
};

ph_fta_zbdd *ph_fta_zbdd_new(uint32_t nvars, size_t max_nodes)
{
	ph_fta_zbdd *z = calloc(1, sizeof *z);
	if (z && ph_fta_dd_store_init(&z->s, nvars, max_nodes)) {
		free(z);
		return NULL;
	}
	return z;
}

void ph_fta_zbdd_free(ph_fta_zbdd *z)
{
	if (!z)
		return;
	ph_fta_dd_store_fini(&z->s);
	free(z->memo);
	free(z);
}

int ph_fta_zbdd_error(const ph_fta_zbdd *z)
{
	return z->s.error;
}

size_t ph_fta_zbdd_size(const ph_fta_zbdd *z)
{
	return z->s.n;
}

/* Zero-suppressed node: a set family whose "with var" part is empty is
 * just its "without var" part. */
static uint32_t zmk(ph_fta_zbdd *z, uint32_t var, uint32_t hi, uint32_t lo)
{
	if (lo == PH_FTA_DD_FAIL || hi == PH_FTA_DD_FAIL)
		return PH_FTA_DD_FAIL;
	if (hi == PH_FTA_DD_ZERO)
		return lo;
	return ph_fta_dd_store_node(&z->s, var, lo, hi);
}

static int has_empty_set(const ph_fta_zbdd *z, uint32_t g)
{
	while (g > PH_FTA_DD_ONE)
		g = z->s.nodes[g].lo;
	return g == PH_FTA_DD_ONE;
}

/* The sets of f that contain no set of g. */
static uint32_t without(ph_fta_zbdd *z, uint32_t f, uint32_t g)
{
	uint32_t r;
	if (f == PH_FTA_DD_FAIL || g == PH_FTA_DD_FAIL)
		return PH_FTA_DD_FAIL;
	if (f == PH_FTA_DD_ZERO || g == PH_FTA_DD_ZERO)
		return f;
	if (f == g || g == PH_FTA_DD_ONE)
		return PH_FTA_DD_ZERO;
	if (f == PH_FTA_DD_ONE)
		return has_empty_set(z, g) ? PH_FTA_DD_ZERO : PH_FTA_DD_ONE;
	if (ph_fta_dd_cache_get(&z->s, OP_WITHOUT, f, g, &r))
		return r;
	ph_fta_dd_node x = z->s.nodes[f], y = z->s.nodes[g];
	if (y.var < x.var) {
		/* Sets of g holding y.var cannot be inside sets of f. */
		r = without(z, f, y.lo);
	} else if (x.var < y.var) {
		uint32_t hi = without(z, x.hi, g);
		r = zmk(z, x.var, hi, hi == PH_FTA_DD_FAIL ? hi : without(z, x.lo, g));
	} else {
		uint32_t hi = without(z, without(z, x.hi, y.hi), y.lo);
		r = zmk(z, x.var, hi, hi == PH_FTA_DD_FAIL ? hi : without(z, x.lo, y.lo));
	}
	if (r != PH_FTA_DD_FAIL)
		ph_fta_dd_cache_put(&z->s, OP_WITHOUT, f, g, r);
	return r;
}

static size_t memo_hash(uint32_t f, uint32_t limit)
{
	uint64_t h = (((uint64_t)f << 32) | limit) * 0x9E3779B97F4A7C15ull;
	return (size_t)(h ^ (h >> 29));
}

static memo_slot *memo_find(ph_fta_zbdd *z, uint32_t f, uint32_t limit)
{
	size_t i = memo_hash(f, limit) & (z->memo_cap - 1);
	while (z->memo[i].f && (z->memo[i].f != f || z->memo[i].limit != limit))
		i = (i + 1) & (z->memo_cap - 1);
	return &z->memo[i];
}

static int memo_grow(ph_fta_zbdd *z)
{
	size_t old_cap = z->memo_cap;
	memo_slot *old = z->memo;
	z->memo_cap = old_cap ? old_cap * 2 : 4096;
	z->memo = malloc(z->memo_cap * sizeof *z->memo); /* zeroed at once: see zalloc */
	if (z->memo)
		memset(z->memo, 0, z->memo_cap * sizeof *z->memo);
	if (!z->memo) {
		z->memo = old;
		z->memo_cap = old_cap;
		return PH_FTA_ENOMEM;
	}
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].f)
			*memo_find(z, old[i].f, old[i].limit) = old[i];
	free(old);
	return 0;
}

static uint32_t memo_put(ph_fta_zbdd *z, uint32_t f, uint32_t limit, uint32_t r)
{
	if (r == PH_FTA_DD_FAIL)
		return r;
	if ((z->memo_used + 1) * 2 > z->memo_cap && memo_grow(z)) {
		if (!z->s.error)
			z->s.error = PH_FTA_ENOMEM;
		return PH_FTA_DD_FAIL;
	}
	*memo_find(z, f, limit) = (memo_slot){ f, limit, r };
	z->memo_used++;
	return r;
}

/* f with every variable false. */
static uint32_t all_false(const ph_fta_bdd *b, uint32_t f)
{
	while (f > PH_FTA_DD_ONE)
		f = ph_fta_bdd_node(b, f)->lo;
	return f;
}

static uint32_t mcs(ph_fta_zbdd *z, const ph_fta_bdd *b, uint32_t f, uint32_t limit)
{
	if (f <= PH_FTA_DD_ONE)
		return f; /* false: no set; true: the empty set */
	const ph_fta_dd_node *x = ph_fta_bdd_node(b, f);
	if (limit == 0)
		return all_false(b, f);
	if (limit != NO_LIMIT && limit >= z->s.nvars - x->var)
		limit = NO_LIMIT; /* no set below can be larger: share the memo */
	if (z->memo_cap) {
		memo_slot *m = memo_find(z, f, limit);
		if (m->f)
			return m->r;
	}
	uint32_t var = x->var, lo_f = x->lo, hi_f = x->hi;
	uint32_t lo = mcs(z, b, lo_f, limit);
	uint32_t hi =
	        lo == PH_FTA_DD_FAIL ? lo : mcs(z, b, hi_f, limit == NO_LIMIT ? limit : limit - 1);
	return memo_put(z, f, limit, zmk(z, var, without(z, hi, lo), lo));
}

uint32_t ph_fta_zbdd_mcs(ph_fta_zbdd *z, const ph_fta_bdd *b, uint32_t f, int limit)
{
	return mcs(z, b, f, limit < 0 ? NO_LIMIT : (uint32_t)limit);
}

static uint64_t count_rec(const ph_fta_zbdd *z, uint32_t s, uint64_t *memo)
{
	if (s <= PH_FTA_DD_ONE)
		return s;
	if (memo[s] != UINT64_MAX)
		return memo[s];
	uint64_t a = count_rec(z, z->s.nodes[s].hi, memo);
	uint64_t b = count_rec(z, z->s.nodes[s].lo, memo);
	uint64_t r = a > UINT64_MAX - 1 - b ? UINT64_MAX - 1 : a + b;
	memo[s] = r;
	return r;
}

uint64_t ph_fta_zbdd_count(const ph_fta_zbdd *z, uint32_t s)
{
	uint64_t *memo = malloc(z->s.n * sizeof *memo);
	if (!memo)
		return UINT64_MAX;
	for (size_t i = 0; i < z->s.n; i++)
		memo[i] = UINT64_MAX;
	uint64_t r = count_rec(z, s, memo);
	free(memo);
	return r;
}

typedef struct walk {
	const ph_fta_zbdd *z;
	uint32_t *path;
	size_t depth;
	int (*fn)(void *, const uint32_t *, size_t);
	void *ctx;
} walk;

static int walk_rec(walk *w, uint32_t s)
{
	while (s > PH_FTA_DD_ONE) {
		const ph_fta_dd_node *x = &w->z->s.nodes[s];
		w->path[w->depth++] = x->var;
		int rc = walk_rec(w, x->hi);
		w->depth--;
		if (rc)
			return rc;
		s = x->lo;
	}
	return s == PH_FTA_DD_ONE ? w->fn(w->ctx, w->path, w->depth) : 0;
}

int ph_fta_zbdd_foreach(const ph_fta_zbdd *z, uint32_t s,
                        int (*fn)(void *ctx, const uint32_t *vars, size_t n), void *ctx)
{
	walk w = { z, malloc((z->s.nvars + 1) * sizeof(uint32_t)), 0, fn, ctx };
	if (!w.path)
		return PH_FTA_ENOMEM;
	int rc = walk_rec(&w, s);
	free(w.path);
	return rc;
}
