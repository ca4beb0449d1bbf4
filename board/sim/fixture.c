/*
 * fixture.c - the rig's state, its schedules (pinch valve cycle, supply
 * ramp), the balance, and the fixture channel (see fixture.h).  Hydraulics
 * are in fixture_line.c, the RF path in fixture_rf.c.
 */
#include "fixture_priv.h"

#include <math.h>
#include <string.h>

void fixture_config_default(fixture_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->reservoir_nl = 20000000;           /* 20 mL pump */
	cfg->line_compliance_nl_kpa = 20.0;     /* 12.5 kPa per 250 nL stroke when occluded */
	cfg->line_tau_s = 0.5;                  /* open line: < 10 kPa at 1 mL/h */
	cfg->catheter_compliance_nl_kpa = 10.0; /* [U] a kink at the tip pressurises it too */
	cfg->catheter_tau_s = 0.05;       /* [U] Poiseuille: ~0.4 Pa s/nL for 110 cm x 0.53 mm */
	cfg->balance_period_us = 1000000; /* one reading a second */
	cfg->balance_resolution_ug = 10;  /* 0.01 mg */
	cfg->balance_noise_ug = 0;
	cfg->evaporation_ug_h = 0;
	cfg->density_ug_ul = 1000;
	cfg->supply_mv = 3600;
	cfg->brownout_mv = 2000; /* [U] MCU brown-out reset level */
	cfg->temp_mc = 37000;
}

void fixture_init(fixture *fx, const fixture_config *cfg, uint64_t seed)
{
	memset(fx, 0, sizeof *fx);
	fx->cfg = *cfg;
	if (fx->cfg.line_compliance_nl_kpa < 1e-6)
		fx->cfg.line_compliance_nl_kpa = 1e-6;
	if (fx->cfg.line_tau_s < 1e-6)
		fx->cfg.line_tau_s = 1e-6;
	if (fx->cfg.catheter_tau_s < 1e-6)
		fx->cfg.catheter_tau_s = 1e-6;
	fx->seed = seed;
	fx->reservoir_nl = cfg->reservoir_nl;
	fx->supply_mv = cfg->supply_mv;
	fx->temp_mc = cfg->temp_mc;
	fx->visc = fixture_viscosity_ratio(cfg->temp_mc);
	fx->pinch_duty_pm = 1000;
	fx->rf_state = seed ^ 0x5bd1e9955bd1e995ull;
	fixture_rf_fades_restart(fx, 0);
	fx->sample_k = -1;
	fx->noise_ug = (int32_t)cfg->balance_noise_ug;
	fx->evap_ug_h = (int32_t)cfg->evaporation_ug_h;
}

uint64_t fixture_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double fixture_unit(uint64_t x)
{
	return ((double)(x >> 11) + 0.5) / 9007199254740992.0;
}

/* ---- pinch valve schedule ---- */

static int pinch_cycles(const fixture *fx)
{
	return fx->pinch_period_s > 0 && fx->pinch_duty_pm > 0 && fx->pinch_duty_pm < 1000 &&
	       fx->pinch_pm > 0;
}

int32_t fixture_pinch_at(const fixture *fx, int64_t t_ns)
{
	int64_t period, phase;

	if (!pinch_cycles(fx))
		return fx->pinch_duty_pm > 0 ? fx->pinch_pm : 0;
	period = (int64_t)fx->pinch_period_s * 1000000000;
	phase = (t_ns - fx->pinch_t0_ns) % period;
	return phase < period / 1000 * fx->pinch_duty_pm ? fx->pinch_pm : 0;
}

/* The first valve edge after t_ns, INT64_MAX when the valve is steady. */
static int64_t pinch_edge_after(const fixture *fx, int64_t t_ns)
{
	int64_t period, closed, phase;

	if (!pinch_cycles(fx))
		return INT64_MAX;
	period = (int64_t)fx->pinch_period_s * 1000000000;
	closed = period / 1000 * fx->pinch_duty_pm;
	phase = (t_ns - fx->pinch_t0_ns) % period;
	return t_ns - phase + (phase < closed ? closed : period);
}

/* Drain the line up to t_ns, splitting at every valve edge. */
static void line_to(fixture *fx, int64_t t_ns)
{
	while (fx->t_ns < t_ns) {
		int64_t end = pinch_edge_after(fx, fx->t_ns);
		if (end > t_ns)
			end = t_ns;
		fixture_line_flow(fx, (double)(end - fx->t_ns) / 1e9,
		                  fixture_pinch_at(fx, fx->t_ns));
		fx->t_ns = end;
	}
}

/* ---- balance ---- */

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
			line_to(fx, ts);
			fx->sample_k = k;
			fx->sample_raw_ug = balance_raw(fx, ts);
		}
	}
	line_to(fx, t_ns);
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
		uint64_t h = fixture_mix64(fx->seed ^ fixture_mix64((uint64_t)fx->sample_k));
		double u1 = fixture_unit(h), u2 = fixture_unit(fixture_mix64(h));
		noise = fx->noise_ug * sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
	}
	return (int64_t)llround((v + noise) / (double)res) * res - fx->tare_ug;
}

/* ---- motor line and sensors ---- */

int fixture_stroke(fixture *fx, int64_t t_ns, uint32_t stroke_nl)
{
	double moved;

	fixture_advance(fx, t_ns);
	if (fx->motor_jam)
		return 0;
	fx->strokes++;
	moved = fixture_stroke_volume(fx, stroke_nl);
	if (fx->reservoir_nl < moved) {
		moved = fx->reservoir_nl;
		fx->ran_dry = 1;
	}
	fx->reservoir_nl -= moved;
	fx->line_nl += moved;
	return 1;
}

int32_t fixture_pressure_pa(fixture *fx, int64_t t_ns)
{
	fixture_advance(fx, t_ns);
	return (int32_t)lround(fx->line_nl / fx->cfg.line_compliance_nl_kpa * 1000.0);
}

/* ---- supply rail ---- */

static double supply_at(const fixture *fx, int64_t t_ns)
{
	if (fx->ramp_ns > 0 && t_ns < fx->ramp_t0_ns + fx->ramp_ns) {
		double f = (double)(t_ns - fx->ramp_t0_ns) / (double)fx->ramp_ns;
		if (f < 0)
			f = 0;
		return fx->ramp_from_mv + (fx->supply_mv - fx->ramp_from_mv) * f;
	}
	return fx->supply_mv;
}

uint16_t fixture_supply_mv(const fixture *fx)
{
	return (uint16_t)lround(supply_at(fx, fx->t_ns));
}

int fixture_brownout(const fixture *fx, int64_t t_ns)
{
	return supply_at(fx, t_ns) < fx->cfg.brownout_mv;
}

int64_t fixture_brownout_edge_ns(const fixture *fx, int64_t t_ns)
{
	double bo = fx->cfg.brownout_mv, from = fx->ramp_from_mv, to = fx->supply_mv, tau;
	int64_t end = fx->ramp_t0_ns + fx->ramp_ns;

	if (fx->ramp_ns <= 0 || t_ns >= end || from == to || bo <= 0)
		return INT64_MAX;
	if ((bo - from) * (bo - to) > 0)
		return INT64_MAX; /* the ramp never crosses the level */
	tau = (double)fx->ramp_t0_ns + (bo - from) / (to - from) * (double)fx->ramp_ns;
	if (tau >= (double)end)
		return end;
	if (floor(tau) + 1 <= (double)t_ns)
		return INT64_MAX;
	return (int64_t)floor(tau) + 1;
}

static void supply_ramp(fixture *fx, int64_t t_ns, int32_t to_mv)
{
	fx->ramp_from_mv = (uint16_t)lround(supply_at(fx, t_ns));
	fx->supply_mv = (uint16_t)to_mv;
	fx->ramp_t0_ns = t_ns;
	fx->ramp_ns = (int64_t)fx->ramp_s * 1000000000;
}

/* ---- fixture channel ---- */

static void fill_state(fixture *fx, int64_t t_ns, pp_fx_state *s)
{
	s->balance_ug = fixture_balance_ug(fx, t_ns);
	s->pressure_pa = fixture_pressure_pa(fx, t_ns);
	s->supply_mv = fixture_supply_mv(fx);
	s->temp_mc = fx->temp_mc;
	s->reservoir_nl = (uint32_t)llround(fx->reservoir_nl);
	s->motor_strokes = fx->strokes;
	s->pinch_pm = (uint16_t)fixture_pinch_at(fx, t_ns);
	s->rf_loss_pm = (uint16_t)fx->rf_loss_pm;
}

static int in(int32_t v, int32_t lo, int32_t hi)
{
	return v >= lo && v <= hi;
}

/* Parameters that are a plain permille: their field, or NULL. */
static int32_t *permille_field(fixture *fx, uint8_t param)
{
	switch (param) {
	case PP_FX_PINCH_PM: return &fx->pinch_pm;
	case PP_FX_KINK_PM: return &fx->kink_pm;
	case PP_FX_LEAK_PM: return &fx->leak_pm;
	case PP_FX_RF_LOSS_PM: return &fx->rf_loss_pm;
	case PP_FX_RF_CORRUPT_PM: return &fx->rf_corrupt_pm;
	case PP_FX_RF_UPLINK_LOSS_PM: return &fx->rf_up_loss_pm;
	case PP_FX_PINCH_DUTY_PM: return &fx->pinch_duty_pm;
	default: return NULL;
	}
}

/* Parameters that start a schedule; returns a PP_REFUSE_* code, or -1 when
 * param is none of them. */
static int set_schedule(fixture *fx, int64_t t_ns, uint8_t param, int32_t v)
{
	switch (param) {
	case PP_FX_PINCH_PERIOD_S:
		if (!in(v, 0, 86400))
			return PP_REFUSE_BAD_PARAM;
		fx->pinch_period_s = v;
		break;
	case PP_FX_SUPPLY_RAMP_S:
		if (!in(v, 0, 30 * 86400))
			return PP_REFUSE_BAD_PARAM;
		fx->ramp_s = v;
		return PP_REFUSE_OK;
	case PP_FX_SUPPLY_RAMP_MV:
		if (!in(v, 0, 5000))
			return PP_REFUSE_BAD_PARAM;
		supply_ramp(fx, t_ns, v);
		return PP_REFUSE_OK;
	case PP_FX_RF_FADE_PER_H:
		if (!in(v, 0, 3600))
			return PP_REFUSE_BAD_PARAM;
		fx->fade_per_h = v;
		fixture_rf_fades_restart(fx, t_ns);
		return PP_REFUSE_OK;
	case PP_FX_RF_FADE_MS:
		if (!in(v, 0, 3600000))
			return PP_REFUSE_BAD_PARAM;
		fx->fade_ms = v;
		fixture_rf_fades_restart(fx, t_ns);
		return PP_REFUSE_OK;
	default: return -1;
	}
	fx->pinch_t0_ns = t_ns;
	return PP_REFUSE_OK;
}

/* Returns a PP_REFUSE_* code, or -1 for an unknown parameter. */
static int set_param(fixture *fx, int64_t t_ns, uint8_t param, int32_t v)
{
	int32_t *pm = permille_field(fx, param);
	int r;

	fixture_advance(fx, t_ns);
	if (pm) {
		if (!in(v, 0, 1000))
			return PP_REFUSE_BAD_PARAM;
		*pm = v;
		if (param == PP_FX_PINCH_PM || param == PP_FX_PINCH_DUTY_PM)
			fx->pinch_t0_ns = t_ns; /* a cycle starts closed */
		return PP_REFUSE_OK;
	}
	if ((r = set_schedule(fx, t_ns, param, v)) >= 0)
		return r;
	if ((r = fixture_wear_set(fx, t_ns, param, v)) >= 0)
		return r;
	switch (param) {
	case PP_FX_SUPPLY_MV:
		if (!in(v, 0, 5000))
			return PP_REFUSE_BAD_PARAM;
		fx->supply_mv = (uint16_t)v;
		fx->ramp_ns = 0;
		break;
	case PP_FX_RESERVOIR_NL:
		if (v < 0)
			return PP_REFUSE_BAD_PARAM;
		fx->reservoir_nl = v;
		if (v > 0)
			fixture_filled(fx);
		break;
	case PP_FX_TEMP_MC:
		if (!in(v, 0, 60000))
			return PP_REFUSE_BAD_PARAM;
		fx->temp_mc = v;
		fx->visc = fixture_viscosity_ratio(v);
		break;
	case PP_FX_BALANCE_NOISE_UG:
		if (!in(v, 0, 100000))
			return PP_REFUSE_BAD_PARAM;
		fx->noise_ug = v;
		break;
	case PP_FX_EVAPORATION_UG_H:
		if (!in(v, 0, 1000000))
			return PP_REFUSE_BAD_PARAM;
		fx->evap_before_ug = evaporated_ug(fx, t_ns);
		fx->evap_since_ns = t_ns;
		fx->evap_ug_h = v;
		break;
	case PP_FX_MOTOR_JAM:
		if (!in(v, 0, 1))
			return PP_REFUSE_BAD_PARAM;
		fixture_jam(fx, t_ns, v);
		fx->motor_jam = v;
		break;
	default: return -1;
	}
	return PP_REFUSE_OK;
}

int fixture_handle(fixture *fx, int64_t t_ns, const pp_msg *req, pp_msg *reply, int *reset_kind,
                   uint32_t *reset_at_write)
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
			reply->u.ack.result = PP_REFUSE_BAD_PARAM,
			reply->u.ack.detail = req->u.fx_set.param;
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
	default: return PP_NAK_UNKNOWN_TYPE;
	}
}
