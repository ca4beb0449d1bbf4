/*
 * monitor.h - the bench's continuous monitors as the harness asks for them:
 * one recording rule per signal (sample period, deadband, heartbeat) from
 * the bench profile's "monitors" object, and the fx_monitor subscription
 * that makes the board stream fx_sample frames on the fixture channel on
 * its own schedule (PROTOCOL.md, "Monitors").  The link's tap records the
 * samples into the trace like every other frame; nobody polls.
 */
#ifndef PH_MONITOR_H
#define PH_MONITOR_H

#ifndef PH_USES_LINK
#error "link/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "link/link.h"

#define PH_MON_SIGNALS (PP_MON_PUMP_BOLUS + 1)

typedef struct ph_mon_rule {
	uint32_t period_ms; /* 0: not recorded */
	uint32_t deadband;  /* in the signal's unit */
	uint32_t heartbeat_s;
} ph_mon_rule;

/* Name of monitored signal sig (PP_MON_*), as the profile and the trace's
 * signals call it ("pressure_pa"); NULL out of range. */
const char *ph_mon_name(int sig);

/* The rules: built-in defaults, overridden by profile's "monitors" object
 * (may be absent).  Returns 0, or -1 with "path: key 'monitors.X.Y': what"
 * in err (path is the profile's file). */
int ph_mon_rules(const json_t *profile, const char *path, ph_mon_rule rules[PH_MON_SIGNALS],
                 char *err, size_t errlen);

/* Subscribe every signal whose rule has a period.  Blocks for at most one
 * link call per signal.  Returns PH_LINK_OK or the first failure (a board
 * that NAKs fx_monitor has no monitors). */
int ph_mon_subscribe(ph_link *l, const ph_mon_rule rules[PH_MON_SIGNALS]);

#endif
