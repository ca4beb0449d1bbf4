/*
 * cli.h - what every command's option parsing shares.
 */
#ifndef PH_CLI_H
#define PH_CLI_H

#ifndef PH_USES_BASE
#error "base/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

/* Bad usage: "pumphil CMD: " + fmt (with arg) and the usage line on stderr.
 * Returns 2, the exit status for bad usage. */
int ph_usage_error(const char *cmd, const char *usage_line, const char *fmt, const char *arg);

#endif
