/* test_view_live.c - the viewer's document follows a trace while it is
 * being written: polling picks up new complete blocks, leaves a torn one
 * for later, and ends up with exactly the model of a fresh open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pp.h"
#include "trace/trace.h"
#include "trace/trace_synth.h"
#include "view/view_model.h"
#include "view/view_time.h"

typedef struct live_ctx {
	char dir[64];
	char full[128];
	char growing[128];
	uint8_t *bytes;
	size_t n;
} live_ctx;

/* Write a 6 h synthetic trace to path.  0 or -1. */
static int write_synth(const char *path)
{
	char err[256];
	ph_trace_synth_opts o;
	ph_trace *t = ph_trace_open(path, err, sizeof err);
	int r;

	if (!t)
		return -1;
	ph_trace_synth_defaults(&o);
	o.duration_ns = 6 * PH_NS_H;
	r = ph_trace_synth(t, &o);
	ph_trace_close(t);
	return r;
}

/* The whole file, malloc'd; NULL on failure. */
static uint8_t *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)len);
		if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		*n = (size_t)len;
	}
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	live_ctx *c = calloc(1, sizeof *c);

	if (!c)
		return -1;
	snprintf(c->dir, sizeof c->dir, "/tmp/test_view_live_XXXXXX");
	if (!mkdtemp(c->dir))
		goto fail_free;
	snprintf(c->full, sizeof c->full, "%s/full.pcapng", c->dir);
	snprintf(c->growing, sizeof c->growing, "%s/growing.pcapng", c->dir);
	if (write_synth(c->full) < 0 || !(c->bytes = read_all(c->full, &c->n)))
		goto fail_dir;
	*state = c;
	return 0;

fail_dir:
	unlink(c->full);
	rmdir(c->dir);
fail_free:
	free(c);
	return -1;
}

static int teardown(void **state)
{
	live_ctx *c = *state;

	unlink(c->full);
	unlink(c->growing);
	rmdir(c->dir);
	free(c->bytes);
	free(c);
	return 0;
}

/* Append bytes [from, to) of the full trace to the growing file. */
static void append(const live_ctx *c, size_t from, size_t to)
{
	FILE *f = fopen(c->growing, from ? "ab" : "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(c->bytes + from, 1, to - from, f), to - from);
	assert_int_equal(fclose(f), 0);
}

/* Whether offset at ends a pcapng block of the full trace. */
static int on_boundary(const live_ctx *c, size_t at)
{
	size_t off = 0;

	while (off < at) {
		uint32_t len;
		memcpy(&len, c->bytes + off + 4, 4);
		off += len;
	}
	return off == at;
}

static void assert_same_model(const ph_view_model *a, const ph_view_model *b)
{
	assert_int_equal(a->ntracks, b->ntracks);
	assert_true(a->t_min == b->t_min && a->t_max == b->t_max);
	for (int i = 0; i < a->ntracks; i++)
		for (int k = 0; k < a->track[i].nlines; k++) {
			const ph_view_line *la = &a->track[i].line[k], *lb = &b->track[i].line[k];
			assert_int_equal(la->n, lb->n);
			assert_memory_equal(la->v, lb->v, la->n * sizeof *la->v);
			assert_memory_equal(la->t_ns, lb->t_ns, la->n * sizeof *la->t_ns);
			assert_int_equal(la->env.samples, lb->env.samples);
			for (int lv = 0; lv < PH_VIEW_ENV_LEVELS; lv++) {
				assert_int_equal(la->env.n[lv], lb->env.n[lv]);
				if (la->env.n[lv])
					assert_memory_equal(la->env.lv[lv], lb->env.lv[lv],
					                    la->env.n[lv] * sizeof(ph_view_minmax));
			}
		}
	assert_int_equal(a->sig->spans.n, b->sig->spans.n);
	assert_int_equal(a->sig->markers.n, b->sig->markers.n);
}

static void test_follow_growing_trace(void **state)
{
	live_ctx *c = *state;
	char err[256];
	ph_view_doc *live, *fresh;
	size_t at = 300, step = 7919, polls = 0, news = 0;
	int64_t last_max;

	append(c, 0, at); /* header blocks and a torn first packet */
	live = ph_view_doc_open(c->growing, err, sizeof err);
	assert_non_null(live);
	last_max = live->model.t_max;
	while (at < c->n) {
		size_t to = at + step < c->n ? at + step : c->n;
		int k;
		append(c, at, to);
		at = to;
		k = ph_view_doc_poll(live, err, sizeof err);
		assert_true(k >= 0);
		polls++;
		news += k == 1;
		/* cut inside a block: a warning; on a boundary: none */
		if (on_boundary(c, at))
			assert_null(ph_view_doc_warning(live));
		else
			assert_non_null(ph_view_doc_warning(live));
		assert_true(live->model.t_max >= last_max);
		last_max = live->model.t_max;
	}
	assert_true(news > polls / 2);
	assert_null(ph_view_doc_warning(live));
	assert_int_equal(ph_view_doc_poll(live, err, sizeof err), 0); /* nothing new */

	fresh = ph_view_doc_open(c->full, err, sizeof err);
	assert_non_null(fresh);
	assert_same_model(&live->model, &fresh->model);
	assert_true(live->model.t_max > 5 * PH_NS_H);
	ph_view_doc_close(fresh);
	ph_view_doc_close(live);
}

/* Opening a file that is not a trace fails with the reader's message. */
static void test_open_errors(void **state)
{
	live_ctx *c = *state;
	char err[256];

	append(c, 0, 0);
	assert_null(ph_view_doc_open(c->growing, err, sizeof err));
	assert_non_null(strstr(err, "empty file"));
	assert_null(ph_view_doc_open("/nonexistent/x.pcapng", err, sizeof err));
	assert_non_null(strstr(err, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follow_growing_trace),
		cmocka_unit_test(test_open_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
