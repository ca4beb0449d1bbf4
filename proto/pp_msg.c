/*
 * pp_msg.c - typed messages <-> frame payloads, driven by pp_messages.def.
 *
 * One generic encoder and decoder walk the field descriptors, so there is no
 * per-message code to get wrong and the fuzz target covers every message.
 */
#include "pp.h"

#include <stddef.h>
#include <string.h>

#define PP_SIZE_U8 1
#define PP_SIZE_U16 2
#define PP_SIZE_U32 4
#define PP_SIZE_U64 8
#define PP_SIZE_I32 4
#define PP_SIZE_I64 8

/* Field tables. */
#define PP_MSG(name, id, ch, doc) static const pp_field_desc fields_##name[] = {
#define PP_F(name, t, field, unit, doc)                                                            \
	{ #field, PP_T_##t, (uint16_t)offsetof(pp_##name, field), unit, doc },
#define PP_END(name)                                                                               \
	{                                                                                          \
		NULL, 0, 0, NULL, NULL                                                             \
	}                                                                                          \
	}                                                                                          \
	;
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END

/* Wire lengths. */
enum {
#define PP_MSG(name, id, ch, doc) wire_len_##name = 0
#define PP_F(name, t, field, unit, doc) +PP_SIZE_##t
#define PP_END(name) ,
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END
};

/* Field counts. */
enum {
#define PP_MSG(name, id, ch, doc) nfields_##name = 0
#define PP_F(name, t, field, unit, doc) +1
#define PP_END(name) ,
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END
};

/* Position of each message in pp_msg_descs. */
enum {
#define PP_MSG(name, id, ch, doc) msg_index_##name,
#define PP_F(name, t, field, unit, doc)
#define PP_END(name)
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END
};

#define PP_CH_PUMP_ PP_CH_PUMP
#define PP_CH_FIXTURE_ PP_CH_FIXTURE
#define PP_CH_ANY_ PP_CH_ANY

const pp_msg_desc pp_msg_descs[] = {
#define PP_MSG(name, id, ch, doc)                                                                  \
	{ #name,         id, PP_CH_##ch##_, wire_len_##name, sizeof(pp_##name), nfields_##name,    \
	  fields_##name, doc },
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

/* Index of each type's descriptor + 1 (0 = unknown), generated. */
static const uint8_t desc_index[256] = {
#define PP_MSG(name, id, ch, doc) [id] = 1 + msg_index_##name,
#define PP_F(name, t, field, unit, doc)
#define PP_END(name)
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END
};

const pp_msg_desc *pp_msg_desc_find(uint8_t type)
{
	return desc_index[type] ? &pp_msg_descs[desc_index[type] - 1] : NULL;
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

/* Packing and unpacking are generated per message from the same table as
 * the descriptors: straight-line code per field, no table walk at run time. */
static uint8_t *put_U8(uint8_t *p, uint8_t v)
{
	*p = v;
	return p + 1;
}
static uint8_t *put_U16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}
static uint8_t *put_U32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	return p + 4;
}
static uint8_t *put_U64(uint8_t *p, uint64_t v)
{
	put_U32(p, (uint32_t)v);
	return put_U32(p + 4, (uint32_t)(v >> 32));
}
static uint8_t *put_I32(uint8_t *p, int32_t v)
{
	return put_U32(p, (uint32_t)v);
}
static uint8_t *put_I64(uint8_t *p, int64_t v)
{
	return put_U64(p, (uint64_t)v);
}

static const uint8_t *get_U8(const uint8_t *p, uint8_t *v)
{
	*v = p[0];
	return p + 1;
}
static const uint8_t *get_U16(const uint8_t *p, uint16_t *v)
{
	*v = (uint16_t)(p[0] | p[1] << 8);
	return p + 2;
}
static const uint8_t *get_U32(const uint8_t *p, uint32_t *v)
{
	*v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return p + 4;
}
static const uint8_t *get_U64(const uint8_t *p, uint64_t *v)
{
	uint32_t lo, hi;
	get_U32(p, &lo);
	get_U32(p + 4, &hi);
	*v = (uint64_t)hi << 32 | lo;
	return p + 8;
}
static const uint8_t *get_I32(const uint8_t *p, int32_t *v)
{
	uint32_t u;
	p = get_U32(p, &u);
	*v = (int32_t)u;
	return p;
}
static const uint8_t *get_I64(const uint8_t *p, int64_t *v)
{
	uint64_t u;
	p = get_U64(p, &u);
	*v = (int64_t)u;
	return p;
}

static int pack_body(const pp_msg *m, uint8_t *p)
{
	switch (m->type) {
#define PP_MSG(name, id, ch, doc)                                                                  \
	case id: {                                                                                 \
		const pp_##name *s = &m->u.name;                                                   \
		(void)s;
#define PP_F(name, t, field, unit, doc) p = put_##t(p, s->field);
#define PP_END(name)                                                                               \
	(void)p;                                                                                   \
	return PP_OK;                                                                              \
	}
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END
	default: return PP_ERR_TYPE;
	}
}

static void unpack_body(pp_msg *m, const uint8_t *p)
{
	switch (m->type) {
#define PP_MSG(name, id, ch, doc)                                                                  \
	case id: {                                                                                 \
		pp_##name *s = &m->u.name;                                                         \
		(void)s;
#define PP_F(name, t, field, unit, doc) p = get_##t(p, &s->field);
#define PP_END(name)                                                                               \
	(void)p;                                                                                   \
	return;                                                                                    \
	}
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END
	default: return;
	}
}

int pp_msg_pack(const pp_msg *m, pp_frame *f)
{
	const pp_msg_desc *d = pp_msg_desc_find(m->type);

	if (!d || pack_body(m, f->payload) != PP_OK)
		return PP_ERR_TYPE;
	f->type = m->type;
	f->len = d->wire_len;
	if (f->version == 0)
		f->version = PP_VERSION;
	return PP_OK;
}

int pp_msg_unpack(const pp_frame *f, pp_msg *m)
{
	const pp_msg_desc *d = pp_msg_desc_find(f->type);

	if (!d)
		return PP_ERR_TYPE;
	if (d->channel != PP_CH_ANY && d->channel != f->channel)
		return PP_ERR_CHANNEL;
	if (f->len < d->wire_len || f->len > PP_MAX_PAYLOAD)
		return PP_ERR_LENGTH;
	memset(&m->u, 0, d->struct_size);
	m->type = f->type;
	unpack_body(m, f->payload);
	return PP_OK;
}

int pp_msg_encode(const pp_msg *m, uint8_t channel, uint16_t seq, uint64_t board_us, uint8_t *out,
                  size_t cap)
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
