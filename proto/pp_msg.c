/*
 * pp_msg.c - typed messages <-> frame payloads, driven by pp_messages.def.
 *
 * One generic encoder and decoder walk the field descriptors, so there is no
 * per-message code to get wrong and the fuzz target covers every message.
 */
#include "pp.h"

#include <stddef.h>
#include <string.h>

static const uint8_t type_size[] = {
	[PP_T_U8] = 1, [PP_T_U16] = 2, [PP_T_U32] = 4,
	[PP_T_U64] = 8, [PP_T_I32] = 4, [PP_T_I64] = 8,
};

#define PP_SIZE_U8 1
#define PP_SIZE_U16 2
#define PP_SIZE_U32 4
#define PP_SIZE_U64 8
#define PP_SIZE_I32 4
#define PP_SIZE_I64 8

/* Field tables. */
#define PP_MSG(name, id, ch, doc) static const pp_field_desc fields_##name[] = {
#define PP_F(name, t, field, unit, doc) \
	{ #field, PP_T_##t, (uint16_t)offsetof(pp_##name, field), unit, doc },
#define PP_END(name) { NULL, 0, 0, NULL, NULL } };
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END

/* Wire lengths. */
enum {
#define PP_MSG(name, id, ch, doc) wire_len_##name = 0
#define PP_F(name, t, field, unit, doc) + PP_SIZE_##t
#define PP_END(name) ,
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END
};

/* Field counts. */
enum {
#define PP_MSG(name, id, ch, doc) nfields_##name = 0
#define PP_F(name, t, field, unit, doc) + 1
#define PP_END(name) ,
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END
};

#define PP_CH_PUMP_ PP_CH_PUMP
#define PP_CH_FIXTURE_ PP_CH_FIXTURE
#define PP_CH_ANY_ PP_CH_ANY

const pp_msg_desc pp_msg_descs[] = {
#define PP_MSG(name, id, ch, doc) \
	{ #name, id, PP_CH_##ch##_, wire_len_##name, sizeof(pp_##name), nfields_##name, fields_##name, doc },
#define PP_F(name, t, field, unit, doc)
#define PP_END(name)
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL },
};

/* Every message must fit a frame; a negative array size stops the build. */
#define PP_MSG(name, id, ch, doc)
#define PP_F(name, t, field, unit, doc)
#define PP_END(name) typedef char fits_##name[wire_len_##name <= PP_MAX_PAYLOAD ? 1 : -1];
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END

const pp_code_desc pp_code_descs[] = {
#define PP_CODE(table, name, value, doc) { #table, #name, value, doc },
#include "pp_codes.def"
#undef PP_CODE
	{ NULL, NULL, 0, NULL },
};

const pp_msg_desc *pp_msg_desc_find(uint8_t type)
{
	for (const pp_msg_desc *d = pp_msg_descs; d->name; d++)
		if (d->type == type)
			return d;
	return NULL;
}

const pp_msg_desc *pp_msg_desc_by_name(const char *name)
{
	for (const pp_msg_desc *d = pp_msg_descs; d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

const char *pp_code_name(const char *table, int value)
{
	for (const pp_code_desc *c = pp_code_descs; c->table; c++)
		if (c->value == value && strcmp(c->table, table) == 0)
			return c->name;
	return NULL;
}

/* The union member of every message starts at the same address. */
static uint8_t *body(pp_msg *m)
{
	return (uint8_t *)&m->u;
}

int pp_msg_pack(const pp_msg *m, pp_frame *f)
{
	const pp_msg_desc *d = pp_msg_desc_find(m->type);
	const uint8_t *src = (const uint8_t *)&m->u;
	uint8_t *p = f->payload;

	if (!d)
		return PP_ERR_TYPE;
	for (const pp_field_desc *fd = d->fields; fd->name; fd++) {
		uint8_t n = type_size[fd->type];
		uint64_t v = 0;
		switch (fd->type) {
		case PP_T_U8: { uint8_t x; memcpy(&x, src + fd->offset, 1); v = x; break; }
		case PP_T_U16: { uint16_t x; memcpy(&x, src + fd->offset, 2); v = x; break; }
		case PP_T_U32: { uint32_t x; memcpy(&x, src + fd->offset, 4); v = x; break; }
		case PP_T_I32: { int32_t x; memcpy(&x, src + fd->offset, 4); v = (uint32_t)x; break; }
		default: memcpy(&v, src + fd->offset, 8); break;
		}
		for (uint8_t i = 0; i < n; i++)
			*p++ = (uint8_t)(v >> (8 * i));
	}
	f->type = m->type;
	f->len = d->wire_len;
	if (f->version == 0)
		f->version = PP_VERSION;
	return PP_OK;
}

int pp_msg_unpack(const pp_frame *f, pp_msg *m)
{
	const pp_msg_desc *d = pp_msg_desc_find(f->type);
	const uint8_t *p = f->payload;
	uint8_t *dst;

	if (!d)
		return PP_ERR_TYPE;
	if (d->channel != PP_CH_ANY && d->channel != f->channel)
		return PP_ERR_CHANNEL;
	if (f->len < d->wire_len || f->len > PP_MAX_PAYLOAD)
		return PP_ERR_LENGTH;
	memset(m, 0, sizeof *m);
	m->type = f->type;
	dst = body(m);
	for (const pp_field_desc *fd = d->fields; fd->name; fd++) {
		uint8_t n = type_size[fd->type];
		uint64_t v = 0;
		for (int i = n - 1; i >= 0; i--)
			v = v << 8 | p[i];
		p += n;
		switch (fd->type) {
		case PP_T_U8: { uint8_t x = (uint8_t)v; memcpy(dst + fd->offset, &x, 1); break; }
		case PP_T_U16: { uint16_t x = (uint16_t)v; memcpy(dst + fd->offset, &x, 2); break; }
		case PP_T_U32: { uint32_t x = (uint32_t)v; memcpy(dst + fd->offset, &x, 4); break; }
		case PP_T_I32: { int32_t x = (int32_t)(uint32_t)v; memcpy(dst + fd->offset, &x, 4); break; }
		default: memcpy(dst + fd->offset, &v, 8); break;
		}
	}
	return PP_OK;
}

int pp_msg_encode(const pp_msg *m, uint8_t channel, uint16_t seq, uint64_t board_us,
		  uint8_t *out, size_t cap)
{
	pp_frame f;
	int r;

	memset(&f, 0, offsetof(pp_frame, payload));
	f.version = PP_VERSION;
	f.channel = channel;
	f.seq = seq;
	f.board_us = board_us;
	r = pp_msg_pack(m, &f);
	if (r < 0)
		return r;
	return pp_frame_encode(&f, out, cap);
}
