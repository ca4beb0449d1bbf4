/*
 * trace_signals.c - decode frames of a trace into named time series.
 * Harness events (JSON) are handled in trace_events.c.
 */
#include "trace_signals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"
#include "trace/trace.h"
#include "trace_signals_priv.h"

static const struct {
	const char *name;
	const char *unit;
} sig_info[PH_SIG_COUNT] = {
	[PH_SIG_BALANCE] = { "balance_ug", "ug" },
	[PH_SIG_DELIVERED] = { "delivered_nl", "nL" },
	[PH_SIG_FLOW] = { "flow_nl_h", "nL/h" },
	[PH_SIG_PRESSURE] = { "pressure_pa", "Pa" },
	[PH_SIG_RESERVOIR] = { "reservoir_nl", "nL" },
	[PH_SIG_RESERVOIR_TRUE] = { "reservoir_true_nl", "nL" },
	[PH_SIG_SUPPLY] = { "supply_mv", "mV" },
	[PH_SIG_BATTERY] = { "battery_mv", "mV" },
	[PH_SIG_RATE] = { "rate_nl_h", "nL/h" },
	[PH_SIG_PUMP_DELIVERED] = { "pump_delivered_nl", "nL" },
	[PH_SIG_TEMP] = { "temp_mc", "mdegC" },
	[PH_SIG_ALARMS] = { "alarms", "mask" },
	[PH_SIG_ALARM_LEVEL] = { "alarm_level", "prio" },
	[PH_SIG_FRAMES_PUMP] = { "frames_pump", "frames" },
	[PH_SIG_FRAMES_FIXTURE] = { "frames_fixture", "frames" },
	[PH_SIG_STROKES] = { "motor_strokes", "strokes" },
	[PH_SIG_RF_LOSS] = { "rf_loss_pm", "permille" },
	[PH_SIG_PINCH] = { "pinch_pm", "permille" },
	[PH_SIG_MODE] = { "pump_mode", "mode" },
	[PH_SIG_RUNNING] = { "pump_running", "on" },
	[PH_SIG_BOLUS] = { "bolus_active", "kind" },
};

const char *ph_trace_signal_name(int sig)
{
	return sig >= 0 && sig < PH_SIG_COUNT ? sig_info[sig].name : NULL;
}

const char *ph_trace_signal_unit(int sig)
{
	return sig >= 0 && sig < PH_SIG_COUNT ? sig_info[sig].unit : NULL;
}

int ph_trace_signal_find(const char *name)
{
	for (int i = 0; i < PH_SIG_COUNT; i++)
		if (!strcmp(sig_info[i].name, name))
			return i;
	return -1;
}

void ph_trace_signals_init(ph_trace_signals *s)
{
	memset(s, 0, sizeof *s);
	for (int i = 0; i < PH_SIG_COUNT; i++)
		s->sig[i].moved_from = SIZE_MAX;
	s->t_first = INT64_MAX;
	s->t_last = INT64_MIN;
}

void ph_trace_signals_free(ph_trace_signals *s)
{
	for (int i = 0; i < PH_SIG_COUNT; i++) {
		free(s->sig[i].t_ns);
		free(s->sig[i].v);
	}
	for (size_t i = 0; i < s->spans.n; i++) {
		free(s->spans.v[i].label);
		free(s->spans.v[i].detail);
	}
	free(s->spans.v);
	for (size_t i = 0; i < s->markers.n; i++) {
		free(s->markers.v[i].label);
		free(s->markers.v[i].detail);
	}
	free(s->markers.v);
	free(s->run_seed);
	free(s->run_board);
	ph_trace_signals_init(s);
}

size_t ph_trace_series_lower(const ph_trace_series *se, int64_t t)
{
	size_t lo = 0, hi = se->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (se->t_ns[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int32_t sat32(int64_t v)
{
	return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

int ph_trace_series_push(ph_trace_series *se, int64_t t, int64_t value)
{
	size_t at = se->n;

	if (se->n == se->cap) {
		size_t cap = se->cap ? se->cap * 2 : 256;
		int64_t *tp = realloc(se->t_ns, cap * sizeof *tp);
		int32_t *vp;
		if (!tp)
			return -1;
		se->t_ns = tp;
		vp = realloc(se->v, cap * sizeof *vp);
		if (!vp)
			return -1;
		se->v = vp;
		se->cap = cap;
	}
	/* Keep time order: a record stamped earlier than the last is rare. */
	while (at > 0 && se->t_ns[at - 1] > t)
		at--;
	if (at < se->n) {
		if (at < se->moved_from)
			se->moved_from = at;
		memmove(se->t_ns + at + 1, se->t_ns + at, (se->n - at) * sizeof *se->t_ns);
		memmove(se->v + at + 1, se->v + at, (se->n - at) * sizeof *se->v);
	}
	se->t_ns[at] = t;
	se->v[at] = sat32(value);
	se->n++;
	return 0;
}

static int sig_push(ph_trace_signals *s, int sig, int64_t t, int64_t value)
{
	return ph_trace_series_push(&s->sig[sig], t, value);
}

/* A polled reading, unless a monitor feeds the series. */
static int poll_push(ph_trace_signals *s, int sig, int64_t t, int64_t value)
{
	return s->monitored[sig] ? 0 : sig_push(s, sig, t, value);
}

/* A balance reading: the balance, the delivered volume and the flow. */
static int on_balance(ph_trace_signals *s, int64_t t, uint64_t board_us, int64_t ug)
{
	int64_t dt_ns = 0;

	if (s->have_balance) {
		/* The board's clock when it moved forward by what fits in ns; else
		 * (reset, or a jump no bench makes) the host's. */
		uint64_t dus = board_us - s->prev_balance_us;
		if (board_us > s->prev_balance_us && dus <= (uint64_t)(INT64_MAX / 1000))
			dt_ns = (int64_t)dus * 1000;
		else
			dt_ns = t - s->prev_balance_ns;
	}
	if (!s->have_balance)
		s->balance0 = ug;
	if (sig_push(s, PH_SIG_BALANCE, t, ug) < 0 ||
	    sig_push(s, PH_SIG_DELIVERED, t, ug - s->balance0) < 0)
		return -1;
	if (dt_ns > 0) {
		/* ug/ns -> nL/h with 1 ug = 1 nL; the difference fits easily. */
		double flow = (double)(ug - s->prev_balance) * 3.6e12 / (double)dt_ns;
		if (sig_push(s, PH_SIG_FLOW, t, (int64_t)(flow < 0 ? flow - 0.5 : flow + 0.5)) < 0)
			return -1;
	}
	s->have_balance = 1;
	s->prev_balance = ug;
	s->prev_balance_us = board_us;
	s->prev_balance_ns = t;
	return 0;
}

static int on_fx_state(ph_trace_signals *s, int64_t t, const pp_frame *f, const pp_fx_state *x)
{
	if ((!s->monitored[PH_SIG_BALANCE] && on_balance(s, t, f->board_us, x->balance_ug) < 0) ||
	    poll_push(s, PH_SIG_PRESSURE, t, x->pressure_pa) < 0 ||
	    poll_push(s, PH_SIG_SUPPLY, t, x->supply_mv) < 0 ||
	    poll_push(s, PH_SIG_RESERVOIR_TRUE, t, x->reservoir_nl) < 0 ||
	    poll_push(s, PH_SIG_TEMP, t, x->temp_mc) < 0)
		return -1;
	return 0;
}

static int on_status(ph_trace_signals *s, int64_t t, const pp_status *x)
{
	if (poll_push(s, PH_SIG_RATE, t, x->rate_nl_h) < 0 ||
	    poll_push(s, PH_SIG_RESERVOIR, t, x->reservoir_nl) < 0 ||
	    sig_push(s, PH_SIG_BATTERY, t, x->battery_mv) < 0 ||
	    poll_push(s, PH_SIG_ALARMS, t, x->alarms) < 0 ||
	    sig_push(s, PH_SIG_PUMP_DELIVERED, t, (int64_t)(x->delivered_nl & INT64_MAX)) < 0)
		return -1;
	return 0;
}

/* The series each monitored signal (PP_MON_*) feeds. */
static const int mon_sig[] = {
	[PP_MON_BALANCE_UG] = PH_SIG_BALANCE,
	[PP_MON_PRESSURE_PA] = PH_SIG_PRESSURE,
	[PP_MON_RESERVOIR_TRUE_NL] = PH_SIG_RESERVOIR_TRUE,
	[PP_MON_SUPPLY_MV] = PH_SIG_SUPPLY,
	[PP_MON_TEMP_MC] = PH_SIG_TEMP,
	[PP_MON_MOTOR_STROKES] = PH_SIG_STROKES,
	[PP_MON_RF_LOSS_PM] = PH_SIG_RF_LOSS,
	[PP_MON_PINCH_PM] = PH_SIG_PINCH,
	[PP_MON_PUMP_MODE] = PH_SIG_MODE,
	[PP_MON_PUMP_RUNNING] = PH_SIG_RUNNING,
	[PP_MON_PUMP_RATE_NL_H] = PH_SIG_RATE,
	[PP_MON_PUMP_RESERVOIR_NL] = PH_SIG_RESERVOIR,
	[PP_MON_PUMP_ALARMS] = PH_SIG_ALARMS,
	[PP_MON_PUMP_BOLUS] = PH_SIG_BOLUS,
};

/* A monitor sample; an unknown signal (a newer board) is skipped. */
static int on_sample(ph_trace_signals *s, int64_t t, const pp_frame *f, const pp_fx_sample *x)
{
	int sig;

	if (x->signal >= sizeof mon_sig / sizeof mon_sig[0])
		return 0;
	sig = mon_sig[x->signal];
	s->monitored[sig] = 1;
	if (sig == PH_SIG_BALANCE)
		return on_balance(s, t, f->board_us, x->value);
	return sig_push(s, sig, t, x->value);
}

static int alarm_level(const ph_trace_signals *s)
{
	int level = 0;

	for (int code = 0; code < 256; code++)
		if (s->alarm_open[code] && s->spans.v[s->alarm_open[code] - 1].priority > level)
			level = s->spans.v[s->alarm_open[code] - 1].priority;
	return level;
}

/* A resent event (same payload, not yet acknowledged) counts once. */
static int seen_event(ph_trace_signals *s, const pp_frame *f)
{
	unsigned n = s->recent_n < 64 ? s->recent_n : 64;

	for (unsigned i = 0; i < n; i++)
		if (!memcmp(s->recent_ev[i], f->payload, 12))
			return 1;
	memcpy(s->recent_ev[s->recent_n++ % 64], f->payload, 12);
	return 0;
}

static int on_event(ph_trace_signals *s, int64_t t, const pp_frame *f, const pp_event *x)
{
	int before = alarm_level(s);

	if (seen_event(s, f))
		return 0;
	if (x->code == PP_EV_ALARM_ON && !s->alarm_open[x->alarm]) {
		const char *name = pp_code_name("ALARM", x->alarm);
		char buf[16];
		if (!name) {
			snprintf(buf, sizeof buf, "ALARM %u", x->alarm);
			name = buf;
		}
		if (ph_trace_span_open(s, PH_SPAN_ALARM, t, name, NULL) < 0)
			return -1;
		s->spans.v[s->spans.n - 1].code = x->alarm;
		s->spans.v[s->spans.n - 1].priority = x->priority;
		s->alarm_open[x->alarm] = (int)s->spans.n;
	} else if (x->code == PP_EV_ALARM_OFF && s->alarm_open[x->alarm]) {
		s->spans.v[s->alarm_open[x->alarm] - 1].t1 = t;
		s->alarm_open[x->alarm] = 0;
	} else {
		return 0;
	}
	if (alarm_level(s) != before || !s->sig[PH_SIG_ALARM_LEVEL].n)
		return sig_push(s, PH_SIG_ALARM_LEVEL, t, alarm_level(s));
	return 0;
}

/* One COBS frame (no delimiter) that crossed on channel ch. */
static int on_frame(ph_trace_signals *s, const ph_trace_rec *rec, const uint8_t *w, size_t n)
{
	pp_frame f;
	pp_msg m;

	if (pp_frame_decode(w, n, &f) != PP_OK || f.channel != rec->iface ||
	    pp_msg_unpack(&f, &m) != PP_OK) {
		s->bad_frames++;
		return 0;
	}
	if (rec->dir == PH_DIR_TO_BOARD)
		return 0;
	if (m.type == pp_type_fx_state)
		return on_fx_state(s, rec->t_ns, &f, &m.u.fx_state);
	if (m.type == pp_type_status)
		return on_status(s, rec->t_ns, &m.u.status);
	if (m.type == pp_type_event)
		return on_event(s, rec->t_ns, &f, &m.u.event);
	if (m.type == pp_type_fx_sample)
		return on_sample(s, rec->t_ns, &f, &m.u.fx_sample);
	return 0;
}

/* Frames are delimited by 0x00; a record normally holds exactly one. */
static int on_wire(ph_trace_signals *s, const ph_trace_rec *rec)
{
	size_t start = 0;
	uint64_t count;

	count = s->sig[PH_SIG_FRAMES_PUMP + rec->iface].n
	                ? (uint64_t)s->sig[PH_SIG_FRAMES_PUMP + rec->iface]
	                          .v[s->sig[PH_SIG_FRAMES_PUMP + rec->iface].n - 1]
	                : 0;
	if (sig_push(s, PH_SIG_FRAMES_PUMP + (int)rec->iface, rec->t_ns, (int64_t)count + 1) < 0)
		return -1;
	for (size_t i = 0; i <= rec->len; i++) {
		if (i < rec->len && rec->data[i] != 0)
			continue;
		if (i > start && on_frame(s, rec, rec->data + start, i - start) < 0)
			return -1;
		start = i + 1;
	}
	return 0;
}

int ph_trace_signals_add(ph_trace_signals *s, const ph_trace_rec *rec)
{
	s->records++;
	if (rec->t_ns < s->t_first)
		s->t_first = rec->t_ns;
	if (rec->t_ns > s->t_last)
		s->t_last = rec->t_ns;
	if (rec->iface <= PH_IF_FIXTURE && rec->linktype == 147)
		return on_wire(s, rec);
	if (rec->iface == PH_IF_EVENTS && rec->linktype == 148)
		return ph_trace_signals_harness_event(s, rec);
	return 0;
}

int ph_trace_signals_load(ph_trace_signals *s, ph_trace_reader *r, char *err, size_t errlen)
{
	ph_trace_rec rec;
	int k;

	while ((k = ph_trace_reader_next(r, &rec)) == PH_TRACE_RECORD) {
		if (ph_trace_signals_add(s, &rec) < 0) {
			snprintf(err, errlen, "out of memory at packet %llu",
			         (unsigned long long)rec.index + 1);
			return PH_TRACE_ERROR;
		}
	}
	if (k == PH_TRACE_ERROR)
		snprintf(err, errlen, "%s", ph_trace_reader_error(r));
	return k;
}
