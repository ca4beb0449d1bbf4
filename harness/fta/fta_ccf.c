/*
 * fta_ccf.c - common-cause failure groups as SCRAM expands them
 * (ccf_group.cc, with --ccf): every member basic event becomes the OR of
 * the CCF events that hold it, one CCF event per combination of members at
 * each level the model gives a probability for, named "[a b ...]" after its
 * members in definition order.  Probabilities per level k of n members,
 * with Q the group's distribution:
 *   beta-factor:  level 1 (1 - beta) Q, level n beta Q;
 *   MGL:          Q_k = Q / C(n-1, k-1) * f_2 ... f_k * (1 - f_k+1), the last
 *                 level without the (1 - f) term (factors from level 2);
 *   alpha-factor: Q_k = k / C(n-1, k-1) * alpha_k / sum_j(j alpha_j) * Q;
 *   phi-factor:   Q_k = phi_k Q, the factors summing to 1 (within 1e-4).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fta_internal.h"

static const char *model_name(ph_fta_ccf_model k)
{
	static const char *const names[] = { "beta-factor", "MGL", "alpha-factor", "phi-factor" };
	return names[k];
}

/* 1 / C(n, k), as SCRAM computes it. */
static double combination_reciprocal(int n, int k)
{
	if (n - k > k)
		k = n - k;
	double r = 1;
	for (int i = 1; i <= n - k; i++)
		r *= (double)i / (double)(k + i);
	return r;
}

static double choose(size_t n, size_t k)
{
	double r = 1;
	for (size_t i = 1; i <= k; i++)
		r = r * (double)(n - k + i) / (double)i;
	return r;
}

/* The levels that get CCF events, in SCRAM's order. */
static size_t levels_of(const ph_fta_ccf *g, size_t *levels)
{
	size_t n = 0;
	if (g->model == PH_FTA_CCF_BETA) {
		levels[n++] = 1;
		levels[n++] = g->nmembers;
		return n;
	}
	for (size_t k = 1; k <= g->max_level; k++)
		levels[n++] = k;
	return n;
}

static int fail_group(ph_fta_model *m, const ph_fta_ccf *g, int code, const char *what)
{
	return ph_fta_fail(m, code, g->def.file, g->def.line, "define-CCF-group", g->def.name, "%s",
	                   what);
}

static int add_event(ph_fta_model *m, size_t gi, const size_t *comb, size_t k)
{
	ph_fta_ccf *g = &m->ccfs.v[gi];
	size_t len = 3;
	for (size_t i = 0; i < k; i++)
		len += strlen(m->ev[PH_FTA_BASIC].v[g->members[comb[i]]].name) + 1;
	if (PH_FTA_VEC_RESERVE(m->ev[PH_FTA_BASIC]))
		return PH_FTA_ENOMEM;
	char *name = malloc(len), *p = name;
	size_t blen = g->def.base ? strlen(g->def.base) : 0;
	char *path = malloc(blen + len + 1);
	if (!name || !path) {
		free(name);
		free(path);
		return PH_FTA_ENOMEM;
	}
	*p++ = '[';
	for (size_t i = 0; i < k; i++)
		p += sprintf(p, "%s%s", i ? " " : "",
		             m->ev[PH_FTA_BASIC].v[g->members[comb[i]]].name);
	strcpy(p, "]");
	if (blen)
		sprintf(path, "%s.%s", g->def.base, name);
	else
		strcpy(path, name);
	ph_fta_event *e = &m->ev[PH_FTA_BASIC].v[m->ev[PH_FTA_BASIC].n++];
	memset(e, 0, sizeof *e);
	e->name = name;
	e->path = path;
	e->is_public = g->def.is_public;
	e->tree = g->def.tree;
	e->file = g->def.file;
	e->line = g->def.line;
	e->ccf = (int)gi + 1;
	e->ccf_level = (int)k;
	for (size_t i = 0; i < k; i++)
		e->ccf_mask |= (uint64_t)1 << comb[i];
	return 0;
}

/* Every combination of k of the n members, in lexicographic order. */
static int add_level(ph_fta_model *m, size_t gi, size_t k)
{
	size_t n = m->ccfs.v[gi].nmembers, comb[32];
	for (size_t i = 0; i < k; i++)
		comb[i] = i;
	for (;;) {
		int rc = add_event(m, gi, comb, k);
		if (rc)
			return rc;
		size_t i = k;
		while (i > 0 && comb[i - 1] == n - k + i - 1)
			i--;
		if (i == 0)
			return 0;
		comb[i - 1]++;
		for (size_t j = i; j < k; j++)
			comb[j] = comb[j - 1] + 1;
	}
}

/* Member j's OR over the group's CCF events naming it. */
static int add_member_formula(ph_fta_model *m, const ph_fta_ccf *g, size_t j)
{
	if (PH_FTA_VEC_RESERVE(m->formulas))
		return PH_FTA_ENOMEM;
	size_t first = m->args.n, nargs = 0;
	for (size_t i = 0; i < g->nevents; i++) {
		uint32_t ei = g->first_event + (uint32_t)i;
		if (!((m->ev[PH_FTA_BASIC].v[ei].ccf_mask >> j) & 1))
			continue;
		if (PH_FTA_VEC_RESERVE(m->args))
			return PH_FTA_ENOMEM;
		m->args.v[m->args.n++] = (ph_fta_ref){ PH_FTA_BASIC, ei };
		nargs++;
	}
	m->formulas.v[m->formulas.n] =
	        (ph_fta_formula){ .op = PH_FTA_OR, .first = first, .nargs = nargs };
	m->ev[PH_FTA_BASIC].v[g->members[j]].ccf_formula = m->formulas.n++;
	return 0;
}

int ph_fta_model_expand_ccf(ph_fta_model *m)
{
	for (size_t gi = 0; gi < m->ccfs.n; gi++) {
		ph_fta_ccf *g = &m->ccfs.v[gi];
		size_t levels[34], nl = levels_of(g, levels);
		double total = 0;
		for (size_t i = 0; i < nl; i++)
			total += choose(g->nmembers, levels[i]);
		if (total > PH_FTA_CCF_MAX_EVENTS) {
			char what[128];
			snprintf(what, sizeof what, "%.0f CCF events exceed the cap of %d", total,
			         PH_FTA_CCF_MAX_EVENTS);
			return fail_group(m, g, PH_FTA_EUNSUPPORTED, what);
		}
		g->first_event = (uint32_t)m->ev[PH_FTA_BASIC].n;
		for (size_t i = 0; i < nl; i++)
			if (add_level(m, gi, levels[i]))
				return fail_group(m, g, PH_FTA_ENOMEM, "out of memory");
		g = &m->ccfs.v[gi];
		g->nevents = m->ev[PH_FTA_BASIC].n - g->first_event;
		for (size_t j = 0; j < g->nmembers; j++)
			if (add_member_formula(m, g, j))
				return fail_group(m, g, PH_FTA_ENOMEM, "out of memory");
	}
	return 0;
}

/* Probability of the CCF events of level k (index k - 1 of q). */
static int level_probabilities(ph_fta_model *m, const ph_fta_ccf *g, double Q, const double *f,
                               int check, double *q)
{
	int n = (int)g->nmembers, max = (int)g->max_level;
	char what[160];
	switch (g->model) {
	case PH_FTA_CCF_BETA:
		q[0] = (1 - f[n - 1]) * Q;
		q[n - 1] = f[n - 1] * Q;
		break;
	case PH_FTA_CCF_MGL:
		for (int i = 0; i < max; i++) {
			double r = combination_reciprocal(n - 1, i);
			for (int j = 0; j < i; j++)
				r *= f[j + 1];
			if (i < max - 1)
				r *= 1 - f[i + 1];
			q[i] = r * Q;
		}
		break;
	case PH_FTA_CCF_ALPHA: {
		double sum = 0;
		for (int k = 1; k <= max; k++)
			sum += k * f[k - 1];
		if (sum == 0)
			return fail_group(m, g, PH_FTA_EINVALID, "the alpha factors sum to 0");
		for (int i = 0; i < max; i++)
			q[i] = (i + 1) * combination_reciprocal(n - 1, i) * (f[i] / sum) * Q;
		break;
	}
	case PH_FTA_CCF_PHI: {
		double sum = 0;
		for (int k = 1; k <= max; k++)
			sum += f[k - 1];
		if (check && fabs(sum - 1) > 1e-4) {
			snprintf(what, sizeof what, "the phi factors sum to %g, not 1", sum);
			return fail_group(m, g, PH_FTA_EINVALID, what);
		}
		for (int i = 0; i < max; i++)
			q[i] = f[i] * Q;
		break;
	}
	}
	return 0;
}

int ph_fta_ccf_levels(ph_fta_model *m, size_t gi, void *ctx,
                      int (*eval)(void *ctx, size_t x, const char *owner, double *out), int check,
                      double *q)
{
	{
		const ph_fta_ccf *g = &m->ccfs.v[gi];
		double Q, f[32] = { 0 };
		char what[160];
		int rc = eval(ctx, g->distribution, g->def.name, &Q);
		if (rc)
			return rc;
		if (check && !(Q >= 0 && Q <= 1)) {
			snprintf(what, sizeof what, "distribution %g is outside [0, 1]", Q);
			return fail_group(m, g, PH_FTA_EINVALID, what);
		}
		for (size_t k = 1; k <= g->max_level; k++) {
			if (!g->factor_line[k - 1])
				continue;
			if ((rc = eval(ctx, g->factor[k - 1], g->def.name, &f[k - 1])))
				return rc;
			if (check && !(f[k - 1] >= 0 && f[k - 1] <= 1))
				return ph_fta_fail(m, PH_FTA_EINVALID, g->def.file,
				                   g->factor_line[k - 1], "factor", g->def.name,
				                   "%s factor %g of level %zu is outside [0, 1]",
				                   model_name(g->model), f[k - 1], k);
		}
		return level_probabilities(m, g, Q, f, check, q);
	}
}

int ph_fta_model_evaluate_ccf(ph_fta_model *m, void *ctx,
                              int (*eval)(void *ctx, size_t x, const char *owner, double *out))
{
	for (size_t gi = 0; gi < m->ccfs.n; gi++) {
		const ph_fta_ccf *g = &m->ccfs.v[gi];
		double q[32] = { 0 };
		char what[160];
		int rc = ph_fta_ccf_levels(m, gi, ctx, eval, 1, q);
		if (rc)
			return rc;
		for (size_t i = 0; i < g->nevents; i++) {
			ph_fta_event *e = &m->ev[PH_FTA_BASIC].v[g->first_event + i];
			e->prob = q[e->ccf_level - 1];
			e->has_prob = 1;
			if (!(e->prob >= 0 && e->prob <= 1)) {
				snprintf(what, sizeof what,
				         "CCF event %s: probability %g is outside [0, 1]", e->name,
				         e->prob);
				return fail_group(m, g, PH_FTA_EINVALID, what);
			}
		}
	}
	return 0;
}
