/*
 * profile.c - bench profiles: fixtures/profiles/<name>.json -> bench_config.
 *
 * A profile holds every configurable figure of the pump and the rig (the
 * design brief's [U] values among them).  Every value is checked: unknown
 * keys (a typo never silently falls back to a default), types, whole numbers
 * where the firmware keeps integers, ranges, and pairs that must agree (ERI
 * above EOS, the minimum rate not above the maximum...).  A bad profile is
 * one line naming the file and the key, or the line and column of a JSON
 * syntax error.
 */
#include "link/profile.h"
#include "link/monitor.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/json_err.h"

typedef struct key {
	const char *name;
	size_t offset;
	int type; /* 'u' uint32, 'h' uint16, 'i' int32, 'd' double */
	int64_t min, max;
} key;

#define FW(f, t, lo, hi)                                                                           \
	{                                                                                          \
#f, offsetof(bench_config, fw.f), t, lo, hi                                        \
	}
#define FX(f, t, lo, hi)                                                                           \
	{                                                                                          \
#f, offsetof(bench_config, fx.f), t, lo, hi                                        \
	}

static const key pump_keys[] = {
	FW(serial, 'u', 0, 0xffffffff),
	FW(stroke_nl, 'u', 1, 100000),
	FW(reservoir_nl, 'u', 1000000, 100000000),
	FW(dead_volume_nl, 'u', 0, 10000000),
	FW(low_residual_nl, 'u', 0, 20000000),
	FW(min_rate_nl_h, 'u', 0, 10000000),
	FW(max_rate_nl_h, 'u', 1, 100000000),
	FW(occlusion_pa, 'i', 1000, 1000000),
	FW(occlusion_persist_us, 'u', 0, 3600000000u),
	FW(stall_strokes, 'u', 1, 1000),
	FW(eri_mv, 'h', 0, 5000),
	FW(eos_mv, 'h', 0, 5000),
	FW(eos_rate_nl_h, 'u', 0, 10000000),
	FW(session_timeout_s, 'u', 1, 86400),
	FW(event_resend_us, 'u', 1000, 3600000000u),
	FW(no_occlusion_alarm, 'u', 0, 1),
	FW(reset_safe_state, 'u', 0, 1),
	FW(stall_retry_us, 'u', 0, 3600000000u),
	{ NULL, 0, 0, 0, 0 },
};

static const key fixture_keys[] = {
	FX(reservoir_nl, 'u', 0, 100000000),
	FX(line_compliance_nl_kpa, 'd', 0, 1000),
	FX(line_tau_s, 'd', 0, 100000),
	FX(catheter_compliance_nl_kpa, 'd', 0, 1000),
	FX(catheter_tau_s, 'd', 0, 100000),
	FX(balance_period_us, 'u', 1000, 3600000000u),
	FX(balance_resolution_ug, 'u', 1, 1000000),
	FX(balance_noise_ug, 'u', 0, 1000000),
	FX(evaporation_ug_h, 'u', 0, 10000000),
	FX(density_ug_ul, 'u', 1, 10000),
	FX(supply_mv, 'h', 0, 5000),
	FX(brownout_mv, 'h', 0, 5000),
	FX(temp_mc, 'i', 0, 60000),
	{ NULL, 0, 0, 0, 0 },
};

/* "a string", "an integer", "true": a JSON value's type, for messages. */
static const char *type_words(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	default: return "null";
	}
}

/* A number in min..max, whole when integer: 0, or -1 with err set. */
static int check_number(const char *path, const char *name, const json_t *v, int integer,
                        double min, double max, char *err, size_t errlen)
{
	double x;

	if (!json_is_number(v)) {
		snprintf(err, errlen, "%s: key '%s': must be a number, got %s", path, name,
		         type_words(v));
		return -1;
	}
	x = json_number_value(v);
	if (!(x >= min && x <= max)) {
		snprintf(err, errlen, "%s: key '%s': %g outside %.15g..%.15g", path, name, x, min,
		         max);
		return -1;
	}
	/* In range, so the cast is exact for a whole number. */
	if (integer && (double)(int64_t)x != x) {
		snprintf(err, errlen, "%s: key '%s': must be a whole number, got %.15g", path, name,
		         x);
		return -1;
	}
	return 0;
}

static int apply(const char *path, const char *section, json_t *obj, const key *keys,
                 bench_config *cfg, char *err, size_t errlen)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj)) {
		snprintf(err, errlen, "%s: key '%s': must be an object, got %s", path, section,
		         type_words(obj));
		return -1;
	}
	json_object_foreach(obj, k, v)
	{
		char name[300];
		const key *d = keys;
		while (d->name && strcmp(d->name, k))
			d++;
		snprintf(name, sizeof name, "%s.%s", section, k);
		if (!d->name) {
			snprintf(err, errlen, "%s: unknown key '%s'", path, name);
			return -1;
		}
		if (check_number(path, name, v, d->type != 'd', (double)d->min, (double)d->max, err,
		                 errlen) < 0)
			return -1;
		double x = json_number_value(v);
		char *p = (char *)cfg + d->offset;
		if (d->type == 'u') {
			uint32_t v32 = (uint32_t)x;
			memcpy(p, &v32, sizeof v32);
		} else if (d->type == 'h') {
			uint16_t v16 = (uint16_t)x;
			memcpy(p, &v16, sizeof v16);
		} else if (d->type == 'i') {
			int32_t i32 = (int32_t)x;
			memcpy(p, &i32, sizeof i32);
		} else
			memcpy(p, &x, sizeof x);
	}
	return 0;
}

/* The device class the suites skip by (docs/classes.md). */
static int check_class(const char *path, const json_t *v, char *err, size_t errlen)
{
	static const char *const classes[] = { "reference", "peristaltic", "valve-metered" };
	const char *c = json_string_value(v);

	for (size_t i = 0; c && i < sizeof classes / sizeof *classes; i++)
		if (!strcmp(c, classes[i]))
			return 0;
	snprintf(err, errlen, "%s: key 'class': must be reference, peristaltic or valve-metered",
	         path);
	return -1;
}

/* The top level: the sections, and the figures scripts and the fault
 * catalogue read from the profile itself. */
static int check_top(const char *path, json_t *root, char *err, size_t errlen)
{
	const char *k;
	json_t *v;

	json_object_foreach(root, k, v)
	{
		if (!strcmp(k, "pump") || !strcmp(k, "fixture"))
			continue; /* apply() */
		if (!strcmp(k, "monitors")) {
			ph_mon_rule rules[PH_MON_SIGNALS];
			if (ph_mon_rules(root, path, rules, err, errlen) < 0)
				return -1;
			continue;
		}
		if (!strcmp(k, "class")) {
			if (check_class(path, v, err, errlen) < 0)
				return -1;
		} else if (!strcmp(k, "name") || !strcmp(k, "description")) {
			if (!json_is_string(v)) {
				snprintf(err, errlen, "%s: key '%s': must be a string, got %s",
				         path, k, type_words(v));
				return -1;
			}
		} else if (!strcmp(k, "accuracy_pct")) {
			/* A delivery accuracy: a negative one would invert every
			 * limit made from it, and everything would pass. */
			if (!json_is_number(v)) {
				snprintf(err, errlen, "%s: key '%s': must be a number, got %s",
				         path, k, type_words(v));
				return -1;
			}
			double x = json_number_value(v);
			if (!(x > 0)) {
				snprintf(err, errlen, "%s: key '%s': must be > 0, got %g", path, k,
				         x);
				return -1;
			}
			if (x > 100) {
				snprintf(err, errlen, "%s: key '%s': must be at most 100, got %g",
				         path, k, x);
				return -1;
			}
		} else if (!strcmp(k, "post_occlusion_bolus_nl")) {
			if (check_number(path, k, v, 1, 0, 100000000, err, errlen) < 0)
				return -1;
		} else {
			snprintf(err, errlen, "%s: unknown key '%s'", path, k);
			return -1;
		}
	}
	return 0;
}

/* Figures that must agree with each other, once every key is applied (a
 * key the profile leaves out has its default).  The message names the
 * first key of the pair. */
static int check_pairs(const char *path, json_t *root, const bench_config *c, char *err,
                       size_t errlen)
{
	const fw_config *fw = &c->fw;
	const fixture_config *fx = &c->fx;
	json_t *bolus = json_object_get(root, "post_occlusion_bolus_nl");
#define PAIR(cond, a, va, rel, b, vb)                                                              \
	if (!(cond)) {                                                                             \
		snprintf(err, errlen, "%s: key '%s': %lld must %s %s (%lld)", path, a,             \
		         (long long)(va), rel, b, (long long)(vb));                                \
		return -1;                                                                         \
	}
	PAIR(fw->eri_mv > fw->eos_mv, "pump.eri_mv", fw->eri_mv, "be above", "pump.eos_mv",
	     fw->eos_mv);
	PAIR(fw->min_rate_nl_h <= fw->max_rate_nl_h, "pump.min_rate_nl_h", fw->min_rate_nl_h,
	     "not be above", "pump.max_rate_nl_h", fw->max_rate_nl_h);
	PAIR(fw->eos_rate_nl_h <= fw->max_rate_nl_h, "pump.eos_rate_nl_h", fw->eos_rate_nl_h,
	     "not be above", "pump.max_rate_nl_h", fw->max_rate_nl_h);
	PAIR(fw->eos_rate_nl_h >= fw->min_rate_nl_h, "pump.eos_rate_nl_h", fw->eos_rate_nl_h,
	     "not be below", "pump.min_rate_nl_h", fw->min_rate_nl_h);
	PAIR(fw->dead_volume_nl < fw->reservoir_nl, "pump.dead_volume_nl", fw->dead_volume_nl,
	     "be below", "pump.reservoir_nl", fw->reservoir_nl);
	PAIR(fw->low_residual_nl < fw->reservoir_nl, "pump.low_residual_nl", fw->low_residual_nl,
	     "be below", "pump.reservoir_nl", fw->reservoir_nl);
	PAIR(fw->low_residual_nl > fw->dead_volume_nl, "pump.low_residual_nl", fw->low_residual_nl,
	     "be above", "pump.dead_volume_nl", fw->dead_volume_nl);
	PAIR(fx->reservoir_nl <= fw->reservoir_nl, "fixture.reservoir_nl", fx->reservoir_nl,
	     "not be above", "pump.reservoir_nl", fw->reservoir_nl);
	PAIR(fx->brownout_mv < fx->supply_mv, "fixture.brownout_mv", fx->brownout_mv, "be below",
	     "fixture.supply_mv", fx->supply_mv);
	PAIR(fx->brownout_mv < fw->eos_mv, "fixture.brownout_mv", fx->brownout_mv, "be below",
	     "pump.eos_mv", fw->eos_mv);
	if (bolus) {
		PAIR(json_number_value(bolus) <= fw->reservoir_nl, "post_occlusion_bolus_nl",
		     json_number_value(bolus), "not be above", "pump.reservoir_nl",
		     fw->reservoir_nl);
	}
#undef PAIR
	return 0;
}

static void resolve(const char *name, const char *fixtures_dir, char *path, size_t n)
{
	if (strchr(name, '/') || strstr(name, ".json"))
		snprintf(path, n, "%s", name);
	else
		snprintf(path, n, "%s/profiles/%s.json", fixtures_dir, name);
}

json_t *ph_profile_load(const char *name, const char *fixtures_dir, bench_config *cfg, char *err,
                        size_t errlen)
{
	char path[1024];
	json_error_t jerr;
	json_t *root, *v;

	resolve(name, fixtures_dir, path, sizeof path);
	bench_config_default(cfg);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		ph_json_errmsg(err, errlen, path, &jerr);
		return NULL;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s: a profile is a JSON object", path);
		goto fail;
	}
	if (check_top(path, root, err, errlen) < 0)
		goto fail;
	if ((v = json_object_get(root, "pump")) &&
	    apply(path, "pump", v, pump_keys, cfg, err, errlen) < 0)
		goto fail;
	if ((v = json_object_get(root, "fixture")) &&
	    apply(path, "fixture", v, fixture_keys, cfg, err, errlen) < 0)
		goto fail;
	if (check_pairs(path, root, cfg, err, errlen) < 0)
		goto fail;
	json_object_set_new(root, "path", json_string(path));
	return root;
fail:
	json_decref(root);
	return NULL;
}
