/*
 * view_draw_priv.h - what the track painters share.  Internal to harness/view.
 */
#ifndef PH_VIEW_DRAW_PRIV_H
#define PH_VIEW_DRAW_PRIV_H

#ifndef PH_USES_VIEW
#error "view/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include "view_draw.h"

#define PH_VIEW_COL_BG 0xffffffffu
#define PH_VIEW_COL_GUTTER 0xf4f4f4ffu
#define PH_VIEW_COL_TEXT 0x202020ffu
#define PH_VIEW_COL_DIM 0x707070ffu
#define PH_VIEW_COL_GRID 0xe6e6e6ffu
#define PH_VIEW_COL_SEP 0xc8c8c8ffu

typedef struct ph_view_ctx {
	SDL_Renderer *r;
	ph_view_text *txt;
	const ph_view_model *m;
	const ph_view_port *vp;
	int x0, x1; /* plot columns */
	int cols;   /* x1 - x0 */
	double ns_per_px;
	SDL_Rect *rects;  /* scratch, cols entries */
	uint32_t *counts; /* scratch, cols entries */
} ph_view_ctx;

void ph_view_color(SDL_Renderer *r, uint32_t rgba);
/* Rectangles without compound literals (which cppcheck cannot parse). */
SDL_Rect ph_view_rect(int x, int y, int w, int h);
void ph_view_fill(SDL_Renderer *r, int x, int y, int w, int h);
void ph_view_clip(SDL_Renderer *r, int x, int y, int w, int h);
/* Window column of time t (may be outside the plot). */
double ph_view_t_to_x(const ph_view_ctx *c, int64_t t);
/* Time px columns right of the view's start, kept within +-2 PH_TRACE_T_LIMIT
 * (a column past the end of a view spanning nearly 2^63 ns does not fit). */
int64_t ph_view_t_at(const ph_view_ctx *c, double px);

void ph_view_draw_analog(ph_view_ctx *c, const ph_view_track *t, int y, int h);
void ph_view_draw_frames(ph_view_ctx *c, const ph_view_track *t, int y, int h);
void ph_view_draw_spans(ph_view_ctx *c, const ph_view_track *t, int y, int h);
/* Measurement markers: a faint line over [top, bottom) and a labelled tick
 * in the tests track at y, h. */
void ph_view_draw_markers(ph_view_ctx *c, int top, int bottom, int y, int h);

#endif
