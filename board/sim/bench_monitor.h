/*
 * bench_monitor.h - continuous monitors of the virtual bench: the rig's
 * instruments and the pump's state, sent as unsolicited fx_sample frames on
 * the fixture channel under per-signal rules (fx_monitor: deadband,
 * heartbeat; the period is for boards that cannot know change points).
 *
 * The virtual rig knows its own physics, so a sample is sent exactly when a
 * signal leaves the deadband around the last value sent: between the
 * bench's own events (strokes, firmware wake-ups, commands) the state only
 * evolves in time, and the crossing instant of a continuous signal (line
 * pressure, supply ramp, pinch schedule) is found on a copy of the fixture
 * to the microsecond (the board clock's tick); the balance is looked at on each of its sample
 * instants; the pump's state is looked at after every firmware step.  Monitoring never advances the
 * real fixture, so a bench behaves the same with monitors on.
 *
 * Plain data inside the bench; no allocation, no blocking.
 */
#ifndef BENCH_MONITOR_H
#define BENCH_MONITOR_H

#include <stdint.h>

#include "fixture.h"
#include "fw.h"
#include "pp.h"

#define BENCH_MON_SIGNALS (PP_MON_PUMP_BOLUS + 1)

typedef struct bench_mon_sig {
	int on, sent;
	uint32_t deadband;
	int64_t heartbeat_ns; /* 0: none */
	int32_t last;         /* last value sent */
	int64_t last_t;
	int64_t due;         /* next instant this signal must be looked at, INT64_MAX none */
	int crossing;        /* due is where the value was found to leave the band */
	int64_t searched_to; /* the plan holds up to here while the rig is unchanged */
} bench_mon_sig;

typedef struct bench_monitor {
	bench_mon_sig s[BENCH_MON_SIGNALS];
	int any;
	uint32_t strokes; /* the rig's stroke count at the last poll */
} bench_monitor;

/* Called for every sample to send: signal, value, virtual time. */
typedef void (*bench_mon_emit)(void *ud, int sig, int32_t value, int64_t t_ns);

void bench_mon_init(bench_monitor *m);

/* Apply one fx_monitor request at t_ns.  Returns PP_REFUSE_OK or
 * PP_REFUSE_BAD_PARAM (unknown signal, heartbeat over a day).  A newly
 * subscribed signal is sent at the next poll. */
int bench_mon_subscribe(bench_monitor *m, const pp_fx_monitor *req, int64_t t_ns);

/* Something may have changed at t_ns (a firmware step, a command): look at
 * every subscribed signal, send what moved, and plan each signal's next
 * look up to horizon_ns (the bench's next own event).  rig_changed says the
 * rig's inputs may have changed (a fixture command, a reset); a stroke is
 * noticed here.  fx is not changed. */
void bench_mon_poll(bench_monitor *m, const fixture *fx, const fw_pump *p, int64_t t_ns,
                    int64_t horizon_ns, int rig_changed, bench_mon_emit emit, void *ud);

/* Only time passed since the last poll: look at the signals due at t_ns. */
void bench_mon_tick(bench_monitor *m, const fixture *fx, const fw_pump *p, int64_t t_ns,
                    int64_t horizon_ns, bench_mon_emit emit, void *ud);

/* Earliest planned look, INT64_MAX when none. */
int64_t bench_mon_next_ns(const bench_monitor *m);

/* The value of a signal at t_ns as the rig sees it (fx is copied, never
 * advanced); the monitors' truth, for their tests too. */
int32_t bench_mon_value(int sig, const fixture *fx, const fw_pump *p, int64_t t_ns);

#endif
