/*
 * fixture.c - physics of the virtual rig (see fixture.h).
 *
 * Line model: the catheter line is a compliance (nL per kPa) drained through
 * a resistance.  With no stroke in between, the stored volume decays
 * exponentially with time constant tau = tau_open / open_fraction, where the
 * pinch valve and a tip kink reduce the open fraction; a fully closed line
 * never drains, so pressure builds stroke by stroke and the stored volume is
 * released as a bolus when the occlusion clears.  What drains reaches the
 * balance vessel, less the share a leak loses.
 */
#include "fixture.h"

#include <math.h>
#include <string.h>

void fixture_config_default(fixture_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->reservoir_nl = 20000000;       /* 20 mL pump */
	cfg->line_compliance_nl_kpa = 20.0; /* 12.5 kPa per 250 nL stroke when occluded */
	cfg->line_tau_s = 0.5;              /* open line: < 10 kPa at 1 mL/h */
	cfg->balance_period_us = 1000000;   /* one reading a second */
	cfg->balance_resolution_ug = 10;    /* 0.01 mg */
	cfg->balance_noise_ug = 0;
	cfg->evaporation_ug_h = 0;
	cfg->density_ug_ul = 1000;
	cfg->supply_mv = 3600;
	cfg->temp_mc = 37000;
}

void fixture_init(fixture *fx, const fixture_config *cfg, uint64_t seed)
{
	memset(fx, 0, sizeof *fx);
	fx->cfg = *cfg;
	fx->seed = seed;
	fx->reservoir_nl = cfg->reservoir_nl;
	fx->supply_mv = cfg->supply_mv;
	fx->temp_mc = cfg->temp_mc;
	fx->rf_state = seed ^ 0x5bd1e9955bd1e995ull;
	fx->sample_k = -1;
	fx->noise_ug = (int32_t)cfg->balance_noise_ug;
	fx->evap_ug_h = (int32_t)cfg->evaporation_ug_h;
}

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in (0, 1) from a 64-bit value. */
static double unit(uint64_t x)
{
	return ((double)(x >> 11) + 0.5) / 9007199254740992.0;
}

static double open_fraction(const fixture *fx)
{
	return (1.0 - fx->pinch_pm / 1000.0) * (1.0 - fx->kink_pm / 1000.0);
}

/* Drain the line for dt seconds with no stroke in between. */
static void drain(fixture *fx, double dt)
{
	double open = open_fraction(fx), out;

	if (dt <= 0 || open <= 0 || fx->line_nl <= 0)
		return;
	out = fx->line_nl * -expm1(-dt * open / fx->cfg.line_tau_s);
	fx->line_nl -= out;
	fx->leaked_nl += out * fx->leak_pm / 1000.0;
	fx->at_balance_nl += out * (1.0 - fx->leak_pm / 1000.0);
}

static double evaporated_ug(const fixture *fx, int64_t t_ns)
{
	return fx->evap_before_ug +
	       (double)fx->evap_ug_h * (double)(t_ns - fx->evap_since_ns) / 3.6e12;
}

/* The raw balance value at t_ns, before noise and quantisation. */
static double balance_raw(const fixture *fx, int64_t t_ns)
{
	return fx->at_balance_nl * fx->cfg.density_ug_ul / 1000.0 - evaporated_ug(fx, t_ns);
}

void fixture_advance(fixture *fx, int64_t t_ns)
{
	int64_t period = (int64_t)fx->cfg.balance_period_us * 1000;

	if (t_ns <= fx->t_ns)
		return;
	if (period > 0) {
		int64_t k = t_ns / period, ts = k * period;
		if (k != fx->sample_k && ts >= fx->t_ns) {
			drain(fx, (double)(ts - fx->t_ns) / 1e9);
			fx->t_ns = ts;
			fx->sample_k = k;
			fx->sample_raw_ug = balance_raw(fx, ts);
		}
	}
	drain(fx, (double)(t_ns - fx->t_ns) / 1e9);
	fx->t_ns = t_ns;
}

int fixture_stroke(fixture *fx, int64_t t_ns, uint32_t stroke_nl)
{
	double moved;

	fixture_advance(fx, t_ns);
	if (fx->motor_jam)
		return 0;
	fx->strokes++;
	moved = fx->reservoir_nl < stroke_nl ? fx->reservoir_nl : stroke_nl;
	fx->reservoir_nl -= moved;
	fx->line_nl += moved;
	return 1;
}

int32_t fixture_pressure_pa(fixture *fx, int64_t t_ns)
{
	fixture_advance(fx, t_ns);
	return (int32_t)lround(fx->line_nl / fx->cfg.line_compliance_nl_kpa * 1000.0);
}

uint16_t fixture_supply_mv(const fixture *fx)
{
	return fx->supply_mv;
}

int64_t fixture_balance_ug(fixture *fx, int64_t t_ns)
{
	double v, noise = 0;
	int64_t res = fx->cfg.balance_resolution_ug ? fx->cfg.balance_resolution_ug : 1;

	fixture_advance(fx, t_ns);
	if (fx->sample_k < 0)
		return -fx->tare_ug;
	v = fx->sample_raw_ug;
	if (fx->noise_ug > 0) {
		uint64_t h = mix64(fx->seed ^ mix64((uint64_t)fx->sample_k));
		double u1 = unit(h), u2 = unit(mix64(h));
		noise = fx->noise_ug * sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
	}
	return (int64_t)llround((v + noise) / (double)res) * res - fx->tare_ug;
}

int fixture_rf_pass(fixture *fx, uint8_t *wire, uint32_t n)
{
	uint64_t r;

	if (fx->rf_loss_pm <= 0 && fx->rf_corrupt_pm <= 0)
		return 0;
	fx->rf_state = mix64(fx->rf_state + 0x9e3779b97f4a7c15ull);
	r = fx->rf_state;
	if ((int32_t)(r % 1000) < fx->rf_loss_pm)
		return 1;
	if (n > 1 && (int32_t)((r >> 20) % 1000) < fx->rf_corrupt_pm) {
		uint32_t at = (uint32_t)((r >> 32) % (n - 1)); /* never the delimiter */
		wire[at] ^= (uint8_t)(1u << ((r >> 50) & 7));
		if (wire[at] == 0)
			wire[at] = 0x5a; /* keep framing: a zero would split the frame */
	}
	return 0;
}

static void fill_state(fixture *fx, int64_t t_ns, pp_fx_state *s)
{
	s->balance_ug = fixture_balance_ug(fx, t_ns);
	s->pressure_pa = fixture_pressure_pa(fx, t_ns);
	s->supply_mv = fx->supply_mv;
	s->temp_mc = fx->temp_mc;
	s->reservoir_nl = (uint32_t)llround(fx->reservoir_nl);
	s->motor_strokes = fx->strokes;
	s->pinch_pm = (uint16_t)fx->pinch_pm;
	s->rf_loss_pm = (uint16_t)fx->rf_loss_pm;
}

/* Returns a PP_REFUSE_* code. */
static int set_param(fixture *fx, int64_t t_ns, uint8_t param, int32_t v)
{
	int permille = v >= 0 && v <= 1000;

	fixture_advance(fx, t_ns);
	switch (param) {
	case PP_FX_PINCH_PM: if (!permille) return PP_REFUSE_BAD_PARAM; fx->pinch_pm = v; break;
	case PP_FX_KINK_PM: if (!permille) return PP_REFUSE_BAD_PARAM; fx->kink_pm = v; break;
	case PP_FX_LEAK_PM: if (!permille) return PP_REFUSE_BAD_PARAM; fx->leak_pm = v; break;
	case PP_FX_RF_LOSS_PM: if (!permille) return PP_REFUSE_BAD_PARAM; fx->rf_loss_pm = v; break;
	case PP_FX_RF_CORRUPT_PM: if (!permille) return PP_REFUSE_BAD_PARAM; fx->rf_corrupt_pm = v; break;
	case PP_FX_SUPPLY_MV:
		if (v < 0 || v > 5000) return PP_REFUSE_BAD_PARAM;
		fx->supply_mv = (uint16_t)v;
		break;
	case PP_FX_RESERVOIR_NL:
		if (v < 0) return PP_REFUSE_BAD_PARAM;
		fx->reservoir_nl = v;
		break;
	case PP_FX_TEMP_MC:
		if (v < 0 || v > 60000) return PP_REFUSE_BAD_PARAM;
		fx->temp_mc = v;
		break;
	case PP_FX_BALANCE_NOISE_UG:
		if (v < 0 || v > 100000) return PP_REFUSE_BAD_PARAM;
		fx->noise_ug = v;
		break;
	case PP_FX_EVAPORATION_UG_H:
		if (v < 0 || v > 1000000) return PP_REFUSE_BAD_PARAM;
		fx->evap_before_ug = evaporated_ug(fx, t_ns);
		fx->evap_since_ns = t_ns;
		fx->evap_ug_h = v;
		break;
	case PP_FX_MOTOR_JAM:
		if (v != 0 && v != 1) return PP_REFUSE_BAD_PARAM;
		fx->motor_jam = v;
		break;
	default:
		return -1;
	}
	return PP_REFUSE_OK;
}

int fixture_handle(fixture *fx, int64_t t_ns, const pp_msg *req, pp_msg *reply,
		   int *reset_kind, uint32_t *reset_at_write)
{
	int r;

	memset(reply, 0, sizeof *reply);
	*reset_kind = -1;
	reply->type = pp_type_ack;
	reply->u.ack.req_type = req->type;
	switch (req->type) {
	case pp_type_fx_read:
		reply->type = pp_type_fx_state;
		fill_state(fx, t_ns, &reply->u.fx_state);
		return 0;
	case pp_type_fx_set:
		r = set_param(fx, t_ns, req->u.fx_set.param, req->u.fx_set.value);
		if (r < 0)
			reply->u.ack.result = PP_REFUSE_BAD_PARAM, reply->u.ack.detail = req->u.fx_set.param;
		else
			reply->u.ack.result = (uint8_t)r;
		return 0;
	case pp_type_fx_reset:
		if (req->u.fx_reset.kind > 3) {
			reply->u.ack.result = PP_REFUSE_BAD_PARAM;
			return 0;
		}
		*reset_kind = req->u.fx_reset.kind;
		*reset_at_write = req->u.fx_reset.at_write;
		return 0;
	case pp_type_fx_tare:
		fx->tare_ug = 0;
		fx->tare_ug = fixture_balance_ug(fx, t_ns);
		return 0;
	default:
		return PP_NAK_UNKNOWN_TYPE;
	}
}
