/*
 * vserial_lock.c - the lock-step virtual serial board (see vserial_lock.h).
 */
#define _GNU_SOURCE /* posix_openpt, ptsname_r, cfmakeraw */
#include "serial/vserial_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ascii_fe.h"
#include "serial/virtual_serial.h"

#define VL_RING 128
#define VL_SYNC_MS 2000 /* bytes in flight on the pty arrive within this */

struct ph_vlock {
	ph_transport base;
	bench *b;
	ascii_fe *fe;
	int master, slave; /* board side, host side */
	uint64_t host_tx, board_rx, board_tx, host_rx;
	int broken;
	unsigned head, count;
	ph_rx ring[VL_RING]; /* fixture frames for the link */
	char path[64];
};

static ph_vlock *open_board; /* one per process: tests run one at a time */
static const ph_transport_ops vl_ops;

/* Board side: a front-end line out. */
static void fe_write(void *ud, const uint8_t *buf, size_t n)
{
	ph_vlock *v = ud;
	size_t done = 0;

	while (done < n && !v->broken) {
		ssize_t w = write(v->master, buf + done, n - done);
		if (w > 0) {
			done += (size_t)w;
			v->board_tx += (uint64_t)w;
		} else if (w < 0 && errno == EAGAIN) {
			/* the host has not read: let it, by draining into nowhere
			 * is wrong; wait for room */
			struct pollfd p = { .fd = v->master, .events = POLLOUT };
			if (poll(&p, 1, VL_SYNC_MS) <= 0)
				v->broken = 1;
		} else if (!(w < 0 && errno == EINTR)) {
			v->broken = 1;
		}
	}
}

static void on_tx(void *ud, uint8_t channel, const uint8_t *wire, size_t n, int64_t t_ns)
{
	ph_vlock *v = ud;
	if (channel == PP_CH_PUMP) {
		ascii_fe_bench_tx(v->fe, wire, n);
		return;
	}
	if (v->count == VL_RING || n > PP_MAX_WIRE)
		return;
	ph_rx *rx = &v->ring[(v->head + v->count++) % VL_RING];
	rx->channel = channel;
	rx->n = (uint16_t)n;
	rx->t_ns = t_ns;
	memcpy(rx->wire, wire, n);
}

/* Every byte the host wrote has reached the board and been handled.  Read
 * first, wait only when the pty has not passed them on yet. */
static int sync_in(ph_vlock *v)
{
	uint8_t buf[1024];

	while (v->board_rx < v->host_tx && !v->broken) {
		ssize_t n = read(v->master, buf, sizeof buf);
		if (n > 0) {
			v->board_rx += (uint64_t)n;
			ascii_fe_line_rx(v->fe, buf, (size_t)n);
			ascii_fe_poll(v->fe);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		struct pollfd p = { .fd = v->master, .events = POLLIN };
		if ((n < 0 && errno != EAGAIN) || poll(&p, 1, VL_SYNC_MS) <= 0)
			v->broken = 1;
	}
	return v->broken ? PH_T_IO : PH_T_OK;
}

/* Advance the bench to its next event, at most to deadline. */
static void step(ph_vlock *v, int64_t deadline)
{
	int64_t next = bench_next_event_ns(v->b);
	bench_advance(v->b, next < deadline ? next : deadline);
	ascii_fe_poll(v->fe);
}

int ph_vlock_line_write(ph_vlock *v, const uint8_t *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		if (v->broken)
			return PH_T_NO_DEVICE;
		ssize_t w = write(v->slave, buf + done, n - done);
		if (w > 0) {
			done += (size_t)w;
			v->host_tx += (uint64_t)w;
		} else if (w < 0 && errno == EAGAIN) {
			if (sync_in(v))
				return PH_T_IO;
		} else if (!(w < 0 && errno == EINTR)) {
			return PH_T_IO;
		}
	}
	return sync_in(v);
}

int ph_vlock_line_read(ph_vlock *v, uint8_t *buf, size_t cap, int64_t deadline_ns)
{
	for (;;) {
		if (v->broken || sync_in(v))
			return PH_T_NO_DEVICE;
		if (v->host_rx < v->board_tx) {
			ssize_t n = read(v->slave, buf, cap);
			if (n > 0) {
				v->host_rx += (uint64_t)n;
				return (int)n;
			}
			if (n < 0 && errno == EINTR)
				continue;
			struct pollfd p = { .fd = v->slave, .events = POLLIN };
			if ((n < 0 && errno != EAGAIN) || poll(&p, 1, VL_SYNC_MS) <= 0)
				return PH_T_IO;
			continue;
		}
		if (bench_now_ns(v->b) >= deadline_ns)
			return PH_T_TIMEOUT;
		step(v, deadline_ns);
	}
}

static int vl_send(ph_transport *t, uint8_t channel, const uint8_t *wire, size_t n)
{
	ph_vlock *v = (ph_vlock *)t;
	if (channel != PP_CH_FIXTURE)
		return PH_T_INVALID; /* the pump speaks ASCII, through its adapter */
	bench_rx(v->b, channel, wire, n);
	ascii_fe_poll(v->fe);
	return PH_T_OK;
}

static int vl_recv(ph_transport *t, int64_t deadline_ns, ph_rx *rx)
{
	ph_vlock *v = (ph_vlock *)t;
	for (;;) {
		if (v->count > 0) {
			*rx = v->ring[v->head];
			v->head = (v->head + 1) % VL_RING;
			v->count--;
			return PH_T_OK;
		}
		if (sync_in(v))
			return PH_T_NO_DEVICE;
		if (bench_now_ns(v->b) >= deadline_ns)
			return PH_T_TIMEOUT;
		step(v, deadline_ns);
	}
}

static int64_t vl_now(ph_transport *t)
{
	return bench_now_ns(((ph_vlock *)t)->b);
}

static void vl_describe(ph_transport *t, char *buf, size_t n)
{
	snprintf(buf, n, "sim:ascii (virtual bench, pump line %s)", ((ph_vlock *)t)->path);
}

static void vl_close(ph_transport *t)
{
	ph_vlock *v = (ph_vlock *)t;
	if (open_board == v)
		open_board = NULL;
	ascii_fe_free(v->fe);
	bench_free(v->b);
	if (v->slave >= 0)
		close(v->slave);
	if (v->master >= 0)
		close(v->master);
	free(v);
}

static const ph_transport_ops vl_ops = {
	.name = "sim:ascii",
	.send = vl_send,
	.recv = vl_recv,
	.now = vl_now,
	.describe = vl_describe,
	.close = vl_close,
};

static int open_pty(ph_vlock *v, char *err, size_t errlen)
{
	struct termios tio;

	v->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (v->master < 0 || grantpt(v->master) || unlockpt(v->master) ||
	    ptsname_r(v->master, v->path, sizeof v->path)) {
		snprintf(err, errlen, "sim:ascii: cannot create a pseudo-terminal: %s",
		         strerror(errno));
		return -1;
	}
	v->slave = open(v->path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (v->slave < 0 || tcgetattr(v->slave, &tio)) {
		snprintf(err, errlen, "sim:ascii: cannot open %s: %s", v->path, strerror(errno));
		return -1;
	}
	cfmakeraw(&tio);
	tcsetattr(v->slave, TCSANOW, &tio);
	return 0;
}

ph_transport *ph_vlock_open(const bench_config *cfg, char *err, size_t errlen)
{
	ph_vlock *v = calloc(1, sizeof *v);

	if (!v) {
		snprintf(err, errlen, "sim:ascii: out of memory");
		return NULL;
	}
	v->base.ops = &vl_ops;
	v->master = v->slave = -1;
	if (open_pty(v, err, errlen))
		goto fail;
	v->b = bench_new(cfg, on_tx, v);
	v->fe = v->b ? ascii_fe_new(v->b, fe_write, v) : NULL;
	if (!v->fe) {
		snprintf(err, errlen, "sim:ascii: cannot create the bench");
		goto fail;
	}
	open_board = v;
	return &v->base;
fail:
	vl_close(&v->base);
	return NULL;
}

const char *ph_vlock_pump_path(ph_transport *t)
{
	return t && t->ops == &vl_ops ? ((ph_vlock *)t)->path : NULL;
}

ph_vlock *ph_vlock_find(const char *path)
{
	return open_board && path && !strcmp(open_board->path, path) ? open_board : NULL;
}
