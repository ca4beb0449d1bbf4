/*
 * bench_monitor.c - continuous monitors of the virtual bench (see
 * bench_monitor.h): when each signal must be looked at, and what it is.
 */
#include "bench_monitor.h"

#include <math.h>
#include <string.h>

#include "fw_internal.h"

#define MS 1000000LL
#define MAX_LOOK (600LL * 1000 * MS) /* plan at most 10 min ahead, then look again */
#define DAY_S 86400u

/* How a signal moves between the bench's own events. */
enum kind {
	K_EVENT,   /* only at events (strokes, commands, firmware steps) */
	K_BALANCE, /* at the balance's sample instants (noise: each may move) */
	K_SMOOTH,  /* continuously (line pressure, supply ramp) */
	K_SCHED,   /* piecewise constant on a schedule (intermittent pinch valve) */
};

static enum kind kind_of(int sig, const fixture *fx)
{
	switch (sig) {
	case PP_MON_BALANCE_UG: return fx->cfg.balance_period_us ? K_BALANCE : K_SMOOTH;
	case PP_MON_PRESSURE_PA: return K_SMOOTH;
	case PP_MON_SUPPLY_MV: return fx->ramp_ns > 0 ? K_SMOOTH : K_EVENT;
	case PP_MON_PINCH_PM: return fx->pinch_period_s > 0 ? K_SCHED : K_EVENT;
	default: return K_EVENT;
	}
}

/* A signal's value, fx already advanced to t_ns. */
static int32_t value_from(int sig, fixture *fx, const fw_pump *p, int64_t t_ns)
{
	int64_t v = 0;

	switch (sig) {
	case PP_MON_BALANCE_UG: v = fixture_balance_ug(fx, t_ns); break;
	case PP_MON_PRESSURE_PA: v = fixture_pressure_pa(fx, t_ns); break;
	case PP_MON_RESERVOIR_TRUE_NL: v = llround(fx->reservoir_nl); break;
	case PP_MON_SUPPLY_MV: v = fixture_supply_mv(fx); break;
	case PP_MON_TEMP_MC: v = fx->temp_mc; break;
	case PP_MON_MOTOR_STROKES: v = fx->strokes; break;
	case PP_MON_RF_LOSS_PM: v = fx->rf_loss_pm; break;
	case PP_MON_PINCH_PM: v = fixture_pinch_at(fx, t_ns); break;
	case PP_MON_PUMP_MODE: v = p->ps.has_rx ? p->ps.rx.mode : PP_MODE_STOPPED; break;
	case PP_MON_PUMP_RUNNING: v = p->ps.running; break;
	case PP_MON_PUMP_RATE_NL_H: v = fw_basal_rate(p); break;
	case PP_MON_PUMP_RESERVOIR_NL: v = fw_reservoir_nl(p); break;
	case PP_MON_PUMP_ALARMS: v = (int32_t)p->alarms; break;
	case PP_MON_PUMP_BOLUS: v = p->bolus.kind; break;
	default: break;
	}
	return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

int32_t bench_mon_value(int sig, const fixture *fx, const fw_pump *p, int64_t t_ns)
{
	fixture c = *fx;

	fixture_advance(&c, t_ns);
	return value_from(sig, &c, p, t_ns);
}

void bench_mon_init(bench_monitor *m)
{
	memset(m, 0, sizeof *m);
	for (int i = 0; i < BENCH_MON_SIGNALS; i++)
		m->s[i].due = INT64_MAX;
}

int bench_mon_subscribe(bench_monitor *m, const pp_fx_monitor *req, int64_t t_ns)
{
	if (req->signal == 255 && req->period_ms == 0) {
		bench_mon_init(m);
		return PP_REFUSE_OK;
	}
	if (req->signal >= BENCH_MON_SIGNALS || req->heartbeat_s > DAY_S)
		return PP_REFUSE_BAD_PARAM;
	bench_mon_sig *s = &m->s[req->signal];
	memset(s, 0, sizeof *s);
	s->due = INT64_MAX;
	if (req->period_ms) {
		s->on = 1;
		s->deadband = req->deadband;
		s->heartbeat_ns = (int64_t)req->heartbeat_s * 1000 * MS;
		s->due = t_ns; /* the first sample goes out at once */
	}
	m->strokes = UINT32_MAX; /* plan everything again at the next poll */
	m->any = 0;
	for (int i = 0; i < BENCH_MON_SIGNALS; i++)
		m->any |= m->s[i].on;
	return PP_REFUSE_OK;
}

static int moved(const bench_mon_sig *s, int32_t v)
{
	int64_t d = (int64_t)v - s->last;
	return d > (int64_t)s->deadband || -d > (int64_t)s->deadband;
}

/* Send the value if it moved, a heartbeat is due, or a planned crossing is
 * reached (floating point may put the value a hair inside the band here
 * when the search saw it outside: sending then keeps time moving). */
static void look(bench_mon_sig *s, int sig, int32_t v, int64_t t, bench_mon_emit emit, void *ud)
{
	int crossed = s->crossing && s->due <= t;

	if (s->sent && !crossed && !moved(s, v) &&
	    !(s->heartbeat_ns && t - s->last_t >= s->heartbeat_ns))
		return;
	s->sent = 1;
	s->last = v;
	s->last_t = t;
	emit(ud, sig, v, t);
}

/* The value at tau on a copy of the rig at t (a continuous signal: the
 * copy's balance takes no samples, which it does not need). */
static int32_t value_later(int sig, const fixture *at_t, const fw_pump *p, int64_t tau)
{
	fixture c = *at_t;

	if (sig != PP_MON_BALANCE_UG)
		c.cfg.balance_period_us = 0;
	fixture_advance(&c, tau);
	return value_from(sig, &c, p, tau);
}

/* How far past the deadband the value at tau_us is (> 0: outside). */
static double excess(const bench_mon_sig *s, int sig, const fixture *at_t, const fw_pump *p,
                     int64_t tau_us, int side)
{
	double d = (double)value_later(sig, at_t, p, tau_us * 1000) - s->last;
	return side * d - s->deadband;
}

/* First instant in (t, end] at which the signal leaves the deadband around
 * the last value sent, to the microsecond (the board clock's tick: a bench
 * event at a finer instant would shift the board clock); INT64_MAX if it
 * does not.  Steps double from 1 ms (up to cap) until one is outside; the
 * step is then narrowed by regula falsi (Illinois), bisecting when that
 * stalls. */
static int64_t crossing(const bench_mon_sig *s, int sig, const fixture *at_t, const fw_pump *p,
                        int64_t t, int64_t end, int64_t cap_us)
{
	int64_t lo = t / 1000, e = end / 1000, hi, step = 1000;
	double flo, fhi;
	int side, stale = 0;

	for (;;) {
		hi = e - lo < step ? e : lo + step;
		if (hi <= lo)
			return INT64_MAX;
		int32_t v = value_later(sig, at_t, p, hi * 1000);
		if (moved(s, v)) {
			side = v > s->last ? 1 : -1;
			break;
		}
		if (hi == e)
			return INT64_MAX;
		lo = hi;
		if (step < cap_us)
			step *= 2;
	}
	flo = excess(s, sig, at_t, p, lo, side);
	fhi = excess(s, sig, at_t, p, hi, side);
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (flo < 0 && fhi > 0 && stale < 2) {
			double x = (double)lo + (double)(hi - lo) * (-flo) / (fhi - flo);
			int64_t m = (int64_t)x;
			if (m > lo && m < hi)
				mid = m;
		}
		double f = excess(s, sig, at_t, p, mid, side);
		if (f > 0) {
			hi = mid;
			fhi = f;
			flo /= 2; /* Illinois: the stale end's weight halves */
			stale = 0;
		} else {
			lo = mid;
			flo = f;
			stale++;
		}
	}
	return hi * 1000;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* The balance changes only at its sample instants: the first in (t, end]
 * whose reading leaves the deadband, INT64_MAX if none.  One copy of the
 * rig walks from instant to instant. */
static int64_t balance_crossing(const bench_mon_sig *s, const fixture *at_t, int64_t t, int64_t end,
                                int64_t period)
{
	fixture c = *at_t;

	for (int64_t ts = (t / period + 1) * period; ts <= end; ts += period) {
		fixture_advance(&c, ts);
		if (moved(s, value_from(PP_MON_BALANCE_UG, &c, NULL, ts)))
			return ts;
	}
	return INT64_MAX;
}

/* When to look at a signal next.  A continuous signal is followed up to
 * the bench's next own event (horizon), where the rig may change; its
 * crossing stays valid while the rig's inputs are unchanged (replan = 0),
 * and any change (a stroke, a fixture command) plans it again. */
static void plan(bench_mon_sig *s, int sig, const fixture *at_t, const fw_pump *p, int64_t t,
                 int64_t horizon, int replan)
{
	int64_t hb = s->heartbeat_ns ? s->last_t + s->heartbeat_ns : INT64_MAX;
	int64_t end, cross;

	end = min64(min64(hb, horizon), t + MAX_LOOK);
	int64_t period = (int64_t)at_t->cfg.balance_period_us * 1000;
	enum kind k = kind_of(sig, at_t);

	if (k == K_EVENT) {
		s->due = hb;
		s->crossing = 0;
		return;
	}
	if (!replan && s->due > t && s->last_t != t && s->searched_to > t)
		return;
	if (horizon <= t) {
		/* The firmware runs again at this instant, and the poll after it
		 * plans: searching now would be thrown away. */
		s->crossing = 0;
		s->searched_to = t;
		s->due = hb;
		return;
	}
	if (k == K_BALANCE)
		cross = balance_crossing(s, at_t, t, end, period);
	else
		cross = crossing(s, sig, at_t, p, t, end, k == K_SMOOTH ? INT64_MAX / 4 : 50000);
	s->crossing = cross != INT64_MAX;
	s->searched_to = s->crossing ? cross : end;
	/* Not found before the horizon: the poll after that event searches on
	 * (looking at the horizon itself would race the board clock's rebase). */
	s->due = s->crossing ? cross : end == horizon ? min64(hb, t + MAX_LOOK) : end;
}

static void visit(bench_monitor *m, const fixture *fx, const fw_pump *p, int64_t t, int64_t horizon,
                  int all, int replan, bench_mon_emit emit, void *ud)
{
	fixture c = *fx;

	fixture_advance(&c, t);
	for (int i = 0; i < BENCH_MON_SIGNALS; i++) {
		bench_mon_sig *s = &m->s[i];
		if (!s->on || (!all && s->due > t))
			continue;
		look(s, i, value_from(i, &c, p, t), t, emit, ud);
		plan(s, i, &c, p, t, horizon, replan);
	}
}

void bench_mon_poll(bench_monitor *m, const fixture *fx, const fw_pump *p, int64_t t_ns,
                    int64_t horizon_ns, int rig_changed, bench_mon_emit emit, void *ud)
{
	if (!m->any)
		return;
	if (fx->strokes != m->strokes)
		rig_changed = 1;
	m->strokes = fx->strokes;
	visit(m, fx, p, t_ns, horizon_ns, 1, rig_changed, emit, ud);
}

void bench_mon_tick(bench_monitor *m, const fixture *fx, const fw_pump *p, int64_t t_ns,
                    int64_t horizon_ns, bench_mon_emit emit, void *ud)
{
	if (m->any)
		visit(m, fx, p, t_ns, horizon_ns, 0, 0, emit, ud);
}

int64_t bench_mon_next_ns(const bench_monitor *m)
{
	int64_t t = INT64_MAX;

	if (!m->any)
		return t;
	for (int i = 0; i < BENCH_MON_SIGNALS; i++)
		if (m->s[i].on && m->s[i].due < t)
			t = m->s[i].due;
	return t;
}
