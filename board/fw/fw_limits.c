/*
 * fw_limits.c - safety limits: the drug library, the daily-dose check of a
 * prescription, and the rolling 24 h dose window behind the dose cap.
 *
 * Units: concentration ng/mL, limits ug/day, volumes nL.  A dose in ug is
 * nL * ng/mL / 1e9, so comparisons are done as nL * conc against
 * limit_ug * 1e9 (no division, no rounding in the pump's favour).  Nothing
 * is clamped: a request beyond a limit is refused with its PP_REFUSE_* code
 * and the limit in ack.detail.
 */
#include <string.h>

#include "fw_internal.h"

#define NG_PER_UG_NL 1000000000ull /* ug -> ng (1e3) times mL -> nL (1e6) */

const fw_drug *fw_drug_find(const fw_pump *p, uint16_t drug_id)
{
	for (unsigned i = 0; i < FW_DRUGLIB_SIZE; i++)
		if (drug_id && p->ps.druglib[i].drug_id == drug_id)
			return &p->ps.druglib[i];
	return NULL;
}

static fw_drug *drug_slot(fw_pump *p, uint16_t drug_id)
{
	fw_drug *free_slot = NULL;

	for (unsigned i = 0; i < FW_DRUGLIB_SIZE; i++) {
		if (p->ps.druglib[i].drug_id == drug_id)
			return &p->ps.druglib[i];
		if (!free_slot && p->ps.druglib[i].drug_id == 0)
			free_slot = &p->ps.druglib[i];
	}
	return free_slot;
}

static uint8_t druglib_check(const pp_druglib_set *m, fw_why *why)
{
	const uint8_t bad = PP_REFUSE_BAD_PARAM;

	if (m->drug_id == 0)
		return fw_because(why, bad, PP_FIELD_DRUGLIB_DRUG, 0);
	if (m->max_conc_ng_ml == 0)
		return fw_because(why, bad, PP_FIELD_DRUGLIB_CONC, 0);
	if (m->hard_ug_day == 0)
		return fw_because(why, bad, PP_FIELD_DRUGLIB_HARD, 0);
	if (m->soft_ug_day > m->hard_ug_day)
		return fw_because(why, bad, PP_FIELD_DRUGLIB_SOFT, fw_sat_i32(m->hard_ug_day));
	return PP_REFUSE_OK;
}

void fw_cmd_druglib_set(fw_pump *p, const pp_druglib_set *m)
{
	fw_drug *d;

	fw_why why = { 0, PP_FIELD_NONE };

	if (druglib_check(m, &why) != PP_REFUSE_OK) {
		fw_refuse(p, PP_REFUSE_BAD_PARAM, &why);
		return;
	}
	d = drug_slot(p, m->drug_id);
	if (!d) {
		fw_because(&why, PP_REFUSE_BAD_PARAM, PP_FIELD_DRUGLIB_FULL, FW_DRUGLIB_SIZE);
		fw_refuse(p, PP_REFUSE_BAD_PARAM, &why);
		return;
	}
	d->drug_id = m->drug_id;
	d->max_conc_ng_ml = m->max_conc_ng_ml;
	d->soft_ug_day = m->soft_ug_day;
	d->hard_ug_day = m->hard_ug_day;
	fw_nvm_save(p);
	fw_ack(p, PP_REFUSE_OK, 0);
}

/* Largest daily volume the prescription allows: basal plus every patient bolus. */
static uint64_t rx_day_nl(const fw_presc *rx)
{
	return fw_presc_basal_day_nl(rx) + (uint64_t)rx->pb_dose_nl * rx->pb_max_per_day;
}

uint8_t fw_limits_check_rx(const fw_pump *p, const fw_presc *rx, fw_why *why)
{
	const fw_drug *d;
	uint64_t dose; /* nL * ng/mL = 1e-9 ug */

	if (rx->mode == PP_MODE_STOPPED && rx->pb_dose_nl == 0)
		return PP_REFUSE_OK; /* delivers nothing */
	d = fw_drug_find(p, rx->drug_id);
	if (!d)
		return fw_because(why, PP_REFUSE_UNKNOWN_DRUG, PP_FIELD_DRUG, rx->drug_id);
	if (rx->conc_ng_ml == 0)
		return fw_because(why, PP_REFUSE_BAD_PARAM, PP_FIELD_CONC, 0);
	if (rx->conc_ng_ml > d->max_conc_ng_ml)
		return fw_because(why, PP_REFUSE_CONC_LIMIT, PP_FIELD_CONC,
		                  fw_sat_i32(d->max_conc_ng_ml));
	dose = rx_day_nl(rx) * rx->conc_ng_ml;
	if (dose > (uint64_t)d->hard_ug_day * NG_PER_UG_NL)
		return fw_because(why, PP_REFUSE_HARD_LIMIT, PP_FIELD_DAILY_DOSE,
		                  fw_sat_i32(d->hard_ug_day));
	if (dose > (uint64_t)d->soft_ug_day * NG_PER_UG_NL)
		return fw_because(why, PP_REFUSE_SOFT_LIMIT, PP_FIELD_DAILY_DOSE,
		                  fw_sat_i32(d->soft_ug_day));
	return PP_REFUSE_OK;
}

uint64_t fw_cap_nl(const fw_pump *p)
{
	const fw_drug *d;

	if (!p->ps.has_rx || p->ps.rx.conc_ng_ml == 0)
		return FW_NONE;
	d = fw_drug_find(p, p->ps.rx.drug_id);
	if (!d)
		return FW_NONE;
	return (uint64_t)d->hard_ug_day * NG_PER_UG_NL / p->ps.rx.conc_ng_ml;
}

void fw_window_roll(fw_pump *p)
{
	fw_persist *s = &p->ps;

	if (p->now < s->win_t0 || p->now - s->win_t0 >= FW_WIN_BUCKETS * FW_WIN_BUCKET_US) {
		memset(s->win_nl, 0, sizeof s->win_nl);
		s->win_sum = 0;
		s->win_t0 = p->now;
		p->dirty = 1;
		return;
	}
	while (p->now - s->win_t0 >= FW_WIN_BUCKET_US) {
		s->win_head = (uint16_t)((s->win_head + 1u) % FW_WIN_BUCKETS);
		s->win_sum -= s->win_nl[s->win_head];
		s->win_nl[s->win_head] = 0;
		s->win_t0 += FW_WIN_BUCKET_US;
		p->dirty = 1; /* also persists the delivery counters every bucket */
	}
}

void fw_window_add(fw_pump *p, uint32_t nl)
{
	p->ps.win_nl[p->ps.win_head] += nl;
	p->ps.win_sum += nl;
}

uint64_t fw_window_nl(const fw_pump *p)
{
	return p->ps.win_sum;
}

uint64_t fw_window_deadline(const fw_pump *p)
{
	return p->ps.win_t0 + FW_WIN_BUCKET_US;
}
