/*
 * fw_class.c - what differs between device classes, switched by fw_config
 * (the bench profile's pump section), so one firmware serves every class:
 *
 *   no_occlusion_alarm  the class has no pressure-based occlusion alarm
 *                       (fw_alarm.c ignores the line pressure): a peristaltic
 *                       implant finds an obstruction at refill instead;
 *   reset_safe_state    after any reset that finds therapy running, the rate
 *                       drops to the minimum and the high-priority SAFE_STATE
 *                       alarm stands until a clinician acknowledges it (the
 *                       SynchroMed II labelling: after a reset or a low
 *                       battery reset the rate is reset to a very low level
 *                       with a critical alarm), instead of resuming the full
 *                       prescription as the reference pump does;
 *   stall_retry_us      a stalled motor is probed with one stroke this often;
 *                       when the encoder counts the probe, the stall has
 *                       recovered by itself: MOTOR_STALL clears without an
 *                       acknowledgement, STALL_RECOVER is logged with the
 *                       stall's duration, and delivery resumes.
 */
#include "fw_internal.h"

void fw_class_boot(fw_pump *p, uint8_t cause, int nvm)
{
	(void)cause; /* watchdog, brown-out (a low battery reset) and power-on alike */
	if (!p->cfg.reset_safe_state || FW_PLANT_reset_full_rate)
		return;
	if (nvm != FW_NVM_LOADED && nvm != FW_NVM_RECOVERED)
		return;
	if (!p->ps.running || !p->ps.has_rx)
		return;
	fw_alarm_cause(p, PP_ALARM_SAFE_STATE, 1);
	fw_alarm_cause(p, PP_ALARM_SAFE_STATE, 0); /* latched until acknowledged */
}

static int stalled(const fw_pump *p)
{
	return (p->causes & FW_BIT(PP_ALARM_MOTOR_STALL)) != 0;
}

/* One probe stroke; 1 when the encoder counted it. */
static int probe(fw_pump *p)
{
	const fw_hal *h = p->hal;
	uint32_t fb = h->motor_feedback(h->ctx);

	if (!p->motor_stall_hook)
		h->motor_stroke(h->ctx);
	if (h->motor_feedback(h->ctx) == fb)
		return 0;
	/* The probe moved drug: account for it like any stroke. */
	p->ps.delivered_nl += p->cfg.stroke_nl;
	p->ps.since_refill_nl += p->cfg.stroke_nl;
	fw_window_add(p, p->cfg.stroke_nl);
	p->dirty = 1;
	return 1;
}

void fw_class_poll(fw_pump *p)
{
	uint64_t since;

	if (!p->cfg.stall_retry_us || !stalled(p)) {
		p->stall_probe_us = 0;
		return;
	}
	if (!p->stall_probe_us) {
		p->stall_since_us = p->now;
		p->stall_probe_us = p->now + p->cfg.stall_retry_us;
		return;
	}
	if (p->now < p->stall_probe_us)
		return;
	if (!probe(p)) {
		p->stall_probe_us = p->now + p->cfg.stall_retry_us;
		return;
	}
	since = (p->now - p->stall_since_us) / 1000000u;
	fw_stall_rebase(p);
	fw_alarm_release(p, PP_ALARM_MOTOR_STALL);
	fw_event(p, PP_EV_STALL_RECOVER, 0, fw_sat_i32(since));
	p->stall_probe_us = 0;
}

uint64_t fw_class_deadline(const fw_pump *p)
{
	return p->stall_probe_us ? p->stall_probe_us : FW_NONE;
}
