/*
 * view_draw.h - draw a model on any SDL renderer (window or software
 * surface): a header line, stacked tracks, a time axis, cursors.
 */
#ifndef PH_VIEW_DRAW_H
#define PH_VIEW_DRAW_H

#ifndef PH_USES_VIEW
#error "view/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdint.h>

#include <SDL.h>

#include "view_model.h"
#include "view_text.h"

#define PH_VIEW_NO_CURSOR INT64_MIN

/* What is shown: the time range, the cursors, the output size. */
typedef struct ph_view_port {
	int64_t t0, t1;    /* visible range, t0 < t1 */
	int64_t cursor[2]; /* PH_VIEW_NO_CURSOR when unset */
	int w, h;
	const char *title;
} ph_view_port;

/* The plot columns [x0, x1) every track shares. */
void ph_view_plot_columns(int w, int *x0, int *x1);

/* ns per pixel column: t0 is drawn in the first plot column, t1 in the last. */
double ph_view_ns_per_px(const ph_view_port *vp);

/* Time under window column x (clamped to the plot). */
int64_t ph_view_x_to_t(const ph_view_port *vp, int x);

/* Draw everything.  Borrows all arguments; never fails (a track without
 * data says so). */
void ph_view_draw(SDL_Renderer *r, ph_view_text *txt, const ph_view_model *m,
                  const ph_view_port *vp);

#endif
