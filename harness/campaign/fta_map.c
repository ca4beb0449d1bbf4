/*
 * fta_map.c - reading and checking the validation mapping file.
 */
#include "campaign/fta_map.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Where a check is: the keys from the map's root (an array index as
 * "[i]"), so a message names the entry and the line it starts on. */
typedef struct ctx {
	const char *path;
	char *err;
	size_t errlen;
	const char *text; /* the map as read, for line numbers */
	const char *keys[8];
	long index[8]; /* >= 0: keys[i] is an array and this its element */
	int depth;
	json_t *ids; /* hazard and requirement ids of the fixtures' catalogue */
} ctx;

static void push(ctx *c, const char *key, long index)
{
	if (c->depth < 8) {
		c->keys[c->depth] = key;
		c->index[c->depth] = index;
	}
	c->depth++;
}

static void pop(ctx *c)
{
	c->depth--;
}

/* Skips one JSON value at p (balanced brackets, strings); returns past it. */
static const char *skip_value(const char *p)
{
	int depth = 0;
	for (; *p; p++) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				return p;
			if (!depth)
				return p + 1;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (--depth <= 0)
				return p + 1;
		} else if (!depth && (*p == ',')) {
			return p;
		}
	}
	return p;
}

/* The line where the entry at c's keys starts: each key searched as
 * "key" after the previous one, an index by skipping that many elements. */
static long entry_line(const ctx *c)
{
	const char *p = c->text;
	if (!p)
		return 0;
	for (int i = 0; i < c->depth && i < 8 && p && *p; i++) {
		size_t n = strlen(c->keys[i]);
		const char *q = p;
		while ((q = strchr(q, '"')) &&
		       !(strncmp(q + 1, c->keys[i], n) == 0 && q[n + 1] == '"'))
			q++;
		if (!q)
			return 0;
		p = q + n + 2;
		if (c->index[i] >= 0) {
			p = strchr(p, '[');
			if (!p)
				return 0;
			p++;
			for (long k = 0; k < c->index[i] && *p; k++) {
				while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
					p++;
				p = skip_value(p);
				if (*p == ',')
					p++;
			}
			while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
				p++;
		}
	}
	long line = 1;
	for (const char *t = c->text; t < p; t++)
		line += *t == '\n';
	return line;
}

static int bad(const ctx *c, const char *fmt, ...)
{
	long line = c->depth ? entry_line(c) : 0;
	int n = line ? snprintf(c->err, c->errlen, "%s:%ld: error: ", c->path, line)
	             : snprintf(c->err, c->errlen, "%s: error: ", c->path);
	for (int i = 0; i < c->depth && i < 8 && n >= 0 && (size_t)n < c->errlen; i++) {
		n += snprintf(c->err + n, c->errlen - (size_t)n, "%s%s", i ? "." : "", c->keys[i]);
		if (c->index[i] >= 0 && n >= 0 && (size_t)n < c->errlen)
			n += snprintf(c->err + n, c->errlen - (size_t)n, "[%ld]", c->index[i]);
	}
	if (c->depth && n >= 0 && (size_t)n < c->errlen)
		n += snprintf(c->err + n, c->errlen - (size_t)n, ": ");
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	/* One line whatever the map's keys and strings hold. */
	for (char *p = c->err; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
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

static int check_number(ctx *c, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	push(c, key, -1);
	int rc = v && (!json_is_number(v) || json_number_value(v) < 0)
	                 ? bad(c, "must be a number >= 0")
	                 : 0;
	pop(c);
	return rc;
}

static int unknown_key(ctx *c, const char *k, const char *const *known);

static const char *const top_keys[] = { "oracles",           "hazard", "req",
	                                "detect_within_min", "note",   NULL };

/* o[key]: a list of ids (HAZ-..., REQ-...) of the fixtures' catalogue. */
static int check_ids(ctx *c, json_t *o, const char *key, const char *prefix)
{
	json_t *list = json_object_get(o, key), *id;
	size_t i;
	if (!list)
		return 0;
	push(c, key, -1);
	int rc = !json_is_array(list) ? bad(c, "must be a list of %s... ids", prefix) : 0;
	json_array_foreach(list, i, id)
	{
		if (rc)
			break;
		const char *s = json_string_value(id);
		if (!s || strncmp(s, prefix, strlen(prefix)))
			rc = bad(c, "'%s' is not a %s... id", s ? s : "?", prefix);
		else if (!json_object_get(c->ids, s))
			rc = bad(c, "'%s' is not in the fixtures' %s catalogue", s,
			         *prefix == 'H' ? "hazard" : "requirement");
	}
	pop(c);
	return rc;
}

/* --- units: the test language's (docs/scripting.md) ------------------------ */

typedef struct unit {
	const char *name;
	double factor; /* base units per unit */
	const char *quantity;
} unit;

static const unit units[] = {
	{ "nL", 1, "volume" },         { "uL", 1e3, "volume" },
	{ "mL", 1e6, "volume" },       { "ng", 1, "mass" },
	{ "ug", 1e3, "mass" },         { "mg", 1e6, "mass" },
	{ "ns", 1, "time" },           { "us", 1e3, "time" },
	{ "ms", 1e6, "time" },         { "s", 1e9, "time" },
	{ "min", 6e10, "time" },       { "h", 3.6e12, "time" },
	{ "day", 8.64e13, "time" },    { "Pa", 1, "pressure" },
	{ "kPa", 1e3, "pressure" },    { "psi", 6894.757293168361, "pressure" },
	{ "mV", 1, "voltage" },        { "V", 1e3, "voltage" },
	{ "mm", 1, "length" },         { "cm", 10, "length" },
	{ "permille", 1, "permille" }, { "ppm", 1, "ppm" },
	{ "count", 1, "count" },       { "%", 1, "%" },
	{ "degC", 1, "degC" },
};

static const char *const base_of[][2] = { { "volume", "nL" },  { "mass", "ng" },
	                                  { "time", "ns" },    { "pressure", "Pa" },
	                                  { "voltage", "mV" }, { "length", "mm" } };

/* A unit "a" or "a/b": its factor to base units and its quantity; 0 when
 * unknown. */
static double unit_factor(const char *name, char *quantity, size_t qlen)
{
	char a[32], *b;
	snprintf(a, sizeof a, "%s", name);
	if ((b = strchr(a, '/')))
		*b++ = 0;
	const unit *ua = NULL, *ub = NULL;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (!strcmp(units[i].name, a))
			ua = &units[i];
		if (b && !strcmp(units[i].name, b))
			ub = &units[i];
	}
	if (!ua || (b && !ub))
		return 0;
	snprintf(quantity, qlen, "%s%s%s", ua->quantity, b ? "/" : "", b ? ub->quantity : "");
	return b ? ua->factor / ub->factor : ua->factor;
}

/* The base unit's name of a catalogue unit ("Pa" for kPa, "Pa/ns" ...). */
static void base_name(const char *name, char *out, size_t len)
{
	char q[64], *slash;
	out[0] = 0;
	if (!unit_factor(name, q, sizeof q))
		return;
	slash = strchr(q, '/');
	if (slash)
		*slash++ = 0;
	const char *parts[2] = { q, slash };
	for (int k = 0; k < 2 && parts[k]; k++) {
		const char *b = parts[k];
		for (size_t i = 0; i < sizeof base_of / sizeof base_of[0]; i++)
			if (!strcmp(base_of[i][0], parts[k]))
				b = base_of[i][1];
		size_t n = strlen(out);
		snprintf(out + n, len - n, "%s%s", k ? "/" : "", b);
	}
}

/* "NUMBER UNIT" into base units; -1 when not that form or another quantity. */
static int parse_quantity(const char *s, const char *want_quantity, double *out)
{
	char *end, q[64];
	double x = strtod(s, &end);
	if (end == s || !isfinite(x))
		return -1;
	while (*end == ' ')
		end++;
	double f = unit_factor(end, q, sizeof q);
	if (!f || strcmp(q, want_quantity))
		return -1;
	*out = x * f;
	return 0;
}

int ph_fta_vmap_param_base(json_t *v, const char *catalogue_unit, double *out)
{
	char q[64];
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	if (!json_is_string(v) || !unit_factor(catalogue_unit, q, sizeof q))
		return -1;
	return parse_quantity(json_string_value(v), q, out);
}

static int within(json_t *spec, double x)
{
	json_t *lo = json_object_get(spec, "min"), *hi = json_object_get(spec, "max");
	return (!json_is_number(lo) || x >= json_number_value(lo) - 1e-9 * fabs(x)) &&
	       (!json_is_number(hi) || x <= json_number_value(hi) + 1e-9 * fabs(x));
}

/* A parameter: a number in base units, or "NUMBER UNIT"; within the
 * catalogue's range; a bare number that fits the range read in base units
 * and in the catalogue's unit is refused as ambiguous. */
static int check_param(ctx *c, json_t *spec, json_t *v)
{
	const char *cu = json_string_value(json_object_get(spec, "unit"));
	char q[64], bn[64], range[96] = "";
	double f = cu ? unit_factor(cu, q, sizeof q) : 0;
	json_t *lo = json_object_get(spec, "min"), *hi = json_object_get(spec, "max");
	if (!cu || !f)
		f = 1, cu = cu ? cu : "", q[0] = 0;
	base_name(cu, bn, sizeof bn);
	if (json_is_number(lo) && json_is_number(hi))
		snprintf(range, sizeof range, "%g..%g %s", json_number_value(lo),
		         json_number_value(hi), cu);
	double base;
	if (json_is_string(v)) {
		if (parse_quantity(json_string_value(v), q, &base))
			return bad(c, "'%s' is not a quantity in %s (write \"NUMBER %s\")",
			           json_string_value(v), cu, cu);
	} else if (json_is_number(v)) {
		base = json_number_value(v);
		if (f != 1 && within(spec, base / f) && within(spec, base))
			return bad(c,
			           "%g is ambiguous: %g %s and %g %s are both within %s; write "
			           "\"%g %s\" or \"%g %s\"",
			           base, base, bn, base, cu, range, base, bn, base, cu);
		if (f != 1 && !within(spec, base / f) && within(spec, base))
			return bad(
			        c,
			        "%g %s (%g %s) is outside %s; if %g %s is meant, write \"%g %s\"",
			        base, bn, base / f, cu, range, base, cu, base, cu);
	} else {
		return bad(c, "must be a number in base units or \"NUMBER %s\"", cu);
	}
	if (!within(spec, base / f)) {
		if (f != 1)
			return bad(c, "%g %s (%g %s) is outside %s", base, bn, base / f, cu, range);
		return bad(c, "%g is outside %s", base, range);
	}
	return 0;
}

static int check_timing(ctx *c, json_t *spec, json_t *j, const char *fault)
{
	json_t *timing = json_object_get(spec, "timing");
	int rc = check_number(c, j, "at_min") || check_number(c, j, "duration_min") ||
	         check_number(c, j, "ramp_min");
	if (rc)
		return rc;
	if (json_object_get(j, "duration_min") &&
	    !json_is_true(json_object_get(timing, "duration"))) {
		push(c, "duration_min", -1);
		rc = bad(c, "fault '%s' is instantaneous (no duration)", fault);
		pop(c);
	} else if (json_object_get(j, "ramp_min") &&
	           !json_is_true(json_object_get(timing, "ramp"))) {
		push(c, "ramp_min", -1);
		rc = bad(c, "fault '%s' has no ramp", fault);
		pop(c);
	}
	return rc;
}

static int check_injection(ctx *c, json_t *cat, json_t *j)
{
	const char *fault = json_string_value(json_object_get(j, "fault"));
	if (!json_is_object(j) || !fault)
		return bad(c, "each injection needs a \"fault\" name");
	json_t *spec = catalogue_fault(cat, fault);
	if (!spec)
		return bad(c, "unknown fault '%s' (not in the fault catalogue)", fault);
	json_t *params = json_object_get(j, "params"), *v;
	const char *k;
	if (params && !json_is_object(params))
		return bad(c, "\"params\" of '%s' must be an object", fault);
	json_object_foreach(j, k, v)
	{
		if (!in_list((const char *const[]){ "fault", "params", "at_min", "duration_min",
		                                    "ramp_min", NULL },
		             k))
			return bad(c, "unknown injection key '%s'", k);
	}
	push(c, "params", -1);
	json_object_foreach(params, k, v)
	{
		json_t *ps = json_object_get(json_object_get(spec, "params"), k);
		push(c, k, -1);
		int rc = ps ? check_param(c, ps, v)
		            : bad(c, "fault '%s' has no parameter '%s'", fault, k);
		double base;
		/* Checked: the campaign gets base units, as the test language wants. */
		if (!rc && json_is_string(v) &&
		    !ph_fta_vmap_param_base(v, json_string_value(json_object_get(ps, "unit")),
		                            &base))
			json_object_set_new(params, k, json_real(base));
		pop(c);
		if (rc) {
			pop(c);
			return rc;
		}
	}
	pop(c);
	return check_timing(c, spec, j, fault);
}

static int check_inject(ctx *c, json_t *cat, json_t *list)
{
	size_t i;
	json_t *j;
	if (!json_is_array(list) || !json_array_size(list)) {
		push(c, "inject", -1);
		int rc = bad(c, "must be a non-empty list");
		pop(c);
		return rc;
	}
	json_array_foreach(list, i, j)
	{
		push(c, "inject", (long)i);
		int rc = check_injection(c, cat, j);
		pop(c);
		if (rc)
			return rc;
	}
	return 0;
}

static int check_basic(ctx *c, json_t *cat, json_t *o)
{
	if (!json_is_object(o))
		return bad(c, "the mapping must be an object");
	int kinds = 0;
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		if (in_list(event_keys, k))
			kinds++;
		else if (strcmp(k, "run_h") && strcmp(k, "note") && strcmp(k, "req"))
			return bad(c, "unknown key '%s'", k);
	}
	if (kinds != 1)
		return bad(c,
		           "needs exactly one of inject, action, requires_plant, not_injectable");
	const char *plant = json_string_value(json_object_get(o, "requires_plant"));
	const char *action = json_string_value(json_object_get(o, "action"));
	if (json_object_get(o, "inject") && check_inject(c, cat, json_object_get(o, "inject")))
		return -1;
	if (json_object_get(o, "requires_plant") && (!plant || !in_list(plants, plant)))
		return bad(c, "unknown planted bug '%s' (see board/fw/fw_plant.h)",
		           plant ? plant : "?");
	if (json_object_get(o, "action") && (!action || !in_list(actions, action)))
		return bad(c, "unknown scenario action '%s'", action ? action : "?");
	if (json_object_get(o, "not_injectable") &&
	    !json_is_string(json_object_get(o, "not_injectable")))
		return bad(c, "\"not_injectable\" must give the reason");
	return check_number(c, o, "run_h") || check_ids(c, o, "req", "REQ-");
}

/* The basic events under the tops, from the analysis (order limit 1 is
 * enough: n_vars lists every event under the top whatever the limit).
 * Common-cause groups stay unexpanded: their members are what is injected. */
static int tree_events(ctx *c, const ph_fta_model *m, const char *const *tops, size_t ntops,
                       json_t *names)
{
	ph_fta_options opt;
	ph_fta_options_init(&opt);
	opt.limit_order = 1;
	opt.no_ccf = 1;
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

static int check_top(ctx *c, const char *k, json_t *v, const ph_fta_model *m)
{
	size_t i, n = ph_fta_model_top_count(m);
	for (i = 0; i < n && strcmp(ph_fta_model_top(m, i), k); i++)
		;
	if (i == n)
		return bad(c, "not a top event of the tree");
	json_t *list = json_object_get(v, "oracles"), *o;
	if (!json_is_array(list) || !json_array_size(list))
		return bad(c, "\"oracles\" must be a non-empty list");
	json_array_foreach(list, i, o)
	{
		if (!json_is_string(o) || !in_list(oracles, json_string_value(o)))
			return bad(c, "unknown hazard oracle '%s'",
			           json_is_string(o) ? json_string_value(o) : "?");
	}
	const char *key;
	json_t *val;
	json_object_foreach(v, key, val)
	{
		if (!in_list(top_keys, key))
			return unknown_key(c, key, top_keys);
	}
	return check_ids(c, v, "hazard", "HAZ-") || check_ids(c, v, "req", "REQ-") ||
	       check_number(c, v, "detect_within_min");
}

static int check_tops(ctx *c, json_t *tops, const ph_fta_model *m, const char *const *want,
                      size_t nwant)
{
	const char *k;
	json_t *v;
	push(c, "top_events", -1);
	json_object_foreach(tops, k, v)
	{
		push(c, k, -1);
		int rc = check_top(c, k, v, m);
		pop(c);
		if (rc) {
			pop(c);
			return rc;
		}
	}
	for (size_t i = 0; i < nwant; i++)
		if (!json_object_get(tops, want[i])) {
			int rc = bad(c, "top event '%s': no hazard oracle mapped", want[i]);
			pop(c);
			return rc;
		}
	pop(c);
	return 0;
}

static int check_houses(ctx *c, json_t *houses, ph_fta_model *m)
{
	const char *k;
	json_t *v;
	int rc = 0;
	push(c, "house_events", -1);
	json_object_foreach(houses, k, v)
	{
		json_t *val = json_object_get(v, "value");
		push(c, k, -1);
		if (!json_is_boolean(val))
			rc = bad(c, "\"value\" must be true or false");
		else if (ph_fta_model_set_house_event(m, k, json_is_true(val)))
			rc = bad(c, "not in the tree");
		pop(c);
		if (rc)
			break;
	}
	pop(c);
	return rc;
}

/* Mapped events must be in the tree (under any top: a map serves every
 * top, --top validates one); those under the validated tops, mapped. */
static int check_basics(ctx *c, json_t *basic, json_t *cat, json_t *in_model, json_t *in_tree)
{
	const char *k;
	json_t *v;
	int rc = 0;
	push(c, "basic_events", -1);
	json_object_foreach(basic, k, v)
	{
		push(c, k, -1);
		rc = !json_object_get(in_model, k) ? bad(c, "not in the tree")
		                                   : check_basic(c, cat, v);
		pop(c);
		if (rc)
			break;
	}
	json_object_foreach(in_tree, k, v)
	{
		if (!rc && !json_object_get(basic, k))
			rc = bad(c, "basic event '%s' of the tree has no mapping", k);
	}
	pop(c);
	return rc;
}

/* Known keys per section; anything else is a typo to refuse, not ignore. */
static const char *const root_keys[] = { "description",  "prescription", "oracle", "top_events",
	                                 "house_events", "basic_events", NULL };
static const char *const prescription_keys[] = { "rate_ml_day", "reservoir_ml", "settle_min",
	                                         "run_h", NULL };
static const char *const oracle_keys[] = { "window_min", "limit_min", "stop_window_min",
	                                   "tolerance_ul", NULL };

static int unknown_key(ctx *c, const char *k, const char *const *known)
{
	char list[160] = "";
	for (const char *const *p = known; *p; p++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
		         p == known ? "" : ", ", *p);
	push(c, k, -1);
	int rc = bad(c, "unknown key (known: %s)", list);
	pop(c);
	return rc;
}

static int check_sections(ctx *c, json_t *root)
{
	const char *k;
	json_t *v;
	if (!json_is_object(root))
		return bad(c, "the map must be a JSON object");
	json_object_foreach(root, k, v)
	{
		if (!in_list(root_keys, k))
			return unknown_key(c, k, root_keys);
	}
	const char *const need[] = { "top_events", "basic_events", NULL };
	for (const char *const *s = need; *s; s++)
		if (!json_is_object(json_object_get(root, *s)))
			return bad(c, "\"%s\" must be an object", *s);
	const char *const opt[] = { "house_events", "prescription", "oracle", NULL };
	for (const char *const *s = opt; *s; s++) {
		json_t *o = json_object_get(root, *s);
		if (o && !json_is_object(o))
			return bad(c, "\"%s\" must be an object", *s);
		if (!strcmp(*s, "house_events"))
			continue;
		const char *const *known = strcmp(*s, "oracle") ? prescription_keys : oracle_keys;
		push(c, *s, -1);
		json_object_foreach(o, k, v)
		{
			int rc = !in_list(known, k) ? unknown_key(c, k, known)
			                            : check_number(c, o, k);
			if (rc) {
				pop(c);
				return rc;
			}
		}
		pop(c);
	}
	return 0;
}

static json_t *load_json(ctx *c, const char *path, int is_map, char **text)
{
	json_error_t je;
	json_t *j = NULL;
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	if (f) {
		size_t cap = 0, k;
		do {
			if (len + 4096 + 1 > cap) {
				char *nb = realloc(buf, cap = (cap ? cap * 2 : 65536));
				if (!nb)
					break;
				buf = nb;
			}
			k = fread(buf + len, 1, cap - len - 1, f);
			len += k;
		} while (k > 0 && len < ((size_t)64 << 20));
		fclose(f);
	}
	if (buf) {
		buf[len] = 0;
		j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	} else {
		j = json_load_file(path, JSON_REJECT_DUPLICATES, &je); /* for its message */
	}
	if (!j) {
		if (is_map)
			snprintf(c->err, c->errlen, "%s:%d:%d: error: malformed JSON: %s", path,
			         je.line, je.column, je.text);
		else
			snprintf(c->err, c->errlen, "%s: error: %s", path, je.text);
	}
	if (j && text)
		*text = buf;
	else
		free(buf);
	return j;
}

static int check_all(ctx *c, ph_fta_map *map, json_t *cat, ph_fta_model *m, const char *const *tops,
                     size_t ntops)
{
	json_t *in_tree = json_object(), *in_model = json_object();
	size_t nall = ph_fta_model_top_count(m);
	const char **all = calloc(nall ? nall : 1, sizeof *all);
	int rc = !in_tree || !in_model || !all ? bad(c, "out of memory") : 0;
	for (size_t i = 0; !rc && i < nall; i++)
		all[i] = ph_fta_model_top(m, i);
	rc = rc || check_sections(c, map->root);
	rc = rc || check_tops(c, json_object_get(map->root, "top_events"), m, tops, ntops);
	rc = rc || check_houses(c, json_object_get(map->root, "house_events"), m);
	rc = rc || tree_events(c, m, tops, ntops, in_tree);
	rc = rc || tree_events(c, m, all, nall, in_model);
	rc = rc ||
	     check_basics(c, json_object_get(map->root, "basic_events"), cat, in_model, in_tree);
	json_decref(in_tree);
	json_decref(in_model);
	free(all);
	return rc ? -1 : 0;
}

/* The ids of fixtures/<file> (its <list>[].id) into ids; -1 with the error. */
static int load_ids(ctx *c, const char *fixtures, const char *file, const char *list, json_t *ids)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", fixtures, file);
	json_t *j = load_json(c, path, 0, NULL), *e;
	size_t i;
	if (!j)
		return -1;
	json_array_foreach(json_object_get(j, list), i, e)
	{
		const char *id = json_string_value(json_object_get(e, "id"));
		if (id)
			json_object_set_new(ids, id, json_true());
	}
	json_decref(j);
	return 0;
}

int ph_fta_vmap_load(ph_fta_map *map, const char *path, const char *fixtures, ph_fta_model *m,
                     const char *const *tops, size_t ntops, char *err, size_t errlen)
{
	ctx c = { .path = path, .err = err, .errlen = errlen, .ids = json_object() };
	char *text = NULL, cat_path[4096];
	memset(map, 0, sizeof *map);
	map->path = path;
	snprintf(cat_path, sizeof cat_path, "%s/faults.json", fixtures);
	json_t *cat = load_json(&c, cat_path, 0, NULL);
	if (!cat || !c.ids || load_ids(&c, fixtures, "hazards.json", "hazards", c.ids) ||
	    load_ids(&c, fixtures, "requirements.json", "requirements", c.ids)) {
		json_decref(cat);
		json_decref(c.ids);
		return -1;
	}
	map->root = load_json(&c, path, 1, &text);
	c.text = text;
	int rc = map->root ? check_all(&c, map, cat, m, tops, ntops) : -1;
	map->text = text;
	json_decref(cat);
	json_decref(c.ids);
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
	free(map->text);
	map->text = NULL;
	map->root = map->basic = map->tops = NULL;
}

long ph_fta_vmap_line(const ph_fta_map *map, const char *section, const char *key)
{
	ctx c = { .path = map->path, .text = map->text };
	push(&c, section, -1);
	push(&c, key, -1);
	return entry_line(&c);
}

double ph_fta_vmap_number(const ph_fta_map *map, const char *section, const char *key, double def)
{
	json_t *v = json_object_get(json_object_get(map->root, section), key);
	return json_is_number(v) ? json_number_value(v) : def;
}
