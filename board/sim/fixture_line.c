/*
 * fixture_line.c - hydraulics of the catheter line (see fixture.h).
 *
 * Two compliances in series: A (pump outlet to pinch valve, volume qa,
 * pressure qa/Ca, where the pump's sensor is) and B (the catheter, qb/Cb).
 * Flows: A->B through the pinch valve (conductance gp), B->balance through
 * the catheter tip (gt, closed by a kink), A->out through a leak (gl).
 *
 *   dqa/dt = -(gl + gp)/Ca qa + gp/Cb qb
 *   dqb/dt =  gp/Ca qa - (gp + gt)/Cb qb
 *
 * Between strokes the settings are constant, so q(t) = exp(M t) q(0), which
 * is computed in closed form (M is 2x2 with real eigenvalues <= 0).  What
 * left the line is split between the balance and the leak by the time
 * integral of each pressure, M^-1 (q(t) - q(0)).  A closed line never
 * drains: pressure builds stroke by stroke, and the stored volume is
 * released as a bolus when the occlusion clears.
 *
 * Conductances come from the profile's time constants (g = C / tau) scaled
 * by the open fraction of the valve or kink and by the viscosity of water at
 * the bath temperature.  A leak of L permille takes exactly L/1000 of the
 * flow of an open line at steady state; 1000 (a disconnection) takes all.
 */
#include <math.h>

#include "fixture_priv.h"

#define LEAK_TOTAL 1e6 /* disconnection: leak conductance / open-path conductance */

double fixture_viscosity_ratio(int32_t temp_mc)
{
	/* Vogel equation for water: mu = A 10^(B / (T - C)), B = 247.8 K, C = 140 K. */
	double t = temp_mc / 1000.0 + 273.15, t37 = 310.15;

	if (t < 150.0)
		t = 150.0;
	return pow(10.0, 247.8 / (t - 140.0) - 247.8 / (t37 - 140.0));
}

static double open_of(int32_t pm)
{
	return 1.0 - pm / 1000.0;
}

typedef struct net {
	double ca, cb;     /* compliances, nL/kPa */
	double gp, gt, gl; /* conductances, nL/(s kPa) */
} net;

/* Conductance of the open path from A to the balance. */
static double open_path(const fixture *fx, double ga, double gb)
{
	if (fx->cfg.catheter_compliance_nl_kpa <= 0)
		return ga;
	return ga * gb / (ga + gb);
}

static net build(const fixture *fx, int32_t pinch_pm)
{
	const fixture_config *c = &fx->cfg;
	net n;
	double ga = c->line_compliance_nl_kpa / c->line_tau_s / fx->visc;
	double gb = c->catheter_compliance_nl_kpa > 0
	                    ? c->catheter_compliance_nl_kpa / c->catheter_tau_s / fx->visc
	                    : 0;
	double g0 = open_path(fx, ga, gb);

	n.ca = c->line_compliance_nl_kpa;
	n.cb = c->catheter_compliance_nl_kpa;
	n.gp = ga * open_of(pinch_pm);
	n.gt = gb * open_of(fx->kink_pm);
	if (fx->leak_pm >= 1000)
		n.gl = g0 * LEAK_TOTAL;
	else
		n.gl = g0 * fx->leak_pm / (1000.0 - fx->leak_pm);
	return n;
}

static void deliver(fixture *fx, double out, double leaked)
{
	if (out <= 0)
		return;
	if (leaked < 0)
		leaked = 0;
	if (leaked > out)
		leaked = out;
	fx->leaked_nl += leaked;
	fx->at_balance_nl += out - leaked;
}

/* A rigid catheter: one compliance drained through valve, kink and leak. */
static void flow_single(fixture *fx, const net *n, double dt)
{
	double g = n->gp * open_of(fx->kink_pm), k = (g + n->gl) / n->ca, out;

	if (k <= 0 || fx->line_nl <= 0)
		return;
	out = fx->line_nl * -expm1(-dt * k);
	fx->line_nl -= out;
	deliver(fx, out, out * n->gl / (g + n->gl));
}

/* e^{M dt} = c I + sh (M - mu I), mu = tr/2, s = sqrt(disc), with
 * c = (e1 + e2)/2 and sh = (e1 - e2)/(2 s) written to stay exact as s -> 0. */
static void flow_double(fixture *fx, const net *n, double dt)
{
	double m11 = -(n->gl + n->gp) / n->ca, m12 = n->gp / n->cb;
	double m21 = n->gp / n->ca, m22 = -(n->gp + n->gt) / n->cb;
	double mu = (m11 + m22) / 2, d = (m11 - m22) / 2;
	double s = sqrt(d * d + m12 * m21);
	double e1 = exp((mu + s) * dt), e2 = exp((mu - s) * dt);
	double c = (e1 + e2) / 2, sh;
	double a0 = fx->line_nl, b0 = fx->cath_nl, a1, b1, det, ia;

	if (a0 <= 0 && b0 <= 0)
		return;
	if (s == 0)
		sh = e2 * dt;
	else if (2 * s * dt > 50)
		sh = (e1 - e2) / (2 * s);
	else
		sh = e2 * expm1(2 * s * dt) / (2 * s);
	a1 = c * a0 + sh * ((m11 - mu) * a0 + m12 * b0);
	b1 = c * b0 + sh * (m21 * a0 + (m22 - mu) * b0);
	if (a1 < 0)
		a1 = 0;
	if (b1 < 0)
		b1 = 0;
	fx->line_nl = a1;
	fx->cath_nl = b1;
	det = m11 * m22 - m12 * m21;
	if (n->gl <= 0) {
		deliver(fx, a0 + b0 - a1 - b1, 0);
	} else if (det == 0) {
		deliver(fx, a0 + b0 - a1 - b1, a0 + b0 - a1 - b1); /* only the leak is open */
	} else {
		/* Integral of qa over dt: row 1 of M^-1 (q1 - q0). */
		ia = (m22 * (a1 - a0) - m12 * (b1 - b0)) / det;
		deliver(fx, a0 + b0 - a1 - b1, n->gl / n->ca * ia);
	}
}

void fixture_line_flow(fixture *fx, double dt_s, int32_t pinch_pm)
{
	net n;

	if (dt_s <= 0)
		return;
	n = build(fx, pinch_pm);
	if (n.cb <= 0)
		flow_single(fx, &n, dt_s);
	else
		flow_double(fx, &n, dt_s);
}
