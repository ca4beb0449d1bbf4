/*
 * profile.c - bench profiles: fixtures/profiles/<name>.json -> bench_config.
 *
 * A profile holds every configurable figure of the pump and the rig (the
 * design brief's [U] values among them).  Unknown keys are errors, so a typo
 * never silently falls back to a default.
 */
#include "link/profile.h"

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

static int apply(const char *path, const char *section, json_t *obj, const key *keys,
                 bench_config *cfg, char *err, size_t errlen)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj)) {
		snprintf(err, errlen, "%s: '%s' must be an object", path, section);
		return -1;
	}
	json_object_foreach(obj, k, v)
	{
		const key *d = keys;
		while (d->name && strcmp(d->name, k))
			d++;
		if (!d->name) {
			snprintf(err, errlen, "%s: unknown key '%s.%s'", path, section, k);
			return -1;
		}
		if (!json_is_number(v)) {
			snprintf(err, errlen, "%s: '%s.%s' must be a number", path, section, k);
			return -1;
		}
		double x = json_number_value(v);
		if (x < (double)d->min || x > (double)d->max) {
			snprintf(err, errlen, "%s: '%s.%s' = %g outside %lld..%lld", path, section,
			         k, x, (long long)d->min, (long long)d->max);
			return -1;
		}
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
	if ((v = json_object_get(root, "pump")) &&
	    apply(path, "pump", v, pump_keys, cfg, err, errlen) < 0)
		goto fail;
	if ((v = json_object_get(root, "fixture")) &&
	    apply(path, "fixture", v, fixture_keys, cfg, err, errlen) < 0)
		goto fail;
	if (cfg->fw.dead_volume_nl >= cfg->fw.reservoir_nl ||
	    cfg->fw.low_residual_nl >= cfg->fw.reservoir_nl) {
		snprintf(err, errlen,
		         "%s: dead volume and low residual must be below the reservoir", path);
		goto fail;
	}
	json_object_set_new(root, "path", json_string(path));
	return root;
fail:
	json_decref(root);
	return NULL;
}
