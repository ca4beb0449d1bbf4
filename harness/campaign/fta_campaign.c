/*
 * fta_campaign.c - the Lua script of a validation campaign: one
 * fta.scenario per cut set and per single basic event (see
 * harness/lua/pumphil_fta.lua for what a scenario does).
 */
#include <stdlib.h>
#include <string.h>

#include "campaign/fta_validate.h"

/* A Lua string literal: printable ASCII as is, the rest as \ddd. */
static void lua_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p > 0x7e)
			fprintf(f, "\\%03u", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void lua_num(FILE *f, const char *key, json_t *v, const char *unit)
{
	if (json_is_number(v))
		fprintf(f, ", %s = %.17g%s", key, json_number_value(v), unit);
}

static void write_injection(FILE *f, json_t *j)
{
	fputs("    { fault = ", f);
	lua_str(f, json_string_value(json_object_get(j, "fault")));
	fputs(", params = {", f);
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(j, "params"), k, v)
	        fprintf(f, " %s = %.17g,", k, json_number_value(v));
	fputs(" }", f);
	lua_num(f, "at", json_object_get(j, "at_min"), " * min");
	lua_num(f, "duration", json_object_get(j, "duration_min"), " * min");
	lua_num(f, "ramp", json_object_get(j, "ramp_min"), " * min");
	fputs(" },\n", f);
}

/* Why the scenario of events[] cannot run on this build, or NULL. */
static const char *skip_reason(const ph_fta_map *map, const char **events, size_t n, char *buf,
                               size_t len)
{
	const char *plant = ph_fta_build_plant();
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_object_get(map->basic, events[i]);
		const char *why = json_string_value(json_object_get(e, "not_injectable"));
		const char *need = json_string_value(json_object_get(e, "requires_plant"));
		if (why) {
			snprintf(buf, len, "not injectable: %s: %s", events[i], why);
			return buf;
		}
		if (need && (!plant || strcmp(plant, need))) {
			snprintf(buf, len, "not injectable on this build: %s needs the %s build",
			         events[i], need);
			return buf;
		}
	}
	return NULL;
}

static void write_faults(FILE *f, const ph_fta_map *map, const char **events, size_t n)
{
	double run_h = ph_fta_vmap_number(map, "prescription", "run_h", 4);
	fputs("  injections = {\n", f);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_object_get(map->basic, events[i]), *j;
		size_t k;
		json_array_foreach(json_object_get(e, "inject"), k, j) write_injection(f, j);
		json_t *h = json_object_get(e, "run_h");
		if (json_is_number(h) && json_number_value(h) > run_h)
			run_h = json_number_value(h);
	}
	fputs("  },\n  actions = {", f);
	for (size_t i = 0; i < n; i++) {
		const char *a = json_string_value(
		        json_object_get(json_object_get(map->basic, events[i]), "action"));
		if (a) {
			lua_str(f, a);
			fputs(", ", f);
		}
	}
	fprintf(f, "},\n  run_h = %.17g,\n", run_h);
}

/* Where an event is defined and which gates use it, as "F:L under gate G
 * (F:L), ..." after its name. */
static void event_trace(FILE *f, const ph_fta_model *m, const char *ev)
{
	const char *file, *users[4];
	long line;
	fputs(ev, f);
	if (ph_fta_model_where(m, ev, &file, &line))
		fprintf(f, " at %s:%ld", file, line);
	size_t nu = ph_fta_model_users(m, ev, users, 4);
	for (size_t k = 0; k < nu && k < 4; k++) {
		fprintf(f, "%s%s", k ? ", " : " under gate ", users[k]);
		if (ph_fta_model_where(m, users[k], &file, &line))
			fprintf(f, " (%s:%ld)", file, line);
	}
	if (nu > 4)
		fprintf(f, " and %zu more", nu - 4);
}

/* One line tracing a scenario to the tree (the top gate, each event and the
 * gates using it) and the map (each event's entry). */
static void write_trace_text(FILE *f, const ph_fta_model *m, const ph_fta_map *map, const char *top,
                             const char **events, size_t n)
{
	const char *file;
	long line;
	fprintf(f, "tree: top %s", top);
	if (ph_fta_model_where(m, top, &file, &line))
		fprintf(f, " (gate at %s:%ld)", file, line);
	for (size_t i = 0; i < n; i++) {
		fputs("; ", f);
		event_trace(f, m, events[i]);
	}
	fputs("; map:", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %s:%ld basic_events.%s", i ? "," : "", map->path,
		        ph_fta_vmap_line(map, "basic_events", events[i]), events[i]);
}

/* Comment lines tracing a scenario to the tree and the map, and the
 * scenario's `where` (its first event's map entry, where a failure points)
 * and `trace` (the same trace in one line, quoted in a failure). */
static void write_trace(FILE *f, const ph_fta_model *m, const ph_fta_map *map, const char *top,
                        const char **events, size_t n, int is_cut)
{
	const char *file;
	long line;
	fprintf(f, "-- %s {", is_cut ? "cut set" : "single");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", events[i]);
	fprintf(f, "} of %s", top);
	if (ph_fta_model_where(m, top, &file, &line))
		fprintf(f, " (gate at %s:%ld)", file, line);
	fputs("\n", f);
	for (size_t i = 0; i < n; i++) {
		const char *users[4];
		fprintf(f, "--   %s:", events[i]);
		if (ph_fta_model_where(m, events[i], &file, &line))
			fprintf(f, " %s:%ld", file, line);
		size_t nu = ph_fta_model_users(m, events[i], users, 4);
		for (size_t k = 0; k < nu && k < 4; k++) {
			fprintf(f, "%s%s", k ? ", " : ", under gate ", users[k]);
			if (ph_fta_model_where(m, users[k], &file, &line))
				fprintf(f, " (%s:%ld)", file, line);
		}
		if (nu > 4)
			fprintf(f, " and %zu more", nu - 4);
		fprintf(f, "; map %s:%ld basic_events.%s\n", map->path,
		        ph_fta_vmap_line(map, "basic_events", events[i]), events[i]);
	}
}

/* where = "MAP:LINE", trace = "tree: ...; map: ..." as Lua fields. */
static void write_where(FILE *f, const ph_fta_model *m, const ph_fta_map *map, const char *top,
                        const char **events, size_t n)
{
	char *text = NULL, where[4200];
	size_t len = 0;
	snprintf(where, sizeof where, "%s:%ld", map->path,
	         ph_fta_vmap_line(map, "basic_events", events[0]));
	fputs("  where = ", f);
	lua_str(f, where);
	FILE *t = open_memstream(&text, &len);
	if (t) {
		write_trace_text(t, m, map, top, events, n);
		if (!fclose(t)) {
			fputs(", trace = ", f);
			lua_str(f, text);
		}
	}
	free(text);
	fputs(",\n", f);
}

/* The ids under key ("hazard", "req") of the top's entry and the events'
 * (requirements a basic event's detection stands for), as a Lua list. */
static void write_ids(FILE *f, const ph_fta_map *map, const char *key, const char *top,
                      const char **events, size_t n)
{
	json_t *seen = json_object(), *id;
	size_t k;
	fprintf(f, "  %s = {", key);
	for (size_t i = 0; i <= n; i++) {
		json_t *entry = i == 0 ? json_object_get(map->tops, top)
		                       : json_object_get(map->basic, events[i - 1]);
		json_array_foreach(json_object_get(entry, key), k, id)
		{
			const char *s = json_string_value(id);
			if (s && seen && !json_object_get(seen, s)) {
				json_object_set_new(seen, s, json_true());
				lua_str(f, s);
				fputs(", ", f);
			}
		}
	}
	json_decref(seen);
	fputs("},\n", f);
}

/* What a scenario is: its events, whether the tree expects the hazard,
 * and the events this build's planted bug makes present without injection. */
typedef struct scenario {
	const char *top;
	const char **events;
	size_t n;
	int is_cut, expect;
	double p, contribution; /* a cut set's probability and share of the top's; < 0 unknown */
	const char **present;
	size_t npresent;
} scenario;

static void write_list(FILE *f, const char *key, const char **v, size_t n)
{
	fprintf(f, "  %s = {", key);
	for (size_t i = 0; i < n; i++) {
		lua_str(f, v[i]);
		fputs(", ", f);
	}
	fputs("},\n", f);
}

static void write_scenario(FILE *f, const ph_fta_model *m, const ph_fta_map *map,
                           const scenario *sc)
{
	char why[512];
	const char *top = sc->top, **events = sc->events;
	size_t n = sc->n;
	write_trace(f, m, map, top, events, n, sc->is_cut);
	fputs("fta.scenario(with {\n  top = ", f);
	lua_str(f, top);
	fprintf(f, ", kind = \"%s\", expect_hazard = %s,\n", sc->is_cut ? "cut set" : "single",
	        sc->expect ? "true" : "false");
	write_list(f, "events", events, n);
	write_list(f, "present", sc->present, sc->npresent);
	write_where(f, m, map, top, events, n);
	write_ids(f, map, "hazard", top, events, n);
	write_ids(f, map, "req", top, events, n);
	json_t *within = json_object_get(json_object_get(map->tops, top), "detect_within_min");
	if (json_is_number(within))
		fprintf(f, "  detect_within_min = %.17g,\n", json_number_value(within));
	if (sc->p >= 0)
		fprintf(f, "  probability = %.17g, contribution = %.17g,\n", sc->p,
		        sc->contribution);
	fputs("  oracles = {", f);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(json_object_get(map->tops, top), "oracles"), i, o)
	{
		lua_str(f, json_string_value(o));
		fputs(", ", f);
	}
	fputs("},\n", f);
	const char *skip = skip_reason(map, events, n, why, sizeof why);
	if (skip) {
		fputs("  skip = ", f);
		lua_str(f, skip);
		fputs(",\n", f);
	} else {
		write_faults(f, map, events, n);
	}
	fputs("})\n", f);
}

static void write_header(FILE *f, const ph_fta_map *map)
{
	const char *plant = ph_fta_build_plant();
	fputs("-- Generated by `pumphil fta validate`: one scenario per cut set and per\n"
	      "-- single basic event (harness/lua/pumphil_fta.lua, docs/fta.md).\n"
	      "local fta = require(\"pumphil.fta\").bind(_ENV)\n"
	      "suite { name = \"Fault-tree validation\", tags = { \"fta\" } }\n",
	      f);
	fprintf(f,
	        "local base = { plant = %s%s%s, rate_ml_day = %.17g, reservoir_ml = %.17g,\n"
	        "  settle_min = %.17g, oracle = { window_min = %.17g, limit_min = %.17g,\n"
	        "  stop_window_min = %.17g, tolerance_ul = %.17g } }\n",
	        plant ? "\"" : "", plant ? plant : "nil", plant ? "\"" : "",
	        ph_fta_vmap_number(map, "prescription", "rate_ml_day", 1),
	        ph_fta_vmap_number(map, "prescription", "reservoir_ml", 20),
	        ph_fta_vmap_number(map, "prescription", "settle_min", 10),
	        ph_fta_vmap_number(map, "oracle", "window_min", 60),
	        ph_fta_vmap_number(map, "oracle", "limit_min", 30),
	        ph_fta_vmap_number(map, "oracle", "stop_window_min", 30),
	        ph_fta_vmap_number(map, "oracle", "tolerance_ul", 20));
	fputs("local function with(t)\n"
	      "  for k, v in pairs(base) do if t[k] == nil then t[k] = v end end\n"
	      "  return t\n"
	      "end\n",
	      f);
}

/* Whether the set events[] plus present[] holds a whole product of r. */
static int holds_cut_set(const ph_fta_result *r, const char **events, size_t n,
                         const char **present, size_t np)
{
	for (size_t i = 0; i < r->n_products; i++) {
		size_t k, hit = 0;
		for (k = 0; k < r->products[i].order; k++) {
			const char *e = r->products[i].events[k];
			int in = 0;
			for (size_t j = 0; j < n && !in; j++)
				in = !strcmp(events[j], e);
			for (size_t j = 0; j < np && !in; j++)
				in = !strcmp(present[j], e);
			hit += (size_t)in;
		}
		if (hit == r->products[i].order)
			return 1;
	}
	return 0;
}

static int is_single_cut(const ph_fta_result *r, const char *ev)
{
	for (size_t i = 0; i < r->n_products; i++)
		if (r->products[i].order == 1 && !strcmp(r->products[i].events[0], ev))
			return 1;
	return 0;
}

/* The basic events under the top that this build's planted bug produces
 * (map: requires_plant = the build's plant); returns how many, into out. */
static size_t planted_events(const ph_fta_map *map, const ph_fta_result *r, const char **out)
{
	const char *plant = ph_fta_build_plant();
	size_t n = 0;
	for (size_t i = 0; plant && i < r->n_vars; i++) {
		const char *need = json_string_value(json_object_get(
		        json_object_get(map->basic, r->events[i]), "requires_plant"));
		if (need && !strcmp(need, plant))
			out[n++] = r->events[i];
	}
	return n;
}

/* whole: the top's cut sets up to the campaign's order plus the number of
 * planted events, to judge a scenario with the planted events present. */
static void write_top(FILE *f, const ph_fta_model *m, const ph_fta_map *map, const ph_fta_result *r,
                      const ph_fta_result *whole, const char **present, size_t np)
{
	scenario sc = { .top = r->top, .present = present, .npresent = np };
	double sum = 0;
	for (size_t i = 0; i < r->n_products; i++)
		sum += r->products[i].probability;
	for (size_t i = 0; i < r->n_products; i++) {
		sc.events = r->products[i].events;
		sc.n = r->products[i].order;
		sc.is_cut = sc.expect = 1;
		sc.p = r->has_probability ? r->products[i].probability : -1;
		sc.contribution = sum > 0 ? sc.p / sum : 0;
		write_scenario(f, m, map, &sc);
	}
	sc.p = -1;
	for (size_t i = 0; i < r->n_vars; i++)
		if (!is_single_cut(r, r->events[i])) {
			sc.events = &r->events[i];
			sc.n = 1;
			sc.is_cut = 0;
			sc.expect = np && holds_cut_set(whole, sc.events, 1, present, np);
			write_scenario(f, m, map, &sc);
		}
}

static void campaign_options(ph_fta_options *opt, int order)
{
	ph_fta_options_init(opt);
	opt->limit_order = order;
	opt->no_ccf = 1; /* common-cause members are what the map injects */
}

int ph_fta_campaign_coverage(const ph_fta_model *m, const ph_fta_map *map, const char *const *tops,
                             size_t ntops, int order, json_t *arr, char *err, size_t errlen)
{
	ph_fta_options opt;
	campaign_options(&opt, order);
	for (size_t t = 0; t < ntops; t++) {
		ph_fta_result *r = NULL;
		char why[512];
		if (ph_fta_analyse(m, tops[t], &opt, &r, err, errlen))
			return -1;
		size_t run = 0;
		double p = 0, p_run = 0;
		for (size_t i = 0; i < r->n_products; i++) {
			int skipped = skip_reason(map, r->products[i].events, r->products[i].order,
			                          why, sizeof why) != NULL;
			run += !skipped;
			p += r->products[i].probability;
			p_run += skipped ? 0 : r->products[i].probability;
		}
		int known = r->has_probability && p > 0;
		json_t *o =
		        json_pack("{s:s, s:I, s:I, s:o, s:o, s:o}", "top", r->top, "cut_sets",
		                  (json_int_t)r->n_products, "exercised", (json_int_t)run,
		                  "probability", known ? json_real(p) : json_null(),
		                  "exercised_probability", known ? json_real(p_run) : json_null(),
		                  "coverage", known ? json_real(p_run / p) : json_null());
		ph_fta_result_free(r);
		if (!o || json_array_append_new(arr, o)) {
			snprintf(err, errlen, "pumphil fta validate: out of memory");
			return -1;
		}
	}
	return 0;
}

int ph_fta_write_campaign(FILE *f, const ph_fta_model *m, const ph_fta_map *map,
                          const char *const *tops, size_t ntops, int order, char *err,
                          size_t errlen)
{
	ph_fta_options opt;
	campaign_options(&opt, order);
	write_header(f, map);
	for (size_t t = 0; t < ntops; t++) {
		ph_fta_result *r = NULL, *whole = NULL;
		if (ph_fta_analyse(m, tops[t], &opt, &r, err, errlen))
			return -1;
		const char **present = calloc(r->n_vars ? r->n_vars : 1, sizeof *present);
		size_t np = present ? planted_events(map, r, present) : 0;
		ph_fta_options wopt = opt;
		wopt.limit_order = order + (int)np > 20 ? 20 : order + (int)np;
		int rc = !present ? -1
		         : np     ? ph_fta_analyse(m, tops[t], &wopt, &whole, err, errlen)
		                  : 0;
		if (!present)
			snprintf(err, errlen, "pumphil fta validate: out of memory");
		if (!rc)
			write_top(f, m, map, r, whole, present, np);
		free(present);
		ph_fta_result_free(whole);
		ph_fta_result_free(r);
		if (rc)
			return -1;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "pumphil fta validate: cannot write the campaign script");
		return -1;
	}
	return 0;
}
