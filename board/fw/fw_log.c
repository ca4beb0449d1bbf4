/*
 * fw_log.c - the event log (a ring of FW_LOG_SIZE entries, read with
 * log_read) and the event frames that carry every logged event to the host,
 * resent every cfg.event_resend_us until event_ack names their evseq.
 */
#include <string.h>

#include "fw_internal.h"

static void log_add(fw_pump *p, uint16_t code, int32_t arg)
{
	fw_log_entry *e = &p->log[p->log_head];

	e->t_us = p->now;
	e->code = code;
	e->arg = arg;
	p->log_head = (uint16_t)((p->log_head + 1u) % FW_LOG_SIZE);
	if (p->log_n < FW_LOG_SIZE)
		p->log_n++;
}

void fw_event(fw_pump *p, uint16_t code, uint8_t alarm, int32_t arg)
{
	const fw_alarm_desc *d = fw_alarm_desc_get(alarm);
	fw_ev_entry *e;

	log_add(p, code, arg);
	if (p->evq_n == FW_EVQ_SIZE) {
		/* Full: the oldest unacknowledged event gives way (still in the log). */
		memmove(&p->evq[0], &p->evq[1], sizeof p->evq[0] * (FW_EVQ_SIZE - 1u));
		p->evq_n--;
		p->ev_dropped++;
	}
	e = &p->evq[p->evq_n++];
	e->evseq = ++p->evseq;
	e->code = code;
	e->alarm = alarm;
	e->priority = d ? d->priority : PP_PRIO_NONE;
	e->arg = arg;
	e->next_us = 0;
	e->t_us = p->now;
}

static void event_send(fw_pump *p, fw_ev_entry *e)
{
	uint8_t wire[PP_MAX_WIRE];
	pp_msg m;
	int n;

	memset(&m, 0, sizeof m);
	m.type = pp_type_event;
	m.u.event.evseq = e->evseq;
	m.u.event.code = e->code;
	m.u.event.alarm = e->alarm;
	m.u.event.priority = e->priority;
	m.u.event.arg = e->arg;
	/* A resend carries the event's own time, so the host sees when it
	 * happened and can tell copies (same evseq and stamp) from a new event
	 * that reuses an evseq after a reset. */
	n = pp_msg_encode(&m, PP_CH_PUMP, (uint16_t)e->evseq, e->t_us, wire, sizeof wire);
	if (n > 0)
		p->hal->link_send(p->hal->ctx, wire, (uint32_t)n);
	e->next_us = p->now + (p->cfg.event_resend_us ? p->cfg.event_resend_us : 1000000u);
}

void fw_events_send(fw_pump *p)
{
	for (unsigned i = 0; i < p->evq_n; i++)
		if (p->evq[i].next_us <= p->now)
			event_send(p, &p->evq[i]);
}

uint64_t fw_events_deadline(const fw_pump *p)
{
	uint64_t t = FW_NONE;

	for (unsigned i = 0; i < p->evq_n; i++)
		t = fw_min64(t, p->evq[i].next_us);
	return t;
}

void fw_event_ack(fw_pump *p, uint32_t evseq)
{
	for (unsigned i = 0; i < p->evq_n; i++)
		if (p->evq[i].evseq == evseq) {
			memmove(&p->evq[i], &p->evq[i + 1], sizeof p->evq[0] * (p->evq_n - i - 1u));
			p->evq_n--;
			return;
		}
}

/* log_entry for index (0 = oldest held); past the end: code 0, count set. */
void fw_cmd_log_read(fw_pump *p, uint32_t index)
{
	pp_msg m;

	memset(&m, 0, sizeof m);
	m.type = pp_type_log_entry;
	m.u.log_entry.index = index;
	m.u.log_entry.count = p->log_n;
	if (index < p->log_n) {
		unsigned first = (p->log_head + FW_LOG_SIZE - p->log_n) % FW_LOG_SIZE;
		const fw_log_entry *e = &p->log[(first + index) % FW_LOG_SIZE];
		m.u.log_entry.t_us = e->t_us;
		m.u.log_entry.code = e->code;
		m.u.log_entry.arg = e->arg;
	}
	fw_reply(p, &m);
}
