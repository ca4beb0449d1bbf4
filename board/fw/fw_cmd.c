/*
 * fw_cmd.c - request dispatch and the small commands (session, status,
 * start/stop, alarms, clock).  Larger commands live with their module.
 *
 * Commands that change therapy need an open session (NAK NO_SESSION);
 * interrogate, event_ack, log_read, alarm_test and hook work always.
 */
#include <string.h>

#include "fw_internal.h"

static void cmd_session_open(fw_pump *p, const pp_session_open *m)
{
	p->session = 1;
	p->session_timeout_s = m->timeout_s ? m->timeout_s : p->cfg.session_timeout_s;
	p->have_last = 0;
	fw_alarm_cause(p, PP_ALARM_LINK_LOSS, 0);
	fw_event(p, PP_EV_SESSION_OPEN, 0, (int32_t)m->programmer_id);
	fw_ack(p, PP_REFUSE_OK, fw_sat_i32(p->session_timeout_s));
}

static void cmd_session_close(fw_pump *p)
{
	if (!p->session) {
		fw_why why = { 0, PP_FIELD_SESSION };

		fw_refuse(p, PP_REFUSE_NOT_ACTIVE, &why);
		return;
	}
	p->session = 0;
	fw_event(p, PP_EV_SESSION_CLOSE, 0, 0);
	fw_ack(p, PP_REFUSE_OK, 0);
}

static void cmd_status(fw_pump *p)
{
	pp_msg m;
	pp_status *s = &m.u.status;

	memset(&m, 0, sizeof m);
	m.type = pp_type_status;
	s->fw_version = FW_VERSION_CODE;
	s->serial = p->cfg.serial;
	s->mode = p->ps.has_rx ? p->ps.rx.mode : PP_MODE_STOPPED;
	s->running = p->ps.running;
	s->rate_nl_h = fw_basal_rate(p);
	s->reservoir_nl = fw_reservoir_nl(p);
	s->alarms = p->alarms;
	s->delivered_nl = p->ps.delivered_nl;
	s->rx_crc = p->ps.has_rx ? p->ps.rx.crc : 0;
	s->battery_mv = p->supply_mv;
	s->next_refill_s = fw_next_refill_s(p);
	s->bolus_active = p->bolus.kind;
	s->session = p->session;
	s->resets = p->ps.resets;
	fw_reply(p, &m);
}

void fw_start_delivery(fw_pump *p)
{
	if (!p->ps.running) {
		p->ps.running = 1;
		fw_event(p, PP_EV_START, 0, 0);
	}
}

static void cmd_start(fw_pump *p)
{
	if (!p->ps.has_rx) {
		fw_why why = { 0, PP_FIELD_PRESCRIPTION };

		fw_refuse(p, PP_REFUSE_NO_STAGED, &why);
		return;
	}
	fw_start_delivery(p);
	fw_nvm_save(p);
	fw_ack(p, PP_REFUSE_OK, 0);
}

static void cmd_stop(fw_pump *p)
{
	if (p->ps.running || p->bolus.kind)
		fw_event(p, PP_EV_STOP, 0, 0);
	p->ps.running = 0;
	fw_bolus_cancel(p);
	fw_nvm_save(p);
	fw_ack(p, PP_REFUSE_OK, 0);
}

static void cmd_alarm_ack(fw_pump *p, uint8_t alarm)
{
	uint8_t r = fw_alarm_ack(p, alarm);
	fw_why why = { 0, PP_FIELD_ALARM };

	if (r == PP_REFUSE_NOT_ACTIVE && alarm < 32u && (p->alarms & FW_BIT(alarm)))
		why.detail = 1; /* acknowledged, but its cause is still present */
	fw_nvm_save(p);
	fw_refuse(p, r, &why);
}

static void cmd_alarm_test(fw_pump *p)
{
	fw_event(p, PP_EV_ALARM_TEST, 0, 0);
	fw_ack(p, PP_REFUSE_OK, 0);
}

/* A wall clock beyond FW_MAX_EPOCH_MS is refused (the limit in detail, in
 * seconds): a programmer never sets one, and the day arithmetic needs the
 * offset in range (a fuzzed epoch overflowed wall_day_us). */
static void cmd_clock_set(fw_pump *p, uint64_t epoch_ms)
{
	if (epoch_ms > FW_MAX_EPOCH_MS) {
		fw_why why = { fw_sat_i32(FW_MAX_EPOCH_MS / 1000u), PP_FIELD_CLOCK };

		fw_refuse(p, PP_REFUSE_BAD_PARAM, &why);
		return;
	}
	p->ps.wall_offset_ms = (int64_t)epoch_ms - (int64_t)(p->now / 1000u);
	fw_nvm_save(p);
	fw_ack(p, PP_REFUSE_OK, 0);
}

static int needs_session(uint8_t type)
{
	switch (type) {
	case pp_type_interrogate:
	case pp_type_session_open:
	case pp_type_session_close:
	case pp_type_event_ack:
	case pp_type_log_read:
	case pp_type_alarm_test:
	case pp_type_hook: return 0;
	default: return 1;
	}
}

static void dispatch_therapy(fw_pump *p, const pp_msg *m)
{
	switch (m->type) {
	case pp_type_rx_begin: fw_cmd_rx_begin(p, &m->u.rx_begin); break;
	case pp_type_rx_step: fw_cmd_rx_step(p, &m->u.rx_step); break;
	case pp_type_rx_verify: fw_cmd_rx_verify(p); break;
	case pp_type_rx_commit: fw_cmd_rx_commit(p, &m->u.rx_commit); break;
	case pp_type_start: cmd_start(p); break;
	case pp_type_stop: cmd_stop(p); break;
	case pp_type_bolus: fw_cmd_bolus(p, &m->u.bolus); break;
	case pp_type_refill: fw_cmd_refill(p, &m->u.refill); break;
	case pp_type_alarm_ack: cmd_alarm_ack(p, m->u.alarm_ack.alarm); break;
	case pp_type_druglib_set: fw_cmd_druglib_set(p, &m->u.druglib_set); break;
	case pp_type_clock_set: cmd_clock_set(p, m->u.clock_set.epoch_ms); break;
	default: fw_nak(p, PP_NAK_UNKNOWN_TYPE, m->type, p->cur_seq); break;
	}
}

void fw_dispatch(fw_pump *p, const pp_msg *m)
{
	if (needs_session(m->type) && !p->session) {
		fw_nak(p, PP_NAK_NO_SESSION, m->type, p->cur_seq);
		return;
	}
	switch (m->type) {
	case pp_type_interrogate: cmd_status(p); break;
	case pp_type_session_open: cmd_session_open(p, &m->u.session_open); break;
	case pp_type_session_close: cmd_session_close(p); break;
	case pp_type_event_ack: fw_event_ack(p, m->u.event_ack.evseq); break;
	case pp_type_log_read: fw_cmd_log_read(p, m->u.log_read.index); break;
	case pp_type_alarm_test: cmd_alarm_test(p); break;
	case pp_type_hook: fw_cmd_hook(p, m->u.hook.hook, m->u.hook.arg); break;
	default: dispatch_therapy(p, m); break;
	}
}
