/* bench_open.h - choosing a board from --board: sim, usb[:SEL], virtual-usb. */
#ifndef PH_BENCH_OPEN_H
#define PH_BENCH_OPEN_H

#include <stddef.h>

#include "bench.h"
#include "transport.h"

/* Validate a --board value.  Returns 0, or -1 with a message in err. */
int ph_bench_check(const char *board, char *err, size_t errlen);

/* Open the board for one test: a fresh virtual bench built from cfg (sim),
 * or the USB board (powered off and on through its fixture at the start of
 * each test by the caller).  Returns NULL with a message in err. */
ph_transport *ph_bench_open(const char *board, const bench_config *cfg, char *err, size_t errlen);

#endif
