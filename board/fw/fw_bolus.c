/*
 * fw_bolus.c - bolus requests: clinician, patient (lockout, max per 24 h),
 * priming (from catheter length) and bridge; idempotent by req_id.
 *
 * Every answer is remembered with its req_id (FW_BOLUS_IDS most recent, in
 * NVM) and persisted before it is sent, so a repeated request, even after a
 * reset, gets the first answer and never doses twice.  The strokes themselves
 * are delivered by fw_delivery.c.
 */
#include <string.h>

#include "fw_internal.h"

static fw_bolus_rec *rec_find(fw_pump *p, uint32_t req_id)
{
	if (FW_PLANT_double_bolus)
		return NULL; /* planted bug: every request is new */
	for (unsigned i = 0; i < FW_BOLUS_IDS; i++)
		if (p->ps.bolus_ids[i].used && p->ps.bolus_ids[i].req_id == req_id)
			return &p->ps.bolus_ids[i];
	return NULL;
}

static void bolus_reply(fw_pump *p, const fw_bolus_rec *r)
{
	pp_msg m;

	memset(&m, 0, sizeof m);
	m.type = pp_type_bolus_result;
	m.u.bolus_result.req_id = r->req_id;
	m.u.bolus_result.result = r->result;
	m.u.bolus_result.volume_nl = r->volume_nl;
	m.u.bolus_result.detail = r->detail;
	m.u.bolus_result.field = r->field;
	fw_reply(p, &m);
}

static void answer(fw_pump *p, uint32_t req_id, uint8_t result, uint32_t vol, const fw_why *why)
{
	fw_bolus_rec *r = &p->ps.bolus_ids[p->ps.bolus_head];
	int ok = result == PP_REFUSE_OK;

	r->req_id = req_id;
	r->result = result;
	r->volume_nl = ok ? vol : 0;
	r->detail = ok ? 0 : why->detail;
	r->field = ok ? PP_FIELD_NONE : why->field;
	r->used = 1;
	p->ps.bolus_head = (uint8_t)((p->ps.bolus_head + 1u) % FW_BOLUS_IDS);
	fw_nvm_save(p);
	bolus_reply(p, r);
}

/* Volume rounded to whole strokes (what the pump can actually deliver). */
static uint32_t stroke_round(const fw_pump *p, uint32_t nl)
{
	uint32_t s = p->cfg.stroke_nl;
	uint32_t n = (uint32_t)(((uint64_t)nl + s / 2u) / s);

	return (n ? n : 1u) * s;
}

static uint32_t pb_in_day(const fw_pump *p)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < p->ps.pb_n; i++)
		if (p->now - p->ps.pb_start[i] < FW_DAY_US)
			n++;
	return n;
}

static uint64_t pb_last(const fw_pump *p)
{
	unsigned i = (p->ps.pb_head + FW_PB_MAX_PER_DAY - 1u) % FW_PB_MAX_PER_DAY;

	return p->ps.pb_start[i];
}

static uint8_t check_patient(const fw_pump *p, fw_why *why)
{
	const fw_presc *rx = &p->ps.rx;
	uint64_t lockout = (uint64_t)rx->pb_lockout_s * 1000000u;

	if (FW_PLANT_lockout_off_by_one && lockout >= 1000000u)
		lockout -= 1000000u; /* planted bug: one second short */
	if (!p->ps.has_rx || rx->pb_dose_nl == 0 || rx->pb_max_per_day == 0)
		return fw_because(why, PP_REFUSE_PB_DISABLED, PP_FIELD_BOLUS_KIND, 0);
	if (fw_alarm_stopping(p))
		return PP_REFUSE_ALARM_STOP;
	if (!p->ps.running)
		return PP_REFUSE_NOT_RUNNING;
	if (p->bolus.kind)
		return PP_REFUSE_BOLUS_ACTIVE;
	if (p->ps.pb_n && p->now - pb_last(p) < lockout)
		return fw_because(
		        why, PP_REFUSE_LOCKOUT, PP_FIELD_PB_LOCKOUT,
		        fw_sat_i32((lockout - (p->now - pb_last(p)) + 999999u) / 1000000u));
	if (pb_in_day(p) >= rx->pb_max_per_day)
		return fw_because(why, PP_REFUSE_MAX_PER_DAY, PP_FIELD_PB_MAX_PER_DAY,
		                  rx->pb_max_per_day);
	return PP_REFUSE_OK;
}

static uint8_t check_other(const fw_pump *p, const pp_bolus *b, fw_why *why)
{
	const uint8_t bad = PP_REFUSE_BAD_PARAM;

	if (b->kind == PP_BOLUS_PRIMING) {
		if (b->catheter_mm > FW_CATHETER_MM)
			return fw_because(why, bad, PP_FIELD_BOLUS_CATHETER, FW_CATHETER_MM);
	} else if (b->amount_nl == 0 || b->amount_nl > p->cfg.max_bolus_nl) {
		return fw_because(why, bad, PP_FIELD_BOLUS_AMOUNT, fw_sat_i32(p->cfg.max_bolus_nl));
	}
	if (b->duration_s == 0 || b->duration_s > FW_MAX_BOLUS_S)
		return fw_because(why, bad, PP_FIELD_BOLUS_DURATION, FW_MAX_BOLUS_S);
	if (fw_alarm_stopping(p))
		return PP_REFUSE_ALARM_STOP;
	if (p->bolus.kind)
		return PP_REFUSE_BOLUS_ACTIVE;
	return PP_REFUSE_OK;
}

/* Dose cap (drug reaching the patient) and reservoir, for any kind. */
static uint8_t check_volume(const fw_pump *p, uint8_t kind, uint32_t vol, fw_why *why)
{
	uint64_t cap = fw_cap_nl(p);
	uint64_t have = fw_reservoir_nl(p);

	if (kind != PP_BOLUS_PRIMING) {
		if (cap == FW_NONE)
			return fw_because(why, PP_REFUSE_UNKNOWN_DRUG, PP_FIELD_DRUG,
			                  p->ps.rx.drug_id);
		if (fw_window_nl(p) + vol > cap)
			return fw_because(why, PP_REFUSE_DOSE_CAP, PP_FIELD_BOLUS_AMOUNT,
			                  fw_sat_i32(cap));
	}
	/* detail: the most a bolus could take above the dead volume. */
	if (have < (uint64_t)p->cfg.dead_volume_nl + vol)
		return fw_because(why, PP_REFUSE_RESERVOIR, PP_FIELD_BOLUS_AMOUNT,
		                  fw_sat_i32(have > p->cfg.dead_volume_nl
		                                     ? have - p->cfg.dead_volume_nl
		                                     : 0));
	return PP_REFUSE_OK;
}

static uint32_t bolus_volume(const fw_pump *p, const pp_bolus *b)
{
	if (b->kind == PP_BOLUS_PATIENT)
		return stroke_round(p, p->ps.rx.pb_dose_nl);
	if (b->kind == PP_BOLUS_PRIMING)
		return stroke_round(p, (FW_CATHETER_MM - b->catheter_mm) * FW_PRIME_NL_PER_MM);
	return stroke_round(p, b->amount_nl);
}

static void bolus_begin(fw_pump *p, const pp_bolus *b, uint32_t vol)
{
	fw_bolus *d = &p->bolus;
	uint32_t dur_s = b->kind == PP_BOLUS_PATIENT ? p->ps.rx.pb_duration_s : b->duration_s;

	d->kind = b->kind;
	d->req_id = b->req_id;
	d->n = vol / p->cfg.stroke_nl;
	d->done = 0;
	d->start_us = p->now;
	d->dur_us = (uint64_t)dur_s * 1000000u;
	if (b->kind == PP_BOLUS_PATIENT) {
		p->ps.pb_start[p->ps.pb_head] = p->now;
		p->ps.pb_head = (uint8_t)((p->ps.pb_head + 1u) % FW_PB_MAX_PER_DAY);
		if (p->ps.pb_n < FW_PB_MAX_PER_DAY)
			p->ps.pb_n++;
	}
	fw_event(p, PP_EV_BOLUS_START, 0, b->kind);
}

void fw_cmd_bolus(fw_pump *p, const pp_bolus *b)
{
	fw_bolus_rec *seen = rec_find(p, b->req_id);
	fw_why why = { 0, PP_FIELD_NONE };
	uint32_t vol = 0;
	uint8_t r;

	if (seen) {
		bolus_reply(p, seen);
		return;
	}
	if (b->kind < PP_BOLUS_CLINICIAN || b->kind > PP_BOLUS_BRIDGE)
		r = fw_because(&why, PP_REFUSE_BAD_PARAM, PP_FIELD_BOLUS_KIND, PP_BOLUS_BRIDGE);
	else if (b->kind == PP_BOLUS_PATIENT)
		r = check_patient(p, &why);
	else
		r = check_other(p, b, &why);
	if (r == PP_REFUSE_OK) {
		vol = bolus_volume(p, b);
		r = check_volume(p, b->kind, vol, &why);
	}
	if (r == PP_REFUSE_OK)
		bolus_begin(p, b, vol);
	answer(p, b->req_id, r, vol, &why);
}
