/*
 * stats.c - Welch's t-test and the "moved" rule, for compare and the
 * report's trend (docs/history.md).
 */
#include <math.h>

#include "history/history_priv.h"

/* The continued fraction of the incomplete beta (modified Lentz). */
static double betacf(double a, double b, double x)
{
	const double eps = 3e-15, tiny = 1e-300;
	double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap, h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 500; m++) {
		double m2 = 2.0 * m, aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < eps)
			break;
	}
	return h;
}

double ph_history_ibeta(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	double bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return bt * betacf(a, b, x) / a;
	return 1 - bt * betacf(b, a, 1 - x) / b;
}

static void moments(const double *v, size_t n, double *mean, double *sd)
{
	double s = 0, ss = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	*mean = n ? s / (double)n : NAN;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - *mean) * (v[i] - *mean);
	*sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
}

void ph_history_welch(const double *a, size_t na, const double *b, size_t nb, ph_welch *w)
{
	moments(a, na, &w->mean_a, &w->sd_a);
	moments(b, nb, &w->mean_b, &w->sd_b);
	w->n_a = na;
	w->n_b = nb;
	w->t = w->df = w->p = NAN;
	if (na < 2 || nb < 2)
		return;
	double va = w->sd_a * w->sd_a / (double)na, vb = w->sd_b * w->sd_b / (double)nb;
	double se2 = va + vb, diff = w->mean_b - w->mean_a;
	double scale = fmax(fmax(fabs(w->mean_a), fabs(w->mean_b)), 1e-300);
	if (se2 <= 0 || sqrt(se2) < 1e-12 * scale) {
		/* No spread on either side: any difference is beyond the noise. */
		int same = fabs(diff) <= 1e-12 * scale;
		w->t = same ? 0 : copysign(INFINITY, diff);
		w->df = (double)(na + nb - 2);
		w->p = same ? 1 : 0;
		return;
	}
	w->t = diff / sqrt(se2);
	w->df = se2 * se2 / (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
	w->p = ph_history_ibeta(w->df / 2, 0.5, w->df / (w->df + w->t * w->t));
}

int ph_history_moved(const double *a, size_t na, const double *b, size_t nb,
                     const ph_history_thresholds *th, ph_welch *w)
{
	ph_history_welch(a, na, b, nb, w);
	double diff = w->mean_b - w->mean_a, ref = fabs(w->mean_a);
	if (isnan(w->p)) /* a single value on a side: no noise estimate */
		return ref > 0 ? fabs(diff) >= th->single_shift * ref : diff != 0;
	return w->p < th->alpha && (ref > 0 ? fabs(diff) >= th->min_shift * ref : diff != 0);
}
