/*
 * view_priv.h - shared by the headless renderer, the window and the CLI.
 * Internal to harness/view.
 */
#ifndef PH_VIEW_PRIV_H
#define PH_VIEW_PRIV_H

#ifndef PH_USES_VIEW
#error "view/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <SDL.h>
#include <stddef.h>
#include <stdint.h>

#include "view_draw.h"
#include "view_model.h"

#define PH_VIEW_FONT_PX 12

/* [t0, t1] from --from/--to (negative: the data's extent).  Returns
 * PH_VIEW_OK or PH_VIEW_ERR_ARG (to <= from) with err filled. */
int ph_view_resolve_range(const ph_view_model *m, int64_t from_ns, int64_t to_ns, int64_t *t0,
                          int64_t *t1, char *err, size_t errlen);

/* PH_VIEW_OK or PH_VIEW_ERR_ARG with err filled. */
int ph_view_check_size(int w, int h, char *err, size_t errlen);

/* Draw m as vp says on a new ARGB8888 surface (caller frees).  NULL with
 * err filled when SDL or the font fails. */
SDL_Surface *ph_view_render_surface(const ph_view_model *m, const ph_view_port *vp, char *err,
                                    size_t errlen);

/* ph_view_render_png over an open document. */
int ph_view_doc_render_png(ph_view_doc *d, const char *png, int w, int h, int64_t from_ns,
                           int64_t to_ns, char *err, size_t errlen);

#endif
