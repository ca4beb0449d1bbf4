/*
 * monitor.c - recording rules from the bench profile, and the subscription.
 */
#include "link/monitor.h"

#include <stdio.h>
#include <string.h>

/* Default rules: deadbands at the instrument's resolution (or the pump's
 * quantum), heartbeats so that a quiet signal is still seen to be alive. */
static const struct {
	const char *name;
	ph_mon_rule rule;
} table[PH_MON_SIGNALS] = {
	[PP_MON_BALANCE_UG] = { "balance_ug", { 1000, 100, 600 } },
	[PP_MON_PRESSURE_PA] = { "pressure_pa", { 100, 2000, 600 } },
	[PP_MON_RESERVOIR_TRUE_NL] = { "reservoir_true_nl", { 1000, 750, 3600 } },
	[PP_MON_SUPPLY_MV] = { "supply_mv", { 1000, 10, 3600 } },
	[PP_MON_TEMP_MC] = { "temp_mc", { 1000, 100, 3600 } },
	[PP_MON_MOTOR_STROKES] = { "motor_strokes", { 100, 0, 3600 } },
	[PP_MON_RF_LOSS_PM] = { "rf_loss_pm", { 1000, 0, 3600 } },
	[PP_MON_PINCH_PM] = { "pinch_pm", { 100, 0, 3600 } },
	[PP_MON_PUMP_MODE] = { "pump_mode", { 1000, 0, 3600 } },
	[PP_MON_PUMP_RUNNING] = { "pump_running", { 1000, 0, 3600 } },
	[PP_MON_PUMP_RATE_NL_H] = { "rate_nl_h", { 1000, 0, 3600 } },
	[PP_MON_PUMP_RESERVOIR_NL] = { "reservoir_nl", { 1000, 750, 3600 } },
	[PP_MON_PUMP_ALARMS] = { "alarms", { 1000, 0, 3600 } },
	[PP_MON_PUMP_BOLUS] = { "bolus_active", { 1000, 0, 3600 } },
};

const char *ph_mon_name(int sig)
{
	return sig >= 0 && sig < PH_MON_SIGNALS ? table[sig].name : NULL;
}

static int find(const char *name)
{
	for (int i = 0; i < PH_MON_SIGNALS; i++)
		if (!strcmp(table[i].name, name))
			return i;
	return -1;
}

static int field(const char *path, const char *sig, const char *k, json_t *v, uint32_t max,
                 uint32_t *out, char *err, size_t errlen)
{
	json_int_t x;

	if (!json_is_integer(v)) {
		snprintf(err, errlen, "%s: key 'monitors.%s.%s': must be an integer", path, sig, k);
		return -1;
	}
	x = json_integer_value(v);
	if (x < 0 || x > (json_int_t)max) {
		snprintf(err, errlen, "%s: key 'monitors.%s.%s': must be 0 to %u, got %lld", path,
		         sig, k, max, (long long)x);
		return -1;
	}
	*out = (uint32_t)x;
	return 0;
}

static int one_rule(const char *path, const char *sig, json_t *o, ph_mon_rule *r, char *err,
                    size_t errlen)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o)) {
		snprintf(err, errlen, "%s: key 'monitors.%s': must be an object", path, sig);
		return -1;
	}
	json_object_foreach(o, k, v)
	{
		uint32_t *to = !strcmp(k, "period_ms")     ? &r->period_ms
		               : !strcmp(k, "deadband")    ? &r->deadband
		               : !strcmp(k, "heartbeat_s") ? &r->heartbeat_s
		                                           : NULL;
		uint32_t max = !strcmp(k, "heartbeat_s") ? 86400 : 1000000000;
		if (!to) {
			snprintf(err, errlen, "%s: unknown key 'monitors.%s.%s'", path, sig, k);
			return -1;
		}
		if (field(path, sig, k, v, max, to, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int ph_mon_rules(const json_t *profile, const char *path, ph_mon_rule rules[PH_MON_SIGNALS],
                 char *err, size_t errlen)
{
	json_t *mon = profile ? json_object_get(profile, "monitors") : NULL;
	const char *k;
	json_t *v;

	for (int i = 0; i < PH_MON_SIGNALS; i++)
		rules[i] = table[i].rule;
	if (!mon)
		return 0;
	if (!json_is_object(mon)) {
		snprintf(err, errlen, "%s: key 'monitors': must be an object", path);
		return -1;
	}
	json_object_foreach(mon, k, v)
	{
		int sig = find(k);
		if (sig < 0) {
			snprintf(err, errlen, "%s: unknown key 'monitors.%s'", path, k);
			return -1;
		}
		if (one_rule(path, k, v, &rules[sig], err, errlen) < 0)
			return -1;
	}
	return 0;
}

int ph_mon_subscribe(ph_link *l, const ph_mon_rule rules[PH_MON_SIGNALS])
{
	for (int i = 0; i < PH_MON_SIGNALS; i++) {
		pp_msg req = { .type = pp_type_fx_monitor }, reply;
		int r;
		if (!rules[i].period_ms)
			continue;
		req.u.fx_monitor.signal = (uint8_t)i;
		req.u.fx_monitor.period_ms = rules[i].period_ms;
		req.u.fx_monitor.deadband = rules[i].deadband;
		req.u.fx_monitor.heartbeat_s = rules[i].heartbeat_s;
		r = ph_link_call(l, PP_CH_FIXTURE, &req, &reply, NULL);
		if (r != PH_LINK_OK)
			return r;
		if (reply.type != pp_type_ack || reply.u.ack.result != PP_REFUSE_OK)
			return PH_LINK_NAK;
	}
	return PH_LINK_OK;
}
