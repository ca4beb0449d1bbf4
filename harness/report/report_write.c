/*
 * report_write.c - every report file of a run from its record.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/log.h"
#include "history/history.h"
#include "report/report.h"

/* record.json through a temporary file, so it is whole or absent. */
static int write_record(const char *dir, json_t *record, char *err, size_t errlen)
{
	char path[4096], tmp[4200];

	snprintf(path, sizeof path, "%s/record.json", dir);
	snprintf(tmp, sizeof tmp, "%s/.record.json.%d", dir, (int)getpid());
	errno = 0;
	if (json_dump_file(record, tmp, JSON_INDENT(1) | JSON_ENSURE_ASCII) < 0 ||
	    rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		snprintf(err, errlen, "%s: cannot write%s%s", path, e ? ": " : "",
		         e ? strerror(e) : "");
		return -1;
	}
	return 0;
}

/* The trends are index.html's, not the record's. */
static void strip_trends(json_t *record)
{
	json_t *t, *m;
	size_t i, k;
	json_array_foreach(json_object_get(record, "tests"), i, t)
	{
		json_array_foreach(json_object_get(t, "measurements"), k, m)
		{
			json_object_del(m, "trend");
		}
	}
}

int ph_report_write_all(const char *dir, json_t *record, const ph_report_opts *o, char *err,
                        size_t errlen)
{
	char path[4096];

	if (ph_report_prepare(record, o, dir, err, errlen) < 0)
		return -1;
	if (write_record(dir, record, err, errlen) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/junit.xml", dir);
	if (ph_report_junit(path, record, err, errlen) < 0)
		return -1;
	strip_trends(record); /* a record file's own are not trusted */
	if (o->history && !ph_history_url_off(o->history)) {
		char why[1024];
		int runs = o->trend_runs > 0 ? o->trend_runs : PH_HISTORY_TREND_RUNS;
		if (ph_history_trend(o->history, record, runs, why, sizeof why) < 0)
			ph_log_warn("pumphil: warning: report: no trends: %s", why);
	}
	int rc = ph_report_html(dir, record, err, errlen);
	strip_trends(record);
	return rc;
}
