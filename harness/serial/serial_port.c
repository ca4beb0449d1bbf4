/*
 * serial_port.c - termios serial ports with deadlines (see serial_port.h).
 */
#define _DEFAULT_SOURCE /* cfmakeraw, B-rates above 38400 */
#include "serial/serial_port.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/interrupt.h"

struct ph_serial_port {
	int fd;
	int gone;
	unsigned baud;
	char path[PH_SERIAL_PATH_MAX];
};

static const struct {
	unsigned rate;
	speed_t code;
} rates[] = {
	{ 1200, B1200 },       { 2400, B2400 },       { 4800, B4800 },       { 9600, B9600 },
	{ 19200, B19200 },     { 38400, B38400 },     { 57600, B57600 },     { 115200, B115200 },
	{ 230400, B230400 },   { 460800, B460800 },   { 921600, B921600 },   { 1000000, B1000000 },
	{ 2000000, B2000000 }, { 3000000, B3000000 }, { 4000000, B4000000 },
};

static int rate_code(unsigned baud, speed_t *code)
{
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
		if (rates[i].rate == baud) {
			*code = rates[i].code;
			return 0;
		}
	return -1;
}

int ph_serial_parse(const char *arg, char *path, size_t pathlen, unsigned *baud, char *err,
                    size_t errlen)
{
	const char *at = strrchr(arg, '@');
	size_t n = at ? (size_t)(at - arg) : strlen(arg);
	speed_t code;

	*baud = 115200;
	if (n == 0 || n >= pathlen || n >= PH_SERIAL_PATH_MAX) {
		snprintf(err, errlen, "serial: give a port: serial:PORT[@BAUD] (got '%s')", arg);
		return -1;
	}
	memcpy(path, arg, n);
	path[n] = 0;
	if (at) {
		char *end;
		unsigned long b = strtoul(at + 1, &end, 10);
		if (end == at + 1 || *end || b > 4000000 || rate_code((unsigned)b, &code)) {
			snprintf(err, errlen,
			         "serial: bad baud rate '%s' (1200 ... 4000000, a standard rate)",
			         at + 1);
			return -1;
		}
		*baud = (unsigned)b;
	}
	return 0;
}

/* Raw 8N1, no flow control, no modem control, breaks ignored. */
static int configure(int fd, unsigned baud)
{
	struct termios tio;
	speed_t code = B115200;

	if (tcgetattr(fd, &tio))
		return -1;
	cfmakeraw(&tio);
	tio.c_iflag |= IGNBRK;
	tio.c_iflag &= ~(IXON | IXOFF | IXANY);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cflag &= ~(CRTSCTS | CSTOPB | PARENB);
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	rate_code(baud, &code);
	cfsetispeed(&tio, code);
	cfsetospeed(&tio, code);
	if (tcsetattr(fd, TCSANOW, &tio))
		return -1;
	tcflush(fd, TCIOFLUSH);
	return 0;
}

static int open_fd(const char *path, unsigned baud, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "serial: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (!isatty(fd) || configure(fd, baud)) {
		snprintf(err, errlen, "serial: %s is not a serial port: %s", path,
		         strerror(errno ? errno : ENOTTY));
		close(fd);
		return -1;
	}
	return fd;
}

ph_serial_port *ph_serial_open(const char *path, unsigned baud, char *err, size_t errlen)
{
	ph_serial_port *p;
	int fd;

	if (strlen(path) >= PH_SERIAL_PATH_MAX) {
		snprintf(err, errlen, "serial: port path too long");
		return NULL;
	}
	fd = open_fd(path, baud, err, errlen);
	if (fd < 0)
		return NULL;
	p = calloc(1, sizeof *p);
	if (!p) {
		close(fd);
		snprintf(err, errlen, "serial: out of memory");
		return NULL;
	}
	p->fd = fd;
	p->baud = baud;
	snprintf(p->path, sizeof p->path, "%s", path);
	return p;
}

void ph_serial_close(ph_serial_port *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}

/* Wait for events on the port until deadline; 1 ready, else a ph_terr. */
static int wait_fd(ph_serial_port *p, short events, int64_t deadline_ns)
{
	for (;;) {
		if (ph_interrupted())
			return PH_T_INTERRUPTED;
		int64_t left = deadline_ns - ph_monotonic_ns();
		if (left <= 0)
			return PH_T_TIMEOUT;
		if (left > PH_SERIAL_POLL_NS)
			left = PH_SERIAL_POLL_NS;
		struct pollfd pfd = { .fd = p->fd, .events = events };
		int r = poll(&pfd, 1, (int)((left + 999999) / 1000000));
		if (r < 0 && errno != EINTR)
			return PH_T_IO;
		if (r <= 0)
			continue;
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) {
			if ((events & POLLIN) && (pfd.revents & POLLIN))
				return 1; /* read what is left first */
			p->gone = 1;
			return PH_T_NO_DEVICE;
		}
		return 1;
	}
}

static int gone_errno(int e)
{
	return e == EIO || e == ENXIO || e == ENODEV;
}

int ph_serial_write(ph_serial_port *p, const uint8_t *buf, size_t n, int64_t deadline_ns)
{
	size_t done = 0;

	if (p->gone)
		return PH_T_NO_DEVICE;
	while (done < n) {
		ssize_t w = write(p->fd, buf + done, n - done);
		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN) {
			p->gone = gone_errno(errno);
			return p->gone ? PH_T_NO_DEVICE : PH_T_IO;
		}
		int r = wait_fd(p, POLLOUT, deadline_ns);
		if (r < 0)
			return r;
	}
	return PH_T_OK;
}

int ph_serial_read(ph_serial_port *p, uint8_t *buf, size_t cap, int64_t deadline_ns)
{
	int polled = 0;

	if (p->gone)
		return PH_T_NO_DEVICE;
	for (;;) {
		ssize_t r = read(p->fd, buf, cap > 65536 ? 65536 : cap);
		if (r > 0)
			return (int)r;
		if (r < 0 && errno == EINTR)
			continue;
		/* Readable but nothing to read (end of file with VMIN 0), or a
		 * read error of a vanished device: the port is gone. */
		if ((r == 0 && polled) || (r < 0 && gone_errno(errno))) {
			p->gone = 1;
			return PH_T_NO_DEVICE;
		}
		if (r < 0 && errno != EAGAIN)
			return PH_T_IO;
		int w = wait_fd(p, POLLIN, deadline_ns);
		if (w < 0)
			return w;
		polled = 1;
	}
}

int ph_serial_reopen(ph_serial_port *p, int64_t deadline_ns)
{
	char err[300];

	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	for (;;) {
		int fd = open_fd(p->path, p->baud, err, sizeof err);
		if (fd >= 0) {
			p->fd = fd;
			p->gone = 0;
			return PH_T_OK;
		}
		if (ph_interrupted())
			return PH_T_INTERRUPTED;
		if (ph_monotonic_ns() >= deadline_ns)
			return PH_T_TIMEOUT;
		nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
	}
}

int ph_serial_wait_present(const char *path, int64_t timeout_ns)
{
	int64_t end = ph_monotonic_ns() + timeout_ns;
	char err[300];

	/* A pseudo-terminal whose master closed never comes back under the
	 * same name for the same board. */
	if (!strncmp(path, "/dev/pts/", 9) && access(path, F_OK))
		return PH_T_NOT_FOUND;
	for (;;) {
		int fd = open_fd(path, 115200, err, sizeof err);
		if (fd >= 0) {
			close(fd);
			return PH_T_OK;
		}
		if (ph_monotonic_ns() >= end || ph_interrupted())
			return PH_T_TIMEOUT;
		nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
	}
}

const char *ph_serial_path(const ph_serial_port *p)
{
	return p->path;
}

unsigned ph_serial_baud(const ph_serial_port *p)
{
	return p->baud;
}
