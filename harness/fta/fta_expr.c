/*
 * fta_expr.c - evaluates basic-event probability expressions: constants,
 * parameters, the mission time, arithmetic, the exponential, GLM, Weibull
 * and periodic-test models, and deviates (a deviate stands for its mean,
 * as in SCRAM's point estimates).  The reader builds the expressions; this
 * turns them into one probability per basic event.
 */
#include <math.h>
#include <stdlib.h>

#include "fta_internal.h"

typedef struct eval {
	ph_fta_model *m;
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
	case PH_FTA_X_NORMAL: *out = a[0]; return 0;
	case PH_FTA_X_LOGNORMAL:
		/* (mean, error factor, level) or (mu, sigma) of the log. */
		*out = x->nargs == 3 ? a[0] : exp(a[0] + a[1] * a[1] / 2);
		return 0;
	default: /* PH_FTA_X_UNIFORM */ *out = (a[0] + a[1]) / 2; return 0;
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
	eval ev = { m, calloc(np ? np : 1, 1), calloc(np ? np : 1, sizeof(double)), NULL };
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
