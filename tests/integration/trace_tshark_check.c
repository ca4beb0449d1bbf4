/*
 * trace_tshark_check.c - acceptance 2 of issue 7: Debian's tshark with the
 * shipped dissector decodes every message type of a recorded trace.
 *
 * usage: trace_tshark_check TSHARK PUMPHIL_LUA TRACE WORKDIR
 *
 * Runs `tshark -X lua_script:PUMPHIL_LUA -r TRACE -T json` (HOME in WORKDIR
 * so no personal profile interferes) and checks, from the JSON it prints:
 *   - as many pumphil packets as the trace holds frames, every CRC good;
 *   - every message type of pp_msg_descs decoded by name at least once;
 *   - in the synthetic run's first occurrence of each request/response
 *     (fields numbered 1, 2, 3...), every field pumphil.<msg>.<field>
 *     present with its number;
 *   - fx_state and status fields of the run (temp 37000 mdegC, rate
 *     20000 nL/h), event codes by value (START = 5);
 *   - harness events: pumphil_ev.ev for run_start, fault_on, measurement.
 * Exit 0 when all hold, 1 with one line per failure.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"
#include "trace/trace.h"
#include "trace/trace_read.h"

typedef struct seen {
	int count;         /* packets of this type */
	int first_checked; /* the numbered fields were checked */
} seen;

static int failures;

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		fprintf(stderr, "FAIL: " __VA_ARGS__);                                             \
		fputc('\n', stderr);                                                               \
		failures++;                                                                        \
	} while (0)

/* The value of key anywhere under o (tshark nests subtrees), or NULL. */
static json_t *find(json_t *o, const char *key)
{
	const char *k;
	json_t *v, *r;

	if (json_is_array(o)) {
		size_t i;
		json_array_foreach(o, i, v) if ((r = find(v, key))) return r;
		return NULL;
	}
	if (!json_is_object(o))
		return NULL;
	if ((v = json_object_get(o, key)))
		return v;
	json_object_foreach(o, k, v) if ((r = find(v, key))) return r;
	return NULL;
}

static long long num(json_t *v)
{
	const char *s = json_string_value(json_is_array(v) ? json_array_get(v, 0) : v);

	return s ? strtoll(s, NULL, 0) : -1;
}

/* Fields of a prelude message carry 1, 2, 3... */
static void check_numbered(const pp_msg_desc *d, json_t *layer)
{
	int k = 1;

	for (const pp_field_desc *f = d->fields; f->name; f++, k++) {
		char key[128];
		json_t *v;
		snprintf(key, sizeof key, "pumphil.%s.%s", d->name, f->name);
		v = find(layer, key);
		if (!v)
			FAIL("%s: field %s not decoded", d->name, key);
		else if (num(v) != k)
			FAIL("%s: %s = %lld, expected %d", d->name, key, num(v), k);
	}
}

static int is_run_reply(uint8_t type)
{
	return type == pp_type_fx_state || type == pp_type_status || type == pp_type_event;
}

static void check_packet(json_t *layers, seen *s, int *npumphil, int *ev_seen)
{
	json_t *pl = json_object_get(layers, "pumphil"),
	       *ev = json_object_get(layers, "pumphil_ev");
	const pp_msg_desc *d;
	const char *name;

	if (ev) {
		const char *e = json_string_value(find(ev, "pumphil_ev.ev"));
		ev_seen[0] |= e && !strcmp(e, "run_start");
		ev_seen[1] |= e && !strcmp(e, "fault_on");
		ev_seen[2] |= e && !strcmp(e, "measurement");
	}
	if (!pl)
		return;
	(*npumphil)++;
	name = json_string_value(find(pl, "pumphil.msg"));
	d = name ? pp_msg_desc_by_name(name) : NULL;
	if (!d) {
		FAIL("packet with message '%s' not decoded by name", name ? name : "(none)");
		return;
	}
	if (num(find(pl, "pumphil.crc.status")) != 1)
		FAIL("%s: CRC status not good", name);
	if (num(find(pl, "pumphil.type")) != d->type)
		FAIL("%s: pumphil.type %lld", name, num(find(pl, "pumphil.type")));
	if (!s[d->type].count++ && !is_run_reply(d->type)) {
		check_numbered(d, pl);
		s[d->type].first_checked = 1;
	}
	if (d->type == pp_type_fx_state && num(find(pl, "pumphil.fx_state.temp_mc")) != 37000)
		FAIL("fx_state.temp_mc = %lld", num(find(pl, "pumphil.fx_state.temp_mc")));
	if (d->type == pp_type_status && s[d->type].count == 1 &&
	    num(find(pl, "pumphil.status.rate_nl_h")) != 20000)
		FAIL("status.rate_nl_h = %lld", num(find(pl, "pumphil.status.rate_nl_h")));
	if (d->type == pp_type_event && s[d->type].count == 1 &&
	    num(find(pl, "pumphil.event.code")) != PP_EV_START)
		FAIL("event.code = %lld, expected START", num(find(pl, "pumphil.event.code")));
}

/* Frames (interfaces 0 and 1) in the trace, read with our own reader. */
static int count_frames(const char *path)
{
	char err[256];
	ph_trace_reader *r = ph_trace_reader_open(path, err, sizeof err);
	ph_trace_rec rec;
	int n = 0;

	if (!r) {
		FAIL("%s", err);
		return -1;
	}
	while (ph_trace_reader_next(r, &rec) == PH_TRACE_RECORD)
		n += rec.iface != PH_IF_EVENTS;
	ph_trace_reader_close(r);
	return n;
}

int main(int argc, char **argv)
{
	static seen s[256];
	char cmd[8192];
	int npumphil = 0, ev_seen[3] = { 0, 0, 0 }, frames;
	json_error_t jerr;
	json_t *all, *pkt;
	size_t i;
	FILE *p;

	if (argc != 5) {
		fprintf(stderr, "usage: trace_tshark_check TSHARK PUMPHIL_LUA TRACE WORKDIR\n");
		return 2;
	}
	frames = count_frames(argv[3]);
	snprintf(cmd, sizeof cmd,
	         "HOME='%s' XDG_CONFIG_HOME='%s' '%s' -n -X 'lua_script:%s' -r '%s' -T json "
	         "2>'%s/tshark.err'",
	         argv[4], argv[4], argv[1], argv[2], argv[3], argv[4]);
	p = popen(cmd, "r");
	if (!p) {
		perror("popen");
		return 1;
	}
	all = json_loadf(p, 0, &jerr);
	if (pclose(p) != 0)
		FAIL("tshark failed (see %s/tshark.err)", argv[4]);
	if (!json_is_array(all)) {
		FAIL("tshark printed no JSON: %s (line %d)", jerr.text, jerr.line);
		json_decref(all);
		return 1;
	}
	json_array_foreach(all, i, pkt) check_packet(find(pkt, "layers"), s, &npumphil, ev_seen);
	json_decref(all);
	if (npumphil != frames)
		FAIL("%d pumphil packets decoded, the trace holds %d frames", npumphil, frames);
	for (const pp_msg_desc *d = pp_msg_descs; d->name; d++)
		if (!s[d->type].count)
			FAIL("no %s (0x%02x) decoded", d->name, d->type);
	if (!ev_seen[0] || !ev_seen[1] || !ev_seen[2])
		FAIL("harness events not decoded (run_start %d, fault_on %d, measurement %d)",
		     ev_seen[0], ev_seen[1], ev_seen[2]);
	{
		int types = 0, numbered = 0;
		for (i = 0; i < sizeof s / sizeof s[0]; i++) {
			types += s[i].count > 0;
			numbered += s[i].first_checked;
		}
		printf("tshark decoded %d frames: %d message types, %d checked field by field\n",
		       npumphil, types, numbered);
	}
	return failures ? 1 : 0;
}
