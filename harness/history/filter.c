/*
 * filter.c - identities (bench, test) and which runs a query takes.
 */
#include <stdio.h>
#include <string.h>

#include "history/history_priv.h"

void ph_history_bench_of(json_t *run, char *out, size_t n)
{
	const char *host = json_string_value(json_object_get(run, "host"));
	const char *board = json_string_value(json_object_get(run, "board"));
	snprintf(out, n, "%s/%s", host ? host : "?", board ? board : "?");
}

void ph_history_test_key(const char *suite, const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s / %s", suite ? suite : "", name ? name : "?");
}

int ph_history_filter_parse(char *s, ph_history_filter *f, char *err, size_t errlen)
{
	if (!strchr(s, '=')) {
		f->run = s;
		return 0;
	}
	for (char *save = NULL, *kv = strtok_r(s, ",", &save); kv;
	     kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq) {
			snprintf(err, errlen, "'%s' is not key=value", kv);
			return -1;
		}
		*eq = 0;
		const char *v = eq + 1;
		if (!strcmp(kv, "run"))
			f->run = v;
		else if (!strcmp(kv, "fw"))
			f->fw = v;
		else if (!strcmp(kv, "build"))
			f->build = v;
		else if (!strcmp(kv, "bench"))
			f->bench = v;
		else if (!strcmp(kv, "profile"))
			f->profile = v;
		else if (!strcmp(kv, "since"))
			f->since = v;
		else if (!strcmp(kv, "until"))
			f->until = v;
		else {
			snprintf(err, errlen,
			         "unknown key '%s' (run, fw, build, bench, profile, since, until)",
			         kv);
			return -1;
		}
	}
	return 0;
}

int ph_history_filter_sql(const ph_history_filter *f, char *where, size_t n, const char **p,
                          int *np, char *buf, size_t bufn)
{
	size_t used = 0;
#define ADD(cond)                                                                                  \
	do {                                                                                       \
		if (strlen(where) + strlen(cond) + 1 > n)                                          \
			return -1;                                                                 \
		strcat(where, cond);                                                               \
	} while (0)
#define PARAM(v) (p[(*np)++] = (v))
	if (f->run) {
		ADD(" AND (r.run_id = ? OR r.run_key = ?)");
		PARAM(f->run);
		PARAM(f->run);
	}
	if (f->fw) {
		ADD(" AND t.fw_version = ?");
		PARAM(f->fw);
	}
	if (f->build) {
		ADD(" AND r.git = ?");
		PARAM(f->build);
	}
	if (f->bench) {
		ADD(" AND (r.bench = ? OR r.host = ?)");
		PARAM(f->bench);
		PARAM(f->bench);
	}
	if (f->profile) {
		int k = snprintf(buf + used, bufn - used, "%%/%s.json", f->profile);
		if (k < 0 || (size_t)k >= bufn - used)
			return -1;
		ADD(" AND (r.profile = ? OR r.profile LIKE ?)");
		PARAM(f->profile);
		PARAM(buf + used);
		used += (size_t)k + 1;
	}
	if (f->since) {
		ADD(" AND r.started >= ?");
		PARAM(f->since);
	}
	if (f->until) {
		/* "2024-05-01" takes the whole day: '~' sorts after any time. */
		int k = snprintf(buf + used, bufn - used, "%s~", f->until);
		if (k < 0 || (size_t)k >= bufn - used)
			return -1;
		ADD(" AND r.started <= ?");
		PARAM(buf + used);
		used += (size_t)k + 1;
	}
#undef ADD
#undef PARAM
	return 0;
}

void ph_history_csv_field(FILE *out, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}
