/*
 * trace_signals.h - named time series and spans extracted from a trace.
 *
 * Feed records (from ph_trace_reader_next) one at a time; the extractor
 * decodes what crossed exactly as the harness saw it:
 *   - fixture fx_state replies: balance, delivered volume and flow from the
 *     balance, line pressure, supply, true reservoir, bath temperature;
 *   - pump status replies: rate set-point, computed reservoir, battery,
 *     alarm bit mask, the pump's own delivered volume;
 *   - pump event frames: alarm spans (ALARM_ON/ALARM_OFF with priority);
 *   - harness events (JSON, interface 2): test spans, fault spans,
 *     measurement and check-failure markers, the run's seed and board;
 *   - fixture fx_sample frames, the board's continuous monitors (rig
 *     signals and the pump's state, PROTOCOL.md "Monitors"): once a signal
 *     has a monitor sample, the monitor alone feeds its series (a polled
 *     reading in between would make a hold of it lie by more than the
 *     deadband);
 *   - every record: cumulative frame counts per channel.
 * Flow assumes 1 ug on the balance is 1 nL (aqueous solution): it is
 * (b[i] - b[i-1]) / (t[i] - t[i-1]) in nL/h, over the fixture's own clock.
 *
 * Values are int32 (saturated; every protocol quantity of a real bench fits)
 * stamped with host ns.  Series stay sorted by time.  Everything here is
 * plain data owned by the ph_trace_signals; appending may move arrays.
 */
#ifndef PH_TRACE_SIGNALS_H
#define PH_TRACE_SIGNALS_H

#ifndef PH_USES_TRACE
#error "trace/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "trace_read.h"

enum ph_trace_sig {
	PH_SIG_BALANCE,        /* balance_ug */
	PH_SIG_DELIVERED,      /* delivered_nl: balance minus its first reading */
	PH_SIG_FLOW,           /* flow_nl_h, from successive balance readings */
	PH_SIG_PRESSURE,       /* pressure_pa */
	PH_SIG_RESERVOIR,      /* reservoir_nl, computed by the pump (status) */
	PH_SIG_RESERVOIR_TRUE, /* reservoir_true_nl, the fixture's (fx_state) */
	PH_SIG_SUPPLY,         /* supply_mv, fixture */
	PH_SIG_BATTERY,        /* battery_mv, as the pump measures it */
	PH_SIG_RATE,           /* rate_nl_h set-point (status) */
	PH_SIG_PUMP_DELIVERED, /* pump_delivered_nl (status) */
	PH_SIG_TEMP,           /* temp_mc, bath */
	PH_SIG_ALARMS,         /* alarms: status bit mask */
	PH_SIG_ALARM_LEVEL,    /* alarm_level: highest priority active (events) */
	PH_SIG_FRAMES_PUMP,    /* frames_pump: cumulative count */
	PH_SIG_FRAMES_FIXTURE, /* frames_fixture: cumulative count */
	PH_SIG_STROKES,        /* motor_strokes: counted on the motor line (monitor) */
	PH_SIG_RF_LOSS,        /* rf_loss_pm: RF attenuator (monitor) */
	PH_SIG_PINCH,          /* pinch_pm: pinch valve closure in force (monitor) */
	PH_SIG_MODE,           /* pump_mode (monitor) */
	PH_SIG_RUNNING,        /* pump_running (monitor) */
	PH_SIG_BOLUS,          /* bolus_active: bolus kind, 0 none (monitor) */
	PH_SIG_COUNT
};

typedef struct ph_trace_series {
	size_t n, cap;
	int64_t *t_ns;
	int32_t *v;
	/* Lowest index where a sample was inserted out of time order (samples
	 * from there on moved) since a reader last reset it; SIZE_MAX if none. */
	size_t moved_from;
} ph_trace_series;

enum ph_trace_span_kind { PH_SPAN_ALARM, PH_SPAN_FAULT, PH_SPAN_TEST };

/* A span; t1 is -1 while still open (draw it to the end of the trace). */
typedef struct ph_trace_span {
	int64_t t0, t1;
	int kind;
	int code;     /* alarm code (PH_SPAN_ALARM) */
	int priority; /* alarm priority, PP_PRIO_* */
	char *label;  /* alarm name, fault name, test name */
	char *detail; /* fault params as JSON, test verdict; may be NULL */
} ph_trace_span;

enum ph_trace_verdict { PH_VERDICT_NONE = -1, PH_VERDICT_FAIL = 0, PH_VERDICT_PASS = 1 };

enum ph_trace_marker_kind { PH_MARK_MEASUREMENT, PH_MARK_CHECK_FAILED };

typedef struct ph_trace_marker {
	int64_t t;
	int kind;
	int verdict;  /* ph_trace_verdict */
	char *label;  /* measurement name or check message */
	char *detail; /* "value unit", or NULL */
} ph_trace_marker;

typedef struct ph_trace_span_list {
	size_t n, cap;
	ph_trace_span *v;
} ph_trace_span_list;

typedef struct ph_trace_marker_list {
	size_t n, cap;
	ph_trace_marker *v;
} ph_trace_marker_list;

typedef struct ph_trace_signals {
	ph_trace_series sig[PH_SIG_COUNT];
	ph_trace_span_list spans;
	ph_trace_marker_list markers;
	int64_t t_first, t_last; /* over every record; t_first > t_last when empty */
	uint64_t records;
	uint64_t bad_frames; /* frames that failed to decode */
	uint64_t bad_events; /* harness events that are not JSON objects */
	char *run_seed;      /* from run_start, or NULL */
	char *run_board;
	/* decoding state */
	int64_t balance0, prev_balance;
	uint64_t prev_balance_us;
	int64_t prev_balance_ns;
	int have_balance;
	uint8_t monitored[PH_SIG_COUNT]; /* the series comes from monitor samples */
	int alarm_open[256];             /* index + 1 of the open span per alarm code */
	uint8_t recent_ev[64][12];
	unsigned recent_n;
} ph_trace_signals;

/* Initialise an empty set.  Never fails. */
void ph_trace_signals_init(ph_trace_signals *s);

/* Add one record.  Undecodable frames and events are counted, not errors.
 * Returns 0, or -1 when out of memory (s stays consistent). */
int ph_trace_signals_add(ph_trace_signals *s, const ph_trace_rec *rec);

/* Read every available record of r into s.  Returns PH_TRACE_END (a torn
 * tail is fine: see ph_trace_reader_warning) or PH_TRACE_ERROR with err
 * filled (reader error or out of memory); what was read stays in s. */
int ph_trace_signals_load(ph_trace_signals *s, ph_trace_reader *r, char *err, size_t errlen);

/* Free everything s owns; s is then empty and may be reused after init. */
void ph_trace_signals_free(ph_trace_signals *s);

/* Signal names and units ("balance_ug", "ug"); NULL out of range. */
const char *ph_trace_signal_name(int sig);
const char *ph_trace_signal_unit(int sig);
/* A signal by name, or -1. */
int ph_trace_signal_find(const char *name);

/* Index of the first sample of se at or after t (se->n when none). */
size_t ph_trace_series_lower(const ph_trace_series *se, int64_t t);

#endif
