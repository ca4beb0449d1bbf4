/*
 * fta_dd.h - the decision diagrams behind the analysis: a reduced ordered
 * BDD for the top event's Boolean function and a ZBDD for its minimal cut
 * sets.  Internal to harness/fta.
 *
 * Both managers hold nodes in one growing array (no garbage collection: an
 * analysis is short-lived and frees the whole manager), a unique table
 * (open addressing) that keeps diagrams reduced and shared, and a lossy
 * computed cache.  Variables are 0..nvars-1; a smaller index is nearer the
 * root.  Node 0 and node 1 are the terminals.  Operations return a node or
 * PH_FTA_DD_FAIL once the node cap is reached or memory runs out; the cause
 * stays in the manager (ph_fta_bdd_error / ph_fta_zbdd_error).
 */
#ifndef PH_FTA_DD_H
#define PH_FTA_DD_H

#ifndef PH_USES_FTA
#error "fta/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#define PH_FTA_DD_FAIL UINT32_MAX
#define PH_FTA_DD_ZERO 0u /* BDD false; ZBDD empty family */
#define PH_FTA_DD_ONE 1u  /* BDD true; ZBDD family holding only the empty set */

typedef struct ph_fta_dd_node {
	uint32_t var; /* UINT32_MAX on terminals */
	uint32_t lo, hi;
} ph_fta_dd_node;

typedef struct ph_fta_bdd ph_fta_bdd;

/* A manager for nvars variables holding at most max_nodes nodes.  Returns
 * NULL when out of memory; the caller frees with ph_fta_bdd_free. */
ph_fta_bdd *ph_fta_bdd_new(uint32_t nvars, size_t max_nodes);
void ph_fta_bdd_free(ph_fta_bdd *b);

/* 0, PH_FTA_ENOMEM or PH_FTA_ELIMIT: why the last operation failed. */
int ph_fta_bdd_error(const ph_fta_bdd *b);
size_t ph_fta_bdd_size(const ph_fta_bdd *b);
const ph_fta_dd_node *ph_fta_bdd_node(const ph_fta_bdd *b, uint32_t f);

uint32_t ph_fta_bdd_var(ph_fta_bdd *b, uint32_t v);
uint32_t ph_fta_bdd_not(ph_fta_bdd *b, uint32_t f);
uint32_t ph_fta_bdd_and(ph_fta_bdd *b, uint32_t f, uint32_t g);
uint32_t ph_fta_bdd_or(ph_fta_bdd *b, uint32_t f, uint32_t g);
uint32_t ph_fta_bdd_xor(ph_fta_bdd *b, uint32_t f, uint32_t g);

/* No more nodes: frees what only building needs (ph_fta_dd_store_freeze),
 * so quantification's memory takes its place. */
void ph_fta_bdd_freeze(ph_fta_bdd *b);

/* Exact probability of f given p[v] for each variable (Shannon expansion,
 * each node once).  Returns a negative value when out of memory. */
double ph_fta_bdd_probability(const ph_fta_bdd *b, uint32_t f, const double *p);

/*
 * Birnbaum importance of every variable, P(f | v) - P(f | not v), into
 * mif[0..nvars-1], in one pass over f: the probability of reaching each
 * node from the root times the difference of its two branches, summed per
 * variable (each path meets a variable at most once).  Returns 0 or
 * PH_FTA_ENOMEM.
 */
int ph_fta_bdd_birnbaum(const ph_fta_bdd *b, uint32_t f, const double *p, double *mif);

typedef struct ph_fta_zbdd ph_fta_zbdd;

/* A ZBDD manager for the same variables; NULL when out of memory. */
ph_fta_zbdd *ph_fta_zbdd_new(uint32_t nvars, size_t max_nodes);
void ph_fta_zbdd_free(ph_fta_zbdd *z);
int ph_fta_zbdd_error(const ph_fta_zbdd *z);
size_t ph_fta_zbdd_size(const ph_fta_zbdd *z);

/*
 * The minimal cut sets of BDD f with at most limit events (limit < 0: no
 * limit): the minimal sets S of variables such that f is true when exactly
 * the variables in S are true.  For coherent f these are its minimal cut
 * sets; for non-coherent f, negative literals are dropped (SCRAM's default).
 */
uint32_t ph_fta_zbdd_mcs(ph_fta_zbdd *z, const ph_fta_bdd *b, uint32_t f, int limit);

/* Number of sets in family s, saturating at UINT64_MAX. */
uint64_t ph_fta_zbdd_count(const ph_fta_zbdd *z, uint32_t s);

/* Calls fn(ctx, vars, n) for every set of s (vars in increasing order);
 * stops early and returns fn's result when it is non-zero. */
int ph_fta_zbdd_foreach(const ph_fta_zbdd *z, uint32_t s,
                        int (*fn)(void *ctx, const uint32_t *vars, size_t n), void *ctx);

/* --- shared node store (fta_dd.c) ------------------------------------------ */

typedef struct ph_fta_dd_cache_entry {
	uint32_t op, f, g, r; /* op 0: empty */
} ph_fta_dd_cache_entry;

typedef struct ph_fta_dd_store {
	ph_fta_dd_node *nodes;
	size_t n, cap, max;
	uint32_t *table; /* unique table: node ids, 0 = free slot */
	size_t table_cap;
	ph_fta_dd_cache_entry *cache;
	size_t cache_cap;
	int error;
	uint32_t nvars;
} ph_fta_dd_store;

/* Frees the unique table and the computed cache once no node will be
 * made (the nodes stay readable); a later ph_fta_dd_store_node fails with
 * PH_FTA_ENOMEM, cache lookups miss. */
void ph_fta_dd_store_freeze(ph_fta_dd_store *s);

/* Sets up the two terminals; returns 0 or PH_FTA_ENOMEM. */
int ph_fta_dd_store_init(ph_fta_dd_store *s, uint32_t nvars, size_t max_nodes);
void ph_fta_dd_store_fini(ph_fta_dd_store *s);
/* The unique node (var, lo, hi), created when new; PH_FTA_DD_FAIL when the
 * cap is reached or memory runs out (s->error says which). */
uint32_t ph_fta_dd_store_node(ph_fta_dd_store *s, uint32_t var, uint32_t lo, uint32_t hi);
/* Computed cache: returns 1 and *r on a hit. */
int ph_fta_dd_cache_get(const ph_fta_dd_store *s, uint32_t op, uint32_t f, uint32_t g, uint32_t *r);
void ph_fta_dd_cache_put(ph_fta_dd_store *s, uint32_t op, uint32_t f, uint32_t g, uint32_t r);

#endif
