/*
 * fta_validate.h - `pumphil fta validate`: the command and the campaign
 * script it generates.
 */
#ifndef PH_FTA_VALIDATE_H
#define PH_FTA_VALIDATE_H

#ifndef PH_USES_CAMPAIGN
#error "campaign/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdio.h>

#include "campaign/fta_map.h"
#include "fta/fta.h"

/* The subcommand (argv[0] is "validate"); returns the exit status. */
int ph_fta_cmd_validate(int argc, char **argv);

/*
 * Writes to f a Lua test script with one fta.scenario per minimal cut set
 * of order <= order and per single basic event of each top (cut sets
 * expected to reach the hazard, other single events not), with the map's
 * injections, actions and skips for this build's plant.  The model's house
 * events must already be set.  Returns 0, or writes one line into err and
 * returns -1 (analysis failed, out of memory).
 */
int ph_fta_write_campaign(FILE *f, const ph_fta_model *m, const ph_fta_map *map,
                          const char *const *tops, size_t ntops, int order, char *err,
                          size_t errlen);

/*
 * The coverage of a campaign as ph_fta_write_campaign plans it, per top
 * event: cut sets of order <= order, how many are exercised (not skipped)
 * and the share of the cut sets' summed probability they carry (-1 when
 * probabilities are unknown).  Appends one JSON object per top to arr
 * {"top", "cut_sets", "exercised", "probability", "exercised_probability",
 * "coverage"}; returns 0 or -1 with err filled.
 */
int ph_fta_campaign_coverage(const ph_fta_model *m, const ph_fta_map *map, const char *const *tops,
                             size_t ntops, int order, json_t *arr, char *err, size_t errlen);

/* `pumphil fta merge` (argv[0] is "merge"): one verdict over the validation
 * runs of several builds; returns the exit status. */
int ph_fta_cmd_merge(int argc, char **argv);

/* The `pumphil fta` command: returns the exit status (0 success, 1 a test or
 * check failed, 2 bad usage or bad input). */
int ph_cmd_fta(int argc, char **argv);

/*
 * The campaign's verdict line from the run's verdict counts (indexed by
 * enum ph_verdict, run/events.h: pass, fail, error, skip):
 * "fta validate: P consistent, F contradictions, E errors (not judged),
 * S skipped".  The console's closing "N passed, N failed" counts errors as
 * failed (as the exit status does); this line, printed just before it,
 * tells a contradiction from a scenario that could not be judged.
 * Writes into buf (truncated to n); returns buf.
 */
char *ph_fta_verdict_line(char *buf, size_t n, const int *count);

/* SHA-256 of a file as 64 hex digits and a NUL; 0, or -1 when unreadable. */
int ph_fta_sha256_file(const char *path, char hex[65]);

#endif
