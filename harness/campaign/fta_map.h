/*
 * fta_map.h - the validation mapping file (docs/fta.md, "The mapping
 * file"): basic events to fault-catalogue injections, scenario actions or
 * planted firmware bugs, house events to bench conditions, top events to
 * hazard oracles.
 */
#ifndef PH_FTA_MAP_H
#define PH_FTA_MAP_H

#ifndef PH_USES_CAMPAIGN
#error "campaign/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>

#include <jansson.h>

#include "fta/fta.h"

typedef struct ph_fta_map {
	const char *path; /* as given, not owned */
	json_t *root;     /* the whole file, owned */
	json_t *basic;    /* borrowed from root */
	json_t *tops;     /* borrowed from root */
	char *text;       /* the file as read, owned (for line numbers) */
} ph_fta_map;

/* The planted firmware bug this pumphil was built with (PUMPHIL_PLANT),
 * or NULL for the reference firmware. */
const char *ph_fta_build_plant(void);

/*
 * Reads the map at path and checks it against the fixtures folder's fault
 * catalogue (faults.json), hazard and requirement ids (hazards.json,
 * requirements.json) and the model: every name must
 * exist (top events among the model's, house events in the model, basic
 * events under the analysed tops, faults and parameters in the catalogue,
 * plants in fw_plant.h, oracles and actions known) and every basic event
 * under the tops must be mapped.  tops[0..ntops-1] are the top events to be
 * validated.  Sets the model's house events to the map's values.
 * Returns 0, or writes one line "PATH: error: ..." into err and returns -1;
 * the map is then empty (ph_fta_vmap_free is still allowed).
 */
int ph_fta_vmap_load(ph_fta_map *map, const char *path, const char *fixtures, ph_fta_model *m,
                     const char *const *tops, size_t ntops, char *err, size_t errlen);

void ph_fta_vmap_free(ph_fta_map *map);

/* The line where map entry section.key starts (0 when not found). */
long ph_fta_vmap_line(const ph_fta_map *map, const char *section, const char *key);

/* A checked injection parameter in base units: a number as written, or
 * "NUMBER UNIT" converted (catalogue_unit gives the quantity).  Returns 0,
 * or -1 when v is neither. */
int ph_fta_vmap_param_base(json_t *v, const char *catalogue_unit, double *out);

/* A number from the map's section ("prescription", "oracle"), or def. */
double ph_fta_vmap_number(const ph_fta_map *map, const char *section, const char *key, double def);

#endif
