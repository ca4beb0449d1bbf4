/*
 * report.h - writing a run's reports from its JSON record: record.json,
 * junit.xml, index.html.  Every report is derived from the record alone, so
 * `pumphil report` can regenerate them later.
 */
#ifndef PH_REPORT_H
#define PH_REPORT_H

#include <stddef.h>

#include <jansson.h>

/* mkdir -p.  Returns 0 or -1 (errno set). */
int ph_mkdirs(const char *path);

/* Write record.json, junit.xml and index.html into dir.  Returns 0, or -1
 * with a message in err (what was written before the failure stays). */
int ph_report_write_all(const char *dir, json_t *record, const char *fixtures_dir, char *err,
			size_t errlen);

int ph_report_junit(const char *path, json_t *record, char *err, size_t errlen);
int ph_report_html(const char *dir, json_t *record, const char *fixtures_dir, char *err,
		   size_t errlen);

/* Strip what XML 1.0 cannot carry (C0 controls but tab, LF, CR) from valid
 * UTF-8 text; returns a new string (caller frees) or NULL on no memory. */
char *ph_xml_clean(const char *s);

#endif
