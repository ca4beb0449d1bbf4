/*
 * view_png.c - headless rendering: a software renderer on a memory
 * surface, saved with SDL_image.
 */
#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <string.h>

#include "view.h"
#include "view_draw.h"
#include "view_model.h"
#include "view_priv.h"

const char *ph_view_strerror(int err)
{
	switch (err) {
	case PH_VIEW_OK: return "ok";
	case PH_VIEW_ERR_ARG: return "bad argument";
	case PH_VIEW_ERR_TRACE: return "bad trace";
	case PH_VIEW_ERR_SDL: return "SDL failure";
	case PH_VIEW_ERR_IO: return "write failure";
	default: return "unknown error";
	}
}

int ph_view_resolve_range(const ph_view_model *m, int64_t from_ns, int64_t to_ns, int64_t *t0,
                          int64_t *t1, char *err, size_t errlen)
{
	int64_t lo = m->t_min <= m->t_max ? m->t_min : 0;
	int64_t hi = m->t_min <= m->t_max ? m->t_max : 0;

	*t0 = from_ns >= 0 ? from_ns : lo;
	*t1 = to_ns >= 0 ? to_ns : hi;
	if (from_ns >= 0 && to_ns >= 0 && to_ns <= from_ns) {
		snprintf(err, errlen, "--to must be later than --from");
		return PH_VIEW_ERR_ARG;
	}
	if (*t1 <= *t0)
		*t1 = *t0 + 1000000000; /* one instant: show a second */
	return PH_VIEW_OK;
}

int ph_view_check_size(int w, int h, char *err, size_t errlen)
{
	if (w < PH_VIEW_MIN_W || h < PH_VIEW_MIN_H || w > PH_VIEW_MAX_SIDE ||
	    h > PH_VIEW_MAX_SIDE) {
		snprintf(err, errlen, "size %dx%d out of range (%dx%d to %dx%d)", w, h,
		         PH_VIEW_MIN_W, PH_VIEW_MIN_H, PH_VIEW_MAX_SIDE, PH_VIEW_MAX_SIDE);
		return PH_VIEW_ERR_ARG;
	}
	return PH_VIEW_OK;
}

SDL_Surface *ph_view_render_surface(const ph_view_model *m, const ph_view_port *vp, char *err,
                                    size_t errlen)
{
	SDL_Surface *s =
	        SDL_CreateRGBSurfaceWithFormat(0, vp->w, vp->h, 32, SDL_PIXELFORMAT_ARGB8888);
	SDL_Renderer *r;
	ph_view_text *txt;

	if (!s) {
		snprintf(err, errlen, "SDL: %s", SDL_GetError());
		return NULL;
	}
	r = SDL_CreateSoftwareRenderer(s);
	if (!r) {
		snprintf(err, errlen, "SDL: %s", SDL_GetError());
		goto fail_surface;
	}
	txt = ph_view_text_new(r, PH_VIEW_FONT_PX, err, errlen);
	if (!txt)
		goto fail_renderer;
	ph_view_draw(r, txt, m, vp);
	SDL_RenderFlush(r);
	ph_view_text_free(txt);
	SDL_DestroyRenderer(r);
	return s;

fail_renderer:
	SDL_DestroyRenderer(r);
fail_surface:
	SDL_FreeSurface(s);
	return NULL;
}

/* The title: the file's base name. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int ph_view_doc_render_png(ph_view_doc *d, const char *png, int w, int h, int64_t from_ns,
                           int64_t to_ns, char *err, size_t errlen)
{
	ph_view_port vp = { 0, 0, { PH_VIEW_NO_CURSOR, PH_VIEW_NO_CURSOR }, w, h, NULL };
	SDL_Surface *s;
	int rc;

	if ((rc = ph_view_check_size(w, h, err, errlen)) < 0)
		return rc;
	rc = ph_view_resolve_range(&d->model, from_ns, to_ns, &vp.t0, &vp.t1, err, errlen);
	if (rc < 0)
		return rc;
	vp.title = base_name(d->path);
	s = ph_view_render_surface(&d->model, &vp, err, errlen);
	if (!s)
		return PH_VIEW_ERR_SDL;
	if (IMG_SavePNG(s, png) < 0) {
		snprintf(err, errlen, "%s: %s", png, IMG_GetError());
		rc = PH_VIEW_ERR_IO;
	}
	SDL_FreeSurface(s);
	return rc;
}

int ph_view_render_png(const char *trace, const char *png, int w, int h, int64_t from_ns,
                       int64_t to_ns, char *err, size_t errlen)
{
	ph_view_doc *d;
	int rc;

	if ((rc = ph_view_check_size(w, h, err, errlen)) < 0)
		return rc;
	d = ph_view_doc_open(trace, err, errlen);
	if (!d)
		return PH_VIEW_ERR_TRACE;
	rc = ph_view_doc_render_png(d, png, w, h, from_ns, to_ns, err, errlen);
	ph_view_doc_close(d);
	return rc;
}
