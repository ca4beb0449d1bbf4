/*
 * gen_dissector.c - the message and code tables of tools/wireshark/pumphil.lua,
 * printed from the codec's own descriptors (proto/pp_messages.def and
 * proto/pp_codes.def through pp_msg_descs and pp_code_descs), so the
 * dissector cannot drift from the protocol.
 *
 *   gen_dissector              print the generated section
 *   gen_dissector --check FILE exit 1 when FILE's generated section differs
 *   gen_dissector --write FILE replace FILE's generated section
 *
 * Which field shows which code table is said here (the .def files do not
 * say it); a mapping that names a field the protocol no longer has stops
 * the generator, so the check fails until this table is fixed too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"

#define BEGIN "-- BEGIN GENERATED: gen_dissector\n"
#define END "-- END GENERATED: gen_dissector\n"

/* Field -> value table.  "TYPE" is the message names, "ALARM_MASK" a bit
 * mask of alarm codes. */
static const struct {
	const char *msg, *field, *table;
} code_fields[] = {
	{ "rx_begin", "mode", "MODE" },
	{ "bolus", "kind", "BOLUS" },
	{ "alarm_ack", "alarm", "ALARM" },
	{ "hook", "hook", "HOOK" },
	{ "fx_set", "param", "FX" },
	{ "ack", "req_type", "TYPE" },
	{ "ack", "result", "REFUSE" },
	{ "status", "mode", "MODE" },
	{ "status", "alarms", "ALARM_MASK" },
	{ "status", "bolus_active", "BOLUS" },
	{ "bolus_result", "result", "REFUSE" },
	{ "log_entry", "code", "EV" },
	{ "event", "code", "EV" },
	{ "event", "alarm", "ALARM" },
	{ "event", "priority", "PRIO" },
	{ "nak", "code", "NAK" },
	{ "nak", "req_type", "TYPE" },
};

static const char *const type_names[] = { "u8", "u16", "u32", "u64", "i32", "i64" };

/* Lua string literal of s. */
static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static const char *table_of(const char *msg, const char *field)
{
	for (size_t i = 0; i < sizeof code_fields / sizeof code_fields[0]; i++)
		if (!strcmp(code_fields[i].msg, msg) && !strcmp(code_fields[i].field, field))
			return code_fields[i].table;
	return NULL;
}

/* Every mapping must name an existing field of an existing message. */
static int check_mappings(void)
{
	for (size_t i = 0; i < sizeof code_fields / sizeof code_fields[0]; i++) {
		const pp_msg_desc *d = pp_msg_desc_by_name(code_fields[i].msg);
		const pp_field_desc *fd = NULL;
		if (d)
			for (fd = d->fields; fd->name && strcmp(fd->name, code_fields[i].field);
			     fd++)
				;
		if (!d || !fd || !fd->name) {
			fprintf(stderr,
			        "gen_dissector: %s.%s no longer exists; fix code_fields[]\n",
			        code_fields[i].msg, code_fields[i].field);
			return -1;
		}
	}
	return 0;
}

static void put_codes(FILE *f)
{
	const char *table = NULL;

	fputs("local codes = {\n", f);
	for (const pp_code_desc *c = pp_code_descs; c->table; c++) {
		if (!table || strcmp(table, c->table)) {
			if (table)
				fputs("\t},\n", f);
			table = c->table;
			fprintf(f, "\t%s = {\n", table);
		}
		fprintf(f, "\t\t[%d] = \"%s\",\n", c->value, c->name);
	}
	if (table)
		fputs("\t},\n", f);
	fputs("}\n\n", f);
}

static void put_messages(FILE *f)
{
	fputs("local messages = {\n", f);
	for (const pp_msg_desc *d = pp_msg_descs; d->name; d++) {
		fprintf(f,
		        "\t[0x%02x] = {\n\t\tname = \"%s\",\n\t\tchannel = \"%s\",\n\t\tlen = "
		        "%u,\n",
		        d->type, d->name,
		        d->channel == PP_CH_PUMP      ? "pump"
		        : d->channel == PP_CH_FIXTURE ? "fixture"
		                                      : "any",
		        d->wire_len);
		fputs("\t\tdoc = ", f);
		put_str(f, d->doc);
		fputs(",\n\t\tfields = {\n", f);
		for (const pp_field_desc *fd = d->fields; fd->name; fd++) {
			const char *t = table_of(d->name, fd->name);
			fprintf(f, "\t\t\t{ name = \"%s\", type = \"%s\", unit = \"%s\"", fd->name,
			        type_names[fd->type], fd->unit);
			if (t)
				fprintf(f, ", codes = \"%s\"", t);
			fputs(", doc = ", f);
			put_str(f, fd->doc);
			fputs(" },\n", f);
		}
		fputs("\t\t},\n\t},\n", f);
	}
	fputs("}\n", f);
}

static char *generate(size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	fputs(BEGIN, f);
	fputs("-- Generated from proto/pp_messages.def and proto/pp_codes.def by\n"
	      "-- tools/wireshark/gen_dissector.c; regenerate with\n"
	      "--   build/tests/gen_dissector --write tools/wireshark/pumphil.lua\n"
	      "-- A test (trace_dissector_in_sync) fails when this section is stale.\n\n",
	      f);
	fprintf(f, "local PP_VERSION = %d\nlocal PP_HEADER_SIZE = %d\nlocal PP_CRC_SIZE = %d\n\n",
	        PP_VERSION, PP_HEADER_SIZE, PP_CRC_SIZE);
	put_codes(f);
	put_messages(f);
	fputs(END, f);
	fclose(f);
	return buf;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf) {
			buf[n] = 0;
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

static int write_back(const char *path, const char *file, const char *b, const char *e,
                      const char *gen, size_t glen)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(file, 1, (size_t)(b - file), f) != (size_t)(b - file) ||
	    fwrite(gen, 1, glen, f) != glen || fputs(e, f) < 0) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	size_t glen = 0, flen = 0;
	char *gen, *file = NULL, *b, *e;
	int status = 2;

	if (check_mappings() < 0)
		return 2;
	gen = generate(&glen);
	if (!gen)
		return 2;
	if (argc == 1) {
		fputs(gen, stdout);
		free(gen);
		return 0;
	}
	if (argc != 3 || (strcmp(argv[1], "--check") && strcmp(argv[1], "--write"))) {
		fprintf(stderr, "usage: gen_dissector [--check|--write FILE]\n");
		goto out;
	}
	file = slurp(argv[2], &flen);
	if (!file || !(b = strstr(file, BEGIN)) || !(e = strstr(b, END))) {
		fprintf(stderr, "%s: no generated section (markers missing)\n", argv[2]);
		goto out;
	}
	e += strlen(END);
	if (!strcmp(argv[1], "--check")) {
		status = (size_t)(e - b) == glen && !memcmp(b, gen, glen) ? 0 : 1;
		if (status)
			fprintf(stderr,
			        "%s: the message tables are stale (proto/*.def changed); run "
			        "gen_dissector --write %s\n",
			        argv[2], argv[2]);
	} else {
		status = write_back(argv[2], file, b, e, gen, glen) < 0 ? 2 : 0;
		if (status)
			fprintf(stderr, "%s: cannot write\n", argv[2]);
	}
out:
	free(gen);
	free(file);
	return status;
}
