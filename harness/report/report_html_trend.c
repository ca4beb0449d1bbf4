/*
 * report_html_trend.c - a measurement's trend in index.html: an inline SVG
 * sparkline of its values over the last runs on the same bench and profile
 * (this run's point highlighted, the limits dashed) and a "moved" badge
 * when compare would name it (the "trend" member ph_history_trend adds;
 * docs/reports.md).  No script, no external file.
 */
#include <math.h>
#include <stdio.h>

#include "report_priv.h"

#define W 120.0
#define H 24.0
#define PAD 2.0

static double y_of(double v, double lo, double hi)
{
	return H - PAD - (v - lo) / (hi - lo) * (H - 2 * PAD);
}

static void limit_line(FILE *f, json_t *lim, double lo, double hi)
{
	if (!json_is_number(lim))
		return;
	double y = y_of(json_number_value(lim), lo, hi);
	fprintf(f, "<line class=\"limit\" x1=\"0\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\"/>", W, y, y);
}

int ph_report_html_has_trend(json_t *ms)
{
	size_t i;
	json_t *m;
	json_array_foreach(ms, i, m)
	{
		if (json_is_object(json_object_get(m, "trend")))
			return 1;
	}
	return 0;
}

void ph_report_html_trend(FILE *f, json_t *m)
{
	json_t *tr = json_object_get(m, "trend"), *vals = json_object_get(tr, "values"), *v;
	json_t *lmin = json_object_get(m, "min"), *lmax = json_object_get(m, "max");
	size_t n = json_array_size(vals), i;
	double lo = INFINITY, hi = -INFINITY;

	if (!n)
		return;
	json_array_foreach(vals, i, v)
	{
		if (!json_is_number(v))
			return;
		lo = fmin(lo, json_number_value(v));
		hi = fmax(hi, json_number_value(v));
	}
	if (json_is_number(lmin))
		lo = fmin(lo, json_number_value(lmin));
	if (json_is_number(lmax))
		hi = fmax(hi, json_number_value(lmax));
	if (!(hi > lo)) { /* one level: a flat line in the middle */
		double d = fabs(lo) > 0 ? fabs(lo) * 0.01 : 1;
		lo -= d;
		hi += d;
	}
	fprintf(f,
	        "<svg class=\"spark\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
	        "role=\"img\">"
	        "<title>",
	        W, H, W, H);
	fprintf(f, "last %zu run%s on this bench and profile, this run last", n, n == 1 ? "" : "s");
	fputs("</title>", f);
	limit_line(f, lmin, lo, hi);
	limit_line(f, lmax, lo, hi);
	fputs("<polyline class=\"series\" points=\"", f);
	double x = PAD, y = H / 2, step = n > 1 ? (W - 2 * PAD) / (double)(n - 1) : 0;
	json_array_foreach(vals, i, v)
	{
		x = n > 1 ? PAD + step * (double)i : W / 2;
		y = y_of(json_number_value(v), lo, hi);
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", x, y);
	}
	fprintf(f, "\"/><circle class=\"current\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/></svg>", x, y);
	if (json_is_true(json_object_get(tr, "moved"))) {
		json_t *p = json_object_get(tr, "p");
		fprintf(f, " <span class=\"badge moved\">moved %+.1f%%",
		        json_number_value(json_object_get(tr, "shift_pct")));
		if (json_is_number(p))
			fprintf(f, " (p %.2g)", json_number_value(p));
		else
			fputs(" (single values: no noise estimate)", f);
		fputs("</span>", f);
	}
}
