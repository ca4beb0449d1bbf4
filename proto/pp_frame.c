/*
 * pp_frame.c - COBS, CRC-32 and frame encode/decode.
 *
 * Written for a Cortex-M0+ as much as for the host: the CRC uses a 16-entry
 * nibble table (64 bytes of flash) rather than zlib, which the firmware
 * cannot link; the unit tests check it against zlib's crc32() on the host.
 */
#include "pp.h"

#include <string.h>

const char *pp_strerror(int err)
{
	switch (err) {
	case PP_OK: return "ok";
	case PP_ERR_COBS: return "invalid COBS framing";
	case PP_ERR_SHORT: return "frame shorter than header and CRC";
	case PP_ERR_TOO_LONG: return "frame longer than the maximum";
	case PP_ERR_CRC: return "CRC mismatch";
	case PP_ERR_VERSION: return "unsupported protocol version";
	case PP_ERR_LENGTH: return "payload length mismatch";
	case PP_ERR_TYPE: return "unknown message type";
	case PP_ERR_CHANNEL: return "message not valid on this channel";
	case PP_ERR_SPACE: return "output buffer too small";
	default: return "unknown error";
	}
}

int pp_cobs_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	size_t o = 1, code_at = 0;
	uint8_t code = 1;

	if (cap < 1)
		return PP_ERR_SPACE;
	for (size_t i = 0; i < n; i++) {
		if (in[i] != 0) {
			if (o >= cap)
				return PP_ERR_SPACE;
			out[o++] = in[i];
			code++;
		}
		if (in[i] == 0 || code == 0xff) {
			out[code_at] = code;
			code = 1;
			code_at = o;
			if (o >= cap)
				return PP_ERR_SPACE;
			o++;
		}
	}
	out[code_at] = code;
	return (int)o;
}

int pp_cobs_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n) {
		uint8_t code = in[i++];
		if (code == 0)
			return PP_ERR_COBS;
		for (uint8_t k = 1; k < code; k++) {
			if (i >= n || in[i] == 0)
				return PP_ERR_COBS;
			if (o >= cap)
				return PP_ERR_SPACE;
			out[o++] = in[i++];
		}
		if (code != 0xff && i < n) {
			if (o >= cap)
				return PP_ERR_SPACE;
			out[o++] = 0;
		}
	}
	return (int)o;
}

uint32_t pp_crc32(uint32_t crc, const void *buf, size_t n)
{
	static const uint32_t nib[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
		0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	const uint8_t *p = buf;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ nib[crc & 15];
		crc = (crc >> 4) ^ nib[crc & 15];
	}
	return ~crc;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int pp_frame_encode(const pp_frame *f, uint8_t *out, size_t cap)
{
	uint8_t raw[PP_MAX_RAW];
	size_t n = PP_HEADER_SIZE + f->len;
	int w;

	if (f->len > PP_MAX_PAYLOAD)
		return PP_ERR_TOO_LONG;
	raw[0] = f->version;
	raw[1] = f->channel;
	raw[2] = f->type;
	raw[3] = f->flags;
	put16(raw + 4, f->seq);
	put16(raw + 6, f->len);
	put_le(raw + 8, f->board_us, 8);
	memcpy(raw + PP_HEADER_SIZE, f->payload, f->len);
	put_le(raw + n, pp_crc32(0, raw, n), 4);
	n += PP_CRC_SIZE;
	if (cap < 1)
		return PP_ERR_SPACE;
	w = pp_cobs_encode(raw, n, out, cap - 1);
	if (w < 0)
		return w;
	out[w] = 0;
	return w + 1;
}

int pp_frame_decode(const uint8_t *wire, size_t n, pp_frame *f)
{
	uint8_t raw[PP_MAX_RAW];
	int r;
	size_t len;

	memset(f, 0, offsetof(pp_frame, payload));
	if (n > PP_MAX_WIRE)
		return PP_ERR_TOO_LONG;
	r = pp_cobs_decode(wire, n, raw, sizeof raw);
	if (r == PP_ERR_SPACE)
		return PP_ERR_TOO_LONG;
	if (r < 0)
		return r;
	if ((size_t)r < PP_HEADER_SIZE + PP_CRC_SIZE)
		return PP_ERR_SHORT;
	len = (size_t)r - PP_CRC_SIZE;
	if ((uint32_t)get_le(raw + len, 4) != pp_crc32(0, raw, len))
		return PP_ERR_CRC;
	f->version = raw[0];
	f->channel = raw[1];
	f->type = raw[2];
	f->flags = raw[3];
	f->seq = get16(raw + 4);
	f->len = get16(raw + 6);
	f->board_us = get_le(raw + 8, 8);
	if (f->version != PP_VERSION)
		return PP_ERR_VERSION;
	if (f->len != len - PP_HEADER_SIZE || f->len > PP_MAX_PAYLOAD)
		return PP_ERR_LENGTH;
	memcpy(f->payload, raw + PP_HEADER_SIZE, f->len);
	return PP_OK;
}

void pp_deframer_init(pp_deframer *d)
{
	d->n = 0;
	d->overflow = 0;
	d->overruns = 0;
}

size_t pp_deframer_push(pp_deframer *d, const uint8_t **in, size_t *n)
{
	while (*n > 0) {
		uint8_t b = **in;
		(*in)++;
		(*n)--;
		if (b == 0) {
			size_t len = d->n;
			int was_over = d->overflow;
			d->n = 0;
			d->overflow = 0;
			if (was_over) {
				d->overruns++;
				continue;
			}
			if (len > 0)
				return len;
			continue;
		}
		if (d->n < sizeof d->buf)
			d->buf[d->n++] = b;
		else
			d->overflow = 1;
	}
	return 0;
}
