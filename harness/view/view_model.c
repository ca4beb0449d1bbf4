/*
 * view_model.c - lines with envelopes, and the trace-backed document that
 * lays out the standard tracks and follows a growing file.
 */
#include "view_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ph_view_line_sync(ph_view_line *l, const int64_t *t_ns, const int32_t *v, size_t n,
                      size_t stable)
{
	l->t_ns = t_ns;
	l->v = v;
	l->n = n;
	if (stable < l->env.samples)
		ph_view_env_truncate(&l->env, stable);
	return ph_view_env_extend(&l->env, v, n);
}

size_t ph_view_line_lower(const ph_view_line *l, int64_t t)
{
	size_t lo = 0, hi = l->n;

	if (!l->t_ns) {
		int64_t i;
		if (t <= l->t0 || l->dt <= 0)
			return 0;
		i = (t - l->t0 + l->dt - 1) / l->dt;
		return (uint64_t)i > l->n ? l->n : (size_t)i;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->t_ns[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void ph_view_model_free(ph_view_model *m)
{
	for (int i = 0; i < m->ntracks; i++)
		for (int k = 0; k < m->track[i].nlines; k++)
			ph_view_env_free(&m->track[i].line[k].env);
	m->ntracks = 0;
}

/* ---- the standard layout over a trace ---- */

typedef struct line_spec {
	int sig;
	const char *label;
	uint32_t rgba;
	int step;
} line_spec;

typedef struct track_spec {
	int kind;
	const char *name;
	const char *unit;
	double scale;
	int weight;
	line_spec lines[PH_VIEW_MAX_LINES];
} track_spec;

/* Which lines are steps: a reading holds until the next one for the
 * balance (it updates once a period), the line pressure (a monitor sends a
 * sample whenever it leaves the deadband, so the hold is within it), the
 * set-point, both reservoirs (a step per stroke) and the supply; only the
 * flow, a rate computed between two readings, is drawn joined. */
static const track_spec layout[] = {
	{ PH_TRACK_ANALOG,
	  "delivered",
	  "uL",
	  1e-3,
	  2,
	  { { PH_SIG_DELIVERED, "balance", 0x2ca02cff, 1 }, { -1, NULL, 0, 0 } } },
	{ PH_TRACK_ANALOG,
	  "flow",
	  "uL/h",
	  1e-3,
	  2,
	  { { PH_SIG_FLOW, "flow (balance)", 0x1f77b4ff, 0 },
	    { PH_SIG_RATE, "set-point", 0xff7f0eff, 1 },
	    { -1, NULL, 0, 0 } } },
	{ PH_TRACK_ANALOG,
	  "pressure",
	  "kPa",
	  1e-3,
	  1,
	  { { PH_SIG_PRESSURE, "line", 0xd62728ff, 1 }, { -1, NULL, 0, 0 } } },
	{ PH_TRACK_ANALOG,
	  "reservoir",
	  "mL",
	  1e-6,
	  1,
	  { { PH_SIG_RESERVOIR, "computed", 0x9467bdff, 1 },
	    { PH_SIG_RESERVOIR_TRUE, "true", 0x8c564bff, 1 },
	    { -1, NULL, 0, 0 } } },
	{ PH_TRACK_ANALOG,
	  "supply",
	  "V",
	  1e-3,
	  1,
	  { { PH_SIG_SUPPLY, "rail", 0x17becfff, 1 },
	    { PH_SIG_BATTERY, "pump", 0xbcbd22ff, 1 },
	    { -1, NULL, 0, 0 } } },
	{ PH_TRACK_FRAMES, "frames", "", 1, 0, { { -1, NULL, 0, 0 } } },
	{ PH_TRACK_ALARMS, "alarms", "", 1, 0, { { -1, NULL, 0, 0 } } },
	{ PH_TRACK_FAULTS, "faults", "", 1, 0, { { -1, NULL, 0, 0 } } },
	{ PH_TRACK_TESTS, "tests", "", 1, 0, { { -1, NULL, 0, 0 } } },
};

static void build_layout(ph_view_doc *d)
{
	ph_view_model *m = &d->model;

	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++) {
		const track_spec *ts = &layout[i];
		ph_view_track *t = &m->track[m->ntracks++];
		t->kind = ts->kind;
		t->name = ts->name;
		t->unit = ts->unit;
		t->scale = ts->scale;
		t->weight = ts->weight;
		for (int k = 0; k < PH_VIEW_MAX_LINES && ts->lines[k].label; k++) {
			ph_view_line *l = &t->line[t->nlines++];
			ph_view_env_init(&l->env);
			l->label = ts->lines[k].label;
			l->rgba = ts->lines[k].rgba;
			l->step = ts->lines[k].step;
		}
	}
	m->sig = &d->sig;
}

/* Re-point every line at its series (arrays may have moved). */
static int sync_lines(ph_view_doc *d)
{
	for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++) {
		ph_view_track *t = &d->model.track[i];
		for (int k = 0; k < t->nlines; k++) {
			ph_trace_series *se = &d->sig.sig[layout[i].lines[k].sig];
			if (ph_view_line_sync(&t->line[k], se->t_ns, se->v, se->n, se->moved_from) <
			    0)
				return -1;
		}
	}
	for (int i = 0; i < PH_SIG_COUNT; i++)
		d->sig.sig[i].moved_from = SIZE_MAX;
	d->model.t_min = d->sig.t_first;
	d->model.t_max = d->sig.t_last;
	return 0;
}

int ph_view_doc_poll(ph_view_doc *d, char *err, size_t errlen)
{
	uint64_t before = d->sig.records;
	int k = ph_trace_signals_load(&d->sig, d->reader, err, errlen);

	if (k == PH_TRACE_ERROR)
		return -1;
	if (d->sig.records == before)
		return 0;
	if (sync_lines(d) < 0) {
		snprintf(err, errlen, "%s: out of memory", d->path);
		return -1;
	}
	return 1;
}

ph_view_doc *ph_view_doc_open(const char *path, char *err, size_t errlen)
{
	ph_view_doc *d = calloc(1, sizeof *d);

	if (!d || !(d->path = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(d);
		return NULL;
	}
	ph_trace_signals_init(&d->sig);
	build_layout(d);
	d->reader = ph_trace_reader_open(path, err, errlen);
	if (!d->reader)
		goto fail;
	if (ph_view_doc_poll(d, err, errlen) < 0)
		goto fail;
	return d;

fail:
	ph_view_doc_close(d);
	return NULL;
}

const char *ph_view_doc_warning(const ph_view_doc *d)
{
	return ph_trace_reader_warning(d->reader);
}

void ph_view_doc_close(ph_view_doc *d)
{
	if (!d)
		return;
	ph_view_model_free(&d->model);
	ph_trace_signals_free(&d->sig);
	ph_trace_reader_close(d->reader);
	free(d->path);
	free(d);
}
