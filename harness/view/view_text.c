/*
 * view_text.c - a small open-addressing cache of rendered strings.
 */
#include "view_text.h"

#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1024
#define MAX_USED 700

typedef struct slot {
	uint32_t hash;
	uint32_t rgba;
	char *s;
	SDL_Texture *tex;
	int w, h;
} slot;

struct ph_view_text {
	SDL_Renderer *r;
	TTF_Font *font;
	int height;
	int used;
	slot slots[SLOTS];
};

static uint32_t hash_of(const char *s, uint32_t rgba)
{
	uint32_t h = 2166136261u ^ rgba;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void clear(ph_view_text *t)
{
	for (int i = 0; i < SLOTS; i++) {
		if (t->slots[i].tex)
			SDL_DestroyTexture(t->slots[i].tex);
		free(t->slots[i].s);
	}
	memset(t->slots, 0, sizeof t->slots);
	t->used = 0;
}

ph_view_text *ph_view_text_new(SDL_Renderer *r, int px, char *err, size_t errlen)
{
	const char *path = getenv("PUMPHIL_FONT");
	ph_view_text *t = calloc(1, sizeof *t);

	if (!path || !*path)
		path = PH_VIEW_FONT_DEFAULT;
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (TTF_Init() < 0) {
		snprintf(err, errlen, "SDL_ttf: %s", TTF_GetError());
		goto fail_free;
	}
	t->font = TTF_OpenFont(path, px);
	if (!t->font) {
		snprintf(err, errlen, "%s: %s", path, TTF_GetError());
		goto fail_ttf;
	}
	TTF_SetFontHinting(t->font, TTF_HINTING_LIGHT);
	t->height = TTF_FontHeight(t->font);
	t->r = r;
	return t;

fail_ttf:
	TTF_Quit();
fail_free:
	free(t);
	return NULL;
}

void ph_view_text_free(ph_view_text *t)
{
	if (!t)
		return;
	clear(t);
	TTF_CloseFont(t->font);
	TTF_Quit();
	free(t);
}

/* The cached texture of (s, rgba), rendering it when missing. */
static slot *lookup(ph_view_text *t, const char *s, uint32_t rgba)
{
	uint32_t h = hash_of(s, rgba);
	unsigned i = h % SLOTS;
	SDL_Color c = { (Uint8)(rgba >> 24), (Uint8)(rgba >> 16), (Uint8)(rgba >> 8), (Uint8)rgba };
	SDL_Surface *surf;
	slot *sl;

	for (;; i = (i + 1) % SLOTS) {
		sl = &t->slots[i];
		if (!sl->s)
			break;
		if (sl->hash == h && sl->rgba == rgba && !strcmp(sl->s, s))
			return sl;
	}
	if (t->used >= MAX_USED) {
		clear(t);
		return lookup(t, s, rgba);
	}
	surf = TTF_RenderUTF8_Blended(t->font, s, c);
	if (!surf)
		return NULL;
	sl->tex = SDL_CreateTextureFromSurface(t->r, surf);
	sl->w = surf->w;
	sl->h = surf->h;
	SDL_FreeSurface(surf);
	sl->s = strdup(s);
	if (!sl->tex || !sl->s) {
		if (sl->tex)
			SDL_DestroyTexture(sl->tex);
		free(sl->s);
		memset(sl, 0, sizeof *sl);
		return NULL;
	}
	sl->hash = h;
	sl->rgba = rgba;
	t->used++;
	return sl;
}

int ph_view_text_draw(ph_view_text *t, const char *s, int x, int y, uint32_t rgba, int align)
{
	slot *sl;
	SDL_Rect dst;

	if (!s || !*s || !(sl = lookup(t, s, rgba)))
		return 0;
	dst.w = sl->w;
	dst.h = sl->h;
	dst.x = align == PH_ALIGN_CENTER ? x - sl->w / 2 : align == PH_ALIGN_RIGHT ? x - sl->w : x;
	dst.y = y;
	SDL_RenderCopy(t->r, sl->tex, NULL, &dst);
	return sl->w;
}

int ph_view_text_width(ph_view_text *t, const char *s)
{
	int w = 0;

	if (s && *s && TTF_SizeUTF8(t->font, s, &w, NULL) < 0)
		return 0;
	return w;
}

int ph_view_text_height(const ph_view_text *t)
{
	return t->height;
}
