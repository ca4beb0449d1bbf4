/*
 * fuzz_fta_map.c - libFuzzer target for the validation map reader
 * (harness/campaign/fta_map.c) and the campaign script written from it.
 *
 * Any bytes are a mapping file for the pump's trees
 * (fixtures/faulttrees/pump.xml, loaded once) checked against the fixtures'
 * fault catalogue, hazard and requirement ids; when the map is accepted,
 * the campaign script (order 2) and its coverage are written to memory.
 * Every refusal must be one NUL-terminated line naming the map; crashes,
 * leaks and sanitizer reports are the findings.
 * Seeds: tests/fuzz/seeds/fuzz_fta_map (the pump's map, and
 * the maps of tests/data/fta through tools/fuzz.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/paths.h"
#include "campaign/fta_map.h"
#include "campaign/fta_validate.h"
#include "fta/fta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ph_fta_model *model;
static const char *tops[3];
static size_t ntops;
static char path[64];

static void remove_map(void)
{
	unlink(path);
}

static void setup(void)
{
	char err[512], tree[4096];
	snprintf(tree, sizeof tree, "%s/faulttrees/pump.xml", ph_default_fixtures_dir());
	const char *files[] = { tree };
	if (ph_fta_model_load(files, 1, &model, err, sizeof err)) {
		fprintf(stderr, "fuzz_fta_map: %s\n", err);
		abort();
	}
	ntops = ph_fta_model_top_count(model);
	if (ntops > 3)
		ntops = 3;
	for (size_t i = 0; i < ntops; i++)
		tops[i] = ph_fta_model_top(model, i);
	snprintf(path, sizeof path, "/tmp/fuzz_fta_map-%d.json", (int)getpid());
	atexit(remove_map);
}

static void campaign(const ph_fta_map *map)
{
	char err[512], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f) {
		ph_fta_write_campaign(f, model, map, tops, ntops, 2, err, sizeof err);
		fclose(f);
	}
	free(buf);
	json_t *cov = json_array();
	if (cov)
		ph_fta_campaign_coverage(model, map, tops, ntops, 2, cov, err, sizeof err);
	json_decref(cov);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	ph_fta_map map;
	if (!model)
		setup();
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	size_t wrote = fwrite(data, 1, size, f);
	if (fclose(f) || wrote != size)
		return 0;
	if (ph_fta_vmap_load(&map, path, ph_default_fixtures_dir(), model, tops, ntops, err,
	                     sizeof err)) {
		/* One line, naming the map file. */
		if (!memchr(err, 0, sizeof err) || strchr(err, '\n') ||
		    strncmp(err, path, strlen(path)))
			__builtin_trap();
		ph_fta_vmap_free(&map);
		return 0;
	}
	campaign(&map);
	ph_fta_vmap_free(&map);
	return 0;
}
