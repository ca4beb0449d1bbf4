/*
 * fw_delivery.c - the stroke engine: basal strokes from an exact integer
 * accumulator, bolus strokes spread evenly over the bolus duration, and the
 * per-stroke safety checks (stall, occlusion, empty reservoir).
 *
 * Basal: acc (nL*us/h) grows by rate_nl_h per elapsed us; a stroke is due
 * when acc reaches stroke_nl * 3.6e9 and takes that much out.  Nothing is
 * rounded, so over any time T the pump delivers floor(rate*T/stroke)
 * strokes, however the rate changed along the way.
 */
#include "fw_internal.h"

#define US_PER_H 3600000000ull

static uint64_t stroke_units(const fw_pump *p)
{
	return (uint64_t)p->cfg.stroke_nl * US_PER_H;
}

uint32_t fw_basal_rate(const fw_pump *p)
{
	uint32_t r;

	if (!p->ps.running || !p->ps.has_rx || fw_alarm_stopping(p))
		return 0;
	r = fw_presc_rate_at(&p->ps.rx, fw_wall_minute(p));
	if (fw_alarm_action_active(p, FW_ACT_MIN_RATE) && r > p->cfg.min_rate_nl_h)
		r = p->cfg.min_rate_nl_h;
	if (fw_alarm_action_active(p, FW_ACT_EOS_RATE) && r > p->cfg.eos_rate_nl_h)
		r = p->cfg.eos_rate_nl_h;
	return r;
}

void fw_stall_rebase(fw_pump *p)
{
	p->fb_base = p->hal->motor_feedback(p->hal->ctx);
	p->commanded = 0;
}

/* Stall: the encoder lags the commanded strokes by stall_strokes or more. */
static int stall_check(fw_pump *p)
{
	uint32_t fb = p->hal->motor_feedback(p->hal->ctx) - p->fb_base;
	uint32_t missing = p->commanded - fb;

	if (fb > p->commanded)
		fw_stall_rebase(p); /* encoder ahead (noise): take a new baseline */
	else if (missing >= p->cfg.stall_strokes && p->cfg.stall_strokes)
		fw_alarm_cause(p, PP_ALARM_MOTOR_STALL, 1);
	return !(p->causes & FW_BIT(PP_ALARM_MOTOR_STALL));
}

int fw_stroke(fw_pump *p, int to_patient)
{
	uint32_t s = p->cfg.stroke_nl;

	if (!stall_check(p))
		return 0;
	fw_sense(p); /* pressure at every stroke */
	if (fw_alarm_stopping(p))
		return 0;
	if (fw_reservoir_nl(p) <= p->cfg.dead_volume_nl) {
		fw_alarm_cause(p, PP_ALARM_EMPTY_RESERVOIR, 1);
		return 0;
	}
	if (!p->motor_stall_hook)
		p->hal->motor_stroke(p->hal->ctx);
	p->commanded++;
	p->ps.delivered_nl += s;
	p->ps.since_refill_nl += s;
	if (to_patient)
		fw_window_add(p, s);
	return 1;
}

static void set_rate(fw_pump *p)
{
	uint32_t r = fw_basal_rate(p);

	if (r != p->rate_eff) {
		p->rate_eff = r;
		fw_event(p, PP_EV_RATE_CHANGE, 0, fw_sat_i32(r));
	}
}

/* Bring the accumulator to now at the old rate, then switch rate. */
static void basal_advance(fw_pump *p)
{
	uint64_t cap = stroke_units(p) * FW_CATCHUP_STROKES;
	uint64_t dt = p->now - p->acc_t;

	if (p->rate_eff) {
		/* Bound dt so rate*dt cannot overflow; the cap below bounds it anyway. */
		if (dt > cap / p->rate_eff + 1)
			dt = cap / p->rate_eff + 1;
		p->acc += (uint64_t)p->rate_eff * dt;
		if (p->acc > cap)
			p->acc = cap;
	}
	p->acc_t = p->now;
	set_rate(p);
}

static void basal_run(fw_pump *p)
{
	uint64_t unit = stroke_units(p);

	basal_advance(p);
	for (uint32_t i = 0; i < FW_STROKES_PER_RUN && p->acc >= unit && p->rate_eff; i++) {
		if (!fw_stroke(p, 1))
			break;
		p->acc -= unit;
	}
	set_rate(p); /* a refused stroke means a stopping alarm was raised */
	if (p->rate_eff == 0 || p->acc >= unit)
		p->basal_next_us = p->rate_eff ? p->now : FW_NONE;
	else
		p->basal_next_us = p->now + (unit - p->acc + p->rate_eff - 1) / p->rate_eff;
}

static uint64_t bolus_stroke_us(const fw_bolus *b)
{
	return b->start_us + b->dur_us * b->done / b->n;
}

static void bolus_end(fw_pump *p)
{
	fw_bolus *b = &p->bolus;

	fw_event(p, PP_EV_BOLUS_END, 0, fw_sat_i32((uint64_t)b->done * p->cfg.stroke_nl));
	b->kind = 0;
	p->dirty = 1;
}

void fw_bolus_cancel(fw_pump *p)
{
	if (p->bolus.kind)
		bolus_end(p);
}

static void bolus_run(fw_pump *p)
{
	fw_bolus *b = &p->bolus;
	int to_patient = b->kind != PP_BOLUS_PRIMING;

	for (uint32_t i = 0; i < FW_STROKES_PER_RUN && b->kind && b->done < b->n; i++) {
		if (bolus_stroke_us(b) > p->now)
			break;
		if (!fw_stroke(p, to_patient))
			break;
		b->done++;
	}
	if (b->kind && b->done >= b->n && p->now >= b->start_us + b->dur_us)
		bolus_end(p);
}

void fw_delivery_run(fw_pump *p)
{
	if (p->bolus.kind)
		bolus_run(p);
	basal_run(p);
}

uint64_t fw_delivery_deadline(const fw_pump *p)
{
	uint64_t t = p->basal_next_us;
	const fw_bolus *b = &p->bolus;

	if (b->kind)
		t = fw_min64(t, b->done < b->n ? bolus_stroke_us(b) : b->start_us + b->dur_us);
	return t;
}
