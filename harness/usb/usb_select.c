/*
 * usb_select.c - selector parsing and device matching (see usb_select.h).
 */
#include "usb/usb_select.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usb/usb_shape.h"

static int set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* 1-4 hex digits exactly, into *out. */
static int parse_hex16(const char *s, size_t n, uint16_t *out)
{
	unsigned v = 0;

	if (n < 1 || n > 4)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		v = v * 16 + (unsigned)(isdigit((unsigned char)s[i])
		                                ? s[i] - '0'
		                                : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*out = (uint16_t)v;
	return 0;
}

/* A decimal 1-255 of at most 3 digits; returns characters used or -1. */
static int parse_u8(const char *s, uint8_t *out)
{
	int n = 0;
	unsigned v = 0;

	while (n < 3 && isdigit((unsigned char)s[n]))
		v = v * 10 + (unsigned)(s[n++] - '0');
	if (!n || isdigit((unsigned char)s[n]) || v < 1 || v > 255)
		return -1;
	*out = (uint8_t)v;
	return n;
}

static int looks_like_path(const char *s)
{
	size_t digits = strspn(s, "0123456789");
	return digits > 0 && s[digits] == '-' && s[strspn(s, "0123456789-.")] == 0;
}

static int parse_path(const char *s, ph_usb_selector *sel, char *err, size_t errlen)
{
	const char *p = s;
	int n = parse_u8(p, &sel->bus);

	if (n < 0 || p[n] != '-')
		return set_err(err, errlen, "usb selector '%s': bad bus number", s);
	p += n + 1;
	for (;;) {
		if (sel->nports == PH_USB_MAX_PORTS)
			return set_err(err, errlen, "usb selector '%s': more than %d ports", s,
			               PH_USB_MAX_PORTS);
		n = parse_u8(p, &sel->ports[sel->nports]);
		if (n < 0)
			return set_err(err, errlen, "usb selector '%s': bad port number", s);
		sel->nports++;
		p += n;
		if (!*p)
			return 0;
		if (*p++ != '.')
			return set_err(err, errlen, "usb selector '%s': expected '.' between ports",
			               s);
	}
}

static int parse_serial(const char *s, ph_usb_selector *sel, char *err, size_t errlen)
{
	if (!*s || strlen(s) > PH_USB_STR_MAX)
		return set_err(err, errlen, "usb selector: serial number must be 1-%d characters",
		               PH_USB_STR_MAX);
	sel->kind = PH_USB_SEL_SERIAL;
	memcpy(sel->serial, s, strlen(s) + 1);
	return 0;
}

int ph_usb_selector_parse(const char *s, ph_usb_selector *sel, char *err, size_t errlen)
{
	const char *colon;

	memset(sel, 0, sizeof *sel);
	if (!s || !*s)
		return 0;
	if (!strncmp(s, "serial=", 7))
		return parse_serial(s + 7, sel, err, errlen);
	colon = strchr(s, ':');
	if (colon) {
		sel->kind = PH_USB_SEL_VIDPID;
		if (parse_hex16(s, (size_t)(colon - s), &sel->vid) ||
		    parse_hex16(colon + 1, strlen(colon + 1), &sel->pid))
			return set_err(err, errlen, "usb selector '%s': expected VID:PID in hex",
			               s);
		return 0;
	}
	if (looks_like_path(s)) {
		sel->kind = PH_USB_SEL_PATH;
		return parse_path(s, sel, err, errlen);
	}
	return parse_serial(s, sel, err, errlen);
}

int ph_usb_selector_needs_strings(const ph_usb_selector *sel)
{
	return sel->kind == PH_USB_SEL_ANY || sel->kind == PH_USB_SEL_SERIAL;
}

static int same_path(const ph_usb_selector *sel, const ph_usb_devinfo *d)
{
	return sel->bus == d->bus && sel->nports == d->nports &&
	       !memcmp(sel->ports, d->ports, (size_t)d->nports);
}

int ph_usb_selector_match(const ph_usb_selector *sel, const ph_usb_devinfo *d, int strings_known)
{
	switch (sel->kind) {
	case PH_USB_SEL_ANY:
		if (d->vid != PH_USB_VID)
			return 0;
		return !strings_known ||
		       !strncmp(d->product, PH_USB_PRODUCT_PREFIX, strlen(PH_USB_PRODUCT_PREFIX));
	case PH_USB_SEL_SERIAL: return !strings_known || !strcmp(d->serial, sel->serial);
	case PH_USB_SEL_VIDPID: return d->vid == sel->vid && d->pid == sel->pid;
	case PH_USB_SEL_PATH: return same_path(sel, d);
	}
	return 0;
}

const char *ph_usb_path_str(uint8_t bus, const uint8_t *ports, int nports, char *buf, size_t n)
{
	size_t len;

	snprintf(buf, n, "%u", bus);
	for (int i = 0; i < nports; i++) {
		len = strlen(buf);
		if (len + 1 >= n)
			break;
		snprintf(buf + len, n - len, "%c%u", i ? '.' : '-', ports[i]);
	}
	return buf;
}
