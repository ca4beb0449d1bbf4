/*
 * collect.c - a run's results in plan order, as the record writer and the
 * history subscriber both need them (see run_priv.h).
 */
#include "results/record.h"
#include "run/run_priv.h"

void ph_collect_start(ph_collect *c, size_t ntests)
{
	json_decref(c->tests);
	c->tests = json_array();
	for (size_t i = 0; i < ntests; i++)
		json_array_append_new(c->tests, json_null());
}

void ph_collect_put(ph_collect *c, size_t index, json_t *result)
{
	json_array_set(c->tests, index, result);
}

json_t *ph_collect_record(const ph_collect *c, json_t *run)
{
	/* Tests a stopped run never started are not in the record. */
	json_t *tests = json_array(), *t;
	size_t i;
	json_array_foreach(c->tests, i, t)
	{
		if (!json_is_null(t))
			json_array_append(tests, t);
	}
	return json_pack("{s:s,s:O,s:o}", "schema", PH_RECORD_SCHEMA, "run", run, "tests", tests);
}

void ph_collect_free(ph_collect *c)
{
	json_decref(c->tests);
	c->tests = NULL;
}
