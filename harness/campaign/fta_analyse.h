/*
 * fta_analyse.h - `pumphil fta analyse` (and pumphil-fta): fault-tree
 * analysis from the command line (docs/fta.md).
 */
#ifndef PH_FTA_ANALYSE_H
#define PH_FTA_ANALYSE_H

#ifndef PH_USES_CAMPAIGN
#error "campaign/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

/* argv[0] is "analyse"; returns the exit status. */
int ph_fta_cmd_analyse(int argc, char **argv);

#endif
