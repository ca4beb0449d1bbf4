/*
 * fta_campaign.c - the Lua script of a validation campaign: one
 * fta.scenario per cut set and per single basic event (see
 * harness/lua/pumphil_fta.lua for what a scenario does).
 */
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

/* Comment lines tracing a scenario to the tree and the map: the top gate's
 * definition, each event's with the gates using it, its map entry. */
static void write_trace(FILE *f, const ph_fta_model *m, const ph_fta_map *map, const char *top,
                        const char **events, size_t n, int is_cut)
{
	const char *file, *users[4];
	long line;
	fprintf(f, "-- %s {", is_cut ? "cut set" : "single");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", events[i]);
	fprintf(f, "} of %s", top);
	if (ph_fta_model_where(m, top, &file, &line))
		fprintf(f, " (gate at %s:%ld)", file, line);
	fputs("\n", f);
	for (size_t i = 0; i < n; i++) {
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

static void write_scenario(FILE *f, const ph_fta_model *m, const ph_fta_map *map, const char *top,
                           const char **events, size_t n, int is_cut)
{
	char why[512];
	write_trace(f, m, map, top, events, n, is_cut);
	fputs("fta.scenario(with {\n  top = ", f);
	lua_str(f, top);
	fprintf(f, ", kind = \"%s\", expect_hazard = %s,\n  events = {",
	        is_cut ? "cut set" : "single", is_cut ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		lua_str(f, events[i]);
		fputs(", ", f);
	}
	fputs("},\n  oracles = {", f);
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

static int is_single_cut(const ph_fta_result *r, const char *ev)
{
	for (size_t i = 0; i < r->n_products; i++)
		if (r->products[i].order == 1 && !strcmp(r->products[i].events[0], ev))
			return 1;
	return 0;
}

static void write_top(FILE *f, const ph_fta_model *m, const ph_fta_map *map, const ph_fta_result *r)
{
	for (size_t i = 0; i < r->n_products; i++)
		write_scenario(f, m, map, r->top, r->products[i].events, r->products[i].order, 1);
	for (size_t i = 0; i < r->n_vars; i++)
		if (!is_single_cut(r, r->events[i]))
			write_scenario(f, m, map, r->top, &r->events[i], 1, 0);
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
		ph_fta_result *r = NULL;
		if (ph_fta_analyse(m, tops[t], &opt, &r, err, errlen))
			return -1;
		write_top(f, m, map, r);
		ph_fta_result_free(r);
	}
	if (ferror(f)) {
		snprintf(err, errlen, "pumphil fta validate: cannot write the campaign script");
		return -1;
	}
	return 0;
}
