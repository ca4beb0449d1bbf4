/*
 * virtual_serial.c - `--board virtual-serial` and `pumphil board --pty`
 * (see virtual_serial.h).
 */
#define _GNU_SOURCE /* ppoll */
#include "serial/virtual_serial.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "serial/transport_serial.h"

typedef struct vser_transport {
	ph_transport base;
	ph_transport *line;
	ph_vserial *v;
} vser_transport;

static const ph_transport_ops vs_ops;

static int vs_send(ph_transport *t, uint8_t ch, const uint8_t *w, size_t n)
{
	return ph_send(((vser_transport *)t)->line, ch, w, n);
}

static int vs_recv(ph_transport *t, int64_t deadline_ns, ph_rx *rx)
{
	return ph_recv(((vser_transport *)t)->line, deadline_ns, rx);
}

static int64_t vs_now(ph_transport *t)
{
	return ph_now(((vser_transport *)t)->line);
}

static void vs_describe(ph_transport *t, char *buf, size_t n)
{
	vser_transport *vt = (vser_transport *)t;
	char line[200];
	vt->line->ops->describe(vt->line, line, sizeof line);
	snprintf(buf, n, "virtual-serial (%s)", line);
}

static void vs_close(ph_transport *t)
{
	vser_transport *vt = (vser_transport *)t;
	ph_transport_close(vt->line);
	ph_vserial_free(vt->v);
	free(vt);
}

static const ph_transport_ops vs_ops = {
	.name = "virtual-serial",
	.send = vs_send,
	.recv = vs_recv,
	.now = vs_now,
	.describe = vs_describe,
	.close = vs_close,
};

ph_transport *ph_virtual_serial_open(const bench_config *cfg, unsigned time_scale,
                                     enum ph_vserial_proto proto, char *err, size_t errlen)
{
	int64_t epoch = ph_monotonic_ns();
	unsigned scale = time_scale > 1 ? time_scale : 1;
	vser_transport *vt = calloc(1, sizeof *vt);

	if (!vt) {
		snprintf(err, errlen, "virtual serial: out of memory");
		return NULL;
	}
	vt->base.ops = &vs_ops;
	vt->v = ph_vserial_new(cfg, scale, epoch, proto, err, errlen);
	if (vt->v)
		vt->line = ph_serial_transport_open(ph_vserial_fixture_path(vt->v), scale, epoch,
		                                    err, errlen);
	if (!vt->line) {
		ph_vserial_free(vt->v);
		free(vt);
		return NULL;
	}
	return &vt->base;
}

ph_vserial *ph_virtual_serial_board(ph_transport *t)
{
	return t && t->ops == &vs_ops ? ((vser_transport *)t)->v : NULL;
}

const char *ph_virtual_serial_pump_line(ph_transport *t)
{
	ph_vserial *v = ph_virtual_serial_board(t);
	if (!v || !strcmp(ph_vserial_path(v), ph_vserial_fixture_path(v)))
		return NULL;
	return ph_vserial_path(v);
}

/* One stdin command; returns 1 to end. */
static int stdin_command(ph_vserial *v, int *eof)
{
	char line[128];

	if (!fgets(line, sizeof line, stdin)) {
		*eof = 1;
		return 0;
	}
	line[strcspn(line, "\r\n")] = 0;
	if (!strcmp(line, "quit"))
		return 1;
	if (!strcmp(line, "hangup")) {
		ph_vserial_hangup(v);
		fprintf(stderr, "pumphil board: %s hung up\n", ph_vserial_path(v));
		return 1;
	}
	if (!strcmp(line, "status"))
		fprintf(stderr, "pumphil board: %s, %llu bytes dropped\n", ph_vserial_path(v),
		        (unsigned long long)ph_vserial_dropped(v));
	else if (line[0])
		fprintf(stderr, "pumphil board: unknown command '%s' (hangup, status, quit)\n",
		        line);
	return 0;
}

int ph_vserial_serve(const bench_config *cfg, unsigned time_scale, volatile sig_atomic_t *quit,
                     const sigset_t *waitmask)
{
	char err[300];
	int eof = 0;
	ph_vserial *v = ph_vserial_new(cfg, time_scale, ph_monotonic_ns(), PH_VSERIAL_PUMPHIL, err,
	                               sizeof err);

	if (!v) {
		fprintf(stderr, "pumphil board: %s\n", err);
		return 1;
	}
	printf("%s\n", ph_vserial_path(v));
	fflush(stdout);
	setvbuf(stdin, NULL, _IOLBF, 0);
	while (!*quit) {
		struct pollfd pfd = { .fd = eof ? -1 : STDIN_FILENO, .events = POLLIN };
		struct timespec ts = { 1, 0 };
		int r = ppoll(&pfd, 1, &ts, waitmask);
		if (r > 0 && (pfd.revents & (POLLIN | POLLHUP)) && stdin_command(v, &eof))
			break;
		if (r > 0 && (pfd.revents & POLLNVAL))
			eof = 1;
	}
	ph_vserial_free(v);
	return 0;
}
