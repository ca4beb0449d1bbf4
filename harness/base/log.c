/*
 * log.c - see log.h.
 */
#include "base/log.h"

#include <stdio.h>
#include <string.h>

static ph_log_level max_level = PH_LOG_NOTE;
static ph_log_sink sink;
static void *sink_ud;

void ph_log_set_level(ph_log_level level)
{
	max_level = level;
}

ph_log_level ph_log_get_level(void)
{
	return max_level;
}

void ph_log_set_sink(ph_log_sink fn, void *ud)
{
	sink = fn;
	sink_ud = ud;
}

void ph_logv(ph_log_level level, const char *fmt, va_list ap)
{
	char line[2048];
	size_t n;

	if (level > max_level)
		return;
	vsnprintf(line, sizeof line, fmt, ap);
	n = strlen(line);
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = 0;
	if (sink) {
		sink(sink_ud, level, line);
		return;
	}
	fflush(stdout); /* keep stdout's progress lines and stderr in order */
	fprintf(stderr, "%s\n", line);
}

void ph_log(ph_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ph_logv(level, fmt, ap);
	va_end(ap);
}
