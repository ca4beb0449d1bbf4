/*
 * vserial_lock.h - `--board sim:ascii`: the virtual bench on the virtual
 * clock, with the pump's ASCII command set (board/sim/ascii_fe.h) on a
 * pseudo-terminal for a Lua adapter, and the rig (fixture channel) in
 * process as on `sim`.
 *
 * Lock-step: there is no board thread.  The bench advances only while the
 * host waits (the adapter's line receive, or the link's), straight to its
 * next event as on `sim`, and only once every byte either side wrote has
 * crossed the pty (counted on both ends), so what the pump answers arrives
 * at the bench time it was sent, and runs are as fast and deterministic as
 * on `sim` although every pump byte crosses a real tty.
 */
#ifndef PH_VSERIAL_LOCK_H
#define PH_VSERIAL_LOCK_H

#ifndef PH_USES_SERIAL
#error "serial/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "link/transport.h"

typedef struct ph_vlock ph_vlock;

/* ph_vlock_open() is in virtual_serial.h (it needs the bench's types). */

/* The pty path of the pump line of a sim:ascii transport, NULL for others. */
const char *ph_vlock_pump_path(ph_transport *t);

/* The lock-step board whose pump line is path (open in this process), or
 * NULL: the adapter's line then talks to it through these. */
ph_vlock *ph_vlock_find(const char *path);

/* Write bytes on the pump line (host side).  Returns PH_T_OK or an error. */
int ph_vlock_line_write(ph_vlock *v, const uint8_t *buf, size_t n);

/* Read pump-line bytes (host side), advancing the bench until some arrive or
 * its clock reaches deadline_ns.  Returns the count, PH_T_TIMEOUT or an
 * error. */
int ph_vlock_line_read(ph_vlock *v, uint8_t *buf, size_t cap, int64_t deadline_ns);

#endif
