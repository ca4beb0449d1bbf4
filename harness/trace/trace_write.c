/*
 * trace_write.c - the pcapng recorder behind trace.h.
 *
 * Blocks are built in a memory buffer and handed to write(2) when the buffer
 * reaches 1 MiB, when the oldest buffered record is 100 ms of host time (the
 * timestamps passed in) older than the newest, when it has waited 100 ms of
 * real time, and on flush/close.  write(2) puts the bytes in the page cache,
 * which survives a kill -9 of the process; no fsync (too slow per flush).
 * The section header and interface blocks are written at open, so even a
 * trace killed before its first flush is a valid (empty) pcapng file.
 */
#include "trace_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pcapng.h"
#include "trace/trace.h"

#define PH_TRACE_FLUSH_BYTES (1024u * 1024u)
#define PH_TRACE_FLUSH_NS INT64_C(100000000)
#define PH_TRACE_MAX_RECORD (1024u * 1024u)

struct ph_trace {
	int fd;
	uint8_t *buf;
	size_t n;
	size_t cap;
	int64_t oldest_ns;   /* host time of the oldest buffered record (n > 0) */
	int64_t oldest_mono; /* CLOCK_MONOTONIC when it was buffered */
	int err;             /* the first write error (errno), 0 while all went out */
};

static const struct {
	const char *name;
	const char *desc;
	uint16_t linktype;
} ph_trace_ifs[] = {
	{ "pump", "pumphil pump channel: COBS frames as they crossed, 0x00 delimiter included",
	  PH_PCAPNG_LINKTYPE_USER0 },
	{ "fixture",
	  "pumphil fixture channel: COBS frames as they crossed, 0x00 delimiter included",
	  PH_PCAPNG_LINKTYPE_USER0 },
	{ "events", "pumphil harness events: one JSON object per packet",
	  PH_PCAPNG_LINKTYPE_USER1 },
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Make room for n more bytes.  Returns 0 or -1 with errno ENOMEM. */
static int reserve(ph_trace *t, size_t n)
{
	size_t cap = t->cap ? t->cap : PH_TRACE_FLUSH_BYTES + 4096;
	uint8_t *p;

	if (t->n + n <= t->cap)
		return 0;
	while (cap < t->n + n)
		cap *= 2;
	p = realloc(t->buf, cap);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	t->buf = p;
	t->cap = cap;
	return 0;
}

/* Append helpers: the caller reserved the space. */
static void put32(ph_trace *t, uint32_t v)
{
	memcpy(t->buf + t->n, &v, 4);
	t->n += 4;
}

static void put16(ph_trace *t, uint16_t v)
{
	memcpy(t->buf + t->n, &v, 2);
	t->n += 2;
}

static void put_bytes(ph_trace *t, const void *p, size_t n)
{
	if (n)
		memcpy(t->buf + t->n, p, n);
	t->n += n;
	while (t->n % 4)
		t->buf[t->n++] = 0;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static size_t opt_size(size_t len)
{
	return 4 + pad4(len);
}

static void put_opt(ph_trace *t, uint16_t code, const void *p, size_t len)
{
	put16(t, code);
	put16(t, (uint16_t)len);
	put_bytes(t, p, len);
}

static void put_opt_str(ph_trace *t, uint16_t code, const char *s)
{
	put_opt(t, code, s, strlen(s));
}

/* Write everything buffered.  Returns 0 or -1 (errno set); on failure the
 * unwritten tail stays buffered. */
static int drain(ph_trace *t)
{
	size_t off = 0;

	while (off < t->n) {
		ssize_t w = write(t->fd, t->buf + off, t->n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			if (!t->err)
				t->err = errno;
			memmove(t->buf, t->buf + off, t->n - off);
			t->n -= off;
			return -1;
		}
		off += (size_t)w;
	}
	t->n = 0;
	return 0;
}

static int put_shb(ph_trace *t)
{
	char appl[64];
	size_t len;

	snprintf(appl, sizeof appl, "pumphil %s", PUMPHIL_VERSION);
	len = 28 + opt_size(strlen(appl)) + 4;
	if (reserve(t, len) < 0)
		return -1;
	put32(t, PH_PCAPNG_SHB);
	put32(t, (uint32_t)len);
	put32(t, PH_PCAPNG_MAGIC);
	put16(t, 1);
	put16(t, 0);
	put32(t, 0xffffffffu); /* section length unknown: -1 */
	put32(t, 0xffffffffu);
	put_opt_str(t, PH_PCAPNG_SHB_USERAPPL, appl);
	put_opt(t, PH_PCAPNG_OPT_END, NULL, 0);
	put32(t, (uint32_t)len);
	return 0;
}

static int put_idb(ph_trace *t, const char *name, const char *desc, uint16_t linktype)
{
	uint8_t tsresol = 9;
	size_t len = 16 + opt_size(strlen(name)) + opt_size(strlen(desc)) + opt_size(1) + 4 + 4;

	if (reserve(t, len) < 0)
		return -1;
	put32(t, PH_PCAPNG_IDB);
	put32(t, (uint32_t)len);
	put16(t, linktype);
	put16(t, 0);
	put32(t, 0); /* snaplen: no limit */
	put_opt_str(t, PH_PCAPNG_IF_NAME, name);
	put_opt_str(t, PH_PCAPNG_IF_DESCRIPTION, desc);
	put_opt(t, PH_PCAPNG_IF_TSRESOL, &tsresol, 1);
	put_opt(t, PH_PCAPNG_OPT_END, NULL, 0);
	put32(t, (uint32_t)len);
	return 0;
}

/* Append one EPB; flags < 0 omits the epb_flags option. */
static int put_epb(ph_trace *t, uint32_t iface, int64_t host_ns, const void *data, size_t n,
                   int64_t flags)
{
	size_t len = 28 + pad4(n) + (flags >= 0 ? opt_size(4) + 4 : 0) + 4;
	uint64_t ts = (uint64_t)host_ns;

	if (reserve(t, len) < 0)
		return -1;
	put32(t, PH_PCAPNG_EPB);
	put32(t, (uint32_t)len);
	put32(t, iface);
	put32(t, (uint32_t)(ts >> 32));
	put32(t, (uint32_t)ts);
	put32(t, (uint32_t)n);
	put32(t, (uint32_t)n);
	put_bytes(t, data, n);
	if (flags >= 0) {
		uint32_t f = (uint32_t)flags;
		put_opt(t, PH_PCAPNG_EPB_FLAGS, &f, 4);
		put_opt(t, PH_PCAPNG_OPT_END, NULL, 0);
	}
	put32(t, (uint32_t)len);
	return 0;
}

/* After buffering a record stamped host_ns: write out if a limit is hit. */
static int after_record(ph_trace *t, size_t before, int64_t host_ns)
{
	int64_t now = mono_ns();

	if (before == 0) {
		t->oldest_ns = host_ns;
		t->oldest_mono = now;
	}
	if (t->n >= PH_TRACE_FLUSH_BYTES || host_ns - t->oldest_ns >= PH_TRACE_FLUSH_NS ||
	    now - t->oldest_mono >= PH_TRACE_FLUSH_NS)
		return drain(t);
	return 0;
}

ph_trace *ph_trace_open(const char *path, char *err, size_t errlen)
{
	ph_trace *t = calloc(1, sizeof *t);

	if (!t) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	t->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (t->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail_free;
	}
	if (put_shb(t) < 0)
		goto fail_io;
	for (uint32_t i = 0; i < sizeof ph_trace_ifs / sizeof ph_trace_ifs[0]; i++)
		if (put_idb(t, ph_trace_ifs[i].name, ph_trace_ifs[i].desc,
		            ph_trace_ifs[i].linktype) < 0)
			goto fail_io;
	if (drain(t) < 0)
		goto fail_io;
	return t;

fail_io:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	close(t->fd);
fail_free:
	free(t->buf);
	free(t);
	return NULL;
}

int ph_trace_frame(ph_trace *t, int64_t host_ns, uint8_t channel, int dir, const uint8_t *wire,
                   size_t n)
{
	size_t before;

	if (!t || (!wire && n) || channel > PH_IF_FIXTURE || host_ns < 0 ||
	    (dir != PH_DIR_TO_BOARD && dir != PH_DIR_FROM_BOARD)) {
		errno = EINVAL;
		return -1;
	}
	if (n > PH_TRACE_MAX_RECORD) {
		errno = EMSGSIZE;
		return -1;
	}
	before = t->n;
	if (put_epb(t, channel, host_ns, wire, n,
	            dir == PH_DIR_FROM_BOARD ? PH_PCAPNG_DIR_INBOUND : PH_PCAPNG_DIR_OUTBOUND) < 0)
		return -1;
	return after_record(t, before, host_ns);
}

int ph_trace_event(ph_trace *t, int64_t host_ns, const char *json)
{
	size_t before, n;

	if (!t || !json || host_ns < 0) {
		errno = EINVAL;
		return -1;
	}
	n = strlen(json);
	if (n > PH_TRACE_MAX_RECORD) {
		errno = EMSGSIZE;
		return -1;
	}
	before = t->n;
	if (put_epb(t, PH_IF_EVENTS, host_ns, json, n, -1) < 0)
		return -1;
	return after_record(t, before, host_ns);
}

int ph_trace_clock(ph_trace *t, int64_t host_ns)
{
	if (!t) {
		errno = EINVAL;
		return -1;
	}
	if (t->n && (host_ns - t->oldest_ns >= PH_TRACE_FLUSH_NS ||
	             mono_ns() - t->oldest_mono >= PH_TRACE_FLUSH_NS))
		return drain(t);
	return 0;
}

int ph_trace_flush(ph_trace *t)
{
	if (!t) {
		errno = EINVAL;
		return -1;
	}
	return drain(t);
}

int ph_trace_close(ph_trace *t)
{
	int err;
	if (!t)
		return 0;
	drain(t);
	err = t->err;
	if (close(t->fd) < 0 && !err)
		err = errno;
	free(t->buf);
	free(t);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
