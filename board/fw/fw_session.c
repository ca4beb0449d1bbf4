/*
 * fw_session.c - the telemetry link: deframing the received bytes, NAKs for
 * unusable frames, the sequence cache, replies, and the session timeout.
 *
 * Sequence rule: a request with the same seq and type as the last processed
 * one is a retransmission; it gets the cached reply again, byte for byte,
 * and is not executed twice.  Any other seq is processed.  session_open
 * resets the cache.  event_ack has no reply and leaves the cache alone.
 */
#include <stdatomic.h>
#include <string.h>

#include "fw_internal.h"

static void send_wire(fw_pump *p, const uint8_t *wire, int n)
{
	if (n > 0)
		p->hal->link_send(p->hal->ctx, wire, (uint32_t)n);
}

void fw_reply(fw_pump *p, const pp_msg *m)
{
	uint8_t wire[PP_MAX_WIRE];
	int n = pp_msg_encode(m, PP_CH_PUMP, p->cur_seq, p->now, wire, sizeof wire);

	if (n <= 0)
		return;
	memcpy(p->last_resp, wire, (size_t)n);
	p->last_resp_n = (uint16_t)n;
	p->last_seq = p->cur_seq;
	p->last_type = p->cur_type;
	p->have_last = 1;
	send_wire(p, wire, n);
}

void fw_refuse(fw_pump *p, uint8_t result, const fw_why *why)
{
	pp_msg m;

	memset(&m, 0, sizeof m);
	m.type = pp_type_ack;
	m.u.ack.req_type = p->cur_type;
	m.u.ack.result = result;
	m.u.ack.detail = why->detail;
	m.u.ack.field = result == PP_REFUSE_OK ? PP_FIELD_NONE : why->field;
	fw_reply(p, &m);
}

void fw_ack(fw_pump *p, uint8_t result, int32_t detail)
{
	fw_why why = { detail, PP_FIELD_NONE };

	fw_refuse(p, result, &why);
}

void fw_nak(fw_pump *p, uint8_t code, uint8_t type, uint16_t seq)
{
	uint8_t wire[PP_MAX_WIRE];
	pp_msg m;

	if (code < sizeof p->naks / sizeof p->naks[0])
		p->naks[code]++;
	memset(&m, 0, sizeof m);
	m.type = pp_type_nak;
	m.u.nak.code = code;
	m.u.nak.req_type = type;
	m.u.nak.req_seq = seq;
	send_wire(p, wire, pp_msg_encode(&m, PP_CH_PUMP, seq, p->now, wire, sizeof wire));
}

static uint8_t nak_code(int err)
{
	switch (err) {
	case PP_ERR_CRC: return PP_NAK_BAD_CRC;
	case PP_ERR_VERSION: return PP_NAK_BAD_VERSION;
	case PP_ERR_LENGTH: return PP_NAK_BAD_LENGTH;
	case PP_ERR_TYPE:
	case PP_ERR_CHANNEL: return PP_NAK_UNKNOWN_TYPE;
	case PP_ERR_TOO_LONG: return PP_NAK_TOO_LONG;
	default: return PP_NAK_BAD_FRAME;
	}
}

static int is_retransmission(const fw_pump *p, const pp_frame *f)
{
	return p->have_last && f->type != pp_type_session_open && f->type != pp_type_event_ack &&
	       f->seq == p->last_seq && f->type == p->last_type;
}

static void handle_frame(fw_pump *p, const uint8_t *wire, size_t n)
{
	pp_frame f;
	pp_msg m;
	int r = pp_frame_decode(wire, n, &f);

	if (r == PP_OK && f.channel != PP_CH_PUMP)
		r = PP_ERR_CHANNEL;
	if (r == PP_OK && f.type >= 0x80)
		r = PP_ERR_TYPE; /* a response or event is not a request */
	if (r == PP_OK)
		r = pp_msg_unpack(&f, &m);
	if (r != PP_OK) {
		fw_nak(p, nak_code(r), f.type, f.seq);
		return;
	}
	p->frames_ok++;
	p->last_frame_us = p->now;
	if (is_retransmission(p, &f)) {
		send_wire(p, p->last_resp, p->last_resp_n);
		return;
	}
	p->cur_seq = f.seq;
	p->cur_type = f.type;
	fw_dispatch(p, &m);
}

void fw_session_frames(fw_pump *p)
{
	uint8_t chunk[32];

	while (!p->hang) {
		/* The consumer side of the receive ring (see fw_state.h): a fresh
		 * read of the interrupt's rxq_head (volatile) for every chunk. */
		uint16_t head = p->rxq_head, tail = p->rxq_tail;
		const uint8_t *in = chunk;
		size_t n = 0, len;

		if (tail == head)
			break;
		/* Compiler barriers (ISR and task loop share one core): the bytes
		 * are read after head showed them, and before the new tail hands
		 * their slots back to fw_rx. */
		atomic_signal_fence(memory_order_acquire);
		while (n < sizeof chunk && tail != head) {
			chunk[n++] = p->rxq[tail];
			tail = (uint16_t)((tail + 1u) % FW_RXQ_SIZE);
		}
		atomic_signal_fence(memory_order_release);
		p->rxq_tail = tail;
		while (n > 0 && !p->hang) {
			len = pp_deframer_push(&p->df, &in, &n);
			if (p->df.overruns != p->df_overruns_seen) {
				p->df_overruns_seen = p->df.overruns;
				fw_nak(p, PP_NAK_TOO_LONG, 0, 0);
			}
			if (len)
				handle_frame(p, p->df.buf, len);
		}
		if (n > 0) {
			/* Hung mid-chunk: the rest of the bytes are lost with the loop. */
			break;
		}
	}
}

void fw_session_poll(fw_pump *p)
{
	uint64_t limit;

	if (!p->session)
		return;
	limit = (uint64_t)p->session_timeout_s * 1000000u;
	if (p->now - p->last_frame_us < limit)
		return;
	p->session = 0;
	p->have_last = 0;
	fw_event(p, PP_EV_SESSION_CLOSE, 0, 1);
	fw_alarm_cause(p, PP_ALARM_LINK_LOSS, 1);
}

uint64_t fw_session_deadline(const fw_pump *p)
{
	if (!p->session)
		return FW_NONE;
	return p->last_frame_us + (uint64_t)p->session_timeout_s * 1000000u;
}
