/* json_err.h - one-line messages for jansson load errors: "path:line:col:
 * text" when the error has a place in the file, the bare text otherwise
 * (jansson's "unable to open PATH: ..." already names the file). */
#ifndef PH_JSON_ERR_H
#define PH_JSON_ERR_H

#ifndef PH_USES_BASE
#error "base/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdio.h>
#include <string.h>

#include <jansson.h>

static inline void ph_json_errmsg(char *buf, size_t n, const char *path, const json_error_t *e)
{
	if (e->line < 1 && strstr(e->text, path))
		snprintf(buf, n, "%s", e->text);
	else if (e->line < 1)
		snprintf(buf, n, "%s: %s", path, e->text);
	else
		snprintf(buf, n, "%s:%d:%d: %s", path, e->line, e->column, e->text);
}

#endif
