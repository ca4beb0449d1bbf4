/*
 * trace_csv.c - merge the chosen series on their time stamps into CSV rows.
 */
#include "trace_csv.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Write one row at time t, advancing the series that have a sample there. */
static int write_row(const ph_trace_signals *s, const int *sigs, size_t nsigs, size_t *pos,
                     int64_t t, FILE *out)
{
	if (fprintf(out, "%lld", (long long)t) < 0)
		return -1;
	for (size_t k = 0; k < nsigs; k++) {
		const ph_trace_series *se = &s->sig[sigs[k]];
		if (pos[k] < se->n && se->t_ns[pos[k]] == t) {
			if (fprintf(out, ",%ld", (long)se->v[pos[k]]) < 0)
				return -1;
			pos[k]++;
		} else if (fputc(',', out) == EOF) {
			return -1;
		}
	}
	return fputc('\n', out) == EOF ? -1 : 0;
}

int ph_trace_csv_write(const ph_trace_signals *s, const int *sigs, size_t nsigs, FILE *out)
{
	size_t *pos = calloc(nsigs ? nsigs : 1, sizeof *pos);
	int r = -1;

	if (!pos)
		return -1;
	for (size_t k = 0; k < nsigs; k++)
		if (sigs[k] < 0 || sigs[k] >= PH_SIG_COUNT) {
			errno = EINVAL;
			goto out_free;
		}
	if (fputs("time_ns", out) == EOF)
		goto out_free;
	for (size_t k = 0; k < nsigs; k++)
		if (fprintf(out, ",%s", ph_trace_signal_name(sigs[k])) < 0)
			goto out_free;
	if (fputc('\n', out) == EOF)
		goto out_free;
	for (;;) {
		int64_t t = INT64_MAX;
		int any = 0;
		for (size_t k = 0; k < nsigs; k++) {
			const ph_trace_series *se = &s->sig[sigs[k]];
			if (pos[k] < se->n && se->t_ns[pos[k]] <= t) {
				t = se->t_ns[pos[k]];
				any = 1;
			}
		}
		if (!any)
			break;
		if (write_row(s, sigs, nsigs, pos, t, out) < 0)
			goto out_free;
	}
	r = fflush(out) == EOF ? -1 : 0;
out_free:
	free(pos);
	return r;
}

int ph_trace_csv_parse_list(const char *list, int *sigs, size_t max, char *bad, size_t badlen)
{
	size_t n = 0;
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		char name[64];
		int sig = -1;
		if (len && len < sizeof name) {
			memcpy(name, p, len);
			name[len] = 0;
			sig = ph_trace_signal_find(name);
		}
		if (sig < 0 || n >= max) {
			snprintf(bad, badlen, "%.*s", (int)len, p);
			return -1;
		}
		sigs[n++] = sig;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!n)
		snprintf(bad, badlen, "%s", "");
	return n ? (int)n : -1;
}
