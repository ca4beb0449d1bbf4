/*
 * record.c - UTF-8 hygiene for everything that reaches a record or a report
 * (test names and messages come from untrusted scripts).
 */
#include "results/record.h"

#include <stdlib.h>
#include <string.h>

/* Length of a valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

size_t ph_utf8_sanitize(const char *s, size_t n, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(p + i, n - i);
		if (p[i] == 0) {
			i++;
			continue;
		}
		if (len == 0) {
			if (o + 3 >= cap)
				break;
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		if (o + len >= cap)
			break;
		memcpy(out + o, p + i, len);
		o += len;
		i += len;
	}
	out[o] = 0;
	return o;
}

json_t *ph_json_string_lossy(const char *s, size_t n)
{
	size_t cap = n * 3 + 1;
	char *buf = malloc(cap);
	json_t *j;

	if (!buf)
		return json_string("");
	size_t len = ph_utf8_sanitize(s, n, buf, cap);
	j = json_stringn(buf, len);
	free(buf);
	return j ? j : json_string("");
}
