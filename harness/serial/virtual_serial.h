/*
 * virtual_serial.h - `--board virtual-serial`: the virtual serial board
 * (vserial.h) in this process and the serial transport to it, as one
 * transport.  Closing it closes the line, then the board.
 * `--board virtual-serial:ascii`: the pump speaks the ASCII command set on
 * its own pty, for a Lua adapter (docs/adapters.md); the transport carries
 * the fixture channel only.
 */
#ifndef PH_VIRTUAL_SERIAL_H
#define PH_VIRTUAL_SERIAL_H

#ifndef PH_USES_SERIAL
#error "serial/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <signal.h>
#include <stddef.h>

#include "bench.h"
#include "link/transport.h"
#include "serial/vserial.h"

/* Start a bench from cfg on a new pty whose clock runs time_scale times real
 * time (0, 1: real time) and open the serial transport to it.  Returns NULL
 * with one line in err. */
ph_transport *ph_virtual_serial_open(const bench_config *cfg, unsigned time_scale,
                                     enum ph_vserial_proto proto, char *err, size_t errlen);

/* ASCII: the pump line's pty path, which the transport does not open (an
 * adapter does); NULL for any other transport or protocol. */
const char *ph_virtual_serial_pump_line(ph_transport *t);

/* `--board sim:ascii` (vserial_lock.h): a transport (fixture channel only;
 * pump frames are refused) owning a new bench from cfg on the virtual clock
 * and the pty of its ASCII pump line.  NULL with one line in err. */
ph_transport *ph_vlock_open(const bench_config *cfg, char *err, size_t errlen);

/* The board behind a virtual-serial transport, NULL for any other. */
ph_vserial *ph_virtual_serial_board(ph_transport *t);

/* Serve a bench on a pty for other processes (`pumphil board --pty`):
 * prints the pty's path as one line on stdout, then runs until *quit is set
 * or "quit" arrives on stdin; "hangup" on stdin closes the pty (its clients
 * see the port vanish) and ends.  waitmask: the signal mask to wait with.
 * Returns the exit status. */
int ph_vserial_serve(const bench_config *cfg, unsigned time_scale, volatile sig_atomic_t *quit,
                     const sigset_t *waitmask);

#endif
