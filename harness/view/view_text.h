/*
 * view_text.h - labels drawn with SDL2_ttf (DejaVu Sans), cached as
 * textures so a frame re-renders only text it has not drawn recently.
 */
#ifndef PH_VIEW_TEXT_H
#define PH_VIEW_TEXT_H

#ifndef PH_USES_VIEW
#error "view/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#define PH_VIEW_FONT_DEFAULT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

typedef struct ph_view_text ph_view_text;

enum ph_view_align { PH_ALIGN_LEFT, PH_ALIGN_CENTER, PH_ALIGN_RIGHT };

/* Open the font ($PUMPHIL_FONT, else DejaVu Sans) at px pixels for drawing
 * on r (borrowed; must outlive the text).  Returns NULL with err filled
 * when the font or SDL_ttf cannot be loaded. */
ph_view_text *ph_view_text_new(SDL_Renderer *r, int px, char *err, size_t errlen);

/* Free the cache and font; NULL is fine. */
void ph_view_text_free(ph_view_text *t);

/* Draw UTF-8 s with its top at y, aligned on x; colour 0xRRGGBBAA.
 * Returns the width in pixels (0 when s is empty or cannot be rendered). */
int ph_view_text_draw(ph_view_text *t, const char *s, int x, int y, uint32_t rgba, int align);

/* Width of s in pixels and the line height. */
int ph_view_text_width(ph_view_text *t, const char *s);
int ph_view_text_height(const ph_view_text *t);

#endif
