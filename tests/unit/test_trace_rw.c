/* test_trace_rw.c - recorder and reader: round trip, flush policy, torn
 * tails, corrupt and foreign files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pp.h"
#include "trace/trace.h"
#include "trace/trace_read.h"
#include "trace/trace_write.h"

typedef struct tmpfile_ctx {
	char path[64];
} tmpfile_ctx;

static int setup_tmp(void **state)
{
	tmpfile_ctx *c = calloc(1, sizeof *c);
	int fd;

	snprintf(c->path, sizeof c->path, "/tmp/test_trace_rw_XXXXXX");
	fd = mkstemp(c->path);
	assert_true(fd >= 0);
	close(fd);
	*state = c;
	return 0;
}

static int teardown_tmp(void **state)
{
	tmpfile_ctx *c = *state;

	unlink(c->path);
	free(c);
	return 0;
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

static void spit(const char *path, const uint8_t *buf, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
}

/* Count records; returns the reader's last result through *last. */
static size_t count_records(const char *path, int *last)
{
	char err[256];
	ph_trace_reader *r = ph_trace_reader_open(path, err, sizeof err);
	ph_trace_rec rec;
	size_t n = 0;
	int k;

	assert_non_null(r);
	while ((k = ph_trace_reader_next(r, &rec)) == PH_TRACE_RECORD)
		n++;
	*last = k;
	ph_trace_reader_close(r);
	return n;
}

static int encode_status(uint16_t seq, uint32_t rate, uint8_t *wire)
{
	pp_msg m;

	memset(&m, 0, sizeof m);
	m.type = pp_type_status;
	m.u.status.rate_nl_h = rate;
	return pp_msg_encode(&m, PP_CH_PUMP, seq, 1000u * seq, wire, PP_MAX_WIRE);
}

static void test_round_trip(void **state)
{
	tmpfile_ctx *c = *state;
	char err[256];
	uint8_t wire[PP_MAX_WIRE];
	ph_trace *t = ph_trace_open(c->path, err, sizeof err);
	ph_trace_reader *r;
	ph_trace_rec rec;
	int n = encode_status(7, 1234, wire);

	assert_non_null(t);
	assert_true(n > 0);
	assert_int_equal(ph_trace_frame(t, 5, PP_CH_PUMP, PH_DIR_TO_BOARD, wire, (size_t)n), 0);
	assert_int_equal(ph_trace_frame(t, INT64_C(86400000000001), PP_CH_FIXTURE,
	                                PH_DIR_FROM_BOARD, wire, 3),
	                 0);
	assert_int_equal(ph_trace_event(t, 99, "{\"ev\":\"test_start\",\"name\":\"x\"}"), 0);
	ph_trace_close(t);

	r = ph_trace_reader_open(c->path, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_RECORD);
	assert_int_equal(rec.iface, PH_IF_PUMP);
	assert_int_equal(rec.linktype, 147);
	assert_int_equal(rec.dir, PH_DIR_TO_BOARD);
	assert_int_equal(rec.t_ns, 5);
	assert_int_equal(rec.len, (size_t)n);
	assert_memory_equal(rec.data, wire, (size_t)n);
	assert_int_equal(rec.index, 0);

	assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_RECORD);
	assert_int_equal(rec.iface, PH_IF_FIXTURE);
	assert_int_equal(rec.dir, PH_DIR_FROM_BOARD);
	assert_true(rec.t_ns == INT64_C(86400000000001));
	assert_int_equal(rec.len, 3);

	assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_RECORD);
	assert_int_equal(rec.iface, PH_IF_EVENTS);
	assert_int_equal(rec.linktype, 148);
	assert_int_equal(rec.dir, -1);
	assert_int_equal(rec.t_ns, 99);
	assert_int_equal(rec.len, strlen("{\"ev\":\"test_start\",\"name\":\"x\"}"));
	assert_memory_equal(rec.data, "{\"ev\":\"test_start\"", 18);

	assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_END);
	assert_null(ph_trace_reader_warning(r));
	assert_null(ph_trace_reader_error(r));
	ph_trace_reader_close(r);
}

static void test_bad_arguments(void **state)
{
	tmpfile_ctx *c = *state;
	char err[256];
	uint8_t b = 0;
	ph_trace *t = ph_trace_open(c->path, err, sizeof err);

	assert_non_null(t);
	assert_int_equal(ph_trace_frame(t, 0, 2, PH_DIR_TO_BOARD, &b, 1), -1);
	assert_int_equal(ph_trace_frame(t, -1, 0, PH_DIR_TO_BOARD, &b, 1), -1);
	assert_int_equal(ph_trace_frame(t, 0, 0, 7, &b, 1), -1);
	assert_int_equal(ph_trace_event(t, 0, NULL), -1);
	ph_trace_close(t);
	ph_trace_close(NULL);
	assert_null(ph_trace_open("/nonexistent/dir/x.pcapng", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/dir/x.pcapng: "));
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Records reach the file once the oldest buffered one is 100 ms of host
 * time old, and not before (unless 100 ms of real time passed). */
static void test_flush_100ms(void **state)
{
	tmpfile_ctx *c = *state;
	char err[256];
	uint8_t wire[PP_MAX_WIRE];
	int n = encode_status(1, 1, wire), last;
	int64_t t0 = mono_ns();
	ph_trace *t = ph_trace_open(c->path, err, sizeof err);
	size_t before;

	assert_non_null(t);
	assert_int_equal(ph_trace_frame(t, 1000000000, 0, PH_DIR_TO_BOARD, wire, (size_t)n), 0);
	assert_int_equal(ph_trace_frame(t, 1099999999, 0, PH_DIR_FROM_BOARD, wire, (size_t)n), 0);
	before = count_records(c->path, &last);
	if (mono_ns() - t0 < 90000000)
		assert_int_equal(before, 0); /* still buffered */
	assert_int_equal(ph_trace_frame(t, 1100000000, 0, PH_DIR_FROM_BOARD, wire, (size_t)n), 0);
	assert_int_equal(count_records(c->path, &last), 3);
	assert_int_equal(last, PH_TRACE_END);

	/* ph_trace_clock writes out a record left waiting by a long bench wait. */
	assert_int_equal(ph_trace_frame(t, 2000000000, 0, PH_DIR_FROM_BOARD, wire, (size_t)n), 0);
	assert_int_equal(ph_trace_clock(t, 2100000000), 0);
	assert_int_equal(count_records(c->path, &last), 4);

	assert_int_equal(ph_trace_event(t, 2100000001, "{}"), 0);
	assert_int_equal(ph_trace_flush(t), 0);
	assert_int_equal(count_records(c->path, &last), 5);
	ph_trace_close(t);
}

/* 1 MiB buffered is written out even within one host instant. */
static void test_flush_1mib(void **state)
{
	tmpfile_ctx *c = *state;
	char err[256];
	static uint8_t blob[4096];
	ph_trace *t = ph_trace_open(c->path, err, sizeof err);
	int last, i;

	assert_non_null(t);
	for (i = 0; i < 300; i++)
		assert_int_equal(ph_trace_frame(t, 42, 1, PH_DIR_TO_BOARD, blob, sizeof blob), 0);
	/* 300 * ~4.1 KB > 1 MiB: at least 1 MiB must be on disk. */
	assert_true(count_records(c->path, &last) >= 1024 * 1024 / 4140);
	ph_trace_close(t);
	assert_int_equal(count_records(c->path, &last), 300);
}

/* Cutting the file anywhere keeps every record whose block is complete. */
static void test_torn_tail_everywhere(void **state)
{
	tmpfile_ctx *c = *state;
	char err[256];
	uint8_t wire[PP_MAX_WIRE];
	ph_trace *t = ph_trace_open(c->path, err, sizeof err);
	size_t n, header = 0, full;
	uint8_t *buf;
	uint64_t ends[6];
	int i, w = encode_status(3, 3, wire);

	assert_non_null(t);
	ph_trace_flush(t);
	free(slurp(c->path, &header));
	for (i = 0; i < 6; i++) {
		if (i == 3)
			assert_int_equal(ph_trace_event(t, i, "{\"ev\":\"measurement\"}"), 0);
		else
			assert_int_equal(ph_trace_frame(t, i, 0, i & 1, wire, (size_t)(w - i)), 0);
		ph_trace_flush(t);
		free(slurp(c->path, &n));
		ends[i] = n;
	}
	ph_trace_close(t);
	buf = slurp(c->path, &full);
	for (size_t cut = header; cut <= full; cut++) {
		ph_trace_reader *r;
		ph_trace_rec rec;
		size_t expect = 0, got = 0;
		int k;

		spit(c->path, buf, cut);
		while (expect < 6 && ends[expect] <= cut)
			expect++;
		r = ph_trace_reader_open(c->path, err, sizeof err);
		assert_non_null(r);
		while ((k = ph_trace_reader_next(r, &rec)) == PH_TRACE_RECORD)
			got++;
		assert_int_equal(k, PH_TRACE_END);
		assert_int_equal(got, expect);
		if (expect < 6 && cut != (expect ? ends[expect - 1] : header))
			assert_non_null(ph_trace_reader_warning(r));
		else
			assert_null(ph_trace_reader_warning(r));
		ph_trace_reader_close(r);
	}
	free(buf);
}

/* A reader at the end picks up records appended later (live view). */
static void test_follow_growing_file(void **state)
{
	tmpfile_ctx *c = *state;
	char err[256];
	uint8_t wire[PP_MAX_WIRE];
	int w = encode_status(9, 9, wire);
	ph_trace *t = ph_trace_open(c->path, err, sizeof err);
	ph_trace_reader *r = ph_trace_reader_open(c->path, err, sizeof err);
	ph_trace_rec rec;

	assert_non_null(t);
	assert_non_null(r);
	assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_END);
	assert_int_equal(ph_trace_frame(t, 10, 0, 1, wire, (size_t)w), 0);
	ph_trace_flush(t);
	assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_RECORD);
	assert_int_equal(rec.t_ns, 10);
	assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_END);
	assert_int_equal(ph_trace_frame(t, 20, 0, 1, wire, (size_t)w), 0);
	ph_trace_flush(t);
	assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_RECORD);
	assert_int_equal(rec.t_ns, 20);
	assert_int_equal(rec.index, 1);
	ph_trace_reader_close(r);
	ph_trace_close(t);
}

/* Open must fail with "path: offset N: ..." and next() must report the
 * corruption at its offset. */
static void expect_open_error(const char *path, const void *bytes, size_t n, const char *what)
{
	char err[256];

	spit(path, bytes, n);
	assert_null(ph_trace_reader_open(path, err, sizeof err));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, what));
	assert_null(ph_trace_reader_open_mem(bytes, n, "mem", err, sizeof err));
	assert_non_null(strstr(err, what));
}

static void test_not_pcapng(void **state)
{
	tmpfile_ctx *c = *state;
	static const uint8_t pcap[] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
		                        0,    0,    0,    0,    0, 0, 4, 0, 1, 0, 0, 0 };
	const char *text = "hello, this is not a trace at all\n";

	expect_open_error(c->path, "", 0, "offset 0: empty file");
	expect_open_error(c->path, text, strlen(text), "offset 0: not a pcapng file");
	expect_open_error(c->path, pcap, sizeof pcap, "offset 0: not a pcapng file");
	expect_open_error(c->path, "\x0a\x0d\x0d\x0a", 4, "offset 0: not a pcapng file");
}

static void test_corrupt_blocks(void **state)
{
	tmpfile_ctx *c = *state;
	char err[256];
	uint8_t wire[PP_MAX_WIRE];
	int w = encode_status(1, 1, wire);
	ph_trace *t = ph_trace_open(c->path, err, sizeof err);
	size_t n, hdr;
	uint8_t *good, *bad;
	uint32_t v;

	assert_non_null(t);
	ph_trace_flush(t);
	free(slurp(c->path, &hdr));
	assert_int_equal(ph_trace_frame(t, 1, 0, 1, wire, (size_t)w), 0);
	assert_int_equal(ph_trace_frame(t, 2, 0, 1, wire, (size_t)w), 0);
	ph_trace_close(t);
	good = slurp(c->path, &n);
	bad = malloc(n);

	struct {
		size_t off;
		uint32_t val;
		const char *what;
	} cases[] = {
		{ hdr + 4, 7, "not a multiple of 4" },
		{ hdr + 4, 0x7ffffff0u, "larger than" },
		{ hdr + 8, 9, "undeclared interface 9" },
		{ hdr + 20, 4000, "captured length 4000 runs past" },
		{ 8, 0x11223344u, "bad byte-order magic" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ph_trace_reader *r;
		ph_trace_rec rec;

		memcpy(bad, good, n);
		v = cases[i].val;
		memcpy(bad + cases[i].off, &v, 4);
		r = ph_trace_reader_open_mem(bad, n, "bad.pcapng", err, sizeof err);
		if (!r) {
			assert_non_null(strstr(err, cases[i].what));
			continue;
		}
		assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_ERROR);
		assert_non_null(strstr(ph_trace_reader_error(r), "bad.pcapng: offset "));
		assert_non_null(strstr(ph_trace_reader_error(r), cases[i].what));
		assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_ERROR); /* sticky */
		ph_trace_reader_close(r);
	}

	/* A trailing length that disagrees, in the second packet: the first is kept. */
	{
		ph_trace_reader *r;
		ph_trace_rec rec;
		uint32_t len;

		memcpy(bad, good, n);
		memcpy(&len, bad + hdr + 4, 4);
		v = 8;
		memcpy(bad + n - 4, &v, 4);
		r = ph_trace_reader_open_mem(bad, n, "bad.pcapng", err, sizeof err);
		assert_non_null(r);
		assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_RECORD);
		assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_ERROR);
		assert_non_null(strstr(ph_trace_reader_error(r), "trailing block length 8"));
		ph_trace_reader_close(r);
	}
	free(bad);
	free(good);
}

/* A big-endian section (as written on another machine) reads the same. */
static void test_swapped_section(void **state)
{
	(void)state;
	static const uint8_t be[] = {
		/* SHB, 28 bytes */
		0x0a,
		0x0d,
		0x0d,
		0x0a,
		0,
		0,
		0,
		28,
		0x1a,
		0x2b,
		0x3c,
		0x4d,
		0,
		1,
		0,
		0,
		0xff,
		0xff,
		0xff,
		0xff,
		0xff,
		0xff,
		0xff,
		0xff,
		0,
		0,
		0,
		28,
		/* IDB, linktype 147, if_tsresol 6 (us): 20 + 8 + 4 = 32 bytes */
		0,
		0,
		0,
		1,
		0,
		0,
		0,
		32,
		0,
		147,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		9,
		0,
		1,
		6,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		32,
		/* EPB, ts = 5 us, 2 bytes, epb_flags inbound: 28 + 4 + 8 + 4 + 4 = 48 */
		0,
		0,
		0,
		6,
		0,
		0,
		0,
		48,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		5,
		0,
		0,
		0,
		2,
		0,
		0,
		0,
		2,
		0xab,
		0xcd,
		0,
		0,
		0,
		2,
		0,
		4,
		0,
		0,
		0,
		1,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		48,
	};
	char err[256];
	ph_trace_reader *r = ph_trace_reader_open_mem(be, sizeof be, "be", err, sizeof err);
	ph_trace_rec rec;

	assert_non_null(r);
	assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_RECORD);
	assert_int_equal(rec.linktype, 147);
	assert_int_equal(rec.t_ns, 5000);
	assert_int_equal(rec.dir, PH_DIR_FROM_BOARD);
	assert_int_equal(rec.len, 2);
	assert_int_equal(rec.data[0], 0xab);
	assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_END);
	ph_trace_reader_close(r);
}

/* ---- hand-built little-endian pcapng for the time stamp cases ---- */

typedef struct pcapng_buf {
	uint8_t b[512];
	size_t n;
} pcapng_buf;

static void put32(pcapng_buf *p, uint32_t v)
{
	memcpy(p->b + p->n, &v, 4);
	p->n += 4;
}

static void put_shb(pcapng_buf *p)
{
	put32(p, 0x0A0D0D0Au);
	put32(p, 28);
	put32(p, 0x1A2B3C4Du);
	put32(p, 1); /* version 1.0 */
	put32(p, 0xffffffffu);
	put32(p, 0xffffffffu);
	put32(p, 28);
}

/* An IDB, linktype 147, with if_tsresol (when tsresol >= 0) and
 * if_tsoffset (when has_offset). */
static void put_idb(pcapng_buf *p, int tsresol, int has_offset, int64_t offset_s)
{
	uint32_t len = 20 + (tsresol >= 0 ? 8 : 0) + (has_offset ? 12 : 0) + 4;

	put32(p, 1);
	put32(p, len);
	put32(p, 147);
	put32(p, 0);
	if (tsresol >= 0) {
		put32(p, 9u | 1u << 16);
		put32(p, (uint32_t)tsresol);
	}
	if (has_offset) {
		put32(p, 14u | 8u << 16);
		memcpy(p->b + p->n, &offset_s, 8);
		p->n += 8;
	}
	put32(p, 0); /* opt_endofopt */
	put32(p, len);
}

static void put_epb(pcapng_buf *p, uint64_t ts)
{
	put32(p, 6);
	put32(p, 36);
	put32(p, 0);
	put32(p, (uint32_t)(ts >> 32));
	put32(p, (uint32_t)ts);
	put32(p, 2);
	put32(p, 2);
	put32(p, 0x0000cdab);
	put32(p, 36);
}

/* One packet on an interface; returns the reader's result and its time. */
static int read_one(int tsresol, int has_offset, int64_t offset_s, uint64_t ts, int64_t *t_ns,
                    char *err, size_t errlen)
{
	char want[96];
	pcapng_buf p = { { 0 }, 0 };
	ph_trace_reader *r;
	ph_trace_rec rec;
	int k;

	put_shb(&p);
	put_idb(&p, tsresol, has_offset, offset_s);
	snprintf(want, sizeof want, "ts.pcapng: block 3 at byte %zu: time stamp out of range", p.n);
	put_epb(&p, ts);
	r = ph_trace_reader_open_mem(p.b, p.n, "ts.pcapng", err, errlen);
	assert_non_null(r);
	k = ph_trace_reader_next(r, &rec);
	*t_ns = k == PH_TRACE_RECORD ? rec.t_ns : 0;
	snprintf(err, errlen, "%s", k == PH_TRACE_ERROR ? ph_trace_reader_error(r) : "");
	if (k == PH_TRACE_ERROR) {
		assert_string_equal(err, want);
		assert_int_equal(ph_trace_reader_next(r, &rec), PH_TRACE_ERROR); /* sticky */
	}
	ph_trace_reader_close(r);
	return k;
}

/* Time stamps that do not fit 64-bit ns (item 5 of the hardening issue):
 * a huge if_tsoffset, a 1 s resolution (if_tsresol 0x00 or 0x80) with a
 * large count, a flipped high bit.  Each is refused naming the block and
 * its byte offset; the edges of the range still read. */
static void test_time_stamp_range(void **state)
{
	static const struct {
		int tsresol, has_offset;
		int64_t offset_s;
		uint64_t ts;
	} bad[] = {
		{ 9, 1, INT64_MAX, 1 },
		{ 9, 1, INT64_MIN, 1 },
		{ 9, 1, INT64_C(4611686019), 0 }, /* just past 2^62 ns */
		{ 0x00, 0, 0, UINT64_C(0xffffffffffffffff) },
		{ 0x80, 0, 0, UINT64_C(0x8000000000000000) },
		{ 0x00, 0, 0, UINT64_C(4611686019) },
		{ -1, 0, 0, UINT64_C(0x8000000000000005) }, /* us, high bit flipped */
		{ 9, 0, 0, UINT64_C(0x4000000000000000) },  /* 2^62 ns exactly */
		{ 9, 1, INT64_C(-4611686019), UINT64_C(0) },
	};
	char err[256];
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int k = read_one(bad[i].tsresol, bad[i].has_offset, bad[i].offset_s, bad[i].ts, &t,
		                 err, sizeof err);
		if (k != PH_TRACE_ERROR)
			fail_msg("case %zu: read as %d, t_ns %lld", i, k, (long long)t);
	}
	/* The edges: 2^62 - 1 ns, an epoch offset, a negative offset, 1 s units. */
	assert_int_equal(read_one(9, 0, 0, UINT64_C(0x3fffffffffffffff), &t, err, sizeof err),
	                 PH_TRACE_RECORD);
	assert_true(t == INT64_C(0x3fffffffffffffff));
	assert_int_equal(read_one(9, 1, INT64_C(1700000000), 5, &t, err, sizeof err),
	                 PH_TRACE_RECORD);
	assert_true(t == INT64_C(1700000000000000005));
	assert_int_equal(read_one(-1, 1, -2, 5, &t, err, sizeof err), PH_TRACE_RECORD);
	assert_true(t == INT64_C(-1999995000));
	assert_int_equal(read_one(0x80, 0, 0, 3, &t, err, sizeof err), PH_TRACE_RECORD);
	assert_true(t == INT64_C(3000000000));
	assert_int_equal(read_one(-1, 1, INT64_C(-4611686017), 0, &t, err, sizeof err),
	                 PH_TRACE_RECORD);
	assert_true(t == INT64_C(-4611686017000000000));
	assert_int_equal(read_one(9, 1, INT64_C(-4611686017), UINT64_C(9223372034854775808), &t,
	                          err, sizeof err),
	                 PH_TRACE_RECORD);
	assert_true(t == INT64_C(4611686017854775808));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_flush_100ms, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_flush_1mib, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_torn_tail_everywhere, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_follow_growing_file, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_not_pcapng, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_corrupt_blocks, setup_tmp, teardown_tmp),
		cmocka_unit_test(test_swapped_section),
		cmocka_unit_test(test_time_stamp_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
