/*
 * report_plot.c - the timing plots of a report: the viewer's own drawing
 * (tracks per signal, alarm and fault spans marked), rendered headless to
 * PNG files next to index.html.  Only ph_view_render_png() is called, so the
 * report shows exactly what `pumphil view` shows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_priv.h"

#if defined(__has_include)
#if __has_include("view/view.h")
#include "view/view.h"
#define PH_REPORT_HAVE_VIEW 1
#endif
#endif

#define PLOT_W 1200
#define PLOT_H 480
#define MIN_LEAD_NS (60LL * 1000000000)

int ph_report_can_plot(void)
{
#ifdef PH_REPORT_HAVE_VIEW
	return 1;
#else
	return 0;
#endif
}

static int render(const char *trace, const char *png, int64_t from, int64_t to, char *err,
                  size_t errlen)
{
#ifdef PH_REPORT_HAVE_VIEW
	return ph_view_render_png(trace, png, PLOT_W, PLOT_H, from, to, err, errlen) == PH_VIEW_OK
	               ? 0
	               : -1;
#else
	(void)png, (void)from, (void)to;
	snprintf(err, errlen, "%s: this build has no headless renderer (harness/view)", trace);
	return -1;
#endif
}

static int64_t num(json_t *o, const char *k, int64_t dflt)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

/* The window around a failure: from the first fault injected before it (or
 * a tenth of the test, at least a minute, before it) to a little after. */
static int failure_window(json_t *test, int64_t *from, int64_t *to)
{
	int64_t t0 = num(test, "t0_ns", -1), t1 = num(test, "t1_ns", -1),
	        fail = num(test, "fail_ns", -1);
	size_t i;
	json_t *sp;

	if (fail < 0 || t0 < 0 || t1 <= t0)
		return 0;
	int64_t lead = (fail - t0) / 10 > MIN_LEAD_NS ? (fail - t0) / 10 : MIN_LEAD_NS;
	int64_t start = fail - lead;
	json_array_foreach(json_object_get(test, "spans"), i, sp)
	{
		int64_t s0 = num(sp, "t0_ns", -1);
		if (!strcmp(ph_report_str(sp, "kind"), "fault") && s0 >= t0 && s0 <= fail &&
		    s0 - lead / 10 < start)
			start = s0 - lead / 10;
	}
	*from = start > t0 ? start : t0;
	*to = fail +
	      lead / 5; /* past the end of the test too: a failure at its end stays visible */
	if (*to <= *from)
		*to = *from + 1000000000;
	/* Not worth a second picture when it shows most of the first. */
	return (*to - *from) * 2 < t1 - t0;
}

static json_t *plot_entry(const char *file, const char *title, int64_t from, int64_t to)
{
	return json_pack("{s:s,s:s,s:I,s:I}", "file", file, "title", title, "from_ns",
	                 (json_int_t)from, "to_ns", (json_int_t)to);
}

int ph_report_plot_test(json_t *test, size_t pos, const char *trace_path, const char *out_dir,
                        char *err, size_t errlen)
{
	char rel[64], path[1200];
	int64_t t0 = num(test, "t0_ns", -1), t1 = num(test, "t1_ns", -1), from, to;
	json_t *plots = json_array();

	json_object_del(test, "plots");
	if (t1 <= t0)
		t0 = t1 = -1; /* the whole trace */
	snprintf(rel, sizeof rel, "plots/%04zu.png", pos + 1);
	snprintf(path, sizeof path, "%s/%s", out_dir, rel);
	if (render(trace_path, path, t0, t1, err, errlen) < 0)
		goto fail;
	json_array_append_new(plots, plot_entry(rel, "the whole test", t0, t1));
	if (strcmp(ph_report_str(test, "verdict"), "pass") && failure_window(test, &from, &to)) {
		snprintf(rel, sizeof rel, "plots/%04zu-failure.png", pos + 1);
		snprintf(path, sizeof path, "%s/%s", out_dir, rel);
		if (render(trace_path, path, from, to, err, errlen) < 0)
			goto fail;
		json_array_append_new(plots, plot_entry(rel, "around the failure", from, to));
	}
	json_object_set_new(test, "plots", plots);
	return 0;
fail:
	if (json_array_size(plots))
		json_object_set_new(test, "plots", plots);
	else
		json_decref(plots);
	return -1;
}

int ph_report_copy_file(const char *src, const char *dst)
{
	char buf[65536];
	size_t n;
	int fd = open(src, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	FILE *in = NULL, *out = NULL;
	int rc = -1;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(in = fdopen(fd, "rb"))) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (!(out = fopen(dst, "wb")))
		goto close_in;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			goto close_out;
	rc = ferror(in) ? -1 : 0;
close_out:
	if (fclose(out) != 0)
		rc = -1;
close_in:
	fclose(in);
	return rc;
}
