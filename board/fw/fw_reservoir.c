/*
 * fw_reservoir.c - the computed reservoir: refill volume minus what the pump
 * delivered since, and the projected time to the low-reservoir alarm.
 */
#include "fw_internal.h"

uint32_t fw_reservoir_nl(const fw_pump *p)
{
	/* Saturating: the computed volume never goes below zero. */
	if (p->ps.since_refill_nl >= p->ps.refill_nl)
		return 0;
	return (uint32_t)(p->ps.refill_nl - p->ps.since_refill_nl);
}

/* Seconds until the computed volume reaches the low residual when the
 * committed prescription runs and every allowed patient bolus is used. */
uint32_t fw_next_refill_s(const fw_pump *p)
{
	uint32_t low = p->ps.low_residual_nl ? p->ps.low_residual_nl : p->cfg.low_residual_nl;
	uint32_t v = fw_reservoir_nl(p);
	uint64_t day_nl, s;

	if (v <= low)
		return 0;
	if (!p->ps.has_rx)
		return UINT32_MAX;
	day_nl = fw_presc_basal_day_nl(&p->ps.rx) +
	         (uint64_t)p->ps.rx.pb_dose_nl * p->ps.rx.pb_max_per_day;
	if (day_nl == 0)
		return UINT32_MAX;
	s = (uint64_t)(v - low) * 86400u / day_nl;
	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

void fw_cmd_refill(fw_pump *p, const pp_refill *m)
{
	if (m->volume_nl > p->cfg.reservoir_nl) {
		fw_why why = { fw_sat_i32(p->cfg.reservoir_nl), PP_FIELD_REFILL_VOLUME };

		fw_refuse(p, PP_REFUSE_BAD_PARAM, &why);
		return;
	}
	p->ps.refill_nl = m->volume_nl;
	p->ps.since_refill_nl = 0;
	p->ps.refill_drug = m->drug_id;
	p->ps.refill_conc_ng_ml = m->conc_ng_ml;
	p->ps.low_residual_nl = m->low_residual_nl;
	p->ps.refilled = 1;
	fw_event(p, PP_EV_REFILL, 0, (int32_t)(m->volume_nl / 1000u));
	fw_alarm_evaluate(p);
	fw_nvm_save(p);
	fw_ack(p, PP_REFUSE_OK, 0);
}
