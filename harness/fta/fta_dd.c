/*
 * fta_dd.c - the node store shared by the BDD and ZBDD managers: node
 * array, unique table (hash consing) and lossy computed cache.
 */
#define _GNU_SOURCE /* MAP_ANONYMOUS, madvise, mremap: huge pages for the big tables */
#include "fta_dd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fta_internal.h"

#define CACHE_MIN ((size_t)1 << 10)
#define CACHE_MAX ((size_t)1 << 21)

/* Zeroed memory written at once: calloc's pages would be mapped to the
 * shared zero page and copied on the first write of a lookup-then-insert,
 * a fault and a TLB flush each (a third of the time on small models). */
static void *small_zalloc(size_t bytes)
{
	void *p = malloc(bytes);
	if (p)
		memset(p, 0, bytes);
	return p;
}

/* Tables from BIG bytes up are mapped on their own, zeroed by the kernel,
 * and asked for transparent huge pages: one fault per 2 MiB instead of per
 * 4 KiB, and far fewer TLB misses on the random probes of the unique table
 * and the cache (CEA9601: a quarter of the time went to page faults). */
#define BIG ((size_t)1 << 20)

static void *zalloc(size_t n, size_t size)
{
	if (!n || size > SIZE_MAX / n)
		return NULL;
	size_t bytes = n * size;
	if (bytes < BIG)
		return small_zalloc(bytes);
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

/* Frees what zalloc(n, size) returned. */
static void zfree(void *p, size_t n, size_t size)
{
	if (!p)
		return;
	if (n * size < BIG)
		free(p);
	else
		munmap(p, n * size);
}

static size_t hash3(uint32_t a, uint32_t b, uint32_t c)
{
	uint64_t h = a * 0x9E3779B97F4A7C15ull;
	h ^= (b + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
	h ^= (c + 0x165667B19E3779F9ull) * 0xFF51AFD7ED558CCDull;
	h ^= h >> 31;
	return (size_t)h;
}

int ph_fta_dd_store_init(ph_fta_dd_store *s, uint32_t nvars, size_t max_nodes)
{
	memset(s, 0, sizeof *s);
	s->nvars = nvars;
	s->max = max_nodes < 2 ? 2 : max_nodes;
	if (s->max > UINT32_MAX - 1)
		s->max = UINT32_MAX - 1;
	s->cap = 1024;
	s->table_cap = 2048;
	s->cache_cap = CACHE_MIN;
	s->nodes = zalloc(s->cap, sizeof *s->nodes);
	s->table = zalloc(s->table_cap, sizeof *s->table);
	s->cache = zalloc(s->cache_cap, sizeof *s->cache);
	if (!s->nodes || !s->table || !s->cache) {
		ph_fta_dd_store_fini(s);
		return PH_FTA_ENOMEM;
	}
	for (uint32_t t = 0; t < 2; t++)
		s->nodes[t] = (ph_fta_dd_node){ UINT32_MAX, t, t };
	s->n = 2;
	return 0;
}

void ph_fta_dd_store_fini(ph_fta_dd_store *s)
{
	zfree(s->nodes, s->cap, sizeof *s->nodes);
	zfree(s->table, s->table_cap, sizeof *s->table);
	zfree(s->cache, s->cache_cap, sizeof *s->cache);
	s->nodes = NULL;
	s->table = NULL;
	s->cache = NULL;
}

/* A unique-table entry: the node id, and in the bits ids never use (with
 * at most 2^25 nodes, the default cap) 7 bits of the node's hash, so a
 * probe rejects almost every other node without reading it: a cache miss
 * each in a large diagram (CEA9601: half the time was in these probes).
 * 0: a free slot (ids 0 and 1, the terminals, are never in the table). */
#define ID_BITS 25
#define ID_MASK ((1u << ID_BITS) - 1)

static uint32_t tag_of(const ph_fta_dd_store *s, size_t h)
{
	return s->max <= (size_t)ID_MASK + 1 ? (uint32_t)(h >> (sizeof h * 8 - 7)) << ID_BITS : 0;
}

static uint32_t id_of(const ph_fta_dd_store *s, uint32_t e)
{
	return s->max <= (size_t)ID_MASK + 1 ? e & ID_MASK : e;
}

static void table_insert(const ph_fta_dd_store *s, uint32_t *table, size_t cap, uint32_t id)
{
	const ph_fta_dd_node *x = &s->nodes[id];
	size_t h = hash3(x->var, x->lo, x->hi), i = h & (cap - 1);
	while (table[i])
		i = (i + 1) & (cap - 1);
	table[i] = tag_of(s, h) | id;
}

static int grow_table(ph_fta_dd_store *s)
{
	size_t cap = s->table_cap * 2;
	uint32_t *t = zalloc(cap, sizeof *t);
	if (!t)
		return PH_FTA_ENOMEM;
	for (size_t i = 0; i < s->table_cap; i++)
		if (s->table[i])
			table_insert(s, t, cap, id_of(s, s->table[i]));
	zfree(s->table, s->table_cap, sizeof *s->table);
	s->table = t;
	s->table_cap = cap;
	return 0;
}

/* The cache follows the node count (lossy: a resize just forgets). */
static void grow_cache(ph_fta_dd_store *s)
{
	if (s->cache_cap >= CACHE_MAX || s->n < s->cache_cap)
		return;
	ph_fta_dd_cache_entry *c = zalloc(s->cache_cap * 4, sizeof *c);
	if (!c)
		return; /* keep the small cache: slower, still correct */
	zfree(s->cache, s->cache_cap, sizeof *s->cache);
	s->cache = c;
	s->cache_cap *= 4;
}

/* The node array at twice its capacity cap: a big one moved by the kernel
 * (mremap: no copy, and never the old and the new array at once). */
static ph_fta_dd_node *grow_nodes(ph_fta_dd_node *old, size_t cap)
{
	size_t size = sizeof *old, bytes = cap * size;
	if (bytes >= BIG) {
		void *p = mremap(old, bytes, 2 * bytes, MREMAP_MAYMOVE);
		if (p == MAP_FAILED)
			return NULL;
#ifdef MADV_HUGEPAGE
		madvise(p, 2 * bytes, MADV_HUGEPAGE);
#endif
		return p;
	}
	ph_fta_dd_node *nn = zalloc(cap * 2, size);
	if (nn) {
		memcpy(nn, old, bytes);
		zfree(old, cap, size);
	}
	return nn;
}

static uint32_t fail(ph_fta_dd_store *s, int err)
{
	if (!s->error)
		s->error = err;
	return PH_FTA_DD_FAIL;
}

void ph_fta_dd_store_freeze(ph_fta_dd_store *s)
{
	zfree(s->table, s->table_cap, sizeof *s->table);
	zfree(s->cache, s->cache_cap, sizeof *s->cache);
	s->table = NULL;
	s->cache = NULL;
	s->table_cap = s->cache_cap = 0;
}

uint32_t ph_fta_dd_store_node(ph_fta_dd_store *s, uint32_t var, uint32_t lo, uint32_t hi)
{
	if (!s->table)
		return fail(s, PH_FTA_ENOMEM);
	size_t h = hash3(var, lo, hi), i = h & (s->table_cap - 1);
	uint32_t tag = tag_of(s, h), tag_mask = tag ? ~ID_MASK : 0;
	for (uint32_t e; (e = s->table[i]); i = (i + 1) & (s->table_cap - 1)) {
		if ((e & tag_mask) != tag)
			continue;
		uint32_t id = id_of(s, e);
		const ph_fta_dd_node *x = &s->nodes[id];
		if (x->var == var && x->lo == lo && x->hi == hi)
			return id;
	}
	if (s->n >= s->max)
		return fail(s, PH_FTA_ELIMIT);
	if (s->n == s->cap) {
		ph_fta_dd_node *nn = grow_nodes(s->nodes, s->cap);
		if (!nn)
			return fail(s, PH_FTA_ENOMEM);
		s->nodes = nn;
		s->cap *= 2;
	}
	uint32_t id = (uint32_t)s->n++;
	s->nodes[id] = (ph_fta_dd_node){ var, lo, hi };
	s->table[i] = tag | id;
	if (s->n * 4 > s->table_cap * 3 && grow_table(s))
		return fail(s, PH_FTA_ENOMEM);
	grow_cache(s);
	return id;
}

int ph_fta_dd_cache_get(const ph_fta_dd_store *s, uint32_t op, uint32_t f, uint32_t g, uint32_t *r)
{
	if (!s->cache)
		return 0;
	const ph_fta_dd_cache_entry *e = &s->cache[hash3(op, f, g) & (s->cache_cap - 1)];
	if (e->op != op || e->f != f || e->g != g)
		return 0;
	*r = e->r;
	return 1;
}

void ph_fta_dd_cache_put(ph_fta_dd_store *s, uint32_t op, uint32_t f, uint32_t g, uint32_t r)
{
	if (!s->cache)
		return;
	ph_fta_dd_cache_entry *e = &s->cache[hash3(op, f, g) & (s->cache_cap - 1)];
	*e = (ph_fta_dd_cache_entry){ op, f, g, r };
}
