/* bench_open.h - choosing a board from --board: sim, usb[:SEL], virtual-usb. */
#ifndef PH_BENCH_OPEN_H
#define PH_BENCH_OPEN_H

#ifndef PH_USES_ADAPTERS
#error "adapters/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "bench.h"
#include "link/transport.h"

enum ph_board_kind { PH_BOARD_SIM, PH_BOARD_USB, PH_BOARD_VIRTUAL_USB };

/* The kind of a --board value, -1 when unknown. */
int ph_bench_kind(const char *board);

/* Validate a --board value (and a usb selector).  Returns 0, or -1 with a
 * one-line message in err. */
int ph_bench_check(const char *board, char *err, size_t errlen);

/* Open the board for one test: a fresh virtual bench built from cfg (sim,
 * and virtual-usb behind a new umockdev device, its clock time_scale times
 * real time), or the USB board named by the selector.  Blocks for USB enumeration only (about a
 * second at most). Returns NULL with a message in err. */
ph_transport *ph_bench_open(const char *board, const bench_config *cfg, unsigned time_scale,
                            char *err, size_t errlen);

/* After a board went away: wait until it is back (usb), at most
 * timeout_ns.  Returns 0 when it is (or nothing to wait for), -1 if not. */
int ph_bench_wait_back(const char *board, int64_t timeout_ns);

#endif
