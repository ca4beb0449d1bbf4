/*
 * events.c - see events.h.
 */
#include "run/events.h"

#include <string.h>

int ph_bus_subscribe(ph_run_bus *bus, const ph_subscriber *s)
{
	if (bus->n >= PH_RUN_MAX_SUBSCRIBERS)
		return -1;
	bus->subs[bus->n++] = s;
	return 0;
}

void ph_bus_run_started(ph_run_bus *bus, json_t *run, size_t ntests)
{
	for (int i = 0; i < bus->n; i++)
		if (bus->subs[i]->run_started)
			bus->subs[i]->run_started(bus->subs[i]->ud, run, ntests);
}

void ph_bus_test_started(ph_run_bus *bus, const ph_test_ref *t)
{
	for (int i = 0; i < bus->n; i++)
		if (bus->subs[i]->test_started)
			bus->subs[i]->test_started(bus->subs[i]->ud, t);
}

void ph_bus_test_ended(ph_run_bus *bus, const ph_test_ref *t, json_t *result)
{
	json_t *logs = json_object_get(result, "log"),
	       *ms = json_object_get(result, "measurements");
	ph_verdict v = ph_verdict_of(result);
	json_t *e;
	size_t k;

	for (int i = 0; i < bus->n; i++) {
		const ph_subscriber *s = bus->subs[i];
		if (s->log)
			json_array_foreach(logs, k, e) s->log(s->ud, t, e);
		if (s->measurement)
			json_array_foreach(ms, k, e) s->measurement(s->ud, t, e);
	}
	bus->summary.tests++;
	bus->summary.count[v]++;
	for (int i = 0; i < bus->n; i++)
		if (bus->subs[i]->verdict)
			bus->subs[i]->verdict(bus->subs[i]->ud, t, v, result);
}

int ph_bus_run_finished(ph_run_bus *bus, json_t *run)
{
	int rc = 0;
	bus->summary.wall_s = json_number_value(json_object_get(run, "wall_s"));
	for (int i = 0; i < bus->n; i++)
		if (bus->subs[i]->run_finished &&
		    bus->subs[i]->run_finished(bus->subs[i]->ud, run, &bus->summary) < 0)
			rc = -1;
	return rc;
}
