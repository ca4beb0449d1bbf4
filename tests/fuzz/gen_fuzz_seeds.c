/*
 * gen_fuzz_seeds.c - seed corpora of real frames for the codec and firmware
 * fuzz targets, made with the codec itself from the message table, so they
 * follow the protocol as it changes.  tools/fuzz.sh runs it before fuzzing.
 *
 * usage: gen_fuzz_seeds OUT_DIR
 *
 *   OUT_DIR/fuzz_pp/     every message as wire bytes (COBS, 0x00), and as
 *                        an odd byte + header + payload (the target adds the
 *                        CRC and frames it), fields zero and set
 *   OUT_DIR/fuzz_fw_rx/  every request to the board, and a session (open,
 *                        every request, close), in the target's framed form
 *                        ([odd byte] then [channel][length][header+payload]...)
 *                        and as raw wire streams (even first byte)
 *   OUT_DIR/canary_ub/   the input that makes tools/fuzz.sh's canary overflow
 *
 * Exit 0, or 1 with a message.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "pp.h"

static const char *out_dir;

static int put(const char *target, const char *name, const uint8_t *buf, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", out_dir, target);
	if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		perror(path);
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s/%s", out_dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

/* Set every field of m to a small distinct value (variant 1) or leave it 0. */
static void fill(pp_msg *m, const pp_msg_desc *d, int variant)
{
	uint8_t *base = (uint8_t *)&m->u;

	memset(m, 0, sizeof *m);
	m->type = d->type;
	for (unsigned i = 0; variant && i < d->nfields; i++) {
		uint64_t v = i + 1;
		uint32_t v32 = (uint32_t)v;
		uint16_t v16 = (uint16_t)v;
		uint8_t *p = base + d->fields[i].offset;
		switch (d->fields[i].type) {
		case PP_T_U8: *p = (uint8_t)v; break;
		case PP_T_U16: memcpy(p, &v16, 2); break;
		case PP_T_U32:
		case PP_T_I32: memcpy(p, &v32, 4); break;
		default: memcpy(p, &v, 8); break;
		}
	}
}

static uint8_t channel_of(const pp_msg_desc *d)
{
	return d->channel == PP_CH_ANY ? PP_CH_PUMP : d->channel;
}

/* m as wire bytes (returns their count) and raw header + payload (*raw_n). */
static int encode(const pp_msg *m, uint8_t ch, uint16_t seq, uint8_t *wire, uint8_t *raw,
                  size_t *raw_n)
{
	int w = pp_msg_encode(m, ch, seq, 0, wire, PP_MAX_WIRE);
	int r;

	if (w <= 1)
		return -1;
	r = pp_cobs_decode(wire, (size_t)w - 1, raw, PP_MAX_RAW);
	if (r < PP_CRC_SIZE)
		return -1;
	*raw_n = (size_t)r - PP_CRC_SIZE;
	return w;
}

/* Append [channel][length][header+payload] to a framed fw_rx input. */
static void framed(uint8_t *buf, size_t *n, uint8_t ch, const uint8_t *raw, size_t raw_n)
{
	buf[(*n)++] = ch;
	buf[(*n)++] = (uint8_t)raw_n;
	memcpy(buf + *n, raw, raw_n);
	*n += raw_n;
}

int main(int argc, char **argv)
{
	static uint8_t session[64 * 1024], stream[2][32 * 1024];
	size_t session_n = 1, stream_n[2] = { 0, 0 };
	uint8_t wire[PP_MAX_WIRE], raw[PP_MAX_RAW], one[1 + PP_MAX_RAW];
	uint16_t seq = 1;
	char name[96];
	pp_msg m;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_fuzz_seeds OUT_DIR\n");
		return 1;
	}
	out_dir = argv[1];
	if (mkdir(out_dir, 0777) < 0 && errno != EEXIST) {
		perror(out_dir);
		return 1;
	}
	session[0] = 1; /* odd: the target frames what follows */
	/* A session first, so the requests after it are accepted. */
	{
		size_t raw_n;
		int w;
		fill(&m, pp_msg_desc_by_name("session_open"), 1);
		if ((w = encode(&m, PP_CH_PUMP, seq++, wire, raw, &raw_n)) < 0)
			return 1;
		framed(session, &session_n, PP_CH_PUMP, raw, raw_n);
		memcpy(stream[PP_CH_PUMP], wire, (size_t)w);
		stream_n[PP_CH_PUMP] = (size_t)w;
	}
	for (const pp_msg_desc *d = pp_msg_descs; d->name; d++) {
		for (int variant = 0; variant < 2; variant++) {
			uint8_t ch = channel_of(d);
			size_t raw_n;
			int w;
			fill(&m, d, variant);
			w = encode(&m, ch, (uint16_t)(variant + 1), wire, raw, &raw_n);
			if (w < 0) {
				fprintf(stderr, "gen_fuzz_seeds: cannot encode %s\n", d->name);
				return 1;
			}
			snprintf(name, sizeof name, "%s-%d.wire", d->name, variant);
			if (put("fuzz_pp", name, wire, (size_t)w) < 0)
				return 1;
			one[0] = 1;
			memcpy(one + 1, raw, raw_n);
			snprintf(name, sizeof name, "%s-%d.raw", d->name, variant);
			if (put("fuzz_pp", name, one, raw_n + 1) < 0)
				return 1;
			if (d->type >= 0x80 || variant == 0)
				continue; /* the board receives requests */
			/* One request alone, after opening a session. */
			{
				uint8_t in[3 * (2 + PP_MAX_RAW) + 1], oraw[PP_MAX_RAW];
				size_t n = 1, oraw_n;
				pp_msg open;
				in[0] = 1;
				fill(&open, pp_msg_desc_by_name("session_open"), 1);
				if (encode(&open, PP_CH_PUMP, 1, wire, oraw, &oraw_n) < 0 ||
				    encode(&m, ch, 2, wire, raw, &raw_n) < 0)
					return 1;
				framed(in, &n, PP_CH_PUMP, oraw, oraw_n);
				framed(in, &n, ch, raw, raw_n);
				snprintf(name, sizeof name, "%s.framed", d->name);
				if (put("fuzz_fw_rx", name, in, n) < 0)
					return 1;
			}
			/* The whole session, framed and as wire streams per channel. */
			if (d->type == pp_type_session_open || d->type == pp_type_session_close)
				continue;
			if ((w = encode(&m, ch, seq++, wire, raw, &raw_n)) < 0)
				return 1;
			framed(session, &session_n, ch, raw, raw_n);
			memcpy(stream[ch] + stream_n[ch], wire, (size_t)w);
			stream_n[ch] += (size_t)w;
		}
	}
	{
		size_t raw_n;
		fill(&m, pp_msg_desc_by_name("session_close"), 0);
		if (encode(&m, PP_CH_PUMP, seq, wire, raw, &raw_n) < 0)
			return 1;
		framed(session, &session_n, PP_CH_PUMP, raw, raw_n);
	}
	if (put("fuzz_fw_rx", "session.framed", session, session_n) < 0)
		return 1;
	/* Even first byte: the first half of the input goes to the pump
	 * channel, the second to the fixture's; a 0x00 delimiter leads, and
	 * delimiters pad the shorter stream. */
	{
		static uint8_t both[2 * (sizeof stream[0] + 1)];
		size_t half = stream_n[0] + 1 > stream_n[1] ? stream_n[0] + 1 : stream_n[1];
		memset(both, 0, sizeof both);
		memcpy(both + 1, stream[0], stream_n[0]);
		memcpy(both + half, stream[1], stream_n[1]);
		if (put("fuzz_fw_rx", "session.wire", both, 2 * half) < 0)
			return 1;
	}
	if (put("canary_ub", "overflow", (const uint8_t *)"UB!!", 4) < 0)
		return 1;
	return 0;
}
