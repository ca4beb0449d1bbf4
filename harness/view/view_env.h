/*
 * view_env.h - min/max envelope pyramid over an int32 sample array, after
 * PulseView's analogsegment: level k (k = 1..PH_VIEW_ENV_LEVELS) holds the
 * min and max of every aligned block of 16^k samples.  It is extended
 * incrementally as samples arrive (only complete blocks are stored; the
 * tail is read raw) and answers the exact min/max of any index range in
 * O(16 * levels): whole blocks at the coarsest level that fits the range
 * (the level follows from samples per pixel when the range is one pixel
 * column), the ragged edges from finer levels and finally raw samples.
 * The samples are not copied: the caller passes the same array each time.
 */
#ifndef PH_VIEW_ENV_H
#define PH_VIEW_ENV_H

#ifndef PH_USES_VIEW
#error "view/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#define PH_VIEW_ENV_FANOUT 16
#define PH_VIEW_ENV_SHIFT 4  /* log2(FANOUT) */
#define PH_VIEW_ENV_LEVELS 7 /* 16^7 = 268M samples per top entry */

typedef struct ph_view_minmax {
	int32_t min, max;
} ph_view_minmax;

typedef struct ph_view_env {
	ph_view_minmax *lv[PH_VIEW_ENV_LEVELS];
	size_t n[PH_VIEW_ENV_LEVELS];
	size_t cap[PH_VIEW_ENV_LEVELS];
	size_t samples; /* samples seen (v[0..samples)) */
} ph_view_env;

/* An empty envelope.  Never fails. */
void ph_view_env_init(ph_view_env *e);

/* Take in v[e->samples .. n): v is the whole sample array, which may have
 * moved since the last call.  Returns 0, or -1 when out of memory (e stays
 * valid, covering fewer complete blocks). */
int ph_view_env_extend(ph_view_env *e, const int32_t *v, size_t n);

/* Forget everything from sample index i on (samples before i changed or
 * were inserted); the next extend rebuilds from there. */
void ph_view_env_truncate(ph_view_env *e, size_t i);

/* Min and max of v[a .. b), a < b <= e->samples.  Never fails. */
ph_view_minmax ph_view_env_range(const ph_view_env *e, const int32_t *v, size_t a, size_t b);

/* Free the levels; e is then empty. */
void ph_view_env_free(ph_view_env *e);

#endif
