/*
 * fs.h - file-system helpers every area uses.
 */
#ifndef PH_FS_H
#define PH_FS_H

#ifndef PH_USES_BASE
#error "base/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

/* mkdir -p.  Returns 0 or -1 (errno set). */
int ph_mkdirs(const char *path);

#endif
