/*
 * trace_synth_main.c - write the trace files the integration tests open.
 *
 * usage: trace_synth DIR
 *
 *   DIR/synth.pcapng      the synthetic 24 h run (harness/trace/trace_synth.h),
 *                         every protocol message type included
 *   DIR/truncated.pcapng  the same cut in the middle of its last block
 *   DIR/corrupt.pcapng    the same with packet 50's block length set to 7
 *   DIR/notatrace.txt     a text file
 *   DIR/empty.pcapng      an empty file
 *   DIR/badtime.pcapng    synth.pcapng with the top bit of packet 50's time
 *                         stamp flipped (past 64-bit ns)
 *   DIR/edges.pcapng      two pump packets at the ends of the time stamps a
 *                         trace may hold: -(2^62 - 1e9) ns and +(2^62 - 2e9) ns
 *   DIR/fifo.pcapng       a FIFO nobody writes to
 * Exit 0, or 1 with a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/trace.h"
#include "trace/trace_read.h"
#include "trace/trace_synth.h"

static int write_file(const char *dir, const char *name, const void *buf, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0)
		goto out;
	buf = malloc((size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	*n = (size_t)len;
out:
	if (f)
		fclose(f);
	return buf;
}

static size_t put32(uint8_t *b, size_t n, uint32_t v)
{
	memcpy(b + n, &v, 4);
	return n + 4;
}

/* A hand-built trace (the recorder cannot write if_tsoffset): one interface
 * with if_tsresol 9 and if_tsoffset -4611686017 s, a packet at 0 and one at
 * 2^63 - 2e9 in its units. */
static int write_edges(const char *dir)
{
	static const uint32_t shb[] = { 0x0A0D0D0Au, 28, 0x1A2B3C4Du, 1, ~0u, ~0u, 28 };
	static const uint32_t idb[] = { 1, 44, 147, 0, 9u | 1u << 16, 9, 14u | 8u << 16 };
	const int64_t offset_s = INT64_C(-4611686017);
	const uint64_t ts[2] = { 0, UINT64_C(9223372034854775808) };
	uint8_t b[256];
	size_t n = 0;

	for (size_t i = 0; i < sizeof shb / sizeof shb[0]; i++)
		n = put32(b, n, shb[i]);
	for (size_t i = 0; i < sizeof idb / sizeof idb[0]; i++)
		n = put32(b, n, idb[i]);
	memcpy(b + n, &offset_s, 8);
	n = put32(b, n + 8, 0);
	n = put32(b, n, 44);
	for (int k = 0; k < 2; k++) {
		n = put32(b, n, 6);
		n = put32(b, n, 36);
		n = put32(b, n, 0);
		n = put32(b, n, (uint32_t)(ts[k] >> 32));
		n = put32(b, n, (uint32_t)ts[k]);
		n = put32(b, n, 2);
		n = put32(b, n, 2);
		n = put32(b, n, 0x00000102u);
		n = put32(b, n, 36);
	}
	return write_file(dir, "edges.pcapng", b, n);
}

/* File offset of packet k (0-based), or 0. */
static uint64_t packet_offset(const char *path, uint64_t k)
{
	char err[256];
	ph_trace_reader *r = ph_trace_reader_open(path, err, sizeof err);
	ph_trace_rec rec;
	uint64_t off = 0;

	while (r && ph_trace_reader_next(r, &rec) == PH_TRACE_RECORD)
		if (rec.index == k) {
			off = rec.offset;
			break;
		}
	ph_trace_reader_close(r);
	return off;
}

int main(int argc, char **argv)
{
	char path[4096], err[256];
	const char *text = "This is not a trace.\n";
	ph_trace_synth_opts o;
	ph_trace *t;
	uint8_t *buf;
	uint64_t off;
	uint32_t seven = 7;
	size_t n;
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: trace_synth DIR\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/synth.pcapng", argv[1]);
	t = ph_trace_open(path, err, sizeof err);
	if (!t) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	ph_trace_synth_defaults(&o);
	if (ph_trace_synth(t, &o) < 0) {
		perror(path);
		ph_trace_close(t);
		return 1;
	}
	ph_trace_close(t);
	buf = slurp(path, &n);
	off = packet_offset(path, 50);
	if (!buf || n < 100 || !off) {
		fprintf(stderr, "%s: cannot read back\n", path);
		goto out;
	}
	if (write_file(argv[1], "truncated.pcapng", buf, n - 37) < 0)
		goto out;
	buf[off + 15] ^= 0x80; /* little-endian ts_high: its top bit */
	if (write_file(argv[1], "badtime.pcapng", buf, n) < 0)
		goto out;
	buf[off + 15] ^= 0x80;
	memcpy(buf + off + 4, &seven, 4);
	if (write_file(argv[1], "corrupt.pcapng", buf, n) < 0 ||
	    write_file(argv[1], "notatrace.txt", text, strlen(text)) < 0 ||
	    write_file(argv[1], "empty.pcapng", "", 0) < 0 || write_edges(argv[1]) < 0)
		goto out;
	snprintf(path, sizeof path, "%s/fifo.pcapng", argv[1]);
	unlink(path);
	if (mkfifo(path, 0600) < 0) {
		perror(path);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}
