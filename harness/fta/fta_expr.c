/*
 * fta_expr.c - evaluates basic-event probability expressions: constants,
 * parameters, the mission time, arithmetic, the exponential, GLM, Weibull
 * and periodic-test models, and deviates (a deviate stands for its mean,
 * as in SCRAM's point estimates).  The reader builds the expressions; this
 * turns them into one probability per basic event.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fta_internal.h"

typedef struct eval {
	ph_fta_model *m;
	uint64_t *rng;        /* xoshiro256** state when sampling, NULL: point values */
	unsigned char *state; /* per parameter: 0 new, 1 being evaluated, 2 done */
	double *value;        /* per parameter, once done */
	const char *owner;    /* the definition being evaluated, for messages */
} eval;

static const char *xop_element(ph_fta_xop op)
{
	static const char *const names[] = {
		"float",
		"parameter",
		"system-mission-time",
		"neg",
		"add",
		"sub",
		"mul",
		"div",
		"exponential",
		"GLM",
		"Weibull",
		"periodic-test",
		"normal-deviate",
		"lognormal-deviate",
		"uniform-deviate",
		"gamma-deviate",
		"beta-deviate",
	};
	return (unsigned)op < sizeof names / sizeof names[0] ? names[op] : "expression";
}

static int eval_expr(eval *ev, size_t x, double *out);

static int eval_param(eval *ev, const ph_fta_expr *x, double *out)
{
	ph_fta_event *p = &ev->m->ev[PH_FTA_PARAM].v[x->index];
	if (ev->state[x->index] == 2) {
		*out = ev->value[x->index];
		return 0;
	}
	if (ev->state[x->index] == 1)
		return ph_fta_fail(ev->m, PH_FTA_ECYCLE, p->file, p->line, "define-parameter",
		                   p->name, "parameter depends on itself");
	ev->state[x->index] = 1;
	const char *owner = ev->owner;
	ev->owner = p->name;
	int rc = eval_expr(ev, p->expr, out);
	ev->owner = owner;
	if (rc)
		return rc;
	ev->state[x->index] = 2;
	ev->value[x->index] = *out;
	return 0;
}

static int fail_value(eval *ev, const ph_fta_expr *x, const char *what)
{
	return ph_fta_fail(ev->m, PH_FTA_EINVALID, x->file, x->line, xop_element(x->op), ev->owner,
	                   "%s", what);
}

/* SCRAM's instant-repair periodic test: as good as new after each test. */
static double periodic_test(double lambda, double tau, double theta, double t)
{
	if (t <= theta)
		return 1 - exp(-lambda * t);
	double delta = t - theta;
	double since_test = delta - floor(delta / tau) * tau;
	return 1 - exp(-lambda * since_test);
}

/* --- pseudo-random numbers and deviates ------------------------------------- */

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(uint64_t *s)
{
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Uniform in (0, 1): never 0, so logarithms stay finite. */
static double uniform01(uint64_t *s)
{
	return ((double)(next_u64(s) >> 11) + 0.5) / 9007199254740992.0;
}

static double std_normal(uint64_t *s)
{
	double u = uniform01(s), v = uniform01(s);
	return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* Marsaglia and Tsang; k < 1 through k + 1 and a power of a uniform. */
static double std_gamma(uint64_t *s, double k)
{
	if (k < 1)
		return std_gamma(s, k + 1) * pow(uniform01(s), 1 / k);
	double d = k - 1.0 / 3, c = 1 / sqrt(9 * d);
	for (;;) {
		double z = std_normal(s), v = 1 + c * z;
		if (v <= 0)
			continue;
		v = v * v * v;
		double u = uniform01(s);
		if (log(u) < 0.5 * z * z + d - d * v + d * log(v))
			return d * v;
	}
}

/* The standard normal quantile: Acklam's rational approximation refined by
 * one Halley step on erfc (full double precision). */
static double normal_quantile(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
		                    -2.759285104469687e+02, 1.383577518672690e+02,
		                    -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
		                    -1.556989798598866e+02, 6.680131188771972e+01,
		                    -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
		                    -2.400758277161838e+00, -2.549732539343734e+00,
		                    4.374664141464968e+00,  2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
		                    2.445134137142996e+00, 3.754408661907416e+00 };
	double q, x;
	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p > 1 - 0.02425) {
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else {
		q = p - 0.5;
		double r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	double e = 0.5 * erfc(-x / sqrt(2)) - p;
	double u = e * sqrt(2 * 3.141592653589793) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

/* Lognormal (mu, sigma) of the log: from (mean, error factor, level) as
 * SCRAM reads them, or given. */
static int lognormal_params(eval *ev, const ph_fta_expr *x, const double *a, double *mu,
                            double *sigma);

/* A deviate: its mean (point estimate) or, when sampling, a draw. */
static int deviate(eval *ev, const ph_fta_expr *x, const double *a, double *out)
{
	uint64_t *s = ev->rng;
	double mu = 0, sigma = 0; /* set by lognormal_params */
	switch (x->op) {
	case PH_FTA_X_NORMAL:
		if (a[1] < 0)
			return fail_value(ev, x, "the standard deviation must not be negative");
		*out = s ? a[0] + a[1] * std_normal(s) : a[0];
		return 0;
	case PH_FTA_X_LOGNORMAL:
		if (lognormal_params(ev, x, a, &mu, &sigma))
			return PH_FTA_EINVALID;
		*out = s ? exp(mu + sigma * std_normal(s)) : exp(mu + sigma * sigma / 2);
		if (!s && x->nargs == 3)
			*out = a[0]; /* the mean as given, not through exp(log()) */
		return 0;
	case PH_FTA_X_UNIFORM:
		if (a[0] > a[1])
			return fail_value(ev, x, "min must not exceed max");
		*out = s ? a[0] + (a[1] - a[0]) * uniform01(s) : (a[0] + a[1]) / 2;
		return 0;
	case PH_FTA_X_GAMMA:
		if (!(a[0] > 0) || !(a[1] > 0))
			return fail_value(ev, x, "k and theta must be positive");
		*out = s ? std_gamma(s, a[0]) * a[1] : a[0] * a[1];
		return 0;
	default: /* PH_FTA_X_BETA */
		if (!(a[0] > 0) || !(a[1] > 0))
			return fail_value(ev, x, "alpha and beta must be positive");
		if (!s) {
			*out = a[0] / (a[0] + a[1]);
		} else {
			double g1 = std_gamma(s, a[0]), g2 = std_gamma(s, a[1]);
			*out = g1 / (g1 + g2);
		}
		return 0;
	}
}

static int lognormal_params(eval *ev, const ph_fta_expr *x, const double *a, double *mu,
                            double *sigma)
{
	if (x->nargs == 2) {
		if (a[1] < 0)
			return fail_value(ev, x, "sigma must not be negative");
		*mu = a[0];
		*sigma = a[1];
		return 0;
	}
	if (!(a[0] > 0) || !(a[1] >= 1) || !(a[2] > 0 && a[2] < 1))
		return fail_value(ev, x, "needs mean > 0, error factor >= 1 and level in (0, 1)");
	*sigma = log(a[1]) / normal_quantile(a[2]);
	*mu = log(a[0]) - *sigma * *sigma / 2;
	return 0;
}

static int apply_model(eval *ev, const ph_fta_expr *x, const double *a, double *out)
{
	switch (x->op) {
	case PH_FTA_X_EXPONENTIAL: *out = 1 - exp(-a[0] * a[1]); return 0;
	case PH_FTA_X_GLM: {
		double r = a[1] + a[2];
		if (r == 0)
			return fail_value(ev, x, "lambda + mu must not be 0");
		*out = (a[1] - (a[1] - a[0] * r) * exp(-r * a[3])) / r;
		return 0;
	}
	case PH_FTA_X_WEIBULL:
		if (a[0] <= 0)
			return fail_value(ev, x, "alpha must be positive");
		*out = a[3] <= a[2] ? 0 : 1 - exp(-pow((a[3] - a[2]) / a[0], a[1]));
		return 0;
	case PH_FTA_X_PERIODIC:
		if (a[1] <= 0)
			return fail_value(ev, x, "the test interval must be positive");
		*out = periodic_test(a[0], a[1], a[2], a[3]);
		return 0;
	default: return deviate(ev, x, a, out);
	}
}

static int fold(eval *ev, const ph_fta_expr *x, const double *a, double *out)
{
	double r = a[0];
	for (size_t i = 1; i < x->nargs; i++) {
		if (x->op == PH_FTA_X_ADD)
			r += a[i];
		else if (x->op == PH_FTA_X_SUB)
			r -= a[i];
		else if (x->op == PH_FTA_X_MUL)
			r *= a[i];
		else if (a[i] == 0)
			return fail_value(ev, x, "division by zero");
		else
			r /= a[i];
	}
	*out = r;
	return 0;
}

static int eval_expr(eval *ev, size_t xi, double *out)
{
	const ph_fta_expr *x = &ev->m->exprs.v[xi];
	double a[4] = { 0 }, *args = a;
	int rc = 0;
	switch (x->op) {
	case PH_FTA_X_CONST: *out = x->value; return 0;
	case PH_FTA_X_MISSION: *out = ev->m->mission_time; return 0;
	case PH_FTA_X_PARAM: return eval_param(ev, x, out);
	default: break;
	}
	if (x->nargs > 4 && !(args = malloc(x->nargs * sizeof *args)))
		return ph_fta_fail(ev->m, PH_FTA_ENOMEM, x->file, x->line, NULL, NULL,
		                   "out of memory");
	for (size_t i = 0; !rc && i < x->nargs; i++)
		rc = eval_expr(ev, ev->m->xargs.v[x->first + i], &args[i]);
	if (!rc && x->op == PH_FTA_X_NEG)
		*out = -args[0];
	else if (!rc && x->op <= PH_FTA_X_DIV)
		rc = fold(ev, x, args, out);
	else if (!rc)
		rc = apply_model(ev, x, args, out);
	if (!rc && !isfinite(*out))
		rc = fail_value(ev, x, "the value is not a finite number");
	if (args != a)
		free(args);
	return rc;
}

static int eval_owned(void *ctx, size_t x, const char *owner, double *out)
{
	eval *ev = ctx;
	ev->owner = owner;
	return eval_expr(ev, x, out);
}

int ph_fta_model_evaluate(ph_fta_model *m)
{
	size_t np = m->ev[PH_FTA_PARAM].n;
	eval ev = { m, NULL, calloc(np ? np : 1, 1), calloc(np ? np : 1, sizeof(double)), NULL };
	int rc = 0;
	if (!ev.state || !ev.value)
		rc = ph_fta_fail(m, PH_FTA_ENOMEM, -1, 0, NULL, NULL, "out of memory");
	/* Every parameter, used or not, must evaluate (as SCRAM checks). */
	for (size_t i = 0; !rc && i < np; i++) {
		ph_fta_expr ref = { .op = PH_FTA_X_PARAM, .index = (uint32_t)i };
		double v;
		ev.owner = m->ev[PH_FTA_PARAM].v[i].name;
		rc = eval_param(&ev, &ref, &v);
	}
	/* CCF groups before their members, whose probability is the distribution. */
	if (!rc)
		rc = ph_fta_model_evaluate_ccf(m, &ev, eval_owned);
	for (size_t i = 0; !rc && i < m->ev[PH_FTA_BASIC].n; i++) {
		ph_fta_event *e = &m->ev[PH_FTA_BASIC].v[i];
		if (!e->has_expr)
			continue;
		ev.owner = e->name;
		rc = eval_expr(&ev, e->expr, &e->prob);
		if (!rc && (e->prob < 0 || e->prob > 1))
			rc = ph_fta_fail(m, PH_FTA_EINVALID, e->file, e->line, "define-basic-event",
			                 e->name, "probability %g is outside [0, 1]", e->prob);
		e->has_prob = !rc;
	}
	free(ev.state);
	free(ev.value);
	return rc;
}

int ph_fta_model_set_mission_time(ph_fta_model *m, double hours, char *err, size_t errlen)
{
	if (!m || !(hours > 0) || !isfinite(hours))
		return PH_FTA_EARG;
	m->mission_time = hours;
	m->err = err;
	m->errlen = err ? errlen : 0;
	if (err && errlen)
		err[0] = 0;
	int rc = ph_fta_model_evaluate(m);
	m->err = NULL;
	m->errlen = 0;
	return rc;
}

/* --- Monte Carlo ---------------------------------------------------------------- */

struct ph_fta_sampler {
	eval ev;
	uint64_t rng[4];
	double *ccf; /* per group: 32 level probabilities of this trial */
};

ph_fta_sampler *ph_fta_sampler_new(const ph_fta_model *m, uint64_t seed)
{
	ph_fta_sampler *s = calloc(1, sizeof *s);
	size_t np = m->ev[PH_FTA_PARAM].n, ng = m->ccfs.n;
	if (!s)
		return NULL;
	/* The model is only read: ph_fta_fail writes nothing without a buffer. */
	s->ev.m = (ph_fta_model *)m;
	s->ev.rng = s->rng;
	s->ev.state = calloc(np ? np : 1, 1);
	s->ev.value = calloc(np ? np : 1, sizeof(double));
	s->ccf = calloc((ng ? ng : 1) * 32, sizeof(double));
	for (int i = 0; i < 4; i++) { /* splitmix64 */
		uint64_t z = (seed += 0x9E3779B97F4A7C15ull);
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
		s->rng[i] = z ^ (z >> 31);
	}
	if (!s->ev.state || !s->ev.value || !s->ccf) {
		ph_fta_sampler_free(s);
		return NULL;
	}
	return s;
}

void ph_fta_sampler_free(ph_fta_sampler *s)
{
	if (!s)
		return;
	free(s->ev.state);
	free(s->ev.value);
	free(s->ccf);
	free(s);
}

static double clamp01(double p)
{
	return p > 1 ? 1 : p < 0 ? 0 : p;
}

int ph_fta_sampler_draw(ph_fta_sampler *s, const uint32_t *basic, size_t n, double *out,
                        const char **owner)
{
	const ph_fta_model *m = s->ev.m;
	memset(s->ev.state, 0, m->ev[PH_FTA_PARAM].n ? m->ev[PH_FTA_PARAM].n : 1);
	for (size_t g = 0; g < m->ccfs.n; g++) {
		int rc = ph_fta_ccf_levels(s->ev.m, g, &s->ev, eval_owned, 0, s->ccf + 32 * g);
		if (rc) {
			*owner = m->ccfs.v[g].def.name;
			return rc;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const ph_fta_event *e = &m->ev[PH_FTA_BASIC].v[basic[i]];
		int rc = 0;
		if (e->ccf_level)
			out[i] = s->ccf[32 * (size_t)(e->ccf - 1) + (size_t)e->ccf_level - 1];
		else if (e->has_expr)
			rc = eval_owned(&s->ev, e->expr, e->name, &out[i]);
		else
			out[i] = e->prob;
		if (rc) {
			*owner = e->name;
			return rc;
		}
		out[i] = clamp01(out[i]);
	}
	return 0;
}
