/*
 * log.h - the harness's levelled diagnostics on stderr.
 *
 * Library code reports through ph_log() instead of printing: the command
 * line sets the level once (-q: errors only, default: warnings and notes,
 * -v: info, -vv: debug), and a subscriber may take the lines instead (a test,
 * or later a GUI).  A message is written exactly as formatted, one line, no
 * prefix added: callers keep their "pumphil: warning: ..." text, so what a
 * user reads (and what tests match) does not depend on the level machinery.
 *
 * Thread-safety: the level and the sink are process-wide settings made
 * before work starts; ph_log itself only formats and writes.
 */
#ifndef PH_LOG_H
#define PH_LOG_H

#ifndef PH_USES_BASE
#error "base/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdarg.h>

typedef enum ph_log_level {
	PH_LOG_ERROR = 0, /* the command cannot do what was asked */
	PH_LOG_WARN = 1,  /* it goes on, but something the user relies on is missing */
	PH_LOG_NOTE = 2,  /* default level: what a user should know (e.g. "-j 1 on usb") */
	PH_LOG_INFO = 3,  /* -v: progress and decisions */
	PH_LOG_DEBUG = 4, /* -vv: for developers */
} ph_log_level;

/* Messages above this level are dropped.  Default PH_LOG_NOTE. */
void ph_log_set_level(ph_log_level level);
ph_log_level ph_log_get_level(void);

/* Where lines go: fn(ud, level, line) with the line without its newline;
 * NULL restores stderr. */
typedef void (*ph_log_sink)(void *ud, ph_log_level level, const char *line);
void ph_log_set_sink(ph_log_sink fn, void *ud);

/* Format and emit one line (a trailing newline is added when missing). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void ph_log(ph_log_level level, const char *fmt, ...);
void ph_logv(ph_log_level level, const char *fmt, va_list ap);

#define ph_log_error(...) ph_log(PH_LOG_ERROR, __VA_ARGS__)
#define ph_log_warn(...) ph_log(PH_LOG_WARN, __VA_ARGS__)
#define ph_log_note(...) ph_log(PH_LOG_NOTE, __VA_ARGS__)
#define ph_log_info(...) ph_log(PH_LOG_INFO, __VA_ARGS__)
#define ph_log_debug(...) ph_log(PH_LOG_DEBUG, __VA_ARGS__)

#endif
