/*
 * transport_serial.c - pumphil frames over a serial port (see
 * transport_serial.h).
 */
#include "serial/transport_serial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "serial/serial_port.h"

#define SER_RING 64
#define SER_SEND_NS 1000000000LL /* a send that does not drain in 1 s fails */

typedef struct serial_transport {
	ph_transport base;
	ph_serial_port *port;
	int64_t scale, epoch;
	int err; /* sticky PH_T_NO_DEVICE / PH_T_IO after the ring is drained */
	unsigned head, count;
	ph_serial_deframer d;
	ph_rx scratch;
	ph_rx ring[SER_RING];
} serial_transport;

static const ph_transport_ops serial_ops;

int ph_serial_frame_put(uint8_t channel, const uint8_t *wire, size_t n, uint8_t *out, size_t cap)
{
	if (channel >= PP_CH_COUNT || n == 0 || n > PP_MAX_WIRE || cap < n + 1)
		return -1;
	out[0] = (uint8_t)(channel + 1);
	memcpy(out + 1, wire, n);
	return (int)n + 1;
}

int ph_serial_deframe(ph_serial_deframer *d, uint8_t byte, ph_rx *rx)
{
	if (byte != 0) {
		if (d->n < sizeof d->buf)
			d->buf[d->n++] = byte;
		else
			d->overrun = 1;
		return 0;
	}
	int ok = !d->overrun && d->n >= 2 && d->n <= PP_MAX_WIRE && d->buf[0] >= 1 &&
	         d->buf[0] <= PP_CH_COUNT;
	if (ok) {
		rx->channel = (uint8_t)(d->buf[0] - 1);
		rx->n = (uint16_t)d->n; /* n - 1 bytes of COBS and the delimiter */
		memcpy(rx->wire, d->buf + 1, d->n - 1);
		rx->wire[d->n - 1] = 0;
	} else if (d->n || d->overrun) {
		d->dropped++;
	}
	d->n = 0;
	d->overrun = 0;
	return ok;
}

static int64_t to_bench(const serial_transport *s, int64_t real)
{
	return s->epoch + (real - s->epoch) * s->scale;
}

static int64_t to_real(const serial_transport *s, int64_t bench)
{
	int64_t d = bench - s->epoch;
	if (d >= INT64_MAX - s->scale)
		return INT64_MAX;
	return s->epoch + (d > 0 ? (d + s->scale - 1) / s->scale : d / s->scale);
}

static int ser_send(ph_transport *t, uint8_t channel, const uint8_t *wire, size_t n)
{
	serial_transport *s = (serial_transport *)t;
	uint8_t out[PP_MAX_WIRE + 1];
	int len = ph_serial_frame_put(channel, wire, n, out, sizeof out);

	if (len < 0)
		return PH_T_INVALID;
	if (s->err)
		return s->err;
	int r = ph_serial_write(s->port, out, (size_t)len, ph_monotonic_ns() + SER_SEND_NS);
	if (r == PH_T_NO_DEVICE)
		s->err = r;
	return r == PH_T_TIMEOUT ? PH_T_IO : r;
}

/* Read once (until deadline) and queue the frames that completed. */
static int fill(serial_transport *s, int64_t deadline_real)
{
	uint8_t buf[512];
	int n = ph_serial_read(s->port, buf, sizeof buf, deadline_real);
	int64_t now;

	if (n < 0)
		return n;
	now = to_bench(s, ph_monotonic_ns());
	for (int i = 0; i < n; i++) {
		if (!ph_serial_deframe(&s->d, buf[i], &s->scratch))
			continue;
		if (s->count == SER_RING) {
			s->d.dropped++;
			continue;
		}
		s->scratch.t_ns = now;
		s->ring[(s->head + s->count++) % SER_RING] = s->scratch;
	}
	return PH_T_OK;
}

static int ser_recv(ph_transport *t, int64_t deadline_ns, ph_rx *rx)
{
	serial_transport *s = (serial_transport *)t;
	int64_t real = to_real(s, deadline_ns);

	for (;;) {
		if (s->count > 0) {
			*rx = s->ring[s->head];
			s->head = (s->head + 1) % SER_RING;
			s->count--;
			return PH_T_OK;
		}
		if (s->err)
			return s->err;
		int r = fill(s, real);
		if (r == PH_T_NO_DEVICE || r == PH_T_IO)
			s->err = r;
		else if (r < 0)
			return r;
	}
}

static int64_t ser_now(ph_transport *t)
{
	return to_bench((serial_transport *)t, ph_monotonic_ns());
}

static void ser_describe(ph_transport *t, char *buf, size_t n)
{
	serial_transport *s = (serial_transport *)t;
	snprintf(buf, n, "serial %s @ %u baud", ph_serial_path(s->port), ph_serial_baud(s->port));
}

static void ser_close(ph_transport *t)
{
	serial_transport *s = (serial_transport *)t;
	ph_serial_close(s->port);
	free(s);
}

static int ser_reconnect(ph_transport *t, int64_t deadline_ns)
{
	serial_transport *s = (serial_transport *)t;
	int r = ph_serial_reopen(s->port, to_real(s, deadline_ns));

	if (r == PH_T_OK) {
		s->err = 0;
		s->count = 0;
		s->d.n = 0;
		s->d.overrun = 0;
	}
	return r;
}

static const ph_transport_ops serial_ops = {
	.name = "serial",
	.send = ser_send,
	.recv = ser_recv,
	.now = ser_now,
	.describe = ser_describe,
	.close = ser_close,
	.reconnect = ser_reconnect,
};

ph_transport *ph_serial_transport_open(const char *arg, int64_t scale, int64_t epoch, char *err,
                                       size_t errlen)
{
	char path[PH_SERIAL_PATH_MAX];
	unsigned baud;
	serial_transport *s;

	if (ph_serial_parse(arg, path, sizeof path, &baud, err, errlen))
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "serial: out of memory");
		return NULL;
	}
	s->port = ph_serial_open(path, baud, err, errlen);
	if (!s->port) {
		free(s);
		return NULL;
	}
	s->base.ops = &serial_ops;
	s->scale = scale > 0 ? scale : 1;
	s->epoch = epoch;
	return &s->base;
}

uint32_t ph_serial_transport_dropped(ph_transport *t)
{
	return t && t->ops == &serial_ops ? ((serial_transport *)t)->d.dropped : 0;
}
