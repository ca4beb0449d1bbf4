/* profile.h - bench profiles: fixtures/profiles/NAME.json. */
#ifndef PH_PROFILE_H
#define PH_PROFILE_H

#ifndef PH_USES_LINK
#error "link/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>

#include <jansson.h>

#include "bench.h"

/* Load profile `name` (a name under fixtures_dir/profiles/ or a path) into
 * cfg, starting from the built-in defaults.  Returns the parsed JSON (the
 * caller owns it and passes it to scripts as bench.profile), or NULL with a
 * one-line message "file[:line]: what" in err. */
json_t *ph_profile_load(const char *name, const char *fixtures_dir, bench_config *cfg, char *err,
                        size_t errlen);

#endif
