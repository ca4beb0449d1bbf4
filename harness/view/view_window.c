/*
 * view_window.c - the interactive viewer: drain events, re-poll the trace
 * for new complete blocks, draw when something changed, present.
 *
 * Zoom: wheel (about the pointer), + and - (about the centre).  Pan: drag
 * with the left button, Left/Right arrows.  Home: the whole trace, then
 * follow it as it grows; End: keep the span and follow the end.  Left click
 * (without dragging) puts cursor A, right click cursor B; the header shows
 * B - A.  c clears the cursors, q or Escape quits.
 */
#include "view_window.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "view_draw.h"
#include "view_model.h"
#include "view_priv.h"
#include "base/log.h"

#define WHEEL_ZOOM 1.25
#define KEY_ZOOM 2.0
#define KEY_PAN 0.2
#define MIN_SPAN_NS 1000
#define DRAG_SLOP_PX 3
#define IDLE_WAIT_MS 50

typedef struct win {
	ph_view_doc *doc;
	SDL_Window *w;
	SDL_Renderer *r;
	ph_view_text *txt;
	ph_view_port vp;
	char title[256];
	int follow; /* keep the right edge on the newest record */
	int dirty;
	int dragging; /* left button down */
	int drag_x;
	int drag_moved;
	int64_t drag_t0, drag_t1;
	int quit;
} win;

static int64_t data_span(const win *v)
{
	const ph_view_model *m = &v->doc->model;

	return m->t_max > m->t_min ? m->t_max - m->t_min : 1000000000;
}

/* Set the range to [t0, t1], keeping the span within sane limits. */
static void set_range(win *v, double t0, double t1)
{
	double max_span = (double)data_span(v) * 4 + 1e9;

	if (t1 - t0 < MIN_SPAN_NS) {
		double mid = (t0 + t1) / 2;
		t0 = mid - MIN_SPAN_NS / 2.0;
		t1 = mid + MIN_SPAN_NS / 2.0;
	}
	if (t1 - t0 > max_span) {
		double mid = (t0 + t1) / 2;
		t0 = mid - max_span / 2;
		t1 = mid + max_span / 2;
	}
	v->vp.t0 = (int64_t)t0;
	v->vp.t1 = (int64_t)t1;
	v->dirty = 1;
}

static void zoom_about(win *v, int64_t tm, double f)
{
	v->follow = 0;
	set_range(v, (double)tm - (double)(tm - v->vp.t0) / f,
	          (double)tm + (double)(v->vp.t1 - tm) / f);
}

static void pan(win *v, double frac)
{
	double d = (double)(v->vp.t1 - v->vp.t0) * frac;

	v->follow = 0;
	set_range(v, (double)v->vp.t0 + d, (double)v->vp.t1 + d);
}

static void show_all(win *v)
{
	char err[64];

	ph_view_resolve_range(&v->doc->model, -1, -1, &v->vp.t0, &v->vp.t1, err, sizeof err);
	v->follow = 1;
	v->dirty = 1;
}

/* Following: the right edge tracks the newest record. */
static void follow_end(win *v, int keep_span)
{
	int64_t span = v->vp.t1 - v->vp.t0;

	if (!keep_span) {
		show_all(v);
		return;
	}
	v->vp.t1 = v->doc->model.t_max > v->vp.t0 ? v->doc->model.t_max : v->vp.t1;
	v->vp.t0 = v->vp.t1 - span;
	v->follow = 2;
	v->dirty = 1;
}

static void on_key(win *v, SDL_Keycode k)
{
	int64_t mid = v->vp.t0 + (v->vp.t1 - v->vp.t0) / 2;

	switch (k) {
	case SDLK_PLUS:
	case SDLK_EQUALS:
	case SDLK_KP_PLUS: zoom_about(v, mid, KEY_ZOOM); break;
	case SDLK_MINUS:
	case SDLK_KP_MINUS: zoom_about(v, mid, 1 / KEY_ZOOM); break;
	case SDLK_LEFT: pan(v, -KEY_PAN); break;
	case SDLK_RIGHT: pan(v, KEY_PAN); break;
	case SDLK_HOME: show_all(v); break;
	case SDLK_END: follow_end(v, 1); break;
	case SDLK_c:
		v->vp.cursor[0] = v->vp.cursor[1] = PH_VIEW_NO_CURSOR;
		v->dirty = 1;
		break;
	case SDLK_q:
	case SDLK_ESCAPE: v->quit = 1; break;
	default: break;
	}
}

static void on_button(win *v, const SDL_MouseButtonEvent *b)
{
	if (b->button == SDL_BUTTON_LEFT && b->type == SDL_MOUSEBUTTONDOWN) {
		v->dragging = 1;
		v->drag_moved = 0;
		v->drag_x = b->x;
		v->drag_t0 = v->vp.t0;
		v->drag_t1 = v->vp.t1;
	} else if (b->button == SDL_BUTTON_LEFT && v->dragging) {
		v->dragging = 0;
		if (!v->drag_moved) {
			v->vp.cursor[0] = ph_view_x_to_t(&v->vp, b->x);
			v->dirty = 1;
		}
	} else if (b->button == SDL_BUTTON_RIGHT && b->type == SDL_MOUSEBUTTONUP) {
		v->vp.cursor[1] = ph_view_x_to_t(&v->vp, b->x);
		v->dirty = 1;
	}
}

static void on_motion(win *v, const SDL_MouseMotionEvent *m)
{
	ph_view_port at_press = v->vp;
	double ns_per_px;

	if (!v->dragging || (!v->drag_moved && abs(m->x - v->drag_x) < DRAG_SLOP_PX))
		return;
	v->drag_moved = 1;
	v->follow = 0;
	at_press.t0 = v->drag_t0;
	at_press.t1 = v->drag_t1;
	ns_per_px = ph_view_ns_per_px(&at_press);
	v->vp.t0 = v->drag_t0 - (int64_t)((m->x - v->drag_x) * ns_per_px);
	v->vp.t1 = v->drag_t1 - (int64_t)((m->x - v->drag_x) * ns_per_px);
	v->dirty = 1;
}

static void on_event(win *v, const SDL_Event *e)
{
	int mx, my;

	switch (e->type) {
	case SDL_QUIT: v->quit = 1; break;
	case SDL_KEYDOWN: on_key(v, e->key.keysym.sym); break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP: on_button(v, &e->button); break;
	case SDL_MOUSEMOTION: on_motion(v, &e->motion); break;
	case SDL_MOUSEWHEEL:
		SDL_GetMouseState(&mx, &my);
		if (e->wheel.y)
			zoom_about(v, ph_view_x_to_t(&v->vp, mx),
			           e->wheel.y > 0 ? WHEEL_ZOOM : 1 / WHEEL_ZOOM);
		break;
	case SDL_WINDOWEVENT:
		if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
			v->vp.w = e->window.data1;
			v->vp.h = e->window.data2;
		}
		v->dirty = 1;
		break;
	default: break;
	}
}

/* New records: extend the view when following. */
static int poll_trace(win *v, char *err, size_t errlen)
{
	int k = ph_view_doc_poll(v->doc, err, errlen);

	if (k <= 0)
		return k;
	v->dirty = 1;
	if (v->follow)
		follow_end(v, v->follow == 2);
	return 0;
}

static int loop(win *v, char *err, size_t errlen)
{
	while (!v->quit) {
		SDL_Event e;
		if (SDL_WaitEventTimeout(&e, v->dirty ? 1 : IDLE_WAIT_MS)) {
			on_event(v, &e);
			while (SDL_PollEvent(&e))
				on_event(v, &e);
		}
		if (poll_trace(v, err, errlen) < 0)
			return PH_VIEW_ERR_TRACE;
		if (v->dirty) {
			ph_view_draw(v->r, v->txt, &v->doc->model, &v->vp);
			SDL_RenderPresent(v->r);
			v->dirty = 0;
		}
	}
	return PH_VIEW_OK;
}

static int open_window(win *v, const char *path, int w, int h, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/');

	snprintf(v->title, sizeof v->title, "pumphil view - %s", base ? base + 1 : path);
	v->w = SDL_CreateWindow(v->title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, w, h,
	                        SDL_WINDOW_RESIZABLE);
	if (!v->w) {
		snprintf(err, errlen, "cannot open a window: %s (headless: use --png)",
		         SDL_GetError());
		return -1;
	}
	SDL_SetWindowMinimumSize(v->w, PH_VIEW_MIN_W, PH_VIEW_MIN_H);
	v->r = SDL_CreateRenderer(v->w, -1, SDL_RENDERER_PRESENTVSYNC);
	if (!v->r)
		v->r = SDL_CreateRenderer(v->w, -1, SDL_RENDERER_SOFTWARE);
	if (!v->r) {
		snprintf(err, errlen, "cannot create a renderer: %s", SDL_GetError());
		return -1;
	}
	SDL_GetRendererOutputSize(v->r, &v->vp.w, &v->vp.h);
	v->txt = ph_view_text_new(v->r, PH_VIEW_FONT_PX, err, errlen);
	return v->txt ? 0 : -1;
}

/* SDL falls back to its invisible offscreen driver when there is no
 * display: a window nobody can see or close.  Refuse unless asked for. */
static int no_display(char *err, size_t errlen)
{
	const char *d = SDL_GetCurrentVideoDriver();
	const char *asked = getenv("SDL_VIDEODRIVER");

	if (!d || (asked && *asked) || (strcmp(d, "offscreen") && strcmp(d, "dummy")))
		return 0;
	snprintf(err, errlen,
	         "cannot open a window: no display (DISPLAY is not set; headless: "
	         "use --png)");
	return 1;
}

int ph_view_window_run(const char *path, int w, int h, int64_t from_ns, int64_t to_ns, char *err,
                       size_t errlen)
{
	win v;
	int rc;

	memset(&v, 0, sizeof v);
	v.vp.cursor[0] = v.vp.cursor[1] = PH_VIEW_NO_CURSOR;
	if ((rc = ph_view_check_size(w, h, err, errlen)) < 0)
		return rc;
	v.doc = ph_view_doc_open(path, err, errlen);
	if (!v.doc)
		return PH_VIEW_ERR_TRACE;
	if (ph_view_doc_warning(v.doc))
		ph_log_warn("pumphil view: warning: %s", ph_view_doc_warning(v.doc));
	rc = ph_view_resolve_range(&v.doc->model, from_ns, to_ns, &v.vp.t0, &v.vp.t1, err, errlen);
	if (rc < 0)
		goto out_doc;
	v.follow = from_ns < 0 && to_ns < 0;
	v.vp.title = v.title;
	/* A software renderer presents through XShm, not a GL texture (which
	 * drags in llvmpipe where there is no GPU); the environment may override. */
	SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
	if (SDL_InitSubSystem(SDL_INIT_VIDEO) < 0) {
		snprintf(err, errlen, "cannot open a window: %s (headless: use --png)",
		         SDL_GetError());
		rc = PH_VIEW_ERR_SDL;
		goto out_doc;
	}
	if (no_display(err, errlen))
		rc = PH_VIEW_ERR_SDL;
	else
		rc = open_window(&v, path, w, h, err, errlen) < 0 ? PH_VIEW_ERR_SDL : PH_VIEW_OK;
	v.vp.title = v.title + strlen("pumphil view - ");
	v.dirty = 1;
	if (rc == PH_VIEW_OK)
		rc = loop(&v, err, errlen);
	ph_view_text_free(v.txt);
	if (v.r)
		SDL_DestroyRenderer(v.r);
	if (v.w)
		SDL_DestroyWindow(v.w);
	SDL_QuitSubSystem(SDL_INIT_VIDEO);
	SDL_Quit();
out_doc:
	ph_view_doc_close(v.doc);
	return rc;
}
