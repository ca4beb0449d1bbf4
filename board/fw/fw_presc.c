/*
 * fw_presc.c - the prescription: staging (rx_begin, rx_step), verify, the
 * atomic commit, and what the committed one asks for at a time of day.
 *
 * Canonical serialisation for the CRC (what rx_verify returns and rx_commit
 * must carry): CRC-32 (pp_crc32) over the rx_begin payload exactly as it is
 * encoded on the wire (pp_messages.def field order, little-endian), followed
 * by the wire payload of each rx_step in index order 0..nsteps-1.  A host
 * computes it from the payloads it sent.
 *
 * Atomicity: the staged prescription lives apart from the committed one;
 * the commit checks everything first and then replaces the committed one by
 * a single struct assignment, persisted before the ack goes out.  A lost
 * commit, a mismatched CRC or a refusal leaves the old prescription running.
 */
#include <string.h>

#include "fw_internal.h"

#define MIN_US 60000000ull

static uint32_t crc_payload(uint32_t crc, const pp_msg *m)
{
	pp_frame f;

	memset(&f, 0, offsetof(pp_frame, payload));
	if (pp_msg_pack(m, &f) != PP_OK)
		return crc;
	return pp_crc32(crc, f.payload, f.len);
}

uint32_t fw_presc_crc(const fw_presc *rx)
{
	pp_msg m;
	uint32_t crc;

	memset(&m, 0, sizeof m);
	m.type = pp_type_rx_begin;
	m.u.rx_begin.mode = rx->mode;
	m.u.rx_begin.drug_id = rx->drug_id;
	m.u.rx_begin.conc_ng_ml = rx->conc_ng_ml;
	m.u.rx_begin.rate_nl_h = rx->rate_nl_h;
	m.u.rx_begin.nsteps = rx->nsteps;
	m.u.rx_begin.pb_dose_nl = rx->pb_dose_nl;
	m.u.rx_begin.pb_duration_s = rx->pb_duration_s;
	m.u.rx_begin.pb_lockout_s = rx->pb_lockout_s;
	m.u.rx_begin.pb_max_per_day = rx->pb_max_per_day;
	crc = crc_payload(0, &m);
	for (uint8_t i = 0; i < rx->nsteps && i < FW_MAX_STEPS; i++) {
		memset(&m, 0, sizeof m);
		m.type = pp_type_rx_step;
		m.u.rx_step.index = i;
		m.u.rx_step.start_min = rx->steps[i].start_min;
		m.u.rx_step.rate_nl_h = rx->steps[i].rate_nl_h;
		crc = crc_payload(crc, &m);
	}
	return crc;
}

/* Index of the flexible step in force at minute (the last one started; before
 * the first start of the day, the previous day's last step). */
static uint8_t step_at(const fw_presc *rx, uint32_t minute)
{
	uint8_t k = (uint8_t)(rx->nsteps - 1);

	for (uint8_t i = 0; i < rx->nsteps; i++)
		if (rx->steps[i].start_min <= minute)
			k = i;
	return k;
}

uint32_t fw_presc_rate_at(const fw_presc *rx, uint32_t minute)
{
	if (rx->mode == PP_MODE_CONTINUOUS)
		return rx->rate_nl_h;
	if (rx->mode == PP_MODE_FLEXIBLE && rx->nsteps > 0)
		return rx->steps[step_at(rx, minute)].rate_nl_h;
	return 0;
}

/* Basal volume over one day, nL, rounded up. */
uint64_t fw_presc_basal_day_nl(const fw_presc *rx)
{
	uint64_t nl_min = 0; /* nL/h * min */

	if (rx->mode == PP_MODE_CONTINUOUS)
		return (uint64_t)rx->rate_nl_h * 24u;
	if (rx->mode != PP_MODE_FLEXIBLE)
		return 0;
	for (uint8_t i = 0; i < rx->nsteps; i++) {
		uint32_t end = i + 1u < rx->nsteps ? rx->steps[i + 1].start_min
		                                   : rx->steps[0].start_min + 1440u;
		nl_min += (uint64_t)rx->steps[i].rate_nl_h * (end - rx->steps[i].start_min);
	}
	return (nl_min + 59u) / 60u;
}

/* Board time within the wall-clock day, us since local midnight. */
static uint64_t wall_day_us(const fw_pump *p)
{
	/* The offset within a day first: no product can overflow, whatever
	 * the stored offset (NVM is CRC'd, but a bound costs nothing). */
	int64_t off = p->ps.wall_offset_ms % (int64_t)(FW_DAY_US / 1000u) * 1000;
	int64_t d = ((int64_t)(p->now % FW_DAY_US) + off) % (int64_t)FW_DAY_US;

	return (uint64_t)(d < 0 ? d + (int64_t)FW_DAY_US : d);
}

uint32_t fw_wall_minute(const fw_pump *p)
{
	return (uint32_t)(wall_day_us(p) / MIN_US);
}

uint64_t fw_next_step_us(const fw_pump *p)
{
	const fw_presc *rx = &p->ps.rx;
	uint64_t day = wall_day_us(p);
	uint32_t minute = (uint32_t)(day / MIN_US);
	uint32_t next;

	if (!p->ps.has_rx || !p->ps.running || rx->mode != PP_MODE_FLEXIBLE || rx->nsteps < 2)
		return FW_NONE;
	next = rx->steps[0].start_min + 1440u;
	for (uint8_t i = 0; i < rx->nsteps; i++)
		if (rx->steps[i].start_min > minute) {
			next = rx->steps[i].start_min;
			break;
		}
	return p->now + (uint64_t)next * MIN_US - day;
}

static uint8_t begin_check(const fw_pump *p, const pp_rx_begin *m, fw_why *why)
{
	const uint8_t bad = PP_REFUSE_BAD_PARAM;

	if (m->mode > PP_MODE_FLEXIBLE)
		return fw_because(why, bad, PP_FIELD_RX_MODE, PP_MODE_FLEXIBLE);
	if (m->mode == PP_MODE_FLEXIBLE ? (m->nsteps < 1 || m->nsteps > FW_MAX_STEPS)
	                                : m->nsteps != 0)
		return fw_because(why, bad, PP_FIELD_RX_NSTEPS, FW_MAX_STEPS);
	if (m->mode == PP_MODE_CONTINUOUS && m->rate_nl_h > p->cfg.max_rate_nl_h)
		return fw_because(why, bad, PP_FIELD_RX_RATE, fw_sat_i32(p->cfg.max_rate_nl_h));
	if (m->pb_max_per_day > FW_PB_MAX_PER_DAY)
		return fw_because(why, bad, PP_FIELD_PB_MAX_PER_DAY, FW_PB_MAX_PER_DAY);
	if (m->pb_dose_nl > p->cfg.max_bolus_nl)
		return fw_because(why, bad, PP_FIELD_PB_DOSE, fw_sat_i32(p->cfg.max_bolus_nl));
	if (m->pb_dose_nl && (m->pb_duration_s == 0 || m->pb_duration_s > FW_MAX_BOLUS_S))
		return fw_because(why, bad, PP_FIELD_PB_DURATION, FW_MAX_BOLUS_S);
	return PP_REFUSE_OK;
}

void fw_cmd_rx_begin(fw_pump *p, const pp_rx_begin *m)
{
	fw_why why = { 0, PP_FIELD_NONE };
	uint8_t r = begin_check(p, m, &why);
	fw_presc *s = &p->staged;

	/* rx_begin always discards what was staged, even when refused. */
	memset(s, 0, sizeof *s);
	p->staged_valid = 0;
	p->staged_steps = 0;
	if (r == PP_REFUSE_OK) {
		s->mode = m->mode;
		s->drug_id = m->drug_id;
		s->conc_ng_ml = m->conc_ng_ml;
		s->rate_nl_h = m->rate_nl_h;
		s->nsteps = m->nsteps;
		s->pb_dose_nl = m->pb_dose_nl;
		s->pb_duration_s = m->pb_duration_s;
		s->pb_lockout_s = m->pb_lockout_s;
		s->pb_max_per_day = m->pb_max_per_day;
		p->staged_valid = 1;
	}
	fw_refuse(p, r, &why);
}

static uint8_t step_check(const fw_pump *p, const pp_rx_step *m, fw_why *why)
{
	const uint8_t bad = PP_REFUSE_BAD_PARAM;

	if (!p->staged_valid)
		return fw_because(why, PP_REFUSE_NO_STAGED, PP_FIELD_PRESCRIPTION, 0);
	if (m->index >= p->staged.nsteps)
		return fw_because(why, bad, PP_FIELD_STEP_INDEX, p->staged.nsteps);
	if (m->start_min >= 1440u)
		return fw_because(why, bad, PP_FIELD_STEP_START, 1439);
	if (m->rate_nl_h > p->cfg.max_rate_nl_h)
		return fw_because(why, bad, PP_FIELD_STEP_RATE, fw_sat_i32(p->cfg.max_rate_nl_h));
	return PP_REFUSE_OK;
}

void fw_cmd_rx_step(fw_pump *p, const pp_rx_step *m)
{
	fw_why why = { 0, PP_FIELD_NONE };
	uint8_t r = step_check(p, m, &why);

	if (r != PP_REFUSE_OK) {
		fw_refuse(p, r, &why);
		return;
	}
	p->staged.steps[m->index].start_min = m->start_min;
	p->staged.steps[m->index].rate_nl_h = m->rate_nl_h;
	p->staged_steps |= (uint16_t)(1u << m->index);
	fw_ack(p, PP_REFUSE_OK, 0);
}

static int staged_complete(const fw_pump *p)
{
	return p->staged_valid && p->staged_steps == (1u << p->staged.nsteps) - 1u;
}

void fw_cmd_rx_verify(fw_pump *p)
{
	pp_msg m;

	memset(&m, 0, sizeof m);
	m.type = pp_type_rx_crc;
	m.u.rx_crc.complete = (uint8_t)staged_complete(p);
	m.u.rx_crc.crc = p->staged_valid ? fw_presc_crc(&p->staged) : 0;
	fw_reply(p, &m);
}

/* The first step (0-based) that does not start after the one before it,
 * or 0 when they ascend. */
static uint8_t step_out_of_order(const fw_presc *rx)
{
	for (uint8_t i = 1; i < rx->nsteps; i++)
		if (rx->steps[i].start_min <= rx->steps[i - 1].start_min)
			return i;
	return 0;
}

void fw_cmd_rx_commit(fw_pump *p, const pp_rx_commit *m)
{
	fw_why why = { 0, PP_FIELD_NONE };
	uint32_t crc;
	uint8_t r, late;

	if (!staged_complete(p)) {
		why.field = PP_FIELD_PRESCRIPTION;
		fw_refuse(p, PP_REFUSE_NO_STAGED, &why);
		return;
	}
	if (FW_PLANT_nonatomic_commit) {
		/* Planted bug: fields applied one by one before any check. */
		p->ps.rx.mode = p->staged.mode;
		p->ps.rx.rate_nl_h = p->staged.rate_nl_h;
		p->ps.has_rx = 1;
		p->dirty = 1;
	}
	crc = fw_presc_crc(&p->staged);
	if (m->crc != crc) {
		why.field = PP_FIELD_COMMIT_CRC;
		fw_refuse(p, PP_REFUSE_CRC_MISMATCH, &why);
		return;
	}
	late = step_out_of_order(&p->staged);
	if (late) {
		fw_because(&why, PP_REFUSE_BAD_PARAM, PP_FIELD_STEP_ORDER, late);
		fw_refuse(p, PP_REFUSE_BAD_PARAM, &why);
		return;
	}
	r = fw_limits_check_rx(p, &p->staged, &why);
	if (r == PP_REFUSE_SOFT_LIMIT && m->override_soft) {
		/* The clinician confirmed it: allowed, and logged. */
		fw_event(p, PP_EV_SOFT_OVERRIDE, 0, why.detail);
		r = PP_REFUSE_OK;
	}
	if (r != PP_REFUSE_OK) {
		fw_refuse(p, r, &why);
		return;
	}
	p->staged.crc = crc;
	p->ps.rx = p->staged;
	p->ps.has_rx = 1;
	p->staged_valid = 0;
	fw_event(p, PP_EV_RX_COMMIT, 0, (int32_t)crc);
	fw_nvm_save(p);
	fw_ack(p, PP_REFUSE_OK, 0);
}
