/*
 * plan.c - which tests run, in which order, with which seed: selection by
 * tag and filter, sharding, repetitions, and the per-test seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run_priv.h"

static int has_tag(json_t *t, const char **tags, int n)
{
	json_t *list = json_object_get(t, "tags"), *v;
	size_t i;
	json_array_foreach(list, i, v)
	{
		for (int k = 0; k < n; k++)
			if (json_is_string(v) && !strcmp(json_string_value(v), tags[k]))
				return 1;
	}
	return 0;
}

static int selected(const ph_run_opts *o, json_t *t)
{
	if (o->ntags && !has_tag(t, o->tags, o->ntags))
		return 0;
	if (o->nskip_tags && has_tag(t, o->skip_tags, o->nskip_tags))
		return 0;
	if (o->filter) {
		char full[1024];
		snprintf(full, sizeof full, "%s / %s",
		         json_string_value(json_object_get(t, "suite")),
		         json_string_value(json_object_get(t, "name")));
		if (!strstr(full, o->filter))
			return 0;
	}
	return 1;
}

static uint64_t fnv(const char *s, uint64_t h)
{
	while (s && *s)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
	return h;
}

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A test's seed depends on the run seed and the test's identity only, so
 * sharding and parallelism never change what a test sees. The identity is
 * the script's file name, suite and test name, not the directory: the same
 * run seed gives the same results in any clone, wherever it is checked out. */
static uint64_t test_seed(uint64_t run_seed, json_t *t, int rep)
{
	const char *file = json_string_value(json_object_get(t, "file"));
	const char *base = file ? strrchr(file, '/') : NULL;
	uint64_t h = fnv(base ? base + 1 : file, 0xcbf29ce484222325ull);
	h = fnv(json_string_value(json_object_get(t, "suite")), h);
	h = fnv(json_string_value(json_object_get(t, "name")), h);
	return mix(run_seed ^ mix(h + (uint64_t)rep)) & 0x7fffffffffffffffull;
}

static int plan_push(ph_plan *plan, ph_plan_item it)
{
	if (plan->n == plan->cap) {
		size_t cap = plan->cap ? plan->cap * 2 : 64;
		ph_plan_item *v = realloc(plan->items, cap * sizeof *v);
		if (!v)
			return -1;
		plan->items = v;
		plan->cap = cap;
	}
	plan->items[plan->n++] = it;
	return 0;
}

void ph_plan_key(const char *file, const char *suite, const char *name, char *key, size_t n)
{
	const char *base = file ? strrchr(file, '/') : NULL;
	snprintf(key, n, "%s\t%s\t%s",
	         base   ? base + 1
	         : file ? file
	                : "",
	         suite ? suite : "", name ? name : "");
}

static int in_only(const json_t *only, json_t *t)
{
	char key[1024];
	if (!only)
		return 1;
	ph_plan_key(json_string_value(json_object_get(t, "file")),
	            json_string_value(json_object_get(t, "suite")),
	            json_string_value(json_object_get(t, "name")), key, sizeof key);
	return json_object_get(only, key) != NULL;
}

int ph_plan_make(const ph_run_opts *o, ph_script **scripts, int nscripts, const json_t *only,
                 ph_plan *plan)
{
	int idx = 0;
	for (int si = 0; si < nscripts; si++) {
		size_t i;
		json_t *t;
		json_array_foreach(scripts[si]->tests, i, t)
		{
			if (!selected(o, t) || !in_only(only, t))
				continue;
			int mine = o->shard_n <= 1 || idx % o->shard_n == o->shard_k - 1;
			idx++;
			if (!mine)
				continue;
			for (int rep = 0; rep < o->repeat; rep++) {
				ph_plan_item it = { .script = si,
					            .id = (int)i + 1,
					            .rep = rep,
					            .seed = test_seed(o->seed, t, rep) };
				if (plan_push(plan, it) < 0)
					return -1;
			}
		}
	}
	return 0;
}

void ph_plan_free(ph_plan *plan)
{
	free(plan->items);
	memset(plan, 0, sizeof *plan);
}

json_t *ph_plan_test(ph_script **scripts, const ph_plan_item *p)
{
	return json_array_get(scripts[p->script]->tests, (size_t)p->id - 1);
}

void ph_plan_list(const ph_plan *plan, ph_script **scripts)
{
	for (size_t i = 0; i < plan->n; i++) {
		json_t *t = ph_plan_test(scripts, &plan->items[i]);
		json_t *tags = json_object_get(t, "tags"), *tag;
		size_t k;
		printf("%s:%lld: %s / %s", json_string_value(json_object_get(t, "file")),
		       (long long)json_integer_value(json_object_get(t, "line")),
		       json_string_value(json_object_get(t, "suite")),
		       json_string_value(json_object_get(t, "name")));
		json_array_foreach(tags, k, tag)
		        printf("%s%s", k ? "," : "  [", json_string_value(tag));
		printf("%s\n", json_array_size(tags) ? "]" : "");
	}
}
