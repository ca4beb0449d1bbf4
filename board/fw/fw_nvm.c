/*
 * fw_nvm.c - therapy state in non-volatile memory, two CRC'd copies.
 *
 * Layout: two slots of FW_NVM_SIZE/2 bytes.  A copy is
 *   header { magic, generation, length }  fw_persist bytes  CRC-32
 * with the CRC over header and body.  Saves alternate between the slots
 * (always overwriting the older copy), body first, then header, then CRC,
 * so a brown-out anywhere in a save leaves the other copy intact.  fw_init
 * takes the valid copy with the highest generation.
 *
 * The hal's nvm_write may never return (brown-out); nothing here relies on
 * the state after a write until the write has returned.
 */
#include <string.h>

#include "fw_internal.h"

#define NVM_MAGIC 0x50504d31u /* "PPM1" */
#define SLOT_SIZE (FW_NVM_SIZE / 2u)

typedef struct nvm_header {
	uint32_t magic;
	uint32_t gen;
	uint32_t len;
} nvm_header;

typedef char fw_nvm_fits[sizeof(nvm_header) + sizeof(fw_persist) + 4u <= SLOT_SIZE ? 1 : -1];

enum slot_state { SLOT_BLANK, SLOT_BAD, SLOT_OK };

static int blank(const nvm_header *h)
{
	const uint8_t *b = (const uint8_t *)h;
	uint8_t first = b[0];

	if (first != 0x00 && first != 0xff)
		return 0;
	for (size_t i = 1; i < sizeof *h; i++)
		if (b[i] != first)
			return 0;
	return 1;
}

/* Check one slot by streaming its body through the CRC (no second copy in RAM). */
static int slot_check(fw_pump *p, uint32_t base, nvm_header *h)
{
	const fw_hal *hal = p->hal;
	uint8_t chunk[64];
	uint32_t crc, stored, off = 0;

	if (hal->nvm_read(hal->ctx, base, h, sizeof *h) < 0)
		return SLOT_BAD;
	if (blank(h))
		return SLOT_BLANK;
	if (h->magic != NVM_MAGIC || h->len != sizeof(fw_persist))
		return SLOT_BAD;
	crc = pp_crc32(0, h, sizeof *h);
	while (off < h->len) {
		uint32_t n = h->len - off < sizeof chunk ? h->len - off : (uint32_t)sizeof chunk;
		if (hal->nvm_read(hal->ctx, base + (uint32_t)sizeof *h + off, chunk, n) < 0)
			return SLOT_BAD;
		crc = pp_crc32(crc, chunk, n);
		off += n;
	}
	if (hal->nvm_read(hal->ctx, base + (uint32_t)sizeof *h + h->len, &stored, 4) < 0)
		return SLOT_BAD;
	return stored == crc ? SLOT_OK : SLOT_BAD;
}

/* A reset may restart the board clock: shift saved times so none lies in
 * the future (the time the board was down is not counted, which keeps the
 * lockout and 24 h windows conservative). */
static void rebase(fw_pump *p)
{
	fw_persist *s = &p->ps;
	uint64_t d;

	if (p->now >= s->saved_us)
		return;
	d = s->saved_us - p->now;
	s->win_t0 = s->win_t0 > d ? s->win_t0 - d : 0;
	for (unsigned i = 0; i < FW_PB_MAX_PER_DAY; i++)
		s->pb_start[i] = s->pb_start[i] > d ? s->pb_start[i] - d : 0;
	s->wall_offset_ms += (int64_t)(d / 1000u);
}

int fw_nvm_load(fw_pump *p)
{
	nvm_header h[2];
	int st[2], pick;

	for (int i = 0; i < 2; i++)
		st[i] = slot_check(p, (uint32_t)i * SLOT_SIZE, &h[i]);
	if (st[0] != SLOT_OK && st[1] != SLOT_OK) {
		p->nvm_slot = 1; /* the first save goes to slot 0 */
		memset(&p->ps, 0, sizeof p->ps);
		return st[0] == SLOT_BLANK && st[1] == SLOT_BLANK ? FW_NVM_BLANK : FW_NVM_BAD;
	}
	if (st[0] == SLOT_OK && st[1] == SLOT_OK)
		pick = h[1].gen > h[0].gen;
	else
		pick = st[1] == SLOT_OK;
	p->hal->nvm_read(p->hal->ctx, (uint32_t)pick * SLOT_SIZE + (uint32_t)sizeof(nvm_header),
	                 &p->ps, sizeof p->ps);
	p->nvm_slot = (uint8_t)pick;
	p->nvm_gen = h[pick].gen;
	rebase(p);
	return st[!pick] == SLOT_BAD ? FW_NVM_RECOVERED : FW_NVM_LOADED;
}

void fw_nvm_save(fw_pump *p)
{
	const fw_hal *hal = p->hal;
	uint8_t slot = (uint8_t)(p->nvm_slot ^ 1u);
	uint32_t base = (uint32_t)slot * SLOT_SIZE;
	nvm_header h = { NVM_MAGIC, p->nvm_gen + 1u, (uint32_t)sizeof(fw_persist) };
	uint32_t crc;
	int r;

	p->ps.saved_us = p->now;
	crc = pp_crc32(pp_crc32(0, &h, sizeof h), &p->ps, sizeof p->ps);
	r = hal->nvm_write(hal->ctx, base + (uint32_t)sizeof h, &p->ps, sizeof p->ps);
	if (r >= 0)
		r = hal->nvm_write(hal->ctx, base, &h, sizeof h);
	if (r >= 0)
		r = hal->nvm_write(hal->ctx, base + (uint32_t)sizeof h + h.len, &crc, 4);
	p->dirty = 0;
	p->nvm_saves++;
	if (r < 0) {
		fw_alarm_cause(p, PP_ALARM_NVM_FAULT, 1);
		p->dirty = 0; /* retried at the next change, not in a tight loop */
		return;
	}
	p->nvm_slot = slot;
	p->nvm_gen = h.gen;
	fw_alarm_cause(p, PP_ALARM_NVM_FAULT, 0);
}
