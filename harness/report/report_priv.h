/*
 * report_priv.h - helpers shared by the report writers (not for other areas).
 */
#ifndef PH_REPORT_PRIV_H
#define PH_REPORT_PRIV_H

#ifndef PH_USES_REPORT
#error "report/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "report/report.h"

/* The string at o[k], or "" (never NULL). */
const char *ph_report_str(json_t *o, const char *k);

/* Whether this build has the viewer's headless renderer. */
int ph_report_can_plot(void);

/* Render the plots of test (its position pos in the record, from 0) from
 * the trace at trace_path into out_dir/plots/ and list them in
 * test["plots"]: the whole test, and for a test that did not pass a closer
 * window around its failure (from the fault that led to it when there is
 * one).  Returns 0, or -1 with err filled (the renderer's message). */
int ph_report_plot_test(json_t *test, size_t pos, const char *trace_path, const char *out_dir,
                        char *err, size_t errlen);

/* Whether rel, a path a record names (what: "trace" or "plot"), may be read
 * as dir/rel: not empty, relative, no ".." component, and resolving
 * (symlinks followed) to a regular file inside dir, or to nothing (the
 * reader then says it is missing).  Fills path with dir/rel.  Returns 0, or
 * -1 with one line in why ("REL: absolute path refused ...", "'..'
 * refused", "resolves outside the run directory", "not a regular file").
 * Never opens rel, so never blocks on a FIFO. */
int ph_report_confine(const char *dir, const char *rel, const char *what, char *path, size_t n,
                      char *why, size_t whylen);

/* Copy the regular file src to dst (src opened without blocking: a FIFO
 * or device is refused with EINVAL).  Returns 0 or -1 (errno set). */
int ph_report_copy_file(const char *src, const char *dst);

/* HTML-escape s (invalid XML characters dropped) to f. */
void ph_report_html_esc(FILE *f, const char *s);

/* Sections of index.html (report_html*.c). */
void ph_report_html_matrix(FILE *f, json_t *record);
/* The fault-tree validation table, when tests carry "fta" data. */
void ph_report_html_fta(FILE *f, json_t *record);
/* Whether the record holds fault-tree validation scenarios (tests with "fta"). */
int ph_report_has_fta(json_t *record);
void ph_report_html_test(FILE *f, json_t *test, size_t pos);
/* Whether a measurement of ms has a "trend" (ph_history_trend), and its
 * sparkline and "moved" badge (report_html_trend.c). */
int ph_report_html_has_trend(json_t *ms);
void ph_report_html_trend(FILE *f, json_t *m);

#endif
