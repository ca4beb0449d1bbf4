/*
 * vserial.c - the virtual serial board (see vserial.h).
 */
#define _GNU_SOURCE /* posix_openpt, ptsname_r, cfmakeraw */
#include "serial/vserial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ascii_fe.h"
#include "base/clock.h"
#include "serial/transport_serial.h"

#define VS_MAX_SLEEP_NS 20000000LL /* the thread looks at its stop flag at 50 Hz */
#define VS_WRITE_NS 200000000LL    /* a line nobody reads drops after 0.2 s */

typedef struct vs_pty {
	int master, slave;
	ph_serial_deframer d;
	char path[64];
} vs_pty;

struct ph_vserial {
	vs_pty pty[2]; /* [0] the pump's line; [1] the fixture's (ASCII only) */
	int nptys;
	bench *b;
	bench_config cfg;
	int64_t epoch, scale;
	ascii_fe *fe;
	ph_rx scratch;
	atomic_int stop, hungup;
	atomic_ullong dropped;
	pthread_t thread;
	int thread_on;
};

typedef struct vs_writer {
	ph_vserial *v;
	int fd;
} vs_writer;

static int64_t bench_at(const ph_vserial *v, int64_t real)
{
	return (real - v->epoch) * v->scale; /* board time 0 at epoch */
}

static void pty_write(ph_vserial *v, int fd, const uint8_t *buf, size_t n)
{
	int64_t end = ph_monotonic_ns() + VS_WRITE_NS;
	size_t done = 0;

	while (done < n && !atomic_load(&v->hungup)) {
		ssize_t w = write(fd, buf + done, n - done);
		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if ((w < 0 && errno != EAGAIN) || ph_monotonic_ns() >= end)
			break;
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		poll(&p, 1, 10);
	}
	if (done < n)
		atomic_fetch_add(&v->dropped, n - done);
}

static void fe_write(void *ud, const uint8_t *buf, size_t n)
{
	ph_vserial *v = ud;
	pty_write(v, v->pty[0].master, buf, n);
}

static void on_tx(void *ud, uint8_t channel, const uint8_t *wire, size_t n, int64_t t_ns)
{
	ph_vserial *v = ud;
	uint8_t out[PP_MAX_WIRE + 1];
	int len;

	(void)t_ns;
	if (v->fe && channel == PP_CH_PUMP) {
		ascii_fe_bench_tx(v->fe, wire, n);
		return;
	}
	len = ph_serial_frame_put(channel, wire, n, out, sizeof out);
	if (len > 0)
		pty_write(v, v->pty[v->nptys - 1].master, out, (size_t)len);
}

static void line_in(ph_vserial *v, int which, const uint8_t *buf, size_t n)
{
	if (v->fe && which == 0) {
		ascii_fe_line_rx(v->fe, buf, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (ph_serial_deframe(&v->pty[which].d, buf[i], &v->scratch) &&
		    !(v->fe && v->scratch.channel == PP_CH_PUMP))
			bench_rx(v->b, v->scratch.channel, v->scratch.wire, v->scratch.n);
}

static void advance_to_now(ph_vserial *v)
{
	int64_t t = bench_at(v, ph_monotonic_ns());
	if (t > bench_now_ns(v->b))
		bench_advance(v->b, t);
	if (v->fe)
		ascii_fe_poll(v->fe); /* event acks, outside the bench's own call */
}

static void *board_main(void *arg)
{
	ph_vserial *v = arg;
	uint8_t buf[1024];

	while (!atomic_load(&v->stop)) {
		advance_to_now(v);
		int64_t wait = (bench_next_event_ns(v->b) - bench_now_ns(v->b)) / v->scale;
		if (wait > VS_MAX_SLEEP_NS)
			wait = VS_MAX_SLEEP_NS;
		if (wait < 0)
			wait = 0;
		struct pollfd p[2];
		for (int i = 0; i < v->nptys; i++)
			p[i] = (struct pollfd){ .fd = v->pty[i].master, .events = POLLIN };
		if (poll(p, (nfds_t)v->nptys, (int)(wait / 1000000)) <= 0)
			continue;
		for (int i = 0; i < v->nptys; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			ssize_t n = read(v->pty[i].master, buf, sizeof buf);
			if (n > 0) {
				advance_to_now(v);
				line_in(v, i, buf, (size_t)n);
				if (v->fe)
					ascii_fe_poll(v->fe);
			}
		}
	}
	return NULL;
}

static int open_pty(vs_pty *p, char *err, size_t errlen)
{
	struct termios tio;

	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0 || grantpt(p->master) || unlockpt(p->master) ||
	    ptsname_r(p->master, p->path, sizeof p->path)) {
		snprintf(err, errlen, "virtual serial: cannot create a pseudo-terminal: %s",
		         strerror(errno));
		return -1;
	}
	p->slave = open(p->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0 || tcgetattr(p->slave, &tio)) {
		snprintf(err, errlen, "virtual serial: cannot open %s: %s", p->path,
		         strerror(errno));
		return -1;
	}
	cfmakeraw(&tio);
	tcsetattr(p->slave, TCSANOW, &tio);
	fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK);
	return 0;
}

ph_vserial *ph_vserial_new(const bench_config *cfg, unsigned scale, int64_t epoch,
                           enum ph_vserial_proto proto, char *err, size_t errlen)
{
	ph_vserial *v = calloc(1, sizeof *v);

	if (!v) {
		snprintf(err, errlen, "virtual serial: out of memory");
		return NULL;
	}
	v->pty[0].master = v->pty[0].slave = v->pty[1].master = v->pty[1].slave = -1;
	v->cfg = *cfg;
	v->epoch = epoch;
	v->scale = scale > 1 ? scale : 1;
	v->nptys = proto == PH_VSERIAL_ASCII ? 2 : 1;
	for (int i = 0; i < v->nptys; i++)
		if (open_pty(&v->pty[i], err, errlen))
			goto fail;
	v->b = bench_new(&v->cfg, on_tx, v);
	if (!v->b) {
		snprintf(err, errlen, "virtual serial: cannot create the bench");
		goto fail;
	}
	if (proto == PH_VSERIAL_ASCII && !(v->fe = ascii_fe_new(v->b, fe_write, v))) {
		snprintf(err, errlen, "virtual serial: out of memory");
		goto fail;
	}
	if (pthread_create(&v->thread, NULL, board_main, v)) {
		snprintf(err, errlen, "virtual serial: cannot start the board thread");
		goto fail;
	}
	v->thread_on = 1;
	return v;
fail:
	ph_vserial_free(v);
	return NULL;
}

const char *ph_vserial_path(const ph_vserial *v)
{
	return v->pty[0].path;
}

const char *ph_vserial_fixture_path(const ph_vserial *v)
{
	return v->pty[v->nptys - 1].path;
}

uint64_t ph_vserial_dropped(const ph_vserial *v)
{
	return atomic_load(&((ph_vserial *)v)->dropped);
}

void ph_vserial_hangup(ph_vserial *v)
{
	atomic_store(&v->stop, 1);
	if (v->thread_on)
		pthread_join(v->thread, NULL);
	v->thread_on = 0;
	atomic_store(&v->hungup, 1);
	for (int i = 0; i < 2; i++) {
		if (v->pty[i].slave >= 0)
			close(v->pty[i].slave);
		if (v->pty[i].master >= 0)
			close(v->pty[i].master);
		v->pty[i].slave = v->pty[i].master = -1;
	}
}

void ph_vserial_free(ph_vserial *v)
{
	if (!v)
		return;
	ph_vserial_hangup(v);
	ascii_fe_free(v->fe);
	bench_free(v->b);
	free(v);
}
