/*
 * trace_synth.c - the synthetic run of trace_synth.h.
 *
 * Periodic polls (fixture, pump) are merged with a fixed schedule of
 * harness events and pump events, placed at fractions of a 24 h day and
 * scaled to the requested duration.  Instrument values are closed-form
 * functions of time, so any sample is reproducible on its own.
 */
#include "trace_synth.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pp.h"

#define H24 86400.0
#define RATE_NL_H 20000.0
#define RATE2_NL_H 40000.0
#define TRUE_RATIO 0.97
#define RESERVOIR0_NL 20000000.0
#define P_BASE_PA 2000.0
#define P_ALARM_PA 40000.0
#define TAU_S 60.0

/* Schedule, in hours of a 24 h day. */
#define T_OCC_ON 8.5
#define T_OCC_ALARM 9.25
#define T_OCC_OFF 10.0
#define T_OCC_CLEAR 10.1
#define T_SUPPLY_ON 17.0
#define T_SUPPLY_OFF 19.0
#define T_LINK_ON 21.0
#define T_LINK_OFF 21.5
#define T_RATE2 22.5

enum item_kind { ITEM_JSON, ITEM_EVENT };

typedef struct item {
	double h;
	int kind;
	const char *json;
	uint16_t code;
	uint8_t alarm, prio;
	int32_t arg;
} item;

static const item schedule[] = {
	{ 0.0, ITEM_JSON, "{\"ev\":\"run_start\",\"seed\":1,\"board\":\"sim\"}", 0, 0, 0, 0 },
	{ 0.01, ITEM_JSON, "{\"ev\":\"test_start\",\"name\":\"basal_accuracy\"}", 0, 0, 0, 0 },
	{ 0.02, ITEM_EVENT, NULL, PP_EV_START, 0, 0, 0 },
	{ 7.99, ITEM_JSON,
	  "{\"ev\":\"measurement\",\"name\":\"mean_error\",\"value\":-3.0,\"unit\":\"%\","
	  "\"verdict\":\"pass\"}",
	  0, 0, 0, 0 },
	{ 8.0, ITEM_JSON, "{\"ev\":\"test_end\",\"name\":\"basal_accuracy\",\"verdict\":\"pass\"}",
	  0, 0, 0, 0 },
	{ 8.01, ITEM_JSON, "{\"ev\":\"test_start\",\"name\":\"occlusion\"}", 0, 0, 0, 0 },
	{ T_OCC_ON, ITEM_JSON,
	  "{\"ev\":\"fault_on\",\"fault\":\"occlusion\",\"params\":{\"pinch_pm\":1000}}", 0, 0, 0,
	  0 },
	{ T_OCC_ALARM, ITEM_EVENT, NULL, PP_EV_ALARM_ON, PP_ALARM_OCCLUSION, PP_PRIO_HIGH, 40000 },
	{ T_OCC_ALARM, ITEM_EVENT, NULL, PP_EV_STOP, 0, 0, PP_ALARM_OCCLUSION },
	{ T_OCC_ALARM + 0.001, ITEM_JSON,
	  "{\"ev\":\"measurement\",\"name\":\"occlusion_latency\",\"value\":45.0,\"unit\":\"min\","
	  "\"verdict\":\"pass\"}",
	  0, 0, 0, 0 },
	{ T_OCC_OFF, ITEM_JSON, "{\"ev\":\"fault_off\",\"fault\":\"occlusion\"}", 0, 0, 0, 0 },
	{ T_OCC_CLEAR, ITEM_EVENT, NULL, PP_EV_ALARM_OFF, PP_ALARM_OCCLUSION, PP_PRIO_HIGH, 0 },
	{ T_OCC_CLEAR, ITEM_EVENT, NULL, PP_EV_START, 0, 0, 0 },
	{ 10.5, ITEM_JSON,
	  "{\"ev\":\"measurement\",\"name\":\"post_occlusion_bolus\",\"value\":242,\"unit\":\"uL\","
	  "\"verdict\":\"fail\"}",
	  0, 0, 0, 0 },
	{ 11.0, ITEM_JSON, "{\"ev\":\"test_end\",\"name\":\"occlusion\",\"verdict\":\"fail\"}", 0,
	  0, 0, 0 },
	{ 16.0, ITEM_JSON, "{\"ev\":\"test_start\",\"name\":\"low_supply\"}", 0, 0, 0, 0 },
	{ T_SUPPLY_ON, ITEM_JSON,
	  "{\"ev\":\"fault_on\",\"fault\":\"supply\",\"params\":{\"supply_mv\":2500}}", 0, 0, 0,
	  0 },
	{ T_SUPPLY_ON + 0.1, ITEM_EVENT, NULL, PP_EV_ALARM_ON, PP_ALARM_BATTERY_ERI, PP_PRIO_LOW,
	  2500 },
	{ T_SUPPLY_OFF, ITEM_JSON, "{\"ev\":\"fault_off\",\"fault\":\"supply\"}", 0, 0, 0, 0 },
	{ T_SUPPLY_OFF + 0.05, ITEM_EVENT, NULL, PP_EV_ALARM_OFF, PP_ALARM_BATTERY_ERI, PP_PRIO_LOW,
	  0 },
	{ 20.0, ITEM_JSON, "{\"ev\":\"test_end\",\"name\":\"low_supply\",\"verdict\":\"pass\"}", 0,
	  0, 0, 0 },
	{ 20.5, ITEM_JSON, "{\"ev\":\"test_start\",\"name\":\"link_loss\"}", 0, 0, 0, 0 },
	{ T_LINK_ON, ITEM_JSON,
	  "{\"ev\":\"fault_on\",\"fault\":\"rf_loss\",\"params\":{\"rf_loss_pm\":1000}}", 0, 0, 0,
	  0 },
	{ T_LINK_ON + 0.05, ITEM_EVENT, NULL, PP_EV_ALARM_ON, PP_ALARM_LINK_LOSS, PP_PRIO_MEDIUM,
	  0 },
	{ T_LINK_OFF, ITEM_JSON, "{\"ev\":\"fault_off\",\"fault\":\"rf_loss\"}", 0, 0, 0, 0 },
	{ T_LINK_OFF + 0.05, ITEM_EVENT, NULL, PP_EV_ALARM_OFF, PP_ALARM_LINK_LOSS, PP_PRIO_MEDIUM,
	  0 },
	{ 22.0, ITEM_JSON, "{\"ev\":\"test_end\",\"name\":\"link_loss\",\"verdict\":\"pass\"}", 0,
	  0, 0, 0 },
	{ 22.01, ITEM_JSON, "{\"ev\":\"test_start\",\"name\":\"reservoir\"}", 0, 0, 0, 0 },
	{ T_RATE2, ITEM_EVENT, NULL, PP_EV_RATE_CHANGE, 0, 0, (int32_t)RATE2_NL_H },
	{ 23.0, ITEM_JSON,
	  "{\"ev\":\"check_failed\",\"message\":\"reservoir computed vs true differs by 3.1%\"}", 0,
	  0, 0, 0 },
	{ 23.9, ITEM_JSON, "{\"ev\":\"test_end\",\"name\":\"reservoir\",\"verdict\":\"fail\"}", 0,
	  0, 0, 0 },
};

typedef struct synth {
	ph_trace *t;
	const ph_trace_synth_opts *o;
	double scale; /* seconds of this run per second of the 24 h day */
	uint16_t seq[PP_CH_COUNT];
	uint32_t evseq;
	uint64_t rng;
} synth;

/* Seconds into the run of an hour of the 24 h schedule. */
static double at(const synth *s, double h)
{
	return h * 3600.0 * s->scale;
}

static int64_t to_ns(double sec)
{
	return (int64_t)llround(sec * 1e9);
}

static int emit(synth *s, double sec, uint8_t ch, int dir, const pp_msg *m)
{
	uint8_t wire[PP_MAX_WIRE];
	int n = pp_msg_encode(m, ch, s->seq[ch]++,
	                      dir == PH_DIR_FROM_BOARD ? (uint64_t)(sec * 1e6) : 0, wire,
	                      sizeof wire);

	if (n < 0) {
		errno = EINVAL;
		return -1;
	}
	return ph_trace_frame(s->t, to_ns(sec), ch, dir, wire, (size_t)n);
}

/* Every message type once, fields 1, 2, 3...  The replies the signals come
 * from (fx_state, status, event) appear in the run itself.  The monitor
 * sample is recorded host-to-board, where no reading is taken from: as a
 * reply it would take the pressure over from the fx_state readings. */
static int prelude(synth *s)
{
	double sec = 1.0;

	for (const pp_msg_desc *d = pp_msg_descs; d->name; d++, sec += 0.01) {
		pp_msg m;
		uint8_t *body = (uint8_t *)&m.u;
		int k = 1;

		if (d->type == pp_type_fx_state || d->type == pp_type_status ||
		    d->type == pp_type_event)
			continue;
		memset(&m, 0, sizeof m);
		m.type = d->type;
		for (const pp_field_desc *f = d->fields; f->name; f++, k++) {
			uint8_t sizes[] = { 1, 2, 4, 8, 4, 8 };
			uint64_t v = (uint64_t)k;
			memcpy(body + f->offset, &v, sizes[f->type]);
		}
		if (emit(s, sec, d->channel == PP_CH_FIXTURE ? PP_CH_FIXTURE : PP_CH_PUMP,
		         d->type < 0x80 || d->type == pp_type_fx_sample ? PH_DIR_TO_BOARD
		                                                        : PH_DIR_FROM_BOARD,
		         &m) < 0)
			return -1;
	}
	return 0;
}

/* ---- instruments as functions of run time (seconds) ---- */

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* Motor time (s) up to sec: stopped from the occlusion alarm to its clear. */
static double motor_s(const synth *s, double sec)
{
	double a = at(s, T_OCC_ALARM), b = at(s, T_OCC_CLEAR);

	return sec - (clampd(sec, a, b) - a);
}

static double rate_at(const synth *s, double sec)
{
	return sec >= at(s, T_RATE2) ? RATE2_NL_H : RATE_NL_H;
}

/* Volume the motor pumped (true, 97 % of nominal), nL. */
static double pumped_nl(const synth *s, double sec, double ratio)
{
	double r2 = at(s, T_RATE2);
	double m = motor_s(s, sec), m2 = motor_s(s, r2);

	if (sec < r2)
		return ratio * RATE_NL_H * m / 3600.0;
	return ratio * (RATE_NL_H * m2 + RATE2_NL_H * (m - m2)) / 3600.0;
}

/* Volume held in the occluded line, nL: grows while occluded and pumping,
 * released exponentially after the fault is removed. */
static double stored_nl(const synth *s, double sec)
{
	double on = at(s, T_OCC_ON), off = at(s, T_OCC_OFF);
	double held;

	if (sec < on)
		return 0;
	held = pumped_nl(s, clampd(sec, on, off), TRUE_RATIO) - pumped_nl(s, on, TRUE_RATIO);
	if (sec < off)
		return held;
	return held * exp(-(sec - off) / (TAU_S * s->scale));
}

static double pressure_pa(const synth *s, double sec)
{
	double on = at(s, T_OCC_ON), alarm = at(s, T_OCC_ALARM);
	double full = pumped_nl(s, alarm, TRUE_RATIO) - pumped_nl(s, on, TRUE_RATIO);

	return P_BASE_PA + (P_ALARM_PA - P_BASE_PA) * stored_nl(s, sec) / full +
	       150.0 * sin(sec / 600.0);
}

static int supply_mv(const synth *s, double sec)
{
	return sec >= at(s, T_SUPPLY_ON) && sec < at(s, T_SUPPLY_OFF) ? 2500 : 3600;
}

/* Balance noise: sum of four uniform draws, about +-20 ug. */
static double noise_ug(synth *s)
{
	double sum = 0;

	for (int i = 0; i < 4; i++) {
		s->rng = s->rng * 6364136223846793005ull + 1442695040888963407ull;
		sum += (double)(s->rng >> 40) / (double)(1ull << 24) - 0.5;
	}
	return sum * 20.0;
}

static int fixture_poll(synth *s, double sec)
{
	pp_msg m;
	double delivered = pumped_nl(s, sec, TRUE_RATIO) - stored_nl(s, sec);

	memset(&m, 0, sizeof m);
	m.type = pp_type_fx_read;
	if (emit(s, sec, PP_CH_FIXTURE, PH_DIR_TO_BOARD, &m) < 0)
		return -1;
	m.type = pp_type_fx_state;
	m.u.fx_state.balance_ug = llround(delivered - 2.0 * sec / 3600.0 + noise_ug(s));
	m.u.fx_state.pressure_pa = (int32_t)lround(pressure_pa(s, sec));
	m.u.fx_state.supply_mv = (uint16_t)supply_mv(s, sec);
	m.u.fx_state.temp_mc = 37000;
	m.u.fx_state.reservoir_nl = (uint32_t)lround(RESERVOIR0_NL - pumped_nl(s, sec, TRUE_RATIO));
	m.u.fx_state.motor_strokes = (uint32_t)(pumped_nl(s, sec, 1.0) / 250.0);
	m.u.fx_state.pinch_pm = sec >= at(s, T_OCC_ON) && sec < at(s, T_OCC_OFF) ? 1000 : 0;
	return emit(s, sec + 0.002, PP_CH_FIXTURE, PH_DIR_FROM_BOARD, &m);
}

static int pump_poll(synth *s, double sec)
{
	pp_msg m;

	memset(&m, 0, sizeof m);
	m.type = pp_type_interrogate;
	if (emit(s, sec, PP_CH_PUMP, PH_DIR_TO_BOARD, &m) < 0)
		return -1;
	if (sec >= at(s, T_LINK_ON) && sec < at(s, T_LINK_OFF))
		return 0; /* the RF attenuator eats the reply */
	m.type = pp_type_status;
	m.u.status.fw_version = 0x000100;
	m.u.status.serial = 4242;
	m.u.status.mode = PP_MODE_CONTINUOUS;
	m.u.status.running = sec < at(s, T_OCC_ALARM) || sec >= at(s, T_OCC_CLEAR);
	m.u.status.rate_nl_h = (uint32_t)rate_at(s, sec);
	m.u.status.reservoir_nl = (uint32_t)lround(RESERVOIR0_NL - pumped_nl(s, sec, 1.0));
	m.u.status.delivered_nl = (uint64_t)pumped_nl(s, sec, 1.0);
	m.u.status.battery_mv = (uint16_t)(supply_mv(s, sec) - 50);
	m.u.status.session = 1;
	return emit(s, sec + 0.005, PP_CH_PUMP, PH_DIR_FROM_BOARD, &m);
}

static int scheduled(synth *s, const item *it, double sec)
{
	pp_msg m;
	uint32_t evseq;

	if (it->kind == ITEM_JSON)
		return ph_trace_event(s->t, to_ns(sec), it->json);
	evseq = ++s->evseq;
	memset(&m, 0, sizeof m);
	m.type = pp_type_event;
	m.u.event.evseq = evseq;
	m.u.event.code = it->code;
	m.u.event.alarm = it->alarm;
	m.u.event.priority = it->prio;
	m.u.event.arg = it->arg;
	if (emit(s, sec, PP_CH_PUMP, PH_DIR_FROM_BOARD, &m) < 0)
		return -1;
	memset(&m, 0, sizeof m);
	m.type = pp_type_event_ack;
	m.u.event_ack.evseq = evseq;
	return emit(s, sec + 0.001, PP_CH_PUMP, PH_DIR_TO_BOARD, &m);
}

void ph_trace_synth_defaults(ph_trace_synth_opts *o)
{
	o->duration_ns = INT64_C(86400) * 1000000000;
	o->fx_period_ns = INT64_C(30) * 1000000000;
	o->status_period_ns = INT64_C(300) * 1000000000;
	o->seed = 1;
}

int ph_trace_synth(ph_trace *t, const ph_trace_synth_opts *o)
{
	synth s = { t, o, (double)o->duration_ns / 1e9 / H24, { 0, 0 }, 0, o->seed };
	double end = (double)o->duration_ns / 1e9;
	double fx = 2.0, st = 2.5, dfx = (double)o->fx_period_ns / 1e9;
	double dst = (double)o->status_period_ns / 1e9;
	size_t next = 0, nsched = sizeof schedule / sizeof schedule[0];

	if (o->duration_ns <= 0 || o->fx_period_ns <= 0 || o->status_period_ns <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (scheduled(&s, &schedule[next++], 0.0) < 0 || prelude(&s) < 0)
		return -1;
	for (;;) {
		double ts = next < nsched ? at(&s, schedule[next].h) : INFINITY;
		double tf = fx < end ? fx : INFINITY, tp = st < end ? st : INFINITY;
		int r;

		if (isinf(ts) && isinf(tf) && isinf(tp))
			break;
		if (ts <= tf && ts <= tp) {
			r = scheduled(&s, &schedule[next++], ts < 1.5 ? 1.5 : ts);
		} else if (tf <= tp) {
			r = fixture_poll(&s, fx);
			fx += dfx;
		} else {
			r = pump_poll(&s, st);
			st += dst;
		}
		if (r < 0)
			return -1;
	}
	return ph_trace_flush(t);
}
