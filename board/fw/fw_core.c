/*
 * fw_core.c - the firmware's entry points: init, link receive, task loop,
 * next deadline.  The modules do the work; this file orders it.
 */
#include <stdatomic.h>
#include <string.h>

#include "fw_internal.h"

void fw_config_default(fw_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->serial = 1;
	cfg->stroke_nl = 250;           /* [U] 0.25 uL per stroke */
	cfg->reservoir_nl = 20000000;   /* 20 mL (SynchroMed II 8637-20) */
	cfg->dead_volume_nl = 500000;   /* [U] empty alarm at 0.5 mL */
	cfg->low_residual_nl = 2000000; /* 2 mL default residual */
	cfg->min_rate_nl_h = 2000;      /* 0.048 mL/day, lowest labelled flow */
	cfg->max_rate_nl_h = 1000000;   /* 24 mL/day, highest labelled flow */
	cfg->occlusion_pa = 103421;     /* 15 psi, under GIP's 20 psi limit */
	cfg->occlusion_persist_us = 60000000;
	cfg->stall_strokes = 3;
	cfg->eri_mv = 2800;        /* [U] */
	cfg->eos_mv = 2500;        /* [U] */
	cfg->eos_rate_nl_h = 2000; /* [U] very low rate at end of service */
	cfg->session_timeout_s = 120;
	cfg->event_resend_us = 2000000;
	cfg->sense_period_us = 10000000;
	cfg->max_bolus_nl = 2000000; /* [U] 2 mL */
}

static void fw_boot_alarms(fw_pump *p, uint8_t cause, int nvm)
{
	/* Latched alarms survive a reset: raise them again from the saved set. */
	uint32_t latched = p->ps.latched;
	p->ps.latched = 0;
	for (uint8_t a = 1; a <= FW_ALARM_MAX; a++)
		if (latched & FW_BIT(a)) {
			fw_alarm_cause(p, a, 1);
			fw_alarm_cause(p, a, 0);
		}
	if (nvm == FW_NVM_RECOVERED)
		fw_event(p, PP_EV_NVM_RECOVER, 0, (int32_t)p->nvm_gen);
	if (nvm == FW_NVM_BAD) {
		fw_alarm_cause(p, PP_ALARM_NVM_FAULT, 1);
		fw_alarm_cause(p, PP_ALARM_NVM_FAULT, 0);
	}
	if (cause == 1 || cause == 2) {
		fw_alarm_cause(p, PP_ALARM_WATCHDOG, 1);
		fw_alarm_cause(p, PP_ALARM_WATCHDOG, 0);
	}
}

void fw_init(fw_pump *p, const fw_hal *hal, const fw_config *cfg, uint8_t cause)
{
	int nvm;

	memset(p, 0, sizeof *p);
	p->hal = hal;
	p->cfg = *cfg;
	if (p->cfg.stroke_nl == 0)
		p->cfg.stroke_nl = 1;
	p->now = hal->now_us(hal->ctx);
	pp_deframer_init(&p->df);
	nvm = fw_nvm_load(p);
	if (nvm == FW_NVM_LOADED || nvm == FW_NVM_RECOVERED)
		p->ps.resets++;
	p->acc_t = p->now;
	p->fb_base = hal->motor_feedback(hal->ctx);
	p->supply_mv = hal->supply_mv(hal->ctx);
	hal->watchdog_kick(hal->ctx);
	p->next_kick_us = p->now + FW_KICK_US;
	fw_event(p, PP_EV_BOOT, 0, cause);
	fw_boot_alarms(p, cause, nvm);
	fw_class_boot(p, cause, nvm);
	fw_window_roll(p);
	fw_sense(p);
	fw_alarm_evaluate(p);
	p->rate_eff = fw_basal_rate(p);
	fw_nvm_save(p);
}

/* The producer side of the receive ring (see fw_state.h), called from the
 * link interrupt.  It reads the task loop's rxq_tail once: the task only moves
 * it on, so a stale value just makes the queue look fuller.  rxq_head, its own
 * index, is published once, after the bytes it hands over. */
uint32_t fw_rx(fw_pump *p, const uint8_t *bytes, uint32_t n)
{
	uint16_t head = p->rxq_head;
	const uint16_t tail = p->rxq_tail;
	uint32_t taken = 0;

	while (taken < n) {
		uint16_t next = (uint16_t)((head + 1u) % FW_RXQ_SIZE);
		if (next == tail)
			break;
		p->rxq[head] = bytes[taken++];
		head = next;
	}
	/* Compiler barrier (ISR and task loop share one core): the bytes are
	 * stored before the index that shows them to the task loop. */
	atomic_signal_fence(memory_order_release);
	p->rxq_head = head;
	p->rx_dropped += n - taken;
	return taken;
}

void fw_run(fw_pump *p)
{
	const fw_hal *h = p->hal;

	if (p->hang)
		return; /* WATCHDOG_HANG hook: the loop is stuck, nothing is kicked */
	p->now = h->now_us(h->ctx);
	h->watchdog_kick(h->ctx);
	p->next_kick_us = p->now + FW_KICK_US;
	fw_session_frames(p);
	if (p->hang)
		return;
	fw_session_poll(p);
	fw_window_roll(p);
	if (p->now >= fw_sense_deadline(p))
		fw_sense(p);
	fw_alarm_evaluate(p);
	fw_class_poll(p);
	fw_delivery_run(p);
	fw_alarm_evaluate(p);
	if (p->dirty)
		fw_nvm_save(p);
	fw_events_send(p);
}

uint64_t fw_next_deadline_us(const fw_pump *p)
{
	uint64_t t;

	if (p->hang)
		return FW_NONE;
	if (p->rxq_head != p->rxq_tail)
		return p->now;
	t = p->next_kick_us;
	t = fw_min64(t, fw_delivery_deadline(p));
	t = fw_min64(t, fw_class_deadline(p));
	t = fw_min64(t, fw_sense_deadline(p));
	t = fw_min64(t, fw_session_deadline(p));
	t = fw_min64(t, fw_events_deadline(p));
	t = fw_min64(t, fw_window_deadline(p));
	t = fw_min64(t, fw_next_step_us(p));
	return t;
}
