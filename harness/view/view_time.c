/*
 * view_time.c - parse and format times for the viewer.
 */
#include "view_time.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace.h"

static const struct {
	const char *suffix;
	double ns;
} units[] = {
	{ "ns", 1 },   { "us", 1e3 },   { "ms", 1e6 },    { "s", 1e9 }, { "min", 60e9 },
	{ "m", 60e9 }, { "h", 3600e9 }, { "d", 86400e9 }, { "", 1 },
};

int ph_view_time_parse(const char *s, int64_t *ns)
{
	char *end;
	double v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		double x;
		if (strcmp(end, units[i].suffix))
			continue;
		if (!units[i].suffix[0] && strpbrk(s, ".eE"))
			return -1; /* bare numbers are integer ns */
		x = v * units[i].ns;
		if (x < 0 || x >= (double)PH_TRACE_T_LIMIT)
			return -1;
		*ns = (int64_t)llround(x);
		return 0;
	}
	return -1;
}

/* The first of unit * {1, 2, 5, 10, 20, 50, ...} at or above want. */
static int64_t ladder125(int64_t unit, double want)
{
	for (int64_t step = unit; step < INT64_MAX / 10; step *= 10) {
		if ((double)step >= want)
			return step;
		if ((double)(2 * step) >= want)
			return 2 * step;
		if ((double)(5 * step) >= want)
			return 5 * step;
	}
	return INT64_MAX / 10;
}

int64_t ph_view_time_step(double ns_per_px, double min_px)
{
	static const int64_t clock[] = {
		PH_NS_S,        2 * PH_NS_S,    5 * PH_NS_S,   10 * PH_NS_S,  15 * PH_NS_S,
		30 * PH_NS_S,   PH_NS_MIN,      2 * PH_NS_MIN, 5 * PH_NS_MIN, 10 * PH_NS_MIN,
		15 * PH_NS_MIN, 30 * PH_NS_MIN, PH_NS_H,       2 * PH_NS_H,   3 * PH_NS_H,
		6 * PH_NS_H,    12 * PH_NS_H,
	};
	double want = ns_per_px * min_px;

	if (want < (double)PH_NS_S)
		return ladder125(1, want);
	for (size_t i = 0; i < sizeof clock / sizeof clock[0]; i++)
		if ((double)clock[i] >= want)
			return clock[i];
	return ladder125(PH_NS_D, want);
}

void ph_view_time_label(int64_t t, int64_t step, char *buf, size_t n)
{
	const char *sign = t < 0 ? "-" : "";
	uint64_t a = (uint64_t)(t < 0 ? -t : t);
	uint64_t d = a / PH_NS_D, h = a % PH_NS_D / PH_NS_H, m = a % PH_NS_H / PH_NS_MIN;
	uint64_t s = a % PH_NS_MIN / PH_NS_S, frac = a % PH_NS_S;
	char day[24] = "";

	if (d)
		snprintf(day, sizeof day, "%llud ", (unsigned long long)d);
	if (step >= PH_NS_D)
		snprintf(buf, n, "%s%llud", sign, (unsigned long long)d);
	else if (step >= PH_NS_MIN)
		snprintf(buf, n, "%s%s%02llu:%02llu", sign, day, (unsigned long long)h,
		         (unsigned long long)m);
	else if (step >= PH_NS_S)
		snprintf(buf, n, "%s%s%02llu:%02llu:%02llu", sign, day, (unsigned long long)h,
		         (unsigned long long)m, (unsigned long long)s);
	else if (a < PH_NS_MIN) {
		int digits = step >= 100000000  ? 1
		             : step >= 10000000 ? 2
		             : step >= 1000000  ? 3
		             : step >= 100000   ? 4
		             : step >= 10000    ? 5
		             : step >= 1000     ? 6
		                                : 9;
		snprintf(buf, n, "%s%llu.%0*llu s", sign, (unsigned long long)s, digits,
		         (unsigned long long)(frac / (uint64_t)pow(10, 9 - digits)));
	} else {
		snprintf(buf, n, "%s%s%02llu:%02llu:%02llu.%03llu", sign, day,
		         (unsigned long long)h, (unsigned long long)m, (unsigned long long)s,
		         (unsigned long long)(frac / 1000000));
	}
}

void ph_view_time_span(int64_t dt, char *buf, size_t n)
{
	const char *sign = dt < 0 ? "-" : "";
	double a = fabs((double)dt);

	if (a >= (double)PH_NS_D)
		snprintf(buf, n, "%s%.0f d %.0f h", sign, floor(a / 86400e9),
		         floor(fmod(a, 86400e9) / 3600e9));
	else if (a >= (double)PH_NS_H)
		snprintf(buf, n, "%s%.0f h %.0f min", sign, floor(a / 3600e9),
		         floor(fmod(a, 3600e9) / 60e9));
	else if (a >= (double)PH_NS_MIN)
		snprintf(buf, n, "%s%.0f min %.1f s", sign, floor(a / 60e9), fmod(a, 60e9) / 1e9);
	else if (a >= 1e9)
		snprintf(buf, n, "%s%.3f s", sign, a / 1e9);
	else if (a >= 1e6)
		snprintf(buf, n, "%s%.3f ms", sign, a / 1e6);
	else if (a >= 1e3)
		snprintf(buf, n, "%s%.3f us", sign, a / 1e3);
	else
		snprintf(buf, n, "%s%.0f ns", sign, a);
}
