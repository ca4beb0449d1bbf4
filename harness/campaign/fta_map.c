/*
 * fta_map.c - reading and checking the validation mapping file.
 */
#include "campaign/fta_map.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fw_plant.h" /* the reference firmware's planted-bug list (a declared dependency) */

#define PLANT_NAME(n) #n,
static const char *const plants[] = { FW_PLANTS(PLANT_NAME) NULL };
static const char *const oracles[] = { "over_infusion", "under_infusion_undetected",
	                               "therapy_lost_without_alarm", "double_bolus", NULL };
static const char *const actions[] = { "bolus_retry", "program_corrupted", NULL };
static const char *const event_keys[] = { "inject", "requires_plant", "not_injectable", "action",
	                                  NULL };

const char *ph_fta_build_plant(void)
{
#ifdef FW_PLANT_NAME
	return FW_PLANT_NAME;
#else
	return NULL;
#endif
}

typedef struct ctx {
	const char *path;
	char *err;
	size_t errlen;
} ctx;

static int bad(const ctx *c, const char *fmt, ...)
{
	int n = snprintf(c->err, c->errlen, "%s: error: ", c->path);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

static json_t *catalogue_fault(json_t *cat, const char *name)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(cat, "faults"), i, f)
	{
		const char *n = json_string_value(json_object_get(f, "name"));
		if (n && !strcmp(n, name))
			return f;
	}
	return NULL;
}

static int check_number(const ctx *c, json_t *o, const char *key, const char *what)
{
	json_t *v = json_object_get(o, key);
	if (v && (!json_is_number(v) || json_number_value(v) < 0))
		return bad(c, "%s: '%s' must be a number >= 0", what, key);
	return 0;
}

static int check_injection(const ctx *c, json_t *cat, const char *ev, json_t *j)
{
	const char *fault = json_string_value(json_object_get(j, "fault"));
	if (!json_is_object(j) || !fault)
		return bad(c, "basic event '%s': each injection needs a \"fault\" name", ev);
	json_t *spec = catalogue_fault(cat, fault);
	if (!spec)
		return bad(c, "basic event '%s': unknown fault '%s' (not in the fault catalogue)",
		           ev, fault);
	json_t *params = json_object_get(j, "params"), *v;
	const char *k;
	if (params && !json_is_object(params))
		return bad(c, "basic event '%s': \"params\" of '%s' must be an object", ev, fault);
	json_object_foreach(params, k, v)
	{
		if (!json_object_get(json_object_get(spec, "params"), k))
			return bad(c, "basic event '%s': fault '%s' has no parameter '%s'", ev,
			           fault, k);
		if (!json_is_number(v))
			return bad(c, "basic event '%s': parameter '%s' must be a number", ev, k);
	}
	json_object_foreach(
	        j, k, v) if (!in_list((const char *const[]){ "fault", "params", "at_min",
	                                                     "duration_min", "ramp_min", NULL },
	                              k)) return bad(c,
	                                             "basic event '%s': unknown injection key '%s'",
	                                             ev, k);
	return check_number(c, j, "at_min", ev) || check_number(c, j, "duration_min", ev) ||
	       check_number(c, j, "ramp_min", ev);
}

static int check_inject(const ctx *c, json_t *cat, const char *ev, json_t *list)
{
	size_t i;
	json_t *j;
	if (!json_is_array(list) || !json_array_size(list))
		return bad(c, "basic event '%s': \"inject\" must be a non-empty list", ev);
	json_array_foreach(list, i, j) if (check_injection(c, cat, ev, j)) return -1;
	return 0;
}

static int check_basic(const ctx *c, json_t *cat, const char *ev, json_t *o)
{
	if (!json_is_object(o))
		return bad(c, "basic event '%s': the mapping must be an object", ev);
	int kinds = 0;
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		if (in_list(event_keys, k))
			kinds++;
		else if (strcmp(k, "run_h") && strcmp(k, "note"))
			return bad(c, "basic event '%s': unknown key '%s'", ev, k);
	}
	if (kinds != 1)
		return bad(c,
		           "basic event '%s': needs exactly one of inject, action, "
		           "requires_plant, not_injectable",
		           ev);
	const char *plant = json_string_value(json_object_get(o, "requires_plant"));
	const char *action = json_string_value(json_object_get(o, "action"));
	if (json_object_get(o, "inject"))
		return check_inject(c, cat, ev, json_object_get(o, "inject"));
	if (json_object_get(o, "requires_plant") && (!plant || !in_list(plants, plant)))
		return bad(c,
		           "basic event '%s': unknown planted bug '%s' (see board/fw/fw_plant.h)",
		           ev, plant ? plant : "?");
	if (json_object_get(o, "action") && (!action || !in_list(actions, action)))
		return bad(c, "basic event '%s': unknown scenario action '%s'", ev,
		           action ? action : "?");
	if (json_object_get(o, "not_injectable") &&
	    !json_is_string(json_object_get(o, "not_injectable")))
		return bad(c, "basic event '%s': \"not_injectable\" must give the reason", ev);
	return check_number(c, o, "run_h", ev);
}

/* The basic events under the tops, from the analysis (order limit 1 is
 * enough: n_vars lists every event under the top whatever the limit). */
static int tree_events(const ctx *c, const ph_fta_model *m, const char *const *tops, size_t ntops,
                       json_t *names)
{
	ph_fta_options opt;
	ph_fta_options_init(&opt);
	opt.limit_order = 1;
	for (size_t t = 0; t < ntops; t++) {
		ph_fta_result *r = NULL;
		char e[256];
		if (ph_fta_analyse(m, tops[t], &opt, &r, e, sizeof e))
			return bad(c, "top event '%s': %s", tops[t], e);
		for (size_t i = 0; i < r->n_vars; i++)
			json_object_set_new(names, r->events[i], json_true());
		ph_fta_result_free(r);
	}
	return 0;
}

static int check_tops(const ctx *c, json_t *tops, const ph_fta_model *m, const char *const *want,
                      size_t nwant)
{
	const char *k;
	json_t *v;
	json_object_foreach(tops, k, v)
	{
		size_t i, n = ph_fta_model_top_count(m);
		for (i = 0; i < n && strcmp(ph_fta_model_top(m, i), k); i++)
			;
		if (i == n)
			return bad(c, "top event '%s': not a top event of the tree", k);
		json_t *list = json_object_get(v, "oracles"), *o;
		if (!json_is_array(list) || !json_array_size(list))
			return bad(c, "top event '%s': \"oracles\" must be a non-empty list", k);
		json_array_foreach(
		        list, i,
		        o) if (!json_is_string(o) ||
		               !in_list(oracles,
		                        json_string_value(
		                                o))) return bad(c,
		                                                "top event '%s': unknown hazard "
		                                                "oracle '%s'",
		                                                k,
		                                                json_is_string(o)
		                                                        ? json_string_value(o)
		                                                        : "?");
	}
	for (size_t i = 0; i < nwant; i++)
		if (!json_object_get(tops, want[i]))
			return bad(c, "top event '%s': no hazard oracle mapped", want[i]);
	return 0;
}

static int check_houses(const ctx *c, json_t *houses, ph_fta_model *m)
{
	const char *k;
	json_t *v;
	json_object_foreach(houses, k, v)
	{
		json_t *val = json_object_get(v, "value");
		if (!json_is_boolean(val))
			return bad(c, "house event '%s': \"value\" must be true or false", k);
		if (ph_fta_model_set_house_event(m, k, json_is_true(val)))
			return bad(c, "house event '%s': not in the tree", k);
	}
	return 0;
}

static int check_basics(const ctx *c, json_t *basic, json_t *cat, json_t *in_tree)
{
	const char *k;
	json_t *v;
	json_object_foreach(basic, k, v)
	{
		if (!json_object_get(in_tree, k))
			return bad(c, "basic event '%s': not in the tree", k);
		if (check_basic(c, cat, k, v))
			return -1;
	}
	json_object_foreach(in_tree, k, v) if (!json_object_get(basic, k)) return bad(
	        c, "basic event '%s' of the tree has no mapping", k);
	return 0;
}

static int check_sections(const ctx *c, json_t *root)
{
	if (!json_is_object(root))
		return bad(c, "the map must be a JSON object");
	const char *const need[] = { "top_events", "basic_events", NULL };
	for (const char *const *s = need; *s; s++)
		if (!json_is_object(json_object_get(root, *s)))
			return bad(c, "\"%s\" must be an object", *s);
	const char *const opt[] = { "house_events", "prescription", "oracle", NULL };
	for (const char *const *s = opt; *s; s++) {
		json_t *o = json_object_get(root, *s), *v;
		const char *k;
		if (o && !json_is_object(o))
			return bad(c, "\"%s\" must be an object", *s);
		if (strcmp(*s, "house_events"))
			json_object_foreach(o, k, v) if (check_number(c, o, k, *s)) return -1;
	}
	return 0;
}

static json_t *load_json(const ctx *c, const char *path, int is_map)
{
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		if (is_map)
			snprintf(c->err, c->errlen, "%s:%d:%d: error: malformed JSON: %s", path,
			         je.line, je.column, je.text);
		else
			snprintf(c->err, c->errlen, "%s: error: fault catalogue: %s", path,
			         je.text);
	}
	return j;
}

static int check_all(const ctx *c, ph_fta_map *map, json_t *cat, ph_fta_model *m,
                     const char *const *tops, size_t ntops)
{
	json_t *in_tree = json_object();
	int rc = !in_tree ? bad(c, "out of memory") : 0;
	rc = rc || check_sections(c, map->root);
	rc = rc || check_tops(c, json_object_get(map->root, "top_events"), m, tops, ntops);
	rc = rc || check_houses(c, json_object_get(map->root, "house_events"), m);
	rc = rc || tree_events(c, m, tops, ntops, in_tree);
	rc = rc || check_basics(c, json_object_get(map->root, "basic_events"), cat, in_tree);
	json_decref(in_tree);
	return rc ? -1 : 0;
}

int ph_fta_vmap_load(ph_fta_map *map, const char *path, const char *catalogue_path, ph_fta_model *m,
                     const char *const *tops, size_t ntops, char *err, size_t errlen)
{
	ctx c = { path, err, errlen };
	memset(map, 0, sizeof *map);
	map->path = path;
	json_t *cat = load_json(&c, catalogue_path, 0);
	if (!cat)
		return -1;
	map->root = load_json(&c, path, 1);
	int rc = map->root ? check_all(&c, map, cat, m, tops, ntops) : -1;
	json_decref(cat);
	if (rc) {
		ph_fta_vmap_free(map);
		return -1;
	}
	map->basic = json_object_get(map->root, "basic_events");
	map->tops = json_object_get(map->root, "top_events");
	return 0;
}

void ph_fta_vmap_free(ph_fta_map *map)
{
	json_decref(map->root);
	map->root = map->basic = map->tops = NULL;
}

double ph_fta_vmap_number(const ph_fta_map *map, const char *section, const char *key, double def)
{
	json_t *v = json_object_get(json_object_get(map->root, section), key);
	return json_is_number(v) ? json_number_value(v) : def;
}
