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

#include "base/clock.h"
#include "serial/transport_serial.h"

#define VS_MAX_SLEEP_NS 20000000LL /* the thread looks at its stop flag at 50 Hz */
#define VS_WRITE_NS 200000000LL    /* a line nobody reads drops after 0.2 s */

struct ph_vserial {
	int master, slave;
	bench *b;
	bench_config cfg;
	int64_t epoch, scale;
	const ph_vserial_frontend *fe;
	void *fe_state;
	ph_serial_deframer d;
	ph_rx scratch;
	atomic_int stop, hungup;
	atomic_ullong dropped;
	pthread_t thread;
	int thread_on;
	char path[64];
};

static int64_t bench_at(const ph_vserial *v, int64_t real)
{
	return (real - v->epoch) * v->scale; /* board time 0 at epoch */
}

static void line_write(void *ctx, const uint8_t *buf, size_t n)
{
	ph_vserial *v = ctx;
	int64_t end = ph_monotonic_ns() + VS_WRITE_NS;
	size_t done = 0;

	while (done < n && !atomic_load(&v->hungup)) {
		ssize_t w = write(v->master, buf + done, n - done);
		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if ((w < 0 && errno != EAGAIN) || ph_monotonic_ns() >= end)
			break;
		struct pollfd p = { .fd = v->master, .events = POLLOUT };
		poll(&p, 1, 10);
	}
	if (done < n)
		atomic_fetch_add(&v->dropped, n - done);
}

static void on_tx(void *ud, uint8_t channel, const uint8_t *wire, size_t n, int64_t t_ns)
{
	ph_vserial *v = ud;
	uint8_t out[PP_MAX_WIRE + 1];
	int len;

	if (v->fe) {
		v->fe->bench_tx(v->fe_state, channel, wire, n, t_ns);
		return;
	}
	len = ph_serial_frame_put(channel, wire, n, out, sizeof out);
	if (len > 0)
		line_write(v, out, (size_t)len);
}

static void line_in(ph_vserial *v, const uint8_t *buf, size_t n)
{
	if (v->fe) {
		v->fe->line_rx(v->fe_state, buf, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (ph_serial_deframe(&v->d, buf[i], &v->scratch))
			bench_rx(v->b, v->scratch.channel, v->scratch.wire, v->scratch.n);
}

static void advance_to_now(ph_vserial *v)
{
	int64_t t = bench_at(v, ph_monotonic_ns());
	if (t > bench_now_ns(v->b))
		bench_advance(v->b, t);
}

static void *board_main(void *arg)
{
	ph_vserial *v = arg;
	uint8_t buf[1024];

	while (!atomic_load(&v->stop)) {
		advance_to_now(v);
		int64_t next = bench_next_event_ns(v->b) - bench_now_ns(v->b);
		int64_t wait = next / v->scale;
		if (wait > VS_MAX_SLEEP_NS)
			wait = VS_MAX_SLEEP_NS;
		if (wait < 0)
			wait = 0;
		struct pollfd p = { .fd = atomic_load(&v->hungup) ? -1 : v->master,
			            .events = POLLIN };
		int r = poll(&p, 1, (int)(wait / 1000000));
		if (r > 0 && (p.revents & POLLIN)) {
			ssize_t n = read(v->master, buf, sizeof buf);
			if (n > 0) {
				advance_to_now(v);
				line_in(v, buf, (size_t)n);
			}
		}
	}
	return NULL;
}

static int open_pty(ph_vserial *v, char *err, size_t errlen)
{
	struct termios tio;

	v->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (v->master < 0 || grantpt(v->master) || unlockpt(v->master) ||
	    ptsname_r(v->master, v->path, sizeof v->path)) {
		snprintf(err, errlen, "virtual serial: cannot create a pseudo-terminal: %s",
		         strerror(errno));
		return -1;
	}
	v->slave = open(v->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (v->slave < 0 || tcgetattr(v->slave, &tio)) {
		snprintf(err, errlen, "virtual serial: cannot open %s: %s", v->path,
		         strerror(errno));
		return -1;
	}
	cfmakeraw(&tio);
	tcsetattr(v->slave, TCSANOW, &tio);
	fcntl(v->master, F_SETFL, fcntl(v->master, F_GETFL) | O_NONBLOCK);
	return 0;
}

ph_vserial *ph_vserial_new(const bench_config *cfg, unsigned scale, int64_t epoch,
                           const ph_vserial_frontend *fe, char *err, size_t errlen)
{
	ph_vserial *v = calloc(1, sizeof *v);

	if (!v) {
		snprintf(err, errlen, "virtual serial: out of memory");
		return NULL;
	}
	v->master = v->slave = -1;
	v->cfg = *cfg;
	v->epoch = epoch;
	v->scale = scale > 1 ? scale : 1;
	v->fe = fe;
	if (open_pty(v, err, errlen))
		goto fail;
	v->b = bench_new(&v->cfg, on_tx, v);
	if (!v->b) {
		snprintf(err, errlen, "virtual serial: cannot create the bench");
		goto fail;
	}
	if (fe) {
		v->fe_state = fe->create(v->b, line_write, v);
		if (!v->fe_state) {
			snprintf(err, errlen, "virtual serial: cannot create the %s front-end",
			         fe->name);
			goto fail;
		}
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
	return v->path;
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
	if (v->slave >= 0)
		close(v->slave);
	if (v->master >= 0)
		close(v->master);
	v->slave = v->master = -1;
}

void ph_vserial_free(ph_vserial *v)
{
	if (!v)
		return;
	ph_vserial_hangup(v);
	if (v->fe && v->fe_state)
		v->fe->destroy(v->fe_state);
	bench_free(v->b);
	free(v);
}
