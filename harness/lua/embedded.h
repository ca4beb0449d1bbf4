/* embedded.h - Lua sources compiled into the binary (see cmake/embed.cmake). */
#ifndef PH_EMBEDDED_H
#define PH_EMBEDDED_H

#ifndef PH_USES_LUA
#error "lua/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif
#include <stddef.h>
typedef struct ph_embedded_file {
	const char *name; /* module name: file name without .lua */
	const char *data;
	size_t size;
} ph_embedded_file;
extern const ph_embedded_file ph_embedded[]; /* NULL-name terminated */
#endif
