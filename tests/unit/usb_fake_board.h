/*
 * usb_fake_board.h - a tiny board for the virtual USB device's own tests,
 * so the transport is tested without the real firmware: it answers
 * interrogate with a status (serial 4242, same seq), fx_read with an
 * fx_state, and emits an `event` every event_every_ns when set.
 */
#ifndef USB_FAKE_BOARD_H
#define USB_FAKE_BOARD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"
#include "usb/vusb.h"

#define FAKE_SERIAL 4242
#define FAKE_MAXQ 32

typedef struct fake_board {
	ph_vusb_tx_fn tx;
	void *ud;
	int64_t now;
	int64_t event_every_ns, next_event;
	uint32_t evseq, frames_rx;
	pp_deframer d[PP_CH_COUNT];
	int nq;
	uint8_t qch[FAKE_MAXQ];
	size_t qn[FAKE_MAXQ];
	uint8_t q[FAKE_MAXQ][PP_MAX_WIRE];
} fake_board;

typedef struct fake_board_arg {
	int64_t event_every_ns;
} fake_board_arg;

static inline void *fake_create(const void *arg, ph_vusb_tx_fn tx, void *ud)
{
	const fake_board_arg *a = arg;
	fake_board *b = calloc(1, sizeof *b);

	if (!b)
		return NULL;
	b->tx = tx;
	b->ud = ud;
	b->event_every_ns = a ? a->event_every_ns : 0;
	b->next_event = b->event_every_ns ? b->event_every_ns : INT64_MAX;
	pp_deframer_init(&b->d[0]);
	pp_deframer_init(&b->d[1]);
	return b;
}

static inline void fake_destroy(void *board)
{
	free(board);
}

static inline void fake_queue(fake_board *b, uint8_t ch, const pp_msg *m, uint16_t seq)
{
	int n;

	if (b->nq == FAKE_MAXQ)
		return;
	n = pp_msg_encode(m, ch, seq, (uint64_t)(b->now / 1000), b->q[b->nq], PP_MAX_WIRE);
	if (n <= 0)
		return;
	b->qch[b->nq] = ch;
	b->qn[b->nq++] = (size_t)n;
}

static inline void fake_answer(fake_board *b, uint8_t ch, const pp_frame *f)
{
	pp_msg m;

	memset(&m, 0, sizeof m);
	b->frames_rx++;
	if (f->type == pp_type_interrogate) {
		m.type = pp_type_status;
		m.u.status.serial = FAKE_SERIAL;
		m.u.status.fw_version = 0x010000;
		m.u.status.resets = b->frames_rx;
	} else if (f->type == pp_type_fx_read) {
		m.type = pp_type_fx_state;
		m.u.fx_state.supply_mv = 3600;
	} else {
		return;
	}
	fake_queue(b, ch, &m, f->seq);
}

static inline void fake_rx(void *board, uint8_t ch, const uint8_t *wire, size_t n)
{
	fake_board *b = board;
	size_t len;
	pp_frame f;

	if (ch >= PP_CH_COUNT)
		return;
	while ((len = pp_deframer_push(&b->d[ch], &wire, &n)) > 0)
		if (pp_frame_decode(b->d[ch].buf, len, &f) == PP_OK)
			fake_answer(b, ch, &f);
}

static inline void fake_advance(void *board, int64_t t)
{
	fake_board *b = board;

	b->now = t;
	for (int i = 0; i < b->nq; i++)
		b->tx(b->ud, b->qch[i], b->q[i], b->qn[i], t);
	b->nq = 0;
	while (b->next_event <= t) {
		pp_msg m;
		memset(&m, 0, sizeof m);
		m.type = pp_type_event;
		m.u.event.evseq = ++b->evseq;
		fake_queue(b, PP_CH_PUMP, &m, 0);
		b->tx(b->ud, b->qch[0], b->q[0], b->qn[0], t);
		b->nq = 0;
		b->next_event += b->event_every_ns;
	}
}

static inline int64_t fake_next(void *board)
{
	fake_board *b = board;
	return b->nq ? b->now : b->next_event;
}

static const ph_vusb_board_ops fake_board_ops = {
	.create = fake_create,
	.destroy = fake_destroy,
	.rx = fake_rx,
	.advance = fake_advance,
	.next_event_ns = fake_next,
};

#endif
