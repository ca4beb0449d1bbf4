/*
 * paths.h - where the harness finds its data by default.
 */
#ifndef PH_PATHS_H
#define PH_PATHS_H

#ifndef PH_USES_BASE
#error "base/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

/* The fixtures folder (profiles, catalogues, fault trees): $PUMPHIL_FIXTURES,
 * else ./fixtures when it exists, else the source tree's fixtures/ this
 * binary was built from.  Returns a string that lives as long as the
 * process (or the environment).  Never fails. */
const char *ph_default_fixtures_dir(void);

#endif
