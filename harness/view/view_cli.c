/*
 * view_cli.c - `pumphil view`: the timing viewer, headless PNG and CSV.
 *
 *   pumphil view TRACE [--size WxH] [--from T] [--to T]
 *   pumphil view TRACE --png FILE [--size WxH] [--from T] [--to T]
 *   pumphil view TRACE --csv SIGNAL[,SIGNAL...] [-o FILE]
 *   pumphil view --list-signals
 *
 * Exit status: 0 done (a torn last block is a warning), 2 bad usage or a
 * trace that cannot be read (not pcapng, corrupt), 1 the display, font or
 * output file failed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_csv.h"
#include "trace/trace_read.h"
#include "trace/trace_signals.h"
#include "view.h"
#include "view_model.h"
#include "view_priv.h"
#include "view_time.h"
#include "view_window.h"
#include "base/log.h"

typedef struct view_args {
	const char *trace;
	const char *png;
	const char *csv;
	const char *out;
	int w, h;
	int64_t from, to;
	int list;
} view_args;

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: pumphil view TRACE [--size WxH] [--from T] [--to T]\n"
	        "       pumphil view TRACE --png FILE [--size WxH] [--from T] [--to T]\n"
	        "       pumphil view TRACE --csv SIGNAL[,SIGNAL...] [-o FILE]\n"
	        "       pumphil view --list-signals\n"
	        "\n"
	        "Shows a pcapng trace recorded by 'pumphil run' on one time axis: delivered\n"
	        "volume, flow and set-point, line pressure, reservoir computed vs true, supply,\n"
	        "frames per channel, alarm, fault and test spans, measurements.  The window\n"
	        "follows a trace still being written.  T is ns or a number with a unit: 250ms,\n"
	        "90s, 10min, 2h, 1.5d.\n"
	        "\n"
	        "  --png FILE    draw headless into FILE instead of a window\n"
	        "  --size WxH    window or image size (default 1400x900, PNG 1600x900)\n"
	        "  --from T      start of the shown range (default: first record)\n"
	        "  --to T        end of the shown range (default: last record)\n"
	        "  --csv LIST    print signals as CSV: time_ns and one column per signal\n"
	        "  -o FILE       write the CSV to FILE instead of standard output\n"
	        "\n"
	        "window: wheel or +/- zoom, drag or arrows pan, Home whole trace (and follow),\n"
	        "End follow the end, left click cursor A, right click cursor B, c clear, q "
	        "quit.\n");
}

static int parse_size(const char *s, int *w, int *h)
{
	char *x;
	long a, b;

	errno = 0;
	a = strtol(s, &x, 10);
	if (errno || x == s || (*x != 'x' && *x != 'X'))
		return -1;
	s = x + 1;
	b = strtol(s, &x, 10);
	if (errno || x == s || *x || a <= 0 || b <= 0 || a > PH_VIEW_MAX_SIDE ||
	    b > PH_VIEW_MAX_SIDE)
		return -1;
	*w = (int)a;
	*h = (int)b;
	return 0;
}

static int parse_args(int argc, char **argv, view_args *a)
{
	static const struct option opts[] = {
		{ "png", required_argument, NULL, 'p' },
		{ "csv", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "list-signals", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': a->png = optarg; break;
		case 'c': a->csv = optarg; break;
		case 'o': a->out = optarg; break;
		case 'l': a->list = 1; break;
		case 'h': usage(stdout); return 1;
		case 's':
			if (parse_size(optarg, &a->w, &a->h) < 0) {
				fprintf(stderr, "pumphil view: bad --size '%s' (WxH)\n", optarg);
				return -1;
			}
			break;
		case 'f':
		case 't':
			if (ph_view_time_parse(optarg, c == 'f' ? &a->from : &a->to) < 0) {
				fprintf(stderr,
				        "pumphil view: bad time '%s' (e.g. 90s, 2h, 1.5d)\n",
				        optarg);
				return -1;
			}
			break;
		default:
			fprintf(stderr, "pumphil view: unknown or incomplete option '%s'\n",
			        argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc)
		a->trace = argv[optind++];
	if (optind < argc || (!a->trace && !a->list) || (a->png && a->csv) || (a->out && !a->csv)) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static int list_signals(void)
{
	for (int i = 0; i < PH_SIG_COUNT; i++)
		printf("%-20s %s\n", ph_trace_signal_name(i), ph_trace_signal_unit(i));
	return 0;
}

static int export_csv(const view_args *a)
{
	int sigs[PH_SIG_COUNT * 2], n, rc = 2;
	char err[512], bad[64];
	ph_trace_reader *r;
	ph_trace_signals s;
	FILE *out;

	n = ph_trace_csv_parse_list(a->csv, sigs, sizeof sigs / sizeof sigs[0], bad, sizeof bad);
	if (n < 0) {
		ph_log_error("pumphil view: unknown signal '%s' (see --list-signals)", bad);
		return 2;
	}
	r = ph_trace_reader_open(a->trace, err, sizeof err);
	if (!r) {
		ph_log_error("pumphil view: %s", err);
		return 2;
	}
	ph_trace_signals_init(&s);
	if (ph_trace_signals_load(&s, r, err, sizeof err) == PH_TRACE_ERROR) {
		ph_log_error("pumphil view: %s", err);
		goto out_signals;
	}
	if (ph_trace_reader_warning(r))
		ph_log_warn("pumphil view: warning: %s", ph_trace_reader_warning(r));
	out = a->out ? fopen(a->out, "w") : stdout;
	if (!out) {
		ph_log_error("pumphil view: %s: %s", a->out, strerror(errno));
		rc = 1;
		goto out_signals;
	}
	rc = ph_trace_csv_write(&s, sigs, (size_t)n, out) < 0 ? 1 : 0;
	if ((a->out && fclose(out) != 0) || rc)
		rc = 1;
	if (rc)
		ph_log_error("pumphil view: %s: write failed: %s", a->out ? a->out : "stdout",
		             strerror(errno));
out_signals:
	ph_trace_signals_free(&s);
	ph_trace_reader_close(r);
	return rc;
}

static int render_png(const view_args *a, char *err, size_t errlen)
{
	ph_view_doc *d = ph_view_doc_open(a->trace, err, errlen);
	int rc;

	if (!d)
		return PH_VIEW_ERR_TRACE;
	if (ph_view_doc_warning(d))
		ph_log_warn("pumphil view: warning: %s", ph_view_doc_warning(d));
	rc = ph_view_doc_render_png(d, a->png, a->w ? a->w : 1600, a->h ? a->h : 900, a->from,
	                            a->to, err, errlen);
	ph_view_doc_close(d);
	return rc;
}

int ph_cmd_view(int argc, char **argv)
{
	view_args a = { NULL, NULL, NULL, NULL, 0, 0, -1, -1, 0 };
	char err[512];
	int k = parse_args(argc, argv, &a), rc;

	if (k)
		return k > 0 ? 0 : 2;
	if (a.list)
		return list_signals();
	if (a.csv)
		return export_csv(&a);
	if (a.png) {
		rc = render_png(&a, err, sizeof err);
	} else {
		rc = ph_view_window_run(a.trace, a.w ? a.w : 1400, a.h ? a.h : 900, a.from, a.to,
		                        err, sizeof err);
	}
	if (rc == PH_VIEW_OK)
		return 0;
	ph_log_error("pumphil view: %s", err);
	return rc == PH_VIEW_ERR_ARG || rc == PH_VIEW_ERR_TRACE ? 2 : 1;
}
