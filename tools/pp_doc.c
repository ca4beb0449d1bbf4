/*
 * pp_doc.c - print PROTOCOL.md's message and code tables from the codec's
 * own descriptors, or check that PROTOCOL.md holds exactly what it prints.
 *
 *   pp_doc              print the generated section
 *   pp_doc --check FILE exit 1 (and say where) when FILE's generated section differs
 *   pp_doc --write FILE replace FILE's generated section
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"

#define BEGIN "<!-- BEGIN GENERATED: pp_doc -->\n"
#define END "<!-- END GENERATED: pp_doc -->\n"

static const char *type_name(int t)
{
	static const char *const n[] = { "u8", "u16", "u32", "u64", "i32", "i64" };
	return t >= 0 && t < 6 ? n[t] : "?";
}

static const char *channel_name(int c)
{
	return c == PP_CH_PUMP ? "pump" : c == PP_CH_FIXTURE ? "fixture" : "any";
}

static void put_messages(FILE *f)
{
	fputs("### Messages\n\n", f);
	for (const pp_msg_desc *d = pp_msg_descs; d->name; d++) {
		fprintf(f, "#### `%s` (0x%02x, %s channel, %u-byte payload)\n\n%s\n\n", d->name,
		        d->type, channel_name(d->channel), d->wire_len, d->doc);
		if (!d->nfields) {
			fputs("No fields.\n\n", f);
			continue;
		}
		fputs("| offset | field | type | unit | meaning |\n| --- | --- | --- | --- | --- "
		      "|\n",
		      f);
		unsigned off = 0;
		static const unsigned size[] = { 1, 2, 4, 8, 4, 8 };
		for (const pp_field_desc *fd = d->fields; fd->name; fd++) {
			fprintf(f, "| %u | `%s` | %s | %s | %s |\n", off, fd->name,
			        type_name(fd->type), *fd->unit ? fd->unit : "", fd->doc);
			off += size[fd->type];
		}
		fputs("\n", f);
	}
}

static void put_codes(FILE *f)
{
	const char *table = "";
	fputs("### Codes\n", f);
	for (const pp_code_desc *c = pp_code_descs; c->table; c++) {
		if (strcmp(table, c->table)) {
			table = c->table;
			fprintf(f, "\n#### %s\n\n| value | name | meaning |\n| --- | --- | --- |\n",
			        table);
		}
		fprintf(f, "| %d | `%s` | %s |\n", c->value, c->name, c->doc);
	}
}

static char *generate(size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	fputs(BEGIN, f);
	fputs("<!-- Generated from proto/pp_messages.def and proto/pp_codes.def by "
	      "tools/pp_doc.c;\n"
	      "     regenerate with `make protocol-doc`. A test fails when this section is stale. "
	      "-->\n\n",
	      f);
	put_messages(f);
	put_codes(f);
	fputs("\n" END, f);
	fclose(f);
	return buf;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = 0;
	*len = (size_t)n;
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	size_t glen, flen;
	char *gen = generate(&glen), *file, *b, *e;
	int status = 0;

	if (!gen)
		return 2;
	if (argc == 1) {
		fputs(gen, stdout);
		free(gen);
		return 0;
	}
	if (argc != 3 || (strcmp(argv[1], "--check") && strcmp(argv[1], "--write"))) {
		fprintf(stderr, "usage: pp_doc [--check|--write FILE]\n");
		free(gen);
		return 2;
	}
	file = slurp(argv[2], &flen);
	if (!file || !(b = strstr(file, BEGIN)) || !(e = strstr(b, END))) {
		fprintf(stderr, "%s: no generated section (markers missing)\n", argv[2]);
		free(gen);
		free(file);
		return 2;
	}
	e += strlen(END);
	if (!strcmp(argv[1], "--check")) {
		if ((size_t)(e - b) != glen || memcmp(b, gen, glen)) {
			fprintf(stderr,
			        "%s: the generated protocol tables are stale; run `make "
			        "protocol-doc`\n",
			        argv[2]);
			status = 1;
		}
	} else {
		FILE *f = fopen(argv[2], "wb");
		if (!f || fwrite(file, 1, (size_t)(b - file), f) != (size_t)(b - file) ||
		    fwrite(gen, 1, glen, f) != glen || fputs(e, f) < 0 || fclose(f) != 0) {
			fprintf(stderr, "%s: cannot write\n", argv[2]);
			status = 2;
		}
	}
	free(gen);
	free(file);
	return status;
}
