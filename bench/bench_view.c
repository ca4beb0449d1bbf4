/*
 * bench_view.c - the viewer on a very long track (issue 7, acceptance 4).
 *
 *   envelope build: ns per sample to build the min/max pyramid over 100 M
 *   int32 samples (median of 3 builds);
 *   frame: one 1600x900 frame of a 100-million-sample track drawn by the
 *   software renderer on a memory surface, over 61 views from the whole
 *   track down to a few hundred samples (envelope and raw paths), panned
 *   to pseudo-random places; median and 95th percentile.
 * Target: under 16 ms a frame (60 fps).  BENCH_VIEW_N overrides the sample
 * count.  Memory: the samples once (400 MB) plus the pyramid (~54 MB).
 */
#include <SDL.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "view/view_draw.h"
#include "view/view_env.h"
#include "view/view_model.h"
#include "view/view_text.h"

#define FRAMES 61
#define W 1600
#define H 900
#define DT_NS 1000000 /* one sample per ms: 100 M samples = 27.8 h */

/* A random walk with a slow sine and rare spikes: every block differs. */
static void fill(int32_t *v, size_t n)
{
	uint64_t s = 88172645463325252ull;
	int32_t x = 0;

	for (size_t i = 0; i < n; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		x += (int32_t)(s % 201) - 100;
		x -= x / 4096;
		v[i] = x + (int32_t)((i / 1000) % 2000) + (s % 100003 == 0 ? 20000 : 0);
	}
}

static double bench_build(const int32_t *v, size_t n, ph_view_env *keep)
{
	double t[3];

	for (int r = 0; r < 3; r++) {
		ph_view_env e;
		double t0;
		ph_view_env_init(&e);
		t0 = bench_now_s();
		if (ph_view_env_extend(&e, v, n) < 0) {
			fprintf(stderr, "bench_view: out of memory\n");
			exit(1);
		}
		t[r] = bench_now_s() - t0;
		if (r == 2)
			*keep = e;
		else
			ph_view_env_free(&e);
	}
	return bench_median(t, 3) / (double)n * 1e9;
}

static int bench_frames(ph_view_model *m, double *ms)
{
	SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
	SDL_Renderer *r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
	char err[256];
	ph_view_text *txt = r ? ph_view_text_new(r, 12, err, sizeof err) : NULL;
	int64_t total = m->t_max - m->t_min;
	uint64_t rng = 12345;

	if (!txt) {
		fprintf(stderr, "bench_view: %s\n", r ? err : SDL_GetError());
		return -1;
	}
	for (int f = 0; f < FRAMES; f++) {
		/* spans from the whole track down to ~1e-6 of it, 10 per decade */
		double frac = 1.0 / (double)((int64_t)1 << (f * 20 / FRAMES));
		int64_t span = (int64_t)((double)total * frac);
		ph_view_port vp = { 0, 0, { PH_VIEW_NO_CURSOR, PH_VIEW_NO_CURSOR }, W, H, "bench" };
		double t0;
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		vp.t0 = m->t_min + (int64_t)((double)(rng >> 11) / 9007199254740992.0 *
		                             (double)(total - span));
		vp.t1 = vp.t0 + (span > 1000 ? span : 1000);
		t0 = bench_now_s();
		ph_view_draw(r, txt, m, &vp);
		SDL_RenderFlush(r);
		ms[f] = (bench_now_s() - t0) * 1e3;
	}
	ph_view_text_free(txt);
	SDL_DestroyRenderer(r);
	SDL_FreeSurface(s);
	return 0;
}

int main(void)
{
	size_t n = getenv("BENCH_VIEW_N") ? strtoull(getenv("BENCH_VIEW_N"), NULL, 10) : 100000000;
	int32_t *v = malloc(n * sizeof *v);
	ph_view_model m;
	ph_view_track *t;
	double ns_per_sample, ms[FRAMES], med;
	int rc;

	if (!v || n < 1000) {
		fprintf(stderr, "bench_view: cannot allocate %zu samples\n", n);
		return 1;
	}
	fill(v, n);
	memset(&m, 0, sizeof m);
	t = &m.track[m.ntracks++];
	t->kind = PH_TRACK_ANALOG;
	t->name = "signal";
	t->unit = "";
	t->scale = 1;
	t->weight = 1;
	t->nlines = 1;
	t->line[0] = (ph_view_line){
		.label = "samples", .t0 = 0, .dt = DT_NS, .v = v, .n = n, .rgba = 0x1f77b4ffu
	};
	ns_per_sample = bench_build(v, n, &t->line[0].env);
	m.t_min = 0;
	m.t_max = (int64_t)(n - 1) * DT_NS;
	printf("| view envelope build | %.2f ns/sample | %zu M int32 samples, fan-out 16, median "
	       "of 3 "
	       "| |\n",
	       ns_per_sample, n / 1000000);
	fflush(stdout); /* before SDL starts: a child it forks must not repeat the buffer */
	rc = bench_frames(&m, ms);
	if (rc == 0) {
		med = bench_median(ms, FRAMES);
		printf("| view frame %zuM samples %dx%d | median %.2f ms (p95 %.2f ms) | software "
		       "renderer, %d views from the whole track to 1e-6 of it | < 16 ms |\n",
		       n / 1000000, W, H, med, bench_pct(ms, FRAMES, 95), FRAMES);
	}
	ph_view_model_free(&m);
	free(v);
	return rc ? 1 : 0;
}
