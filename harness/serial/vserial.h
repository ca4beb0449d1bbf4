/*
 * vserial.h - the virtual serial board: the reference bench (firmware +
 * fixture, board/sim) served on a pseudo-terminal, speaking pumphil's
 * protocol framed as transport_serial.h says, or any other line protocol
 * through a front-end (ph_vserial_frontend).
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

/* A protocol front-end between the line and the bench.  NULL: pumphil's own
 * frames (transport_serial.h).  Called on the board thread only. */
typedef struct ph_vserial_frontend {
	const char *name;
	/* A new front-end state for bench b; write(wctx, bytes, n) sends bytes
	 * on the line. */
	void *(*create)(bench *b, void (*write)(void *wctx, const uint8_t *, size_t), void *wctx);
	void (*destroy)(void *fe);
	/* Bytes that arrived on the line. */
	void (*line_rx)(void *fe, const uint8_t *bytes, size_t n);
	/* A frame the bench sent (pumphil wire frame, delimiter included). */
	void (*bench_tx)(void *fe, uint8_t channel, const uint8_t *wire, size_t n, int64_t t_ns);
} ph_vserial_frontend;

/* Start a bench built from cfg (copied) on a new pty.  fe may be NULL.
 * Returns NULL with one line in err. */
ph_vserial *ph_vserial_new(const bench_config *cfg, unsigned scale, int64_t epoch,
                           const ph_vserial_frontend *fe, char *err, size_t errlen);

/* The pty's slave path ("/dev/pts/N"). */
const char *ph_vserial_path(const ph_vserial *v);

/* Close the master side now: the port vanishes for its clients (the bench
 * stops).  For tests of a board that goes away. */
void ph_vserial_hangup(ph_vserial *v);

/* Bytes the board dropped because nobody read them. */
uint64_t ph_vserial_dropped(const ph_vserial *v);

/* Stop the thread, free the bench, close the pty. */
void ph_vserial_free(ph_vserial *v);

#endif
