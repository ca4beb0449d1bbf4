/*
 * serial_port.h - a serial line as a byte stream with deadlines: a UART, a
 * CDC-ACM device or a pseudo-terminal, through termios (raw mode, 8N1, no
 * flow control).  Used by the `serial` board (pumphil's frames) and by Lua
 * adapters (their own bytes).
 *
 * Every wait takes a CLOCK_MONOTONIC deadline and wakes at least every
 * PH_SERIAL_POLL_NS to look at ph_interrupted().  A port that goes away
 * (device unplugged, pseudo-terminal's master closed: read gives EIO or
 * end of file, poll gives POLLHUP/POLLERR) makes every call return
 * PH_T_NO_DEVICE until ph_serial_reopen().  A BREAK condition on the line
 * is ignored (IGNBRK): it is not data and not a disconnection.
 */
#ifndef PH_SERIAL_PORT_H
#define PH_SERIAL_PORT_H

#ifndef PH_USES_SERIAL
#error "serial/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "link/transport.h"

#define PH_SERIAL_POLL_NS 100000000LL
#define PH_SERIAL_PATH_MAX 256

typedef struct ph_serial_port ph_serial_port;

/* Parse "PORT[@BAUD]" (the ARG of --board serial:ARG).  PORT is a path,
 * BAUD one of the standard rates (default 115200).  Returns 0, or -1 with
 * one line in err. */
int ph_serial_parse(const char *arg, char *path, size_t pathlen, unsigned *baud, char *err,
                    size_t errlen);

/* Open and configure the port (raw, 8N1, baud), discard what was queued.
 * Does not block.  Returns the port (free with ph_serial_close) or NULL with
 * one line in err. */
ph_serial_port *ph_serial_open(const char *path, unsigned baud, char *err, size_t errlen);
void ph_serial_close(ph_serial_port *p);

/* Write all n bytes before deadline_ns (monotonic).  Returns PH_T_OK,
 * PH_T_TIMEOUT (the line did not drain: part may have been written),
 * PH_T_NO_DEVICE, PH_T_IO or PH_T_INTERRUPTED. */
int ph_serial_write(ph_serial_port *p, const uint8_t *buf, size_t n, int64_t deadline_ns);

/* Read what is there, up to cap bytes, waiting until at least one byte
 * arrives or deadline_ns passes.  Returns the count (> 0), or PH_T_TIMEOUT,
 * PH_T_NO_DEVICE, PH_T_IO, PH_T_INTERRUPTED. */
int ph_serial_read(ph_serial_port *p, uint8_t *buf, size_t cap, int64_t deadline_ns);

/* After PH_T_NO_DEVICE: try to open the same path again until deadline_ns
 * (every 50 ms).  Returns PH_T_OK, PH_T_TIMEOUT or PH_T_INTERRUPTED. */
int ph_serial_reopen(ph_serial_port *p, int64_t deadline_ns);

/* Wait until path can be opened, at most timeout_ns.  Returns PH_T_OK,
 * PH_T_TIMEOUT, or PH_T_NOT_FOUND at once for a pseudo-terminal
 * (/dev/pts/N) that no longer exists: it cannot come back.  Keeps nothing
 * open. */
int ph_serial_wait_present(const char *path, int64_t timeout_ns);

const char *ph_serial_path(const ph_serial_port *p);
unsigned ph_serial_baud(const ph_serial_port *p);

#endif
