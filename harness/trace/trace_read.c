/*
 * trace_read.c - pcapng block iterator with torn-tail recovery.
 *
 * Bytes come through a window: a buffer holding file bytes
 * [win_off, win_off + win_n), refilled with pread(2) when a block falls
 * outside it (a memory trace is one window over the whole buffer).  A block
 * is parsed only when all of it is in the window; a block that runs past the
 * end of the file is torn and left for a later call.
 */
#include "trace_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcapng.h"
#include "trace/trace.h"

#define PH_READ_WINDOW (1024u * 1024u)
#define PH_READ_MAX_BLOCK (16u * 1024u * 1024u)
#define PH_READ_MAX_IFACES 4096u

typedef struct ph_trace_iface {
	uint16_t linktype;
	uint64_t units;   /* timestamp units per second */
	int64_t offset_s; /* if_tsoffset */
} ph_trace_iface;

struct ph_trace_reader {
	char *name;
	int fd; /* -1 for a memory trace */
	uint8_t *win;
	size_t win_cap;
	size_t win_n;
	uint64_t win_off;
	uint64_t pos; /* offset of the next block */
	int swap;     /* section written in the other byte order */
	ph_trace_iface *ifs;
	uint32_t nifs;
	uint32_t ifs_cap;
	uint64_t npackets;
	uint64_t block; /* number of the block at pos, from 1 (the section header) */
	int failed;
	char error[256];
	char warning[256];
};

static void fail(ph_trace_reader *r, uint64_t off, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(r->error, sizeof r->error, "%s: offset %llu: %s", r->name, (unsigned long long)off,
	         msg);
	r->failed = 1;
}

static uint32_t get32(const ph_trace_reader *r, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t get16(const ph_trace_reader *r, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return r->swap ? __builtin_bswap16(v) : v;
}

/* Make bytes [off, off + n) available.  Returns a pointer to them, or NULL
 * when the file is shorter (*avail then says how many there are) or on a
 * read error (r->failed set). */
static const uint8_t *window(ph_trace_reader *r, uint64_t off, size_t n, size_t *avail)
{
	size_t want, got = 0;

	*avail = 0;
	if (off >= r->win_off && off + n <= r->win_off + r->win_n)
		return r->win + (off - r->win_off);
	if (r->fd < 0) {
		if (off < r->win_off + r->win_n)
			*avail = (size_t)(r->win_off + r->win_n - off);
		return NULL;
	}
	want = n > PH_READ_WINDOW ? n : PH_READ_WINDOW;
	if (want > r->win_cap) {
		uint8_t *p = realloc(r->win, want);
		if (!p) {
			fail(r, off, "out of memory for a %zu-byte block", n);
			return NULL;
		}
		r->win = p;
		r->win_cap = want;
	}
	while (got < want) {
		ssize_t k = pread(r->fd, r->win + got, want - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			fail(r, off, "read error: %s", strerror(errno));
			r->win_n = 0;
			return NULL;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	r->win_off = off;
	r->win_n = got;
	if (got < n) {
		*avail = got;
		return NULL;
	}
	return r->win;
}

/* Parse if_tsresol: bit 7 clear = 10^-v s, set = 2^-v s. */
static uint64_t tsresol_units(uint8_t v)
{
	uint64_t u = 1;
	int e = v & 0x7f;

	if (v & 0x80)
		return e >= 63 ? 0 : (uint64_t)1 << e;
	if (e > 19)
		return 0;
	while (e--)
		u *= 10;
	return u;
}

/* Walk the options in [p, p + n).  For each option calls fn; returns -1 on a
 * malformed list (error set at base offset). */
typedef int (*opt_fn)(ph_trace_reader *r, uint16_t code, const uint8_t *v, uint16_t len, void *ctx);

static int walk_options(ph_trace_reader *r, const uint8_t *p, size_t n, uint64_t off, opt_fn fn,
                        void *ctx)
{
	size_t i = 0;

	while (i + 4 <= n) {
		uint16_t code = get16(r, p + i), len = get16(r, p + i + 2);
		size_t step = 4 + (((size_t)len + 3) & ~(size_t)3);
		if (code == PH_PCAPNG_OPT_END)
			return 0;
		if (step > n - i) {
			fail(r, off + i, "option %u length %u runs past its block", code, len);
			return -1;
		}
		if (fn(r, code, p + i + 4, len, ctx) < 0)
			return -1;
		i += step;
	}
	return 0;
}

static int idb_option(ph_trace_reader *r, uint16_t code, const uint8_t *v, uint16_t len, void *ctx)
{
	ph_trace_iface *f = ctx;

	if (code == PH_PCAPNG_IF_TSRESOL && len >= 1) {
		f->units = tsresol_units(v[0]);
		if (!f->units) {
			fail(r, r->pos, "unsupported if_tsresol 0x%02x", v[0]);
			return -1;
		}
	} else if (code == PH_PCAPNG_IF_TSOFFSET && len >= 8) {
		/* if_tsoffset: a 64-bit integer in section byte order. */
		uint64_t x;
		memcpy(&x, v, 8);
		if (r->swap)
			x = __builtin_bswap64(x);
		f->offset_s = (int64_t)x;
	}
	return 0;
}

static int epb_option(ph_trace_reader *r, uint16_t code, const uint8_t *v, uint16_t len, void *ctx)
{
	int *dir = ctx;

	if (code == PH_PCAPNG_EPB_FLAGS && len >= 4) {
		uint32_t f = get32(r, v) & 3u;
		*dir = f == PH_PCAPNG_DIR_INBOUND    ? PH_DIR_FROM_BOARD
		       : f == PH_PCAPNG_DIR_OUTBOUND ? PH_DIR_TO_BOARD
		                                     : -1;
	}
	return 0;
}

/* Section header: sets the byte order, forgets earlier interfaces. */
static int parse_shb(ph_trace_reader *r, const uint8_t *b, uint32_t len)
{
	uint32_t magic;

	if (len < 28) {
		fail(r, r->pos, "section header block too short (%u bytes)", len);
		return -1;
	}
	memcpy(&magic, b + 8, 4);
	if (magic != PH_PCAPNG_MAGIC && magic != PH_PCAPNG_MAGIC_SWAPPED) {
		fail(r, r->pos + 8, "bad byte-order magic 0x%08x", magic);
		return -1;
	}
	r->swap = magic == PH_PCAPNG_MAGIC_SWAPPED;
	if (get16(r, b + 12) != 1) {
		fail(r, r->pos + 12, "unsupported pcapng major version %u", get16(r, b + 12));
		return -1;
	}
	r->nifs = 0;
	return 0;
}

static int parse_idb(ph_trace_reader *r, const uint8_t *b, uint32_t len)
{
	ph_trace_iface f = { 0, 1000000, 0 };

	if (len < 20) {
		fail(r, r->pos, "interface block too short (%u bytes)", len);
		return -1;
	}
	if (r->nifs >= PH_READ_MAX_IFACES) {
		fail(r, r->pos, "more than %u interfaces", PH_READ_MAX_IFACES);
		return -1;
	}
	f.linktype = get16(r, b + 8);
	if (walk_options(r, b + 16, len - 20, r->pos + 16, idb_option, &f) < 0)
		return -1;
	if (r->nifs == r->ifs_cap) {
		uint32_t cap = r->ifs_cap ? r->ifs_cap * 2 : 4;
		ph_trace_iface *p = realloc(r->ifs, sizeof *p * cap);
		if (!p) {
			fail(r, r->pos, "out of memory");
			return -1;
		}
		r->ifs = p;
		r->ifs_cap = cap;
	}
	r->ifs[r->nifs++] = f;
	return 0;
}

/* ts in f's units as ns since the epoch.  Returns -1 when the result, or
 * any step on the way, does not fit (PH_TRACE_T_LIMIT). */
static int to_ns(const ph_trace_iface *f, uint64_t ts, int64_t *out)
{
	uint64_t sec = ts / f->units, frac = ts % f->units, frac_ns;
	int64_t whole, off, ns;

	if (sec > (uint64_t)(INT64_MAX / 1000000000))
		return -1;
	if (f->units <= 1000000000u && 1000000000u % f->units == 0)
		frac_ns = frac * (1000000000u / f->units);
	else
		frac_ns = (uint64_t)((double)frac * 1e9 / (double)f->units);
	if (__builtin_add_overflow((int64_t)sec * 1000000000, (int64_t)frac_ns, &whole) ||
	    __builtin_mul_overflow(f->offset_s, INT64_C(1000000000), &off) ||
	    __builtin_add_overflow(whole, off, &ns) || ns >= PH_TRACE_T_LIMIT ||
	    ns <= -PH_TRACE_T_LIMIT)
		return -1;
	*out = ns;
	return 0;
}

static int parse_epb(ph_trace_reader *r, const uint8_t *b, uint32_t len, ph_trace_rec *rec)
{
	uint32_t iface, caplen;
	size_t padded;

	if (len < 32) {
		fail(r, r->pos, "packet block too short (%u bytes)", len);
		return -1;
	}
	iface = get32(r, b + 8);
	if (iface >= r->nifs) {
		fail(r, r->pos + 8, "packet on undeclared interface %u", iface);
		return -1;
	}
	caplen = get32(r, b + 20);
	padded = ((size_t)caplen + 3) & ~(size_t)3;
	if (padded > len - 32) {
		fail(r, r->pos + 20, "captured length %u runs past its block", caplen);
		return -1;
	}
	rec->iface = iface;
	rec->linktype = r->ifs[iface].linktype;
	if (to_ns(&r->ifs[iface], (uint64_t)get32(r, b + 12) << 32 | get32(r, b + 16), &rec->t_ns) <
	    0) {
		snprintf(r->error, sizeof r->error,
		         "%s: block %llu at byte %llu: time stamp out of range", r->name,
		         (unsigned long long)r->block, (unsigned long long)r->pos);
		r->failed = 1;
		return -1;
	}
	rec->data = b + 28;
	rec->len = caplen;
	rec->dir = -1;
	if (walk_options(r, b + 28 + padded, len - 32 - padded, r->pos + 28 + padded, epb_option,
	                 &rec->dir) < 0)
		return -1;
	rec->offset = r->pos;
	rec->index = r->npackets++;
	return 1;
}

/* Read the block header at r->pos.  Returns the block (complete, length
 * checked) or NULL: torn (warning set) or corrupt (r->failed). */
static const uint8_t *next_block(ph_trace_reader *r, uint32_t *type, uint32_t *len)
{
	size_t avail;
	const uint8_t *h = window(r, r->pos, 8, &avail);
	const uint8_t *b;

	if (!h) {
		if (avail && !r->failed)
			snprintf(r->warning, sizeof r->warning,
			         "%s: offset %llu: torn last block (%zu bytes), ignored", r->name,
			         (unsigned long long)r->pos, avail);
		return NULL;
	}
	*type = get32(r, h);
	if (*type == PH_PCAPNG_SHB) {
		uint32_t magic;
		/* The SHB's length is in its own byte order: read the magic first. */
		b = window(r, r->pos, 12, &avail);
		if (!b)
			goto torn_header;
		memcpy(&magic, b + 8, 4);
		r->swap = magic == PH_PCAPNG_MAGIC_SWAPPED;
		h = b;
	}
	*len = get32(r, h + 4);
	if (*len < PH_PCAPNG_MIN_BLOCK || *len % 4) {
		fail(r, r->pos + 4, "block length %u is not a multiple of 4 of at least 12", *len);
		return NULL;
	}
	if (*len > PH_READ_MAX_BLOCK) {
		fail(r, r->pos + 4, "block length %u is larger than %u", *len, PH_READ_MAX_BLOCK);
		return NULL;
	}
	b = window(r, r->pos, *len, &avail);
	if (!b) {
		if (!r->failed)
			snprintf(r->warning, sizeof r->warning,
			         "%s: offset %llu: torn last block (%zu of %u bytes), ignored",
			         r->name, (unsigned long long)r->pos, avail, *len);
		return NULL;
	}
	if (get32(r, b + *len - 4) != *len) {
		fail(r, r->pos + *len - 4, "trailing block length %u differs from %u",
		     get32(r, b + *len - 4), *len);
		return NULL;
	}
	return b;

torn_header:
	if (!r->failed)
		snprintf(r->warning, sizeof r->warning,
		         "%s: offset %llu: torn last block (%zu bytes), ignored", r->name,
		         (unsigned long long)r->pos, avail);
	return NULL;
}

int ph_trace_reader_next(ph_trace_reader *r, ph_trace_rec *rec)
{
	for (;;) {
		uint32_t type = 0, len = 0;
		const uint8_t *b;
		int k = 0;

		if (r->failed)
			return PH_TRACE_ERROR;
		r->warning[0] = 0;
		b = next_block(r, &type, &len);
		if (!b)
			return r->failed ? PH_TRACE_ERROR : PH_TRACE_END;
		if (type == PH_PCAPNG_SHB)
			k = parse_shb(r, b, len);
		else if (r->pos == 0) {
			fail(r, 0, "not a pcapng file (no section header block)");
			return PH_TRACE_ERROR;
		} else if (type == PH_PCAPNG_IDB)
			k = parse_idb(r, b, len);
		else if (type == PH_PCAPNG_EPB)
			k = parse_epb(r, b, len, rec);
		if (k < 0)
			return PH_TRACE_ERROR;
		r->pos += len;
		r->block++;
		if (k > 0)
			return PH_TRACE_RECORD;
	}
}

static ph_trace_reader *reader_new(const char *name, char *err, size_t errlen)
{
	ph_trace_reader *r = calloc(1, sizeof *r);

	if (!r || !(r->name = strdup(name))) {
		free(r);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	r->fd = -1;
	return r;
}

/* Check the file starts with a complete section header. */
static int check_header(ph_trace_reader *r, char *err, size_t errlen)
{
	size_t avail;
	const uint8_t *b = window(r, 0, 12, &avail);
	uint32_t type, len, magic;

	if (!b) {
		if (!r->failed)
			fail(r, 0,
			     avail ? "not a pcapng file (too short)"
			           : "empty file, not a pcapng trace");
		goto bad;
	}
	memcpy(&type, b, 4);
	memcpy(&magic, b + 8, 4);
	if (type != PH_PCAPNG_SHB) {
		fail(r, 0, "not a pcapng file (no section header block)");
		goto bad;
	}
	if (magic != PH_PCAPNG_MAGIC && magic != PH_PCAPNG_MAGIC_SWAPPED) {
		fail(r, 8, "bad byte-order magic 0x%08x, not a pcapng file", magic);
		goto bad;
	}
	if (!next_block(r, &type, &len)) {
		if (!r->failed)
			fail(r, 0, "truncated section header block");
		goto bad;
	}
	if (parse_shb(r, window(r, 0, len, &avail), len) < 0)
		goto bad;
	r->pos = len;
	r->block = 2;
	return 0;
bad:
	snprintf(err, errlen, "%s", r->error);
	return -1;
}

ph_trace_reader *ph_trace_reader_open(const char *path, char *err, size_t errlen)
{
	ph_trace_reader *r = reader_new(path, err, errlen);
	struct stat st;

	if (!r)
		return NULL;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (r->fd < 0 || fstat(r->fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail_free;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail_free;
	}
	if (check_header(r, err, errlen) < 0)
		goto fail_free;
	return r;

fail_free:
	ph_trace_reader_close(r);
	return NULL;
}

ph_trace_reader *ph_trace_reader_open_mem(const void *buf, size_t n, const char *name, char *err,
                                          size_t errlen)
{
	ph_trace_reader *r = reader_new(name, err, errlen);

	if (!r)
		return NULL;
	r->win = malloc(n ? n : 1);
	if (!r->win) {
		snprintf(err, errlen, "%s: out of memory", name);
		goto fail_free;
	}
	if (n)
		memcpy(r->win, buf, n);
	r->win_n = r->win_cap = n;
	if (check_header(r, err, errlen) < 0)
		goto fail_free;
	return r;

fail_free:
	ph_trace_reader_close(r);
	return NULL;
}

const char *ph_trace_reader_error(const ph_trace_reader *r)
{
	return r->failed ? r->error : NULL;
}

const char *ph_trace_reader_warning(const ph_trace_reader *r)
{
	return r->warning[0] ? r->warning : NULL;
}

uint64_t ph_trace_reader_offset(const ph_trace_reader *r)
{
	return r->pos;
}

void ph_trace_reader_close(ph_trace_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->win);
	free(r->ifs);
	free(r->name);
	free(r);
}
