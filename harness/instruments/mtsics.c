/*
 * mtsics.c - MT-SICS response lines: parsed for the driver, formatted for
 * the emulated balance (see mtsics.h for the manual's sections).
 */
#include "instruments/mtsics.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_INT_DIGITS 15 /* 10^15 mg: no balance; keeps the sums in int64 */
#define MAX_FRAC_DIGITS 9

static int fail(char *err, size_t errn, const char *fmt, ...)
{
	va_list ap;

	if (err && errn) {
		va_start(ap, fmt);
		vsnprintf(err, errn, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The line as it may be quoted in a message: printable ASCII, at most 40. */
static void quoted(char *dst, size_t dn, const char *s, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < n && j + 1 < dn && i < 40; i++)
		dst[j++] = s[i] >= 32 && s[i] < 127 ? s[i] : '?';
	dst[j] = 0;
}

static int is_id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '@';
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

static int64_t pow10i(int e)
{
	int64_t v = 1;

	while (e-- > 0)
		v *= 10;
	return v;
}

/* "[+-]digits[.digits] unit" to micrograms. */
static int parse_weight(const char *p, const char *end, mts_reply *r, char *err, size_t errn)
{
	const char *num = p;
	int neg = 0, nint = 0, nfrac = 0;
	int64_t ip = 0, fp = 0, mult;
	size_t ulen;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	while (p < end && *p >= '0' && *p <= '9' && nint <= MAX_INT_DIGITS)
		ip = ip * 10 + (*p++ - '0'), nint++;
	if (p < end && *p == '.') {
		p++;
		while (p < end && *p >= '0' && *p <= '9' && nfrac <= MAX_FRAC_DIGITS)
			fp = fp * 10 + (*p++ - '0'), nfrac++;
	}
	if (nint + nfrac == 0 || nint > MAX_INT_DIGITS || nfrac > MAX_FRAC_DIGITS ||
	    (p < end && *p != ' ')) {
		char q[48];
		const char *e = p;
		while (e < end && *e != ' ')
			e++;
		quoted(q, sizeof q, num, (size_t)(e - num));
		return fail(err, errn, "weight value '%s' is not a number the balance sends", q);
	}
	p = skip_spaces(p, end);
	ulen = (size_t)(end - p);
	if (ulen == 1 && p[0] == 'g')
		mult = 1000000;
	else if (ulen == 2 && !memcmp(p, "mg", 2))
		mult = 1000;
	else if (ulen == 2 && !memcmp(p, "kg", 2))
		mult = 1000000000;
	else {
		char q[48];
		quoted(q, sizeof q, p, ulen);
		return fail(err, errn,
		            "unit '%s' is not a mass unit pumphil reads (g, mg, kg): set the "
		            "balance to g",
		            q);
	}
	if (ip >= INT64_MAX / mult - 1)
		return fail(err, errn, "weight value out of range");
	/* fp < 10^9 and mult <= 10^9: the product fits. */
	r->value_ug = ip * mult + (fp * mult + pow10i(nfrac) / 2) / pow10i(nfrac);
	if (neg)
		r->value_ug = -r->value_ug;
	r->decimals = nfrac;
	memcpy(r->unit, p, ulen);
	r->unit[ulen] = 0;
	return 0;
}

/* Fields, quoted ("b c") or bare (I0's level), joined by one space into
 * r->text. */
static int parse_text(const char *p, const char *end, mts_reply *r, char *err, size_t errn)
{
	size_t j = 0;

	while ((p = skip_spaces(p, end)) < end) {
		int q = *p == '"';
		if (q)
			p++;
		if (j && j + 1 < sizeof r->text)
			r->text[j++] = ' ';
		while (p < end && (q ? *p != '"' : *p != ' ')) {
			if (!q && *p == '"')
				return fail(err, errn, "quote inside a bare field");
			if (j + 1 < sizeof r->text)
				r->text[j++] = *p;
			p++;
		}
		if (q && p == end)
			return fail(err, errn, "text field without its closing quote");
		p += q;
	}
	r->text[j] = 0;
	return 0;
}

static int only_spaces(const char *p, const char *end)
{
	return skip_spaces(p, end) == end;
}

static int parse_status(char st, const char *p, const char *end, mts_reply *r, char *err,
                        size_t errn)
{
	switch (st) {
	case 'S':
	case 'D':
		r->kind = MTS_WEIGHT;
		r->stable = st == 'S';
		p = skip_spaces(p, end);
		if (p == end)
			return fail(err, errn, "'%s %c' without a weight value", r->id, st);
		return parse_weight(p, end, r, err, errn);
	case 'A':
	case 'B':
		r->kind = st == 'B' ? MTS_MORE : only_spaces(p, end) ? MTS_DONE : MTS_TEXT;
		return parse_text(p, end, r, err, errn);
	case 'I': r->kind = MTS_BUSY; break;
	case '+': r->kind = MTS_OVERLOAD; break;
	case '-': r->kind = MTS_UNDERLOAD; break;
	case 'L': r->kind = MTS_LOGICAL; break;
	default:
		return fail(err, errn, "unknown status '%c' after '%s'",
		            st >= 32 && st < 127 ? st : '?', r->id);
	}
	if (!only_spaces(p, end))
		return fail(err, errn, "'%s %c' followed by more than it should be", r->id, st);
	return 0;
}

int mts_parse(const char *line, size_t n, mts_reply *out, char *err, size_t errn)
{
	const char *p = line, *end = line + n;
	size_t idn = 0;

	memset(out, 0, sizeof *out);
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	for (const char *q = p; q < end; q++)
		if ((unsigned char)*q < 32 || (unsigned char)*q > 126)
			return fail(err, errn, "reply holds a control or non-ASCII byte 0x%02x",
			            (unsigned char)*q);
	if (p == end)
		return fail(err, errn, "empty reply line");
	if (end - p == 2 && p[0] == 'E' && (p[1] == 'S' || p[1] == 'T' || p[1] == 'L')) {
		out->kind = p[1] == 'S'   ? MTS_ERR_SYNTAX
		            : p[1] == 'T' ? MTS_ERR_TRANSM
		                          : MTS_ERR_LOGICAL;
		return 0;
	}
	while (p < end && is_id_char(*p) && idn + 1 < sizeof out->id)
		out->id[idn++] = *p++;
	if (idn == 0 || p == end || *p != ' ' || end - p < 2) {
		char q[48];
		quoted(q, sizeof q, line, (size_t)(end - line));
		return fail(err, errn, "reply '%s' is not '<command> <status> ...'", q);
	}
	return parse_status(p[1], p + 2, end, out, err, errn);
}

const char *mts_kind_name(enum mts_kind k)
{
	switch (k) {
	case MTS_WEIGHT: return "weight";
	case MTS_DONE: return "done";
	case MTS_TEXT: return "text";
	case MTS_MORE: return "more lines";
	case MTS_BUSY: return "not executable now (busy or not stable)";
	case MTS_OVERLOAD: return "overload";
	case MTS_UNDERLOAD: return "underload";
	case MTS_LOGICAL: return "parameter not allowed";
	case MTS_ERR_SYNTAX: return "syntax error (ES)";
	case MTS_ERR_TRANSM: return "transmission error (ET)";
	case MTS_ERR_LOGICAL: return "logical error (EL)";
	}
	return "?";
}

static size_t done(int w, size_t n)
{
	return w < 0 || (size_t)w >= n ? 0 : (size_t)w;
}

size_t mts_format_weight(char *buf, size_t n, const char *id, int stable, int64_t value_ug,
                         int decimals)
{
	char val[48];
	int64_t step, q, a;

	if (decimals < 0 || decimals > 6)
		return 0;
	step = pow10i(6 - decimals); /* ug per displayed digit */
	a = value_ug < 0 ? -value_ug : value_ug;
	q = (a + step / 2) / step; /* displayed digits, rounded */
	if (decimals)
		snprintf(val, sizeof val, "%s%" PRId64 ".%0*" PRId64, value_ug < 0 && q ? "-" : "",
		         q / pow10i(decimals), decimals, q % pow10i(decimals));
	else
		snprintf(val, sizeof val, "%s%" PRId64, value_ug < 0 && q ? "-" : "", q);
	return done(snprintf(buf, n, "%s %c %10s g\r\n", id, stable ? 'S' : 'D', val), n);
}

size_t mts_format_status(char *buf, size_t n, const char *id, char status)
{
	if (!id)
		return done(snprintf(buf, n, "E%c\r\n", status), n);
	return done(snprintf(buf, n, "%s %c\r\n", id, status), n);
}

size_t mts_format_text(char *buf, size_t n, const char *id, const char *text)
{
	return done(snprintf(buf, n, "%s A \"%s\"\r\n", id, text), n);
}
