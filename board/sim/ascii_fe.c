/*
 * ascii_fe.c - the ASCII command set in front of the firmware (see
 * ascii_fe.h).
 */
#include "ascii_fe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"

#define LINE_MAX_LEN 512

struct ascii_fe {
	bench *b;
	ascii_fe_write_fn write;
	void *ud;
	uint16_t seq;
	uint32_t acks[32]; /* events to acknowledge once the bench returns */
	unsigned nacks;
	size_t n;
	int overlong;
	char line[LINE_MAX_LEN];
};

static const struct {
	const char *verb, *message;
} verbs[] = {
	{ "SESSION", "session_open" }, { "BYE", "session_close" }, { "STATUS", "interrogate" },
	{ "PROG", "rx_begin" },        { "STEP", "rx_step" },      { "VERIFY", "rx_verify" },
	{ "COMMIT", "rx_commit" },     { "START", "start" },       { "STOP", "stop" },
	{ "BOLUS", "bolus" },          { "REFILL", "refill" },     { "ACK", "alarm_ack" },
	{ "ALTEST", "alarm_test" },    { "CLOCK", "clock_set" },   { "LOG", "log_read" },
	{ "DRUGLIB", "druglib_set" },
};

const char *ascii_fe_verb(const char *message)
{
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (!strcmp(verbs[i].message, message))
			return verbs[i].verb;
	return NULL;
}

ascii_fe *ascii_fe_new(bench *b, ascii_fe_write_fn w, void *ud)
{
	ascii_fe *fe = calloc(1, sizeof *fe);
	if (fe) {
		fe->b = b;
		fe->write = w;
		fe->ud = ud;
	}
	return fe;
}

void ascii_fe_free(ascii_fe *fe)
{
	free(fe);
}

static void say(ascii_fe *fe, const char *s)
{
	fe->write(fe->ud, (const uint8_t *)s, strlen(s));
}

static int64_t field_get(const uint8_t *body, const pp_field_desc *f)
{
	switch (f->type) {
	case PP_T_U8: return body[f->offset];
	case PP_T_U16: {
		uint16_t x;
		memcpy(&x, body + f->offset, 2);
		return x;
	}
	case PP_T_U32: {
		uint32_t x;
		memcpy(&x, body + f->offset, 4);
		return x;
	}
	case PP_T_I32: {
		int32_t x;
		memcpy(&x, body + f->offset, 4);
		return x;
	}
	default: {
		int64_t x;
		memcpy(&x, body + f->offset, 8);
		return x;
	}
	}
}

static void field_set(uint8_t *body, const pp_field_desc *f, int64_t v)
{
	switch (f->type) {
	case PP_T_U8: body[f->offset] = (uint8_t)v; break;
	case PP_T_U16: {
		uint16_t x = (uint16_t)v;
		memcpy(body + f->offset, &x, 2);
		break;
	}
	case PP_T_U32: {
		uint32_t x = (uint32_t)v;
		memcpy(body + f->offset, &x, 4);
		break;
	}
	case PP_T_I32: {
		int32_t x = (int32_t)v;
		memcpy(body + f->offset, &x, 4);
		break;
	}
	default: memcpy(body + f->offset, &v, 8); break;
	}
}

/* " KEY=VALUE" for every field of m except skip, into out. */
static size_t put_fields(char *out, size_t cap, const pp_msg *m, const char *skip)
{
	const pp_msg_desc *d = pp_msg_desc_find(m->type);
	size_t used = 0;

	for (const pp_field_desc *f = d->fields; f->name && used < cap; f++) {
		if (skip && !strcmp(f->name, skip))
			continue;
		used += (size_t)snprintf(out + used, cap - used, " ");
		for (const char *c = f->name; *c && used + 1 < cap; c++)
			out[used++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		out[used] = 0;
		used += (size_t)snprintf(out + used, cap - used, "=%lld",
		                         (long long)field_get((const uint8_t *)&m->u, f));
	}
	return used < cap ? used : cap - 1;
}

/* A field of d named like key (case-insensitive). */
static const pp_field_desc *field_by_key(const pp_msg_desc *d, const char *key, size_t n)
{
	for (const pp_field_desc *f = d->fields; f->name; f++) {
		size_t i = 0;
		for (; i < n && f->name[i]; i++) {
			char k = key[i] >= 'A' && key[i] <= 'Z' ? (char)(key[i] + 32) : key[i];
			if (k != f->name[i])
				break;
		}
		if (i == n && !f->name[n])
			return f;
	}
	return NULL;
}

/* Parse one command line into m; NULL or why it cannot. */
static const char *parse(char *line, pp_msg *m)
{
	char *save = NULL, *verb = strtok_r(line, " \t", &save), *tok;
	const pp_msg_desc *d = NULL;

	if (!verb)
		return "empty line";
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0] && !d; i++)
		if (!strcmp(verbs[i].verb, verb))
			d = pp_msg_desc_by_name(verbs[i].message);
	if (!d)
		return "unknown verb";
	memset(m, 0, sizeof *m);
	m->type = d->type;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		char *eq = strchr(tok, '='), *end;
		const pp_field_desc *f = eq ? field_by_key(d, tok, (size_t)(eq - tok)) : NULL;
		if (!f)
			return "unknown key";
		long long v = strtoll(eq + 1, &end, 0);
		if (end == eq + 1 || *end)
			return "bad value";
		field_set((uint8_t *)&m->u, f, v);
	}
	return NULL;
}

static void command(ascii_fe *fe, char *line)
{
	uint8_t wire[PP_MAX_WIRE];
	char out[96];
	pp_msg m;
	const char *why = parse(line, &m);
	int n;

	if (why) {
		snprintf(out, sizeof out, "ERR 254 %s\n", why);
		say(fe, out);
		return;
	}
	n = pp_msg_encode(&m, PP_CH_PUMP, ++fe->seq, 0, wire, sizeof wire);
	if (n <= 0) {
		say(fe, "ERR 254 cannot encode\n");
		return;
	}
	bench_rx(fe->b, PP_CH_PUMP, wire, (size_t)n);
}

void ascii_fe_poll(ascii_fe *fe)
{
	for (unsigned i = 0; i < fe->nacks; i++) {
		pp_msg ack = { .type = pp_type_event_ack };
		uint8_t w[PP_MAX_WIRE];
		ack.u.event_ack.evseq = fe->acks[i];
		int k = pp_msg_encode(&ack, PP_CH_PUMP, ++fe->seq, 0, w, sizeof w);
		if (k > 0)
			bench_rx(fe->b, PP_CH_PUMP, w, (size_t)k);
	}
	fe->nacks = 0;
}

void ascii_fe_line_rx(ascii_fe *fe, const uint8_t *bytes, size_t n)
{
	ascii_fe_poll(fe);
	for (size_t i = 0; i < n; i++) {
		char c = (char)bytes[i];
		if (c == '\n') {
			fe->line[fe->n] = 0;
			if (fe->n && fe->line[fe->n - 1] == '\r')
				fe->line[--fe->n] = 0;
			if (fe->overlong)
				say(fe, "ERR 254 line too long\n");
			else if (fe->n)
				command(fe, fe->line);
			fe->n = 0;
			fe->overlong = 0;
		} else if (fe->n + 1 < sizeof fe->line) {
			fe->line[fe->n++] = c;
		} else {
			fe->overlong = 1;
		}
	}
}

static void upper(char *dst, size_t cap, const char *src)
{
	size_t i = 0;
	for (; src[i] && i + 1 < cap; i++)
		dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
	dst[i] = 0;
}

void ascii_fe_bench_tx(ascii_fe *fe, const uint8_t *wire, size_t n)
{
	char out[LINE_MAX_LEN], name[40];
	size_t used;
	pp_frame f;
	pp_msg m;

	if (n < 2 || pp_frame_decode(wire, n - 1, &f) != PP_OK || pp_msg_unpack(&f, &m) != PP_OK)
		return;
	const pp_msg_desc *d = pp_msg_desc_find(m.type);
	if (m.type == pp_type_event) {
		/* The front-end is the host for the firmware: it acks, after
		 * the bench call that sent the event returned (ascii_fe_poll). */
		if (fe->nacks < sizeof fe->acks / sizeof fe->acks[0])
			fe->acks[fe->nacks++] = m.u.event.evseq;
		const char *ev = pp_code_name("EV", m.u.event.code);
		upper(name, sizeof name, ev ? ev : "EVENT");
		used = (size_t)snprintf(out, sizeof out, "!%s", name);
		used += put_fields(out + used, sizeof out - used, &m, NULL);
	} else if (m.type == pp_type_ack) {
		used = m.u.ack.result ? (size_t)snprintf(out, sizeof out, "ERR %u", m.u.ack.result)
		                      : (size_t)snprintf(out, sizeof out, "OK");
		used += put_fields(out + used, sizeof out - used, &m, "result");
	} else if (m.type == pp_type_nak) {
		used = (size_t)snprintf(out, sizeof out, "NAK %u", m.u.nak.code);
		used += put_fields(out + used, sizeof out - used, &m, "code");
	} else {
		upper(name, sizeof name, d->name);
		used = (size_t)snprintf(out, sizeof out, "%s", name);
		used += put_fields(out + used, sizeof out - used, &m, NULL);
	}
	snprintf(out + used, sizeof out - used, " BOARD_US=%llu\n", (unsigned long long)f.board_us);
	say(fe, out);
}
