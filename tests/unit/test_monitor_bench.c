/* test_monitor_bench.c - the virtual bench's continuous monitors, end to
 * end: fx_monitor subscription over the link, fx_sample frames into a pcapng
 * trace, the trace's signals and their CSV export (issue 13, acceptance 1-3).
 * No test here reads the fixture or the pump's status over the link: what is
 * checked is only what the monitors recorded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <math.h>

#include "bench_monitor.h"
#include "fw_internal.h"
#include "link/link.h"
#include "link/monitor.h"
#include "link/transport_sim.h"
#include "trace/trace.h"
#include "trace/trace_csv.h"
#include "trace/trace_read.h"
#include "trace/trace_signals.h"

#define S 1000000000LL
#define RATE_1ML_DAY 41667u /* nL/h */

typedef struct rig {
	ph_transport *t;
	ph_link *l;
	ph_trace *trace;
	char dir[64], path[128];
	ph_mon_rule rules[PH_MON_SIGNALS];
	int64_t refills[4]; /* bench times of the refills done */
	int nrefills;
} rig;

static void tap(void *ud, int64_t t_ns, uint8_t ch, int dir, const uint8_t *w, size_t n)
{
	assert_int_equal(ph_trace_frame(ud, t_ns, ch, dir, w, n), 0);
}

static void rig_open(rig *r)
{
	bench_config cfg;
	char err[256];

	memset(r, 0, sizeof *r);
	bench_config_default(&cfg);
	cfg.seed = 7;
	r->t = ph_sim_open(&cfg);
	assert_non_null(r->t);
	r->l = ph_link_new(r->t);
	assert_non_null(r->l);
	snprintf(r->dir, sizeof r->dir, "/tmp/ph-monitor-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	snprintf(r->path, sizeof r->path, "%s/t.pcapng", r->dir);
	r->trace = ph_trace_open(r->path, err, sizeof err);
	assert_non_null(r->trace);
	ph_link_set_tap(r->l, tap, r->trace);
	assert_int_equal(ph_mon_rules(NULL, "none", r->rules, err, sizeof err), 0);
	assert_int_equal(ph_mon_subscribe(r->l, r->rules), PH_LINK_OK);
}

static void rig_close_trace(rig *r)
{
	assert_int_equal(ph_trace_close(r->trace), 0);
	r->trace = NULL;
	ph_link_set_tap(r->l, NULL, NULL);
}

static void rig_free(rig *r)
{
	if (r->trace)
		ph_trace_close(r->trace);
	ph_link_free(r->l);
	ph_transport_close(r->t);
	unlink(r->path);
	rmdir(r->dir);
}

static bench *rig_bench(rig *r)
{
	return ph_sim_bench(r->t);
}

static pp_msg call(rig *r, uint8_t ch, pp_msg m)
{
	pp_msg reply;
	int rc = ph_link_call(r->l, ch, &m, &reply, NULL);
	if (rc != PH_LINK_OK)
		fail_msg("request type 0x%02x: %s (nak code %d)", m.type, ph_link_strerror(rc),
		         rc == PH_LINK_NAK ? reply.u.nak.code : 0);
	if (reply.type == pp_type_ack)
		if (reply.u.ack.result != PP_REFUSE_OK)
			fail_msg("request type 0x%02x refused: %d", m.type, reply.u.ack.result);
	return reply;
}

static void fx_set(rig *r, uint8_t param, int32_t v)
{
	pp_msg m = { .type = pp_type_fx_set };
	m.u.fx_set.param = param;
	m.u.fx_set.value = v;
	call(r, PP_CH_FIXTURE, m);
}

static void session(rig *r)
{
	pp_msg m = { .type = pp_type_session_open };
	m.u.session_open.programmer_id = 1;
	call(r, PP_CH_PUMP, m);
}

static void refill(rig *r)
{
	pp_msg m = { .type = pp_type_refill };
	session(r);
	assert_true(r->nrefills < 4);
	r->refills[r->nrefills++] = ph_link_now(r->l);
	m.u.refill.volume_nl = 20000000;
	m.u.refill.drug_id = 1;
	m.u.refill.conc_ng_ml = 1000000;
	call(r, PP_CH_PUMP, m);
}

/* Session, drug library, refill, a continuous prescription, start. */
static void start_delivery(rig *r, uint32_t rate)
{
	pp_msg m, reply;

	session(r);
	m = (pp_msg){ .type = pp_type_druglib_set };
	m.u.druglib_set.drug_id = 1;
	m.u.druglib_set.max_conc_ng_ml = 50000000;
	m.u.druglib_set.soft_ug_day = 100000;
	m.u.druglib_set.hard_ug_day = 200000;
	call(r, PP_CH_PUMP, m);
	refill(r);
	m = (pp_msg){ .type = pp_type_rx_begin };
	m.u.rx_begin.mode = PP_MODE_CONTINUOUS;
	m.u.rx_begin.drug_id = 1;
	m.u.rx_begin.conc_ng_ml = 1000000;
	m.u.rx_begin.rate_nl_h = rate;
	call(r, PP_CH_PUMP, m);
	reply = call(r, PP_CH_PUMP, (pp_msg){ .type = pp_type_rx_verify });
	assert_int_equal(reply.type, pp_type_rx_crc);
	m = (pp_msg){ .type = pp_type_rx_commit };
	m.u.rx_commit.crc = reply.u.rx_crc.crc;
	call(r, PP_CH_PUMP, m);
	call(r, PP_CH_PUMP, (pp_msg){ .type = pp_type_start });
}

static void run_for(rig *r, int64_t ns)
{
	assert_int_equal(ph_link_run_until(r->l, ph_link_now(r->l) + ns), PH_LINK_OK);
}

static void load(rig *r, ph_trace_signals *s)
{
	char err[256];
	ph_trace_reader *rd = ph_trace_reader_open(r->path, err, sizeof err);
	assert_non_null(rd);
	ph_trace_signals_init(s);
	assert_int_equal(ph_trace_signals_load(s, rd, err, sizeof err), PH_TRACE_END);
	ph_trace_reader_close(rd);
}

/* ---- the CSV export, read back ---- */

enum { C_PRESSURE, C_STROKES, C_RATE, C_RESERVOIR, C_ALARMS, C_PINCH, C_RUNNING, C_N };

typedef struct csv_row {
	int64_t t;
	int has[C_N];
	long v[C_N];
} csv_row;

static size_t export_csv(const ph_trace_signals *s, csv_row **rows)
{
	static const char *names[C_N] = { "pressure_pa",  "motor_strokes", "rate_nl_h",
		                          "reservoir_nl", "alarms",        "pinch_pm",
		                          "pump_running" };
	int sigs[C_N];
	char line[512];
	size_t n = 0, cap = 0;
	FILE *f = tmpfile();

	assert_non_null(f);
	for (int i = 0; i < C_N; i++)
		assert_true((sigs[i] = ph_trace_signal_find(names[i])) >= 0);
	assert_int_equal(ph_trace_csv_write(s, sigs, C_N, f), 0);
	rewind(f);
	assert_non_null(fgets(line, sizeof line, f)); /* the header */
	*rows = NULL;
	while (fgets(line, sizeof line, f)) {
		char *p = line, *end;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			*rows = realloc(*rows, cap * sizeof **rows);
			assert_non_null(*rows);
		}
		csv_row *row = &(*rows)[n++];
		memset(row, 0, sizeof *row);
		row->t = strtoll(p, &end, 10);
		p = end;
		for (int i = 0; i < C_N; i++) {
			assert_true(*p == ',');
			p++;
			if (*p != ',' && *p != '\n') {
				row->has[i] = 1;
				row->v[i] = strtol(p, &end, 10);
				p = end;
			}
		}
	}
	fclose(f);
	return n;
}

/* Acceptance 1 and 2: a total occlusion at 1 mL/day that the test never
 * looks at.  From the CSV alone: a pressure step at every stroke between
 * onset and alarm, the pressure at the alarm equal to the pump's own reading
 * within the sensor's resolution (the rule's deadband), the rate set-point
 * equal to the programmed rate from start to the alarm, and the computed
 * reservoir rising only at the refill. */
static void occlusion_seen_without_reading(void **state)
{
	(void)state;
	rig r;
	ph_event ev;
	int64_t t_refill, t_alarm = -1;
	int32_t pump_pa = 0;
	ph_trace_signals s;
	csv_row *rows;

	rig_open(&r);
	start_delivery(&r, RATE_1ML_DAY);
	run_for(&r, 20 * 60 * S);
	refill(&r); /* the computed reservoir rises here, and at the first */
	t_refill = r.refills[1];
	run_for(&r, 10 * 60 * S);
	fx_set(&r, PP_FX_PINCH_PM, 1000);
	while (ph_link_next_event(r.l, ph_link_now(r.l) + 3600 * S, &ev) == 1)
		if (ev.ev.code == PP_EV_ALARM_ON && ev.ev.alarm == PP_ALARM_OCCLUSION) {
			t_alarm = ev.t_ns;
			/* What the pump's sensor reads now (its HAL reads the rig). */
			pump_pa = bench_mon_value(PP_MON_PRESSURE_PA, bench_fixture(rig_bench(&r)),
			                          bench_pump(rig_bench(&r)), t_alarm);
			break;
		}
	assert_true(t_alarm > 0);
	run_for(&r, 10 * 60 * S);
	rig_close_trace(&r);
	load(&r, &s);
	size_t n = export_csv(&s, &rows);

	int64_t t_start = -1, t_onset = -1;
	long pa = 0, last_rate = -1, last_res = -1;
	int steps = 0, strokes = 0;
	for (size_t i = 0; i < n; i++) {
		csv_row *w = &rows[i];
		if (w->has[C_RUNNING] && w->v[C_RUNNING] == 1 && t_start < 0)
			t_start = w->t;
		if (w->has[C_PINCH] && w->v[C_PINCH] == 1000 && t_onset < 0)
			t_onset = w->t;
		if (w->has[C_RATE])
			last_rate = w->v[C_RATE];
		if (t_start >= 0 && w->t < t_alarm)
			assert_int_equal(last_rate, RATE_1ML_DAY); /* from start on */
		if (w->has[C_RESERVOIR]) {
			if (last_res >= 0 && w->v[C_RESERVOIR] > last_res)
				assert_true(w->t == r.refills[0] || w->t == r.refills[1]);
			last_res = w->v[C_RESERVOIR];
		}
		if (t_onset >= 0 && w->t > t_onset && w->t <= t_alarm && w->has[C_STROKES]) {
			strokes++;
			assert_true(w->has[C_PRESSURE]); /* a sample at the stroke itself */
			assert_true(w->v[C_PRESSURE] > pa);
			steps++;
		}
		if (w->has[C_PRESSURE] && w->t <= t_alarm)
			pa = w->v[C_PRESSURE];
	}
	assert_true(t_start >= 0 && t_onset > t_start && t_refill > t_start);
	assert_true(strokes >= 10); /* 138 kPa at 12.5 kPa a stroke, and the persistence */
	assert_int_equal(steps, strokes);
	assert_true(labs(pa - pump_pa) <= (long)r.rules[PP_MON_PRESSURE_PA].deadband);
	assert_true(pa > 137895);
	free(rows);
	ph_trace_signals_free(&s);
	rig_free(&r);
}

/* The rig's and the pump's true values at t (the bench stands at t). */
static int32_t truth(int sig, bench *b, int64_t t)
{
	fixture c = *bench_fixture(b);
	const fw_pump *p = bench_pump(b);

	fixture_advance(&c, t);
	switch (sig) {
	case PP_MON_BALANCE_UG: return (int32_t)fixture_balance_ug(&c, t);
	case PP_MON_PRESSURE_PA: return fixture_pressure_pa(&c, t);
	case PP_MON_RESERVOIR_TRUE_NL: return (int32_t)llround(c.reservoir_nl);
	case PP_MON_SUPPLY_MV: return fixture_supply_mv(&c);
	case PP_MON_TEMP_MC: return c.temp_mc;
	case PP_MON_MOTOR_STROKES: return (int32_t)c.strokes;
	case PP_MON_RF_LOSS_PM: return c.rf_loss_pm;
	case PP_MON_PINCH_PM: return fixture_pinch_at(&c, t);
	case PP_MON_PUMP_MODE: return p->ps.has_rx ? p->ps.rx.mode : 0;
	case PP_MON_PUMP_RUNNING: return p->ps.running;
	case PP_MON_PUMP_RATE_NL_H: return (int32_t)fw_basal_rate(p);
	case PP_MON_PUMP_RESERVOIR_NL: return (int32_t)fw_reservoir_nl(p);
	case PP_MON_PUMP_ALARMS: return (int32_t)p->alarms;
	case PP_MON_PUMP_BOLUS: return p->bolus.kind;
	default: fail();
	}
	return 0;
}

static void bolus(rig *r)
{
	pp_msg m = { .type = pp_type_bolus }, reply;
	session(r);
	m.u.bolus.req_id = 1;
	m.u.bolus.kind = PP_BOLUS_CLINICIAN;
	m.u.bolus.amount_nl = 20000;
	m.u.bolus.duration_s = 600;
	reply = call(r, PP_CH_PUMP, m);
	assert_int_equal(reply.type, pp_type_bolus_result);
	assert_int_equal(reply.u.bolus_result.result, 0);
}

#define PICKS 1000

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Acceptance 3: at 1,000 random times of a busy hour (delivery, a bolus, an
 * intermittent partial occlusion, a supply ramp, a temperature step, RF
 * loss), every monitored signal held from the trace is within its deadband
 * of the rig's true value, though the test also reads the fixture now and
 * then. */
static void trace_is_faithful(void **state)
{
	(void)state;
	static int64_t at[PICKS];
	static int32_t want[PICKS][PH_MON_SIGNALS];
	rig r;
	ph_trace_signals s;
	uint64_t x = 12345;
	int64_t t0, span = 3600 * S;
	int done[5] = { 0 };

	rig_open(&r);
	start_delivery(&r, RATE_1ML_DAY);
	t0 = ph_link_now(r.l);
	for (int i = 0; i < PICKS; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		at[i] = t0 + (int64_t)((x >> 11) % (uint64_t)span);
	}
	qsort(at, PICKS, sizeof at[0], cmp64);
	for (int i = 0; i < PICKS; i++) {
		int64_t since = at[i] - t0;
		assert_int_equal(ph_link_run_until(r.l, at[i]), PH_LINK_OK);
		if (since > 300 * S && !done[0]++)
			bolus(&r);
		if (since > 600 * S && !done[1]++) {
			fx_set(&r, PP_FX_PINCH_PERIOD_S, 120);
			fx_set(&r, PP_FX_PINCH_DUTY_PM, 300);
			fx_set(&r, PP_FX_PINCH_PM, 700);
		}
		if (since > 1200 * S && !done[2]++) {
			fx_set(&r, PP_FX_SUPPLY_RAMP_S, 900);
			fx_set(&r, PP_FX_SUPPLY_RAMP_MV, 3100);
		}
		if (since > 1800 * S && !done[3]++)
			fx_set(&r, PP_FX_TEMP_MC, 30000);
		if (since > 2400 * S && !done[4]++)
			fx_set(&r, PP_FX_RF_LOSS_PM, 100);
		if (i % 10 == 0) /* a script's own readings must not spoil the record */
			call(&r, PP_CH_FIXTURE, (pp_msg){ .type = pp_type_fx_read });
		at[i] = ph_link_now(r.l); /* a command moves no clock on sim, but be exact */
		for (int k = 0; k < PH_MON_SIGNALS; k++)
			want[i][k] = truth(k, rig_bench(&r), at[i]);
	}
	rig_close_trace(&r);
	load(&r, &s);
	for (int k = 0; k < PH_MON_SIGNALS; k++) {
		int sig = ph_trace_signal_find(ph_mon_name(k));
		const ph_trace_series *se;
		assert_true(sig >= 0);
		se = &s.sig[sig];
		for (int i = 0; i < PICKS; i++) {
			size_t j = ph_trace_series_lower(se, at[i] + 1);
			assert_true(j > 0);
			long d = labs((long)se->v[j - 1] - (long)want[i][k]);
			if (d > (long)r.rules[k].deadband)
				fail_msg("%s at t=%lld ns: trace %d, rig %d, deadband %u",
				         ph_mon_name(k), (long long)at[i], se->v[j - 1], want[i][k],
				         r.rules[k].deadband);
		}
	}
	ph_trace_signals_free(&s);
	rig_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(occlusion_seen_without_reading),
		cmocka_unit_test(trace_is_faithful),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
