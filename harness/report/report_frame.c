/*
 * report_frame.c - a wire frame as one line of text for the report's
 * "events around a failure" table: message name and every field, with
 * protocol codes shown by name.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pp.h"
#include "report_trace.h"

/* Fields whose values are codes of a pp_codes.def table. */
static const struct {
	const char *msg, *field, *table;
} code_fields[] = {
	{ "event", "code", "EV" },       { "event", "alarm", "ALARM" },
	{ "event", "priority", "PRIO" }, { "nak", "code", "NAK" },
	{ "ack", "result", "REFUSE" },   { "bolus_result", "result", "REFUSE" },
	{ "status", "mode", "MODE" },    { "rx_begin", "mode", "MODE" },
	{ "fx_set", "param", "FX" },     { "bolus", "kind", "BOLUS" },
	{ "hook", "hook", "HOOK" },      { "alarm_ack", "alarm", "ALARM" },
	{ "log_entry", "code", "EV" },
};

static const char *code_table(const char *msg, const char *field)
{
	for (size_t i = 0; i < sizeof code_fields / sizeof *code_fields; i++)
		if (!strcmp(code_fields[i].msg, msg) && !strcmp(code_fields[i].field, field))
			return code_fields[i].table;
	return NULL;
}

static long long field_value(const void *base, const pp_field_desc *fd)
{
	const unsigned char *p = (const unsigned char *)base + fd->offset;
	switch (fd->type) {
	case PP_T_U8: return *(const uint8_t *)p;
	case PP_T_U16: return *(const uint16_t *)p;
	case PP_T_U32: return *(const uint32_t *)p;
	case PP_T_U64: return (long long)*(const uint64_t *)p;
	case PP_T_I32: return *(const int32_t *)p;
	default: return *(const int64_t *)p;
	}
}

/* Append printf output at *len, never past cap - 1. */
static void add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len + 1 >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + (size_t)n < cap ? *len + (size_t)n : cap - 1;
}

static void fields_text(const pp_msg_desc *d, const pp_msg *m, char *buf, size_t cap, size_t *len)
{
	for (unsigned i = 0; i < d->nfields; i++) {
		const pp_field_desc *fd = &d->fields[i];
		long long v = field_value(&m->u, fd);
		const char *table = code_table(d->name, fd->name);
		const char *name = table ? pp_code_name(table, (int)v) : NULL;

		if (table && !strcmp(table, "REFUSE") && v == 0)
			name = "OK";
		if (name)
			add(buf, cap, len, " %s=%s", fd->name, name);
		else if (!strcmp(fd->name, "fw_version")) /* major<<16 | minor<<8 | patch */
			add(buf, cap, len, " fw_version=%lld.%lld.%lld", v >> 16, v >> 8 & 0xff,
			    v & 0xff);
		else
			add(buf, cap, len, " %s=%lld", fd->name, v);
	}
}

void ph_report_frame_text(const uint8_t *wire, size_t n, char *buf, size_t cap)
{
	pp_frame f;
	pp_msg m;
	size_t len = 0;

	if (cap == 0)
		return;
	buf[0] = 0;
	if (n > 0 && wire[n - 1] == 0)
		n--;
	int r = pp_frame_decode(wire, n, &f);
	if (r != PP_OK) {
		snprintf(buf, cap, "undecodable frame (%zu bytes): %s", n, pp_strerror(r));
		return;
	}
	const pp_msg_desc *d = pp_msg_desc_find(f.type);
	if (!d || pp_msg_unpack(&f, &m) != PP_OK) {
		snprintf(buf, cap,
		         "frame type 0x%02x seq %u (%u payload bytes): not a known message", f.type,
		         f.seq, f.len);
		return;
	}
	add(buf, cap, &len, "%s seq=%u%s", d->name, (unsigned)f.seq,
	    f.flags & PP_FLAG_RETRY ? " (retry)" : "");
	fields_text(d, &m, buf, cap, &len);
}
