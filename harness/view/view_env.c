/*
 * view_env.c - the min/max pyramid of view_env.h.
 */
#include "view_env.h"

#include <stdlib.h>
#include <string.h>

void ph_view_env_init(ph_view_env *e)
{
	memset(e, 0, sizeof *e);
}

void ph_view_env_free(ph_view_env *e)
{
	for (int k = 0; k < PH_VIEW_ENV_LEVELS; k++)
		free(e->lv[k]);
	ph_view_env_init(e);
}

static int reserve(ph_view_env *e, int k, size_t n)
{
	size_t cap = e->cap[k] ? e->cap[k] : 64;
	ph_view_minmax *p;

	if (n <= e->cap[k])
		return 0;
	while (cap < n)
		cap *= 2;
	p = realloc(e->lv[k], cap * sizeof *p);
	if (!p)
		return -1;
	e->lv[k] = p;
	e->cap[k] = cap;
	return 0;
}

/* Level 1 from raw samples: the hot loop of a long trace. */
static void build_raw(ph_view_minmax *out, const int32_t *v, size_t blocks)
{
	for (size_t b = 0; b < blocks; b++) {
		const int32_t *p = v + (b << PH_VIEW_ENV_SHIFT);
		int32_t mn = p[0], mx = p[0];
		for (int i = 1; i < PH_VIEW_ENV_FANOUT; i++) {
			mn = p[i] < mn ? p[i] : mn;
			mx = p[i] > mx ? p[i] : mx;
		}
		out[b].min = mn;
		out[b].max = mx;
	}
}

static void build_level(ph_view_minmax *out, const ph_view_minmax *in, size_t blocks)
{
	for (size_t b = 0; b < blocks; b++) {
		const ph_view_minmax *p = in + (b << PH_VIEW_ENV_SHIFT);
		int32_t mn = p[0].min, mx = p[0].max;
		for (int i = 1; i < PH_VIEW_ENV_FANOUT; i++) {
			mn = p[i].min < mn ? p[i].min : mn;
			mx = p[i].max > mx ? p[i].max : mx;
		}
		out[b].min = mn;
		out[b].max = mx;
	}
}

int ph_view_env_extend(ph_view_env *e, const int32_t *v, size_t n)
{
	size_t below = n; /* entries available at the level below */

	if (n <= e->samples)
		return 0;
	for (int k = 0; k < PH_VIEW_ENV_LEVELS; k++) {
		size_t want = below >> PH_VIEW_ENV_SHIFT;
		if (want > e->n[k]) {
			if (reserve(e, k, want) < 0)
				return -1;
			if (k == 0)
				build_raw(e->lv[0] + e->n[0], v + (e->n[0] << PH_VIEW_ENV_SHIFT),
					  want - e->n[0]);
			else
				build_level(e->lv[k] + e->n[k],
					    e->lv[k - 1] + (e->n[k] << PH_VIEW_ENV_SHIFT),
					    want - e->n[k]);
			e->n[k] = want;
		}
		below = e->n[k];
	}
	e->samples = n;
	return 0;
}

void ph_view_env_truncate(ph_view_env *e, size_t i)
{
	size_t blocks = i;

	if (i >= e->samples)
		return;
	for (int k = 0; k < PH_VIEW_ENV_LEVELS; k++) {
		blocks >>= PH_VIEW_ENV_SHIFT;
		if (e->n[k] > blocks)
			e->n[k] = blocks;
	}
	e->samples = i;
}

static void merge(ph_view_minmax *acc, int32_t mn, int32_t mx)
{
	if (mn < acc->min)
		acc->min = mn;
	if (mx > acc->max)
		acc->max = mx;
}

/* Min/max of v[a .. b) using levels <= k (k = 0: raw samples). */
static void range_at(const ph_view_env *e, const int32_t *v, size_t a, size_t b, int k,
		     ph_view_minmax *acc)
{
	while (k > 0) {
		int sh = PH_VIEW_ENV_SHIFT * k;
		size_t A = (a + ((size_t)1 << sh) - 1) >> sh, B = b >> sh;
		if (B > e->n[k - 1])
			B = e->n[k - 1];
		if (A < B) {
			for (size_t i = A; i < B; i++)
				merge(acc, e->lv[k - 1][i].min, e->lv[k - 1][i].max);
			if (a < A << sh)
				range_at(e, v, a, A << sh, k - 1, acc);
			a = B << sh;
			if (a >= b)
				return;
		}
		k--;
	}
	for (size_t i = a; i < b; i++)
		merge(acc, v[i], v[i]);
}

ph_view_minmax ph_view_env_range(const ph_view_env *e, const int32_t *v, size_t a, size_t b)
{
	ph_view_minmax acc = { INT32_MAX, INT32_MIN };
	int k = 0;

	if (a >= b)
		return acc;
	while (k < PH_VIEW_ENV_LEVELS && e->n[k] &&
	       (size_t)1 << (PH_VIEW_ENV_SHIFT * (k + 1)) <= b - a)
		k++;
	range_at(e, v, a, b, k, &acc);
	return acc;
}
