/*
 * view_tracks.c - the track painters.
 *
 * Analog lines are drawn from raw samples (a polyline, or steps for
 * set-points) while there are fewer than half as many visible samples as
 * pixel columns; beyond that each column shows the min..max of its samples
 * from the envelope pyramid, joined to its neighbour so a continuous signal
 * stays continuous.  Every painter draws inside the plot columns only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"
#include "view_draw_priv.h"

#define LEGEND_GAP 12
#define DOT_PX 8 /* dots while samples are at least this far apart */

typedef struct vrange {
	int32_t lo, hi;
	int any;
} vrange;

typedef struct yscale {
	double lo, hi; /* in sample units, padded */
	int top, bottom;
} yscale;

static int y_of(const yscale *s, double v)
{
	double f = (s->hi - v) / (s->hi - s->lo);

	return s->top + (int)lround(f * (s->bottom - s->top));
}

static void clip_plot(ph_view_ctx *c, int y, int h)
{
	ph_view_clip(c->r, c->x0, y, c->x1 - c->x0, h);
}

static void clip_none(ph_view_ctx *c, int y, int h)
{
	ph_view_clip(c->r, 0, y, c->vp->w, h);
}

/* Visible index range of l: [*a, *b), widened to the held sample for steps. */
static void visible(const ph_view_ctx *c, const ph_view_line *l, size_t *a, size_t *b)
{
	*a = ph_view_line_lower(l, c->vp->t0);
	*b = ph_view_line_lower(l, c->vp->t1 + 1);
	if (l->step && *a > 0)
		(*a)--;
	if (*a == *b && *a > 0 && *b < l->n) {
		(*a)--; /* no sample inside: the neighbours decide the scale */
		(*b)++;
	}
}

static vrange value_range(const ph_view_ctx *c, const ph_view_track *t)
{
	vrange r = { INT32_MAX, INT32_MIN, 0 };

	for (int k = 0; k < t->nlines; k++) {
		const ph_view_line *l = &t->line[k];
		size_t a, b;
		ph_view_minmax mm;
		visible(c, l, &a, &b);
		if (a >= b || b > l->env.samples)
			continue;
		mm = ph_view_env_range(&l->env, l->v, a, b);
		r.lo = mm.min < r.lo ? mm.min : r.lo;
		r.hi = mm.max > r.hi ? mm.max : r.hi;
		r.any = 1;
	}
	return r;
}

static void format_value(const ph_view_track *t, double v, double span, char *buf, size_t n)
{
	double d = v * t->scale, s = span * t->scale;
	int dec = s >= 100 ? 0 : s >= 10 ? 1 : s >= 1 ? 2 : 3;

	snprintf(buf, n, "%.*f %s", dec, d, t->unit);
}

static void draw_scale_labels(ph_view_ctx *c, const ph_view_track *t, const yscale *s, int y, int h)
{
	char hi[48], lo[48];
	int th = ph_view_text_height(c->txt);

	format_value(t, s->hi, s->hi - s->lo, hi, sizeof hi);
	format_value(t, s->lo, s->hi - s->lo, lo, sizeof lo);
	clip_none(c, y, h);
	if (h >= 2 * th + 2)
		ph_view_text_draw(c->txt, hi, c->x0 - 4, y + th + 1, PH_VIEW_COL_DIM,
		                  PH_ALIGN_RIGHT);
	if (h >= 3 * th)
		ph_view_text_draw(c->txt, lo, c->x0 - 4, y + h - th - 2, PH_VIEW_COL_DIM,
		                  PH_ALIGN_RIGHT);
}

/* Line names at the top right, on a backdrop, when a track has several. */
static void draw_legend(ph_view_ctx *c, const ph_view_track *t, int y)
{
	int w = 0, x;

	if (t->nlines < 2)
		return;
	for (int k = 0; k < t->nlines; k++)
		w += ph_view_text_width(c->txt, t->line[k].label) + LEGEND_GAP;
	x = c->x1 - 4;
	ph_view_color(c->r, 0xffffffd0u);
	ph_view_fill(c->r, x - w + LEGEND_GAP / 2, y + 1, w, ph_view_text_height(c->txt) + 1);
	for (int k = t->nlines - 1; k >= 0; k--) {
		x -= ph_view_text_draw(c->txt, t->line[k].label, x, y + 1, t->line[k].rgba,
		                       PH_ALIGN_RIGHT);
		x -= LEGEND_GAP;
	}
}

/* Clip segment (xa, ya)-(xb, yb) to x in [lo, hi]; 0 when fully outside. */
static int clip_x(double *xa, double *ya, double *xb, double *yb, double lo, double hi)
{
	if ((*xa < lo && *xb < lo) || (*xa > hi && *xb > hi))
		return 0;
	if (*xa < lo && *xb != *xa) {
		*ya += (*yb - *ya) * (lo - *xa) / (*xb - *xa);
		*xa = lo;
	}
	if (*xb > hi && *xb != *xa) {
		*yb = *ya + (*yb - *ya) * (hi - *xa) / (*xb - *xa);
		*xb = hi;
	}
	return 1;
}

/* Sparse samples get a dot each, so a lone reading is visible. */
static void draw_dots(ph_view_ctx *c, const ph_view_line *l, const yscale *s, size_t a, size_t b)
{
	int n = 0;

	for (size_t i = a; i < b && n < c->cols; i++) {
		double x = ph_view_t_to_x(c, ph_view_line_t(l, i));
		if (x >= c->x0 - 1 && x <= c->x1)
			c->rects[n++] =
			        ph_view_rect((int)lround(x) - 1, y_of(s, l->v[i]) - 1, 3, 3);
	}
	SDL_RenderFillRects(c->r, c->rects, n);
}

static void draw_raw(ph_view_ctx *c, const ph_view_line *l, const yscale *s, size_t a, size_t b)
{
	double lo = c->x0 - 2, hi = c->x1 + 1;
	size_t i0 = a > 0 ? a - 1 : 0, i1 = b < l->n ? b + 1 : l->n;

	if ((double)(b - a) * DOT_PX <= c->cols)
		draw_dots(c, l, s, a, b);

	for (size_t i = i0; i + 1 <= i1; i++) {
		double xa = ph_view_t_to_x(c, ph_view_line_t(l, i)), ya = y_of(s, l->v[i]);
		double xb, yb;
		int64_t ta = ph_view_line_t(l, i);
		if (i + 1 < i1 && ph_view_line_t(l, i + 1) - ta > PH_VIEW_GAP_NS) {
			continue; /* no data in between: a gap, never a line across */
		} else if (i + 1 < i1) {
			xb = ph_view_t_to_x(c, ph_view_line_t(l, i + 1));
			yb = l->step ? ya : y_of(s, l->v[i + 1]);
		} else if (l->step) {
			/* Hold the last value to the end, but not across a gap. */
			int64_t te = c->m->t_max - ta > PH_VIEW_GAP_NS ? ta + PH_VIEW_GAP_NS
			                                               : c->m->t_max;
			xb = ph_view_t_to_x(c, te);
			yb = ya;
		} else {
			if (i0 + 1 == i1 && xa >= lo && xa <= hi)
				SDL_RenderDrawPoint(c->r, (int)lround(xa), (int)ya);
			break;
		}
		if (l->step && i + 1 < i1 && ph_view_line_t(l, i + 1) - ta <= PH_VIEW_GAP_NS) {
			double xv = xb;
			double yv0 = ya, yv1 = y_of(s, l->v[i + 1]);
			if (xv >= lo && xv <= hi)
				SDL_RenderDrawLine(c->r, (int)lround(xv), (int)yv0, (int)lround(xv),
				                   (int)yv1);
		}
		if (clip_x(&xa, &ya, &xb, &yb, lo, hi))
			SDL_RenderDrawLine(c->r, (int)lround(xa), (int)lround(ya), (int)lround(xb),
			                   (int)lround(yb));
	}
}

/* One rect per column: min..max of the column's samples, stretched to
 * the last sample of the column before so the line stays joined. */
static void draw_envelope(ph_view_ctx *c, const ph_view_line *l, const yscale *s)
{
	int nrect = 0, prev = -1;
	size_t a = ph_view_line_lower(l, c->vp->t0);

	for (int x = 0; x < c->cols; x++) {
		int64_t tb = ph_view_t_at(c, x + 1);
		size_t b = ph_view_line_lower(l, tb);
		int top, bot, last;
		if (b > l->env.samples)
			b = l->env.samples;
		if (a < b) {
			ph_view_minmax mm = ph_view_env_range(&l->env, l->v, a, b);
			top = y_of(s, mm.max);
			bot = y_of(s, mm.min);
			last = y_of(s, l->v[b - 1]);
		} else if (l->step && a > 0 && a < l->n) {
			top = bot = last = y_of(s, l->v[a - 1]);
		} else {
			prev = -1;
			a = b;
			continue;
		}
		if (prev >= 0) {
			top = top > prev ? prev : top;
			bot = bot < prev ? prev : bot;
		}
		c->rects[nrect++] = ph_view_rect(c->x0 + x, top, 1, bot - top + 1);
		prev = last;
		a = b;
	}
	SDL_RenderFillRects(c->r, c->rects, nrect);
}

void ph_view_draw_analog(ph_view_ctx *c, const ph_view_track *t, int y, int h)
{
	vrange r = value_range(c, t);
	yscale s;
	double pad;

	if (!r.any) {
		ph_view_text_draw(c->txt, "no data", c->x0 + 6, y + h / 2 - 7, PH_VIEW_COL_DIM,
		                  PH_ALIGN_LEFT);
		return;
	}
	pad = r.hi > r.lo ? (double)(r.hi - r.lo) * 0.08 : fabs((double)r.hi) * 0.05 + 1;
	s.lo = r.lo - pad;
	s.hi = r.hi + pad;
	s.top = y + 2;
	s.bottom = y + h - 3;
	draw_scale_labels(c, t, &s, y, h);
	clip_plot(c, y, h);
	for (int k = 0; k < t->nlines; k++) {
		const ph_view_line *l = &t->line[k];
		size_t a, b;
		visible(c, l, &a, &b);
		if (!l->n)
			continue;
		ph_view_color(c->r, l->rgba);
		if ((double)(b - a) * 2 <= c->x1 - c->x0)
			draw_raw(c, l, &s, a, b);
		else
			draw_envelope(c, l, &s);
	}
	draw_legend(c, t, y);
}

/* Frames per column of one channel, as bars in [y, y + h). */
static void draw_frame_row(ph_view_ctx *c, const ph_trace_series *se, int y, int h, uint32_t rgba,
                           const char *label)
{
	size_t a = ph_trace_series_lower(se, c->vp->t0);
	uint32_t max = 1;
	int n = 0;
	char buf[48];

	clip_plot(c, y, h);
	for (int x = 0; x < c->cols; x++) {
		size_t b = ph_trace_series_lower(se, ph_view_t_at(c, x + 1));
		c->counts[x] = (uint32_t)(b - a);
		max = c->counts[x] > max ? c->counts[x] : max;
		a = b;
	}
	for (int x = 0; x < c->cols; x++)
		if (c->counts[x]) {
			int bh = (int)((double)c->counts[x] * (h - 2) / max);
			bh = bh < 1 ? 1 : bh;
			c->rects[n++] = ph_view_rect(c->x0 + x, y + h - 1 - bh, 1, bh);
		}
	ph_view_color(c->r, rgba);
	SDL_RenderFillRects(c->r, c->rects, n);
	snprintf(buf, sizeof buf, "%s \xe2\x89\xa4%u", label, max);
	clip_none(c, y, h + 2);
	ph_view_text_draw(c->txt, buf, c->x0 - 4, y + h - ph_view_text_height(c->txt) + 2, rgba,
	                  PH_ALIGN_RIGHT);
}

void ph_view_draw_frames(ph_view_ctx *c, const ph_view_track *t, int y, int h)
{
	(void)t;
	if (!c->m->sig)
		return;
	draw_frame_row(c, &c->m->sig->sig[PH_SIG_FRAMES_PUMP], y + 1, h / 2 - 1, 0x1f77b4ffu,
	               "pump");
	draw_frame_row(c, &c->m->sig->sig[PH_SIG_FRAMES_FIXTURE], y + h / 2, h / 2 - 1, 0x2ca02cffu,
	               "fixture");
}

static uint32_t span_rgba(const ph_trace_span *sp)
{
	static const uint32_t prio[] = { 0xb0b0b0ffu, 0xe6c200ffu, 0xf28c00ffu, 0xd62020ffu };

	if (sp->kind == PH_SPAN_ALARM)
		return prio[sp->priority >= 0 && sp->priority <= 3 ? sp->priority : 0];
	if (sp->kind == PH_SPAN_FAULT)
		return 0x9050c8d0u;
	if (sp->detail && !strcmp(sp->detail, "pass"))
		return 0x8fd18fffu;
	if (sp->detail && (!strcmp(sp->detail, "fail") || !strcmp(sp->detail, "error")))
		return 0xf08080ffu;
	return 0xd0d0d0ffu;
}

static void draw_span(ph_view_ctx *c, const ph_trace_span *sp, int y, int h)
{
	int64_t t1 = sp->t1 < 0 ? c->m->t_max : sp->t1;
	double xa = ph_view_t_to_x(c, sp->t0), xb = ph_view_t_to_x(c, t1);
	int x0, x1, tw;
	uint32_t rgba = span_rgba(sp);

	if (xb < c->x0 || xa > c->x1)
		return;
	x0 = xa < c->x0 ? c->x0 : (int)floor(xa);
	x1 = xb > c->x1 ? c->x1 : (int)ceil(xb);
	if (x1 - x0 < 2)
		x1 = x0 + 2;
	ph_view_color(c->r, rgba);
	ph_view_fill(c->r, x0, y, x1 - x0, h);
	tw = ph_view_text_width(c->txt, sp->label);
	if (tw + 6 <= x1 - x0)
		ph_view_text_draw(
		        c->txt, sp->label, x0 + 3, y + (h - ph_view_text_height(c->txt)) / 2,
		        sp->kind == PH_SPAN_TEST ? PH_VIEW_COL_TEXT : 0xffffffffu, PH_ALIGN_LEFT);
}

void ph_view_draw_spans(ph_view_ctx *c, const ph_view_track *t, int y, int h)
{
	int want = t->kind == PH_TRACK_ALARMS   ? PH_SPAN_ALARM
	           : t->kind == PH_TRACK_FAULTS ? PH_SPAN_FAULT
	                                        : PH_SPAN_TEST;
	int sh = t->kind == PH_TRACK_TESTS ? h / 2 - 2 : h - 4;

	if (!c->m->sig)
		return;
	clip_plot(c, y, h);
	for (size_t i = 0; i < c->m->sig->spans.n; i++)
		if (c->m->sig->spans.v[i].kind == want)
			draw_span(c, &c->m->sig->spans.v[i], y + 2, sh);
}

void ph_view_draw_markers(ph_view_ctx *c, int top, int bottom, int y, int h)
{
	int label_end = c->x0;

	if (!c->m->sig)
		return;
	ph_view_clip(c->r, c->x0, top, c->x1 - c->x0, bottom - top);
	for (size_t i = 0; i < c->m->sig->markers.n; i++) {
		const ph_trace_marker *mk = &c->m->sig->markers.v[i];
		double xf = ph_view_t_to_x(c, mk->t);
		uint32_t rgba = mk->verdict == PH_VERDICT_PASS   ? 0x208020ffu
		                : mk->verdict == PH_VERDICT_FAIL ? 0xd02020ffu
		                                                 : 0x606060ffu;
		char buf[160];
		int x = (int)lround(xf);
		if (xf < c->x0 || xf >= c->x1)
			continue;
		ph_view_color(c->r, (rgba & 0xffffff00u) | 0x60u);
		SDL_RenderDrawLine(c->r, x, top, x, bottom - 1);
		ph_view_color(c->r, rgba);
		ph_view_fill(c->r, x - 2, y + h / 2, 5, h / 2 - 2);
		snprintf(buf, sizeof buf, "%s%s%s", mk->label, mk->detail ? " " : "",
		         mk->detail ? mk->detail : "");
		if (x + 4 > label_end) {
			int w = ph_view_text_draw(c->txt, buf, x + 4,
			                          y + h - ph_view_text_height(c->txt) - 1, rgba,
			                          PH_ALIGN_LEFT);
			label_end = x + 4 + w + 6;
		}
	}
	SDL_RenderSetClipRect(c->r, NULL);
}
