/*
 * view_model.h - what the viewer draws: stacked tracks on one time axis.
 *
 * A model is plain data: analog tracks hold up to three lines (sample
 * arrays with their envelope pyramids), the other tracks read spans,
 * markers and frame counts from a ph_trace_signals.  A model can be built
 * over a trace (ph_view_doc, which also follows a file still being written)
 * or by hand (the benchmark builds one 100-million-sample line).
 */
#ifndef PH_VIEW_MODEL_H
#define PH_VIEW_MODEL_H

#ifndef PH_USES_VIEW
#error "view/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "trace/trace_read.h"
#include "trace/trace_signals.h"
#include "view_env.h"

#define PH_VIEW_MAX_LINES 3
#define PH_VIEW_MAX_TRACKS 12
/* Two readings of a line further apart than this are not joined: nothing
 * was recorded in between (a monitor's longest default heartbeat is 1 h, so
 * a monitored signal is never cut by it; a board that stopped answering
 * is). */
#define PH_VIEW_GAP_NS (2 * 3600LL * 1000000000)

enum ph_view_track_kind {
	PH_TRACK_ANALOG, /* lines of samples, min/max envelope when dense */
	PH_TRACK_FRAMES, /* frames per pixel column, pump and fixture */
	PH_TRACK_ALARMS, /* alarm spans coloured by priority */
	PH_TRACK_FAULTS, /* injected fault spans */
	PH_TRACK_TESTS,  /* test spans and measurement markers */
};

/* One line: v[i] at time t_ns[i], or at t0 + i * dt when t_ns is NULL. */
typedef struct ph_view_line {
	const char *label;
	const int64_t *t_ns;
	int64_t t0, dt;
	const int32_t *v;
	size_t n;
	ph_view_env env; /* owned; kept up to date by ph_view_line_sync */
	uint32_t rgba;
	int step; /* a set-point: hold each value until the next */
} ph_view_line;

typedef struct ph_view_track {
	int kind;
	const char *name;
	const char *unit; /* of displayed values */
	double scale;     /* displayed = sample * scale */
	ph_view_line line[PH_VIEW_MAX_LINES];
	int nlines;
	int weight; /* share of the analog height */
} ph_view_track;

typedef struct ph_view_model {
	ph_view_track track[PH_VIEW_MAX_TRACKS];
	int ntracks;
	const ph_trace_signals *sig; /* spans, markers, frames; may be NULL */
	int64_t t_min, t_max;        /* extent of the data */
} ph_view_model;

/* Point line l at samples (v, t_ns or t0/dt, n) and bring its envelope up
 * to date; when the samples before `stable` changed, the envelope is
 * rebuilt from there.  Returns 0 or -1 (out of memory). */
int ph_view_line_sync(ph_view_line *l, const int64_t *t_ns, const int32_t *v, size_t n,
                      size_t stable);

/* Time of sample i of l. */
static inline int64_t ph_view_line_t(const ph_view_line *l, size_t i)
{
	return l->t_ns ? l->t_ns[i] : l->t0 + (int64_t)i * l->dt;
}

/* First sample of l at or after t (l->n when none). */
size_t ph_view_line_lower(const ph_view_line *l, int64_t t);

/* Free the envelopes of every line of m (the samples are not owned). */
void ph_view_model_free(ph_view_model *m);

/* ---- a model over a trace file ---- */

typedef struct ph_view_doc {
	ph_trace_reader *reader;
	ph_trace_signals sig;
	ph_view_model model;
	char *path;
} ph_view_doc;

/* Open path and read what it holds now.  Returns NULL with err filled for a
 * file that cannot be read or is not a trace (a torn tail is fine). */
ph_view_doc *ph_view_doc_open(const char *path, char *err, size_t errlen);

/* Read records appended since the last call (live view).  Returns 1 when
 * something new arrived, 0 when not, -1 on a corrupt trace or out of
 * memory (err filled; what was read stays).  Blocks only on file reads. */
int ph_view_doc_poll(ph_view_doc *d, char *err, size_t errlen);

/* The reader's warning about a torn last block, or NULL. */
const char *ph_view_doc_warning(const ph_view_doc *d);

/* Close; NULL is fine. */
void ph_view_doc_close(ph_view_doc *d);

#endif
