/*
 * view_draw.c - frame layout: header, tracks stacked by weight, time axis
 * with a 1-2-5/clock tick ladder, vertical grid, cursors and their delta.
 */
#include "view_draw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "trace/trace.h"
#include "view_draw_priv.h"
#include "view_time.h"

#define GUTTER 128
#define MARGIN_R 8
#define HEADER_H 22
#define AXIS_H 24
#define TICK_MIN_PX 96

static const int fixed_h[] = {
	[PH_TRACK_FRAMES] = 34,
	[PH_TRACK_ALARMS] = 22,
	[PH_TRACK_FAULTS] = 22,
	[PH_TRACK_TESTS] = 34,
};

static const uint32_t cursor_rgba[2] = { 0x0050d0ffu, 0xc000a0ffu };

void ph_view_color(SDL_Renderer *r, uint32_t rgba)
{
	SDL_SetRenderDrawColor(r, (Uint8)(rgba >> 24), (Uint8)(rgba >> 16), (Uint8)(rgba >> 8),
	                       (Uint8)rgba);
}

SDL_Rect ph_view_rect(int x, int y, int w, int h)
{
	SDL_Rect r;

	r.x = x;
	r.y = y;
	r.w = w;
	r.h = h;
	return r;
}

void ph_view_fill(SDL_Renderer *r, int x, int y, int w, int h)
{
	SDL_Rect rc = ph_view_rect(x, y, w, h);

	SDL_RenderFillRect(r, &rc);
}

void ph_view_clip(SDL_Renderer *r, int x, int y, int w, int h)
{
	SDL_Rect rc = ph_view_rect(x, y, w, h);

	SDL_RenderSetClipRect(r, &rc);
}

void ph_view_plot_columns(int w, int *x0, int *x1)
{
	*x0 = GUTTER;
	*x1 = w - MARGIN_R > GUTTER + 1 ? w - MARGIN_R : GUTTER + 1;
}

double ph_view_t_to_x(const ph_view_ctx *c, int64_t t)
{
	return c->x0 + (double)(t - c->vp->t0) / c->ns_per_px;
}

int64_t ph_view_t_at(const ph_view_ctx *c, double px)
{
	const double lim = 2.0 * (double)PH_TRACE_T_LIMIT;
	double t = (double)c->vp->t0 + px * c->ns_per_px;

	return (int64_t)(t < -lim ? -lim : t > lim ? lim : t);
}

double ph_view_ns_per_px(const ph_view_port *vp)
{
	int x0, x1;

	ph_view_plot_columns(vp->w, &x0, &x1);
	return (double)(vp->t1 > vp->t0 ? vp->t1 - vp->t0 : 1) / (x1 - x0 - 1);
}

int64_t ph_view_x_to_t(const ph_view_port *vp, int x)
{
	int x0, x1;

	ph_view_plot_columns(vp->w, &x0, &x1);
	if (x < x0)
		x = x0;
	if (x > x1)
		x = x1;
	return vp->t0 + (int64_t)((double)(x - x0) * ph_view_ns_per_px(vp));
}

static void draw_header(ph_view_ctx *c)
{
	char from[48], to[48], span[48], buf[200];
	const ph_view_port *vp = c->vp;
	int64_t step = ph_view_time_step(c->ns_per_px, 1);

	ph_view_color(c->r, PH_VIEW_COL_GUTTER);
	ph_view_fill(c->r, 0, 0, vp->w, HEADER_H);
	ph_view_text_draw(c->txt, vp->title, 6, 4, PH_VIEW_COL_TEXT, PH_ALIGN_LEFT);
	ph_view_time_label(vp->t0, step, from, sizeof from);
	ph_view_time_label(vp->t1, step, to, sizeof to);
	ph_view_time_span(vp->t1 - vp->t0, span, sizeof span);
	snprintf(buf, sizeof buf, "%s  to  %s  (%s)", from, to, span);
	ph_view_text_draw(c->txt, buf, vp->w - MARGIN_R, 4, PH_VIEW_COL_TEXT, PH_ALIGN_RIGHT);
	if (vp->cursor[0] != PH_VIEW_NO_CURSOR && vp->cursor[1] != PH_VIEW_NO_CURSOR) {
		ph_view_time_span(vp->cursor[1] - vp->cursor[0], span, sizeof span);
		snprintf(buf, sizeof buf, "\xce\x94t (B - A) = %s", span);
		ph_view_text_draw(c->txt, buf, (c->x0 + c->x1) / 2, 4, PH_VIEW_COL_TEXT,
		                  PH_ALIGN_CENTER);
	}
}

static void draw_axis(ph_view_ctx *c, int top, int y)
{
	int64_t step = ph_view_time_step(c->ns_per_px, TICK_MIN_PX);
	int64_t t = c->vp->t0 - (c->vp->t0 % step + step) % step;
	char label[48];

	ph_view_color(c->r, PH_VIEW_COL_SEP);
	SDL_RenderDrawLine(c->r, c->x0, y, c->x1 - 1, y);
	for (; t <= c->vp->t1; t += step) {
		int x = (int)lround(ph_view_t_to_x(c, t));
		if (x < c->x0 || x >= c->x1)
			continue;
		ph_view_color(c->r, PH_VIEW_COL_GRID);
		SDL_RenderDrawLine(c->r, x, top, x, y - 1);
		ph_view_color(c->r, PH_VIEW_COL_DIM);
		SDL_RenderDrawLine(c->r, x, y, x, y + 4);
		ph_view_time_label(t, step, label, sizeof label);
		ph_view_text_draw(c->txt, label, x, y + 6, PH_VIEW_COL_TEXT, PH_ALIGN_CENTER);
	}
	ph_view_text_draw(c->txt, "time", 6, y + 6, PH_VIEW_COL_DIM, PH_ALIGN_LEFT);
}

static void draw_cursors(ph_view_ctx *c, int top, int bottom)
{
	char label[64];

	for (int i = 0; i < 2; i++) {
		int64_t t = c->vp->cursor[i];
		int x;
		if (t == PH_VIEW_NO_CURSOR)
			continue;
		x = (int)lround(ph_view_t_to_x(c, t));
		if (x < c->x0 || x >= c->x1)
			continue;
		ph_view_color(c->r, cursor_rgba[i]);
		SDL_RenderDrawLine(c->r, x, top, x, bottom);
		ph_view_time_label(t, ph_view_time_step(c->ns_per_px, 1), label + 2,
		                   sizeof label - 2);
		label[0] = i ? 'B' : 'A';
		label[1] = ' ';
		ph_view_text_draw(c->txt, label, x + 3, top + 1, cursor_rgba[i], PH_ALIGN_LEFT);
	}
}

/* Heights of every track for a plot of height avail. */
static void track_heights(const ph_view_model *m, int avail, int *h)
{
	int fixed = 0, weights = 0, left;

	for (int i = 0; i < m->ntracks; i++) {
		if (m->track[i].kind == PH_TRACK_ANALOG)
			weights += m->track[i].weight > 0 ? m->track[i].weight : 1;
		else
			fixed += fixed_h[m->track[i].kind];
	}
	left = avail - fixed;
	for (int i = 0; i < m->ntracks; i++) {
		const ph_view_track *t = &m->track[i];
		if (t->kind != PH_TRACK_ANALOG)
			h[i] = fixed_h[t->kind];
		else
			h[i] = weights ? left * (t->weight > 0 ? t->weight : 1) / weights : 0;
		if (h[i] < 12)
			h[i] = 12;
	}
}

static void draw_track(ph_view_ctx *c, const ph_view_track *t, int y, int h)
{
	ph_view_color(c->r, PH_VIEW_COL_GUTTER);
	ph_view_fill(c->r, 0, y, c->x0, h);
	ph_view_text_draw(c->txt, t->name, 6, y + 2, PH_VIEW_COL_TEXT, PH_ALIGN_LEFT);
	ph_view_clip(c->r, 0, y, c->vp->w, h);
	if (t->kind == PH_TRACK_ANALOG)
		ph_view_draw_analog(c, t, y, h);
	else if (t->kind == PH_TRACK_FRAMES)
		ph_view_draw_frames(c, t, y, h);
	else
		ph_view_draw_spans(c, t, y, h);
	SDL_RenderSetClipRect(c->r, NULL);
	ph_view_color(c->r, PH_VIEW_COL_SEP);
	SDL_RenderDrawLine(c->r, 0, y + h - 1, c->vp->w - 1, y + h - 1);
}

void ph_view_draw(SDL_Renderer *r, ph_view_text *txt, const ph_view_model *m,
                  const ph_view_port *vp)
{
	ph_view_ctx c = { r, txt, m, vp, 0, 0, 0, 1, NULL, NULL };
	int h[PH_VIEW_MAX_TRACKS], y = HEADER_H, axis_y, tests_y = -1, tests_h = 0;

	ph_view_plot_columns(vp->w, &c.x0, &c.x1);
	c.cols = c.x1 - c.x0;
	c.ns_per_px = ph_view_ns_per_px(vp);
	c.rects = malloc((size_t)c.cols * sizeof *c.rects);
	c.counts = malloc((size_t)c.cols * sizeof *c.counts);
	if (!c.rects || !c.counts)
		c.cols = 0; /* out of memory: axes and labels only */
	SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
	ph_view_color(r, PH_VIEW_COL_BG);
	SDL_RenderClear(r);
	axis_y = vp->h - AXIS_H;
	track_heights(m, axis_y - HEADER_H, h);
	draw_axis(&c, HEADER_H, axis_y);
	for (int i = 0; i < m->ntracks; i++) {
		draw_track(&c, &m->track[i], y, h[i]);
		if (m->track[i].kind == PH_TRACK_TESTS) {
			tests_y = y;
			tests_h = h[i];
		}
		y += h[i];
	}
	if (tests_y >= 0)
		ph_view_draw_markers(&c, HEADER_H, axis_y, tests_y, tests_h);
	draw_cursors(&c, HEADER_H, axis_y);
	draw_header(&c);
	free(c.rects);
	free(c.counts);
}
