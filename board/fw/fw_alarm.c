/*
 * fw_alarm.c - the alarm table, raising/clearing/acknowledging alarms, and
 * the detectors that feed them (occlusion, battery, reservoir, dose cap).
 *
 * An alarm has a cause (its condition is present now) and an active state
 * (shown in status.alarms, sent as ALARM_ON/ALARM_OFF events).  A
 * non-latched alarm clears by itself when its cause goes; a latched one
 * stays active until alarm_ack arrives while the cause is gone.
 */
#include "fw_internal.h"

/*
 * The one alarm table: priority, action and latching per alarm code.
 *
 * Low reservoir keeps the programmed basal rate (CONTINUE), not a KVO
 * minimum rate.  The Open PCA Pump requirements say both ("basal" and
 * "KVO"); for an intrathecal pump the pinned reading is basal because
 * dropping to KVO with drug still in the reservoir starts withdrawal (a
 * baclofen withdrawal is itself a hazard) and the clinician is already
 * warned by the alarm; the empty alarm at the dead volume is what stops.
 * Max dose drops to the minimum rate (Open PCA).  End of service drops to
 * the very low EOS rate (SynchroMed II behaviour, DESIGN §5).
 */
static const fw_alarm_desc alarm_table[FW_ALARM_MAX + 1] = {
	[PP_ALARM_OCCLUSION] = { PP_PRIO_HIGH, FW_ACT_STOP, 1 },
	[PP_ALARM_LOW_RESERVOIR] = { PP_PRIO_MEDIUM, FW_ACT_CONTINUE, 0 },
	[PP_ALARM_EMPTY_RESERVOIR] = { PP_PRIO_HIGH, FW_ACT_STOP, 0 },
	[PP_ALARM_MOTOR_STALL] = { PP_PRIO_HIGH, FW_ACT_STOP, 1 },
	[PP_ALARM_BATTERY_ERI] = { PP_PRIO_LOW, FW_ACT_CONTINUE, 0 },
	[PP_ALARM_BATTERY_EOS] = { PP_PRIO_HIGH, FW_ACT_EOS_RATE, 0 },
	[PP_ALARM_LINK_LOSS] = { PP_PRIO_LOW, FW_ACT_CONTINUE, 0 },
	[PP_ALARM_WATCHDOG] = { PP_PRIO_MEDIUM, FW_ACT_CONTINUE, 1 },
	[PP_ALARM_MAX_DOSE] = { PP_PRIO_MEDIUM, FW_ACT_MIN_RATE, 0 },
	[PP_ALARM_NVM_FAULT] = { PP_PRIO_HIGH, FW_ACT_STOP, 1 },
	[PP_ALARM_SAFE_STATE] = { PP_PRIO_HIGH, FW_ACT_MIN_RATE, 1 },
};

const fw_alarm_desc *fw_alarm_desc_get(uint8_t alarm)
{
	if (alarm == 0 || alarm > FW_ALARM_MAX)
		return NULL;
	return &alarm_table[alarm];
}

static void alarm_raise(fw_pump *p, uint8_t a)
{
	const fw_alarm_desc *d = &alarm_table[a];
	int was_stopping = fw_alarm_stopping(p);

	p->alarms |= FW_BIT(a);
	if (d->latched)
		p->ps.latched |= FW_BIT(a);
	p->dirty = 1;
	fw_event(p, PP_EV_ALARM_ON, a, a);
	if (d->action == FW_ACT_STOP && !was_stopping) {
		if (p->ps.running || p->bolus.kind)
			fw_event(p, PP_EV_STOP, 0, a);
		fw_bolus_cancel(p);
	}
	/* Max dose halts a bolus in progress (Open PCA OPENPCAB-80); only the
	 * minimum basal rate goes on. */
	if (d->action == FW_ACT_MIN_RATE && p->bolus.kind)
		fw_bolus_cancel(p);
}

static void alarm_clear(fw_pump *p, uint8_t a)
{
	p->alarms &= ~FW_BIT(a);
	p->ps.latched &= ~FW_BIT(a);
	p->dirty = 1;
	fw_event(p, PP_EV_ALARM_OFF, a, a);
}

void fw_alarm_cause(fw_pump *p, uint8_t a, int on)
{
	uint32_t bit = FW_BIT(a);

	if (on) {
		p->causes |= bit;
		if (!(p->alarms & bit))
			alarm_raise(p, a);
		return;
	}
	p->causes &= ~bit;
	if ((p->alarms & bit) && !alarm_table[a].latched)
		alarm_clear(p, a);
}

uint8_t fw_alarm_ack(fw_pump *p, uint8_t a)
{
	uint32_t bit;

	if (!fw_alarm_desc_get(a))
		return PP_REFUSE_BAD_PARAM;
	bit = FW_BIT(a);
	if (!(p->alarms & bit))
		return PP_REFUSE_NOT_ACTIVE;
	fw_event(p, PP_EV_ALARM_ACK, a, a);
	if (a == PP_ALARM_MOTOR_STALL) {
		/* The ack is the "retry the motor" command: a still-stalled motor
		 * raises the alarm again after stall_strokes strokes. */
		fw_stall_rebase(p);
		p->causes &= ~bit;
	}
	if (p->causes & bit)
		return PP_REFUSE_NOT_ACTIVE;
	alarm_clear(p, a);
	return PP_REFUSE_OK;
}

void fw_alarm_release(fw_pump *p, uint8_t a)
{
	p->causes &= ~FW_BIT(a);
	if (p->alarms & FW_BIT(a))
		alarm_clear(p, a);
}

int fw_alarm_stopping(const fw_pump *p)
{
	return fw_alarm_action_active(p, FW_ACT_STOP);
}

int fw_alarm_action_active(const fw_pump *p, uint8_t action)
{
	for (uint8_t a = 1; a <= FW_ALARM_MAX; a++)
		if ((p->alarms & FW_BIT(a)) && alarm_table[a].action == action)
			return 1;
	return 0;
}

static void eval_reservoir(fw_pump *p)
{
	uint32_t v = fw_reservoir_nl(p);
	uint32_t low = p->ps.low_residual_nl ? p->ps.low_residual_nl : p->cfg.low_residual_nl;

	fw_alarm_cause(p, PP_ALARM_EMPTY_RESERVOIR, v <= p->cfg.dead_volume_nl);
	fw_alarm_cause(p, PP_ALARM_LOW_RESERVOIR, !FW_PLANT_low_reservoir_silent && v <= low);
}

static void eval_battery(fw_pump *p)
{
	uint32_t mv = p->supply_mv;
	uint32_t eri = p->cfg.eri_mv, eos = p->cfg.eos_mv;

	/* Hysteresis: once raised, the cause holds until FW_BATT_HYST_MV above. */
	if (p->causes & FW_BIT(PP_ALARM_BATTERY_ERI))
		eri += FW_BATT_HYST_MV;
	if (p->causes & FW_BIT(PP_ALARM_BATTERY_EOS))
		eos += FW_BATT_HYST_MV;
	fw_alarm_cause(p, PP_ALARM_BATTERY_ERI, mv < eri);
	fw_alarm_cause(p, PP_ALARM_BATTERY_EOS, mv < eos);
}

static void eval_dose(fw_pump *p)
{
	uint64_t cap = fw_cap_nl(p);

	fw_alarm_cause(p, PP_ALARM_MAX_DOSE, cap != FW_NONE && fw_window_nl(p) >= cap);
}

void fw_alarm_evaluate(fw_pump *p)
{
	eval_reservoir(p);
	eval_battery(p);
	eval_dose(p);
}

/* The occlusion persistence time (the planted occlusion_slow makes it 20%
 * longer than configured). */
static uint64_t occl_persist_us(const fw_pump *p)
{
	uint32_t t = p->cfg.occlusion_persist_us;
	return FW_PLANT_occlusion_slow ? (uint64_t)t + t / 5 : t;
}

/* Occlusion: pressure above the threshold at every sample for the
 * persistence time.  Sampled at each stroke and every sense period. */
static void sense_pressure(fw_pump *p)
{
	int32_t pa = fw_pressure_pa(p);

	if (FW_PLANT_occlusion_off || p->cfg.no_occlusion_alarm)
		pa = 0;
	if (pa <= p->cfg.occlusion_pa) {
		p->occl_high = 0;
		fw_alarm_cause(p, PP_ALARM_OCCLUSION, 0);
		return;
	}
	if (!p->occl_high) {
		p->occl_high = 1;
		p->occl_since = p->now;
	}
	if (p->now - p->occl_since >= occl_persist_us(p))
		fw_alarm_cause(p, PP_ALARM_OCCLUSION, 1);
}

void fw_sense(fw_pump *p)
{
	sense_pressure(p);
	p->supply_mv = p->hal->supply_mv(p->hal->ctx);
	eval_battery(p);
	p->next_sense_us = p->now + (p->cfg.sense_period_us ? p->cfg.sense_period_us : 1000000u);
}

uint64_t fw_sense_deadline(const fw_pump *p)
{
	uint64_t t = p->next_sense_us;

	/* While the line is above threshold, wake exactly at the persistence end. */
	if (p->occl_high && !(p->causes & FW_BIT(PP_ALARM_OCCLUSION)))
		t = fw_min64(t, p->occl_since + occl_persist_us(p));
	return t;
}
