/*
 * test_view_golden.c - headless PNGs of the synthetic 24 h trace against
 * golden images in tests/data/trace/, pixel by pixel with a tolerance
 * (fonts may anti-alias slightly differently on another FreeType).
 *
 * Regenerate the golden images after an intended change of the drawing:
 *   PUMPHIL_REGEN_GOLDEN=1 PUMPHIL_SOURCE_DIR=$PWD build/tests/test_view_golden
 * and look at them before committing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_image.h>
#include <cmocka.h>

#include "trace/trace.h"
#include "trace/trace_synth.h"
#include "view/view.h"
#include "view/view_time.h"

#define CHANNEL_TOL 48 /* per colour channel, of 255 */
#define MAX_BAD_FRACTION 0.005

typedef struct golden_ctx {
	char dir[64];
	char trace[128];
} golden_ctx;

typedef struct golden_case {
	const char *name;
	int w, h;
	int64_t from, to;
} golden_case;

static const golden_case cases[] = {
	{ "view_day.png", 800, 600, -1, -1 },
	{ "view_occlusion.png", 800, 600, 8 * PH_NS_H, 11 * PH_NS_H },
	{ "view_raw.png", 640, 480, 33240 * PH_NS_S, 33400 * PH_NS_S },
};

static int setup(void **state)
{
	golden_ctx *c = calloc(1, sizeof *c);
	char err[256];
	ph_trace_synth_opts o;
	ph_trace *t;
	int r;

	if (!c)
		return -1;
	snprintf(c->dir, sizeof c->dir, "/tmp/test_view_golden_XXXXXX");
	if (!mkdtemp(c->dir))
		goto fail_free;
	snprintf(c->trace, sizeof c->trace, "%s/synth.pcapng", c->dir);
	t = ph_trace_open(c->trace, err, sizeof err);
	if (!t)
		goto fail_dir;
	ph_trace_synth_defaults(&o);
	r = ph_trace_synth(t, &o);
	ph_trace_close(t);
	if (r < 0)
		goto fail_trace;
	*state = c;
	return 0;

fail_trace:
	unlink(c->trace);
fail_dir:
	rmdir(c->dir);
fail_free:
	free(c);
	return -1;
}

static int teardown(void **state)
{
	golden_ctx *c = *state;
	char path[256];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", c->dir, cases[i].name);
		unlink(path);
	}
	unlink(c->trace);
	rmdir(c->dir);
	free(c);
	return 0;
}

/* Pixels of a and b that differ by more than CHANNEL_TOL in any channel;
 * -1 when the sizes differ. */
static long count_diff(const char *pa, const char *pb)
{
	SDL_Surface *a0 = IMG_Load(pa), *b0 = IMG_Load(pb), *a, *b;
	long bad = 0;

	assert_non_null(a0);
	assert_non_null(b0);
	a = SDL_ConvertSurfaceFormat(a0, SDL_PIXELFORMAT_ARGB8888, 0);
	b = SDL_ConvertSurfaceFormat(b0, SDL_PIXELFORMAT_ARGB8888, 0);
	assert_non_null(a);
	assert_non_null(b);
	if (a->w != b->w || a->h != b->h) {
		bad = -1;
		goto out;
	}
	for (int y = 0; y < a->h; y++) {
		const uint32_t *ra = (const uint32_t *)((const uint8_t *)a->pixels + y * a->pitch);
		const uint32_t *rb = (const uint32_t *)((const uint8_t *)b->pixels + y * b->pitch);
		for (int x = 0; x < a->w; x++)
			for (int sh = 0; sh < 24; sh += 8) {
				int d = (int)(ra[x] >> sh & 0xff) - (int)(rb[x] >> sh & 0xff);
				if (d > CHANNEL_TOL || d < -CHANNEL_TOL) {
					bad++;
					break;
				}
			}
	}
out:
	SDL_FreeSurface(a);
	SDL_FreeSurface(b);
	SDL_FreeSurface(a0);
	SDL_FreeSurface(b0);
	return bad;
}

static void render(const golden_ctx *c, const golden_case *k, char *out, size_t n)
{
	char err[256];

	snprintf(out, n, "%s/%s", c->dir, k->name);
	if (ph_view_render_png(c->trace, out, k->w, k->h, k->from, k->to, err, sizeof err) !=
	    PH_VIEW_OK)
		fail_msg("render %s: %s", k->name, err);
}

static void golden_path(const golden_case *k, char *out, size_t n)
{
	const char *src = getenv("PUMPHIL_SOURCE_DIR");

	snprintf(out, n, "%s/tests/data/trace/%s", src ? src : ".", k->name);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[8192];
	size_t k;

	assert_non_null(in);
	assert_non_null(out);
	while ((k = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, k, out), k);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static void test_golden(void **state)
{
	golden_ctx *c = *state;
	const char *regen = getenv("PUMPHIL_REGEN_GOLDEN");

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char got[256], want[256];
		long bad, limit = (long)(cases[i].w * cases[i].h * MAX_BAD_FRACTION);
		render(c, &cases[i], got, sizeof got);
		golden_path(&cases[i], want, sizeof want);
		if (regen && !strcmp(regen, "1")) {
			copy_file(got, want);
			print_message("regenerated %s\n", want);
			continue;
		}
		bad = count_diff(got, want);
		print_message("%s: %ld of %d pixels differ (limit %ld)\n", cases[i].name, bad,
		              cases[i].w * cases[i].h, limit);
		if (bad < 0 || bad > limit)
			fail_msg("%s differs from %s (%ld pixels); look at both, then regenerate "
			         "with PUMPHIL_REGEN_GOLDEN=1 if the change is intended",
			         got, want, bad);
	}
}

/* The comparison has teeth: another range is far from the golden image. */
static void test_golden_detects_change(void **state)
{
	golden_ctx *c = *state;
	golden_case shifted = cases[1];
	char got[256], want[256];

	shifted.from += 10 * PH_NS_MIN;
	shifted.to += 10 * PH_NS_MIN;
	shifted.name = "view_shifted.png";
	render(c, &shifted, got, sizeof got);
	golden_path(&cases[1], want, sizeof want);
	assert_true(count_diff(got, want) > (long)(800 * 600 * MAX_BAD_FRACTION));
	unlink(got);
}

/* Bad arguments and inputs are errors, not crashes. */
static void test_render_errors(void **state)
{
	golden_ctx *c = *state;
	char err[256], out[256];

	snprintf(out, sizeof out, "%s/x.png", c->dir);
	assert_int_equal(ph_view_render_png(c->trace, out, 10, 10, -1, -1, err, sizeof err),
	                 PH_VIEW_ERR_ARG);
	assert_int_equal(ph_view_render_png(c->trace, out, 800, 600, 5, 5, err, sizeof err),
	                 PH_VIEW_ERR_ARG);
	assert_int_equal(
	        ph_view_render_png("/nonexistent.pcapng", out, 800, 600, -1, -1, err, sizeof err),
	        PH_VIEW_ERR_TRACE);
	assert_non_null(strstr(err, "/nonexistent.pcapng: "));
	assert_int_equal(ph_view_render_png(c->trace, "/nonexistent/dir/x.png", 800, 600, -1, -1,
	                                    err, sizeof err),
	                 PH_VIEW_ERR_IO);
	assert_string_equal(ph_view_strerror(PH_VIEW_ERR_TRACE), "bad trace");
	unlink(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_golden_detects_change),
		cmocka_unit_test(test_render_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
