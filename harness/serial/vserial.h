/*
 * vserial.h - the virtual serial board: the reference bench (firmware +
 * fixture, board/sim) served on a pseudo-terminal, speaking pumphil's
 * protocol framed as transport_serial.h says, or the ASCII command set
 * (board/sim/ascii_fe.h) on the pump's line.
 *
 * One thread owns the bench and the pty's master side: it runs the bench
 * in real time, or `scale` times faster, from the monotonic instant epoch,
 * and feeds it what arrives on the line.  The slave side's path is what a
 * client opens (`--board serial:PATH`).  The board keeps a slave descriptor
 * of its own open (raw mode), so clients may come and go; what it sends
 * while no client reads is dropped once the pty's buffer is full.
 */
#ifndef PH_VSERIAL_H
#define PH_VSERIAL_H

#ifndef PH_USES_SERIAL
#error "serial/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "bench.h"

typedef struct ph_vserial ph_vserial;

/* What the line speaks. */
enum ph_vserial_proto {
	PH_VSERIAL_PUMPHIL = 0, /* one pty: both channels, tagged frames */
	/* Two ptys: the pump channel as the ASCII command set (board/sim/ascii_fe.h)
	 * on the first, the fixture channel as tagged pumphil frames on the
	 * second (the rig stays pumphil's; only the pump speaks another
	 * protocol). */
	PH_VSERIAL_ASCII = 1,
};

/* Start a bench built from cfg (copied) on new ptys.  Returns NULL with one
 * line in err. */
ph_vserial *ph_vserial_new(const bench_config *cfg, unsigned scale, int64_t epoch,
                           enum ph_vserial_proto proto, char *err, size_t errlen);

/* The pty's slave path ("/dev/pts/N"): the pump's line (PUMPHIL: both
 * channels). */
const char *ph_vserial_path(const ph_vserial *v);
/* ASCII: the fixture channel's pty; PUMPHIL: the same as ph_vserial_path. */
const char *ph_vserial_fixture_path(const ph_vserial *v);

/* Close the master side now: the port vanishes for its clients (the bench
 * stops).  For tests of a board that goes away. */
void ph_vserial_hangup(ph_vserial *v);

/* Bytes the board dropped because nobody read them. */
uint64_t ph_vserial_dropped(const ph_vserial *v);

/* Stop the thread, free the bench, close the pty. */
void ph_vserial_free(ph_vserial *v);

#endif
