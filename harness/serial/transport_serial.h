/*
 * transport_serial.h - the `serial` board: pumphil's own protocol on a
 * serial line (UART, CDC-ACM, pseudo-terminal).
 *
 * On the line each wire frame (COBS, delimiter included, proto/pp.h) is
 * preceded by one tag byte, the channel plus one (1 pump, 2 fixture), so
 * both channels share one byte stream; a zero byte always ends a frame, so
 * a receiver that starts mid-frame resynchronises at the next one.  Bytes
 * that do not make a tagged frame of at most PP_MAX_WIRE bytes are dropped
 * and counted.
 *
 * Bench clock: CLOCK_MONOTONIC, or for a virtual board whose clock runs
 * `scale` times real time, epoch + (monotonic - epoch) * scale.  Every wait
 * has a deadline; a port that vanishes is PH_T_NO_DEVICE (after the frames
 * already received), reconnect reopens the same path.
 */
#ifndef PH_TRANSPORT_SERIAL_H
#define PH_TRANSPORT_SERIAL_H

#ifndef PH_USES_SERIAL
#error "serial/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "link/transport.h"

/* Open "PORT[@BAUD]".  scale: bench ns per real ns (1 for a real board);
 * epoch: the monotonic ns where bench and real time agree.  Returns a
 * transport the caller closes, or NULL with one line in err. */
ph_transport *ph_serial_transport_open(const char *arg, int64_t scale, int64_t epoch, char *err,
                                       size_t errlen);

/* Frames and bytes the receiver dropped (not a tagged frame). */
uint32_t ph_serial_transport_dropped(ph_transport *t);

/* Encode one frame for the line: tag + wire into out (cap >= n + 1).
 * Returns the length or -1. */
int ph_serial_frame_put(uint8_t channel, const uint8_t *wire, size_t n, uint8_t *out, size_t cap);

/* The receiver's state: feed bytes, get complete frames. */
typedef struct ph_serial_deframer {
	uint8_t buf[PP_MAX_WIRE + 1];
	size_t n;
	int overrun;
	uint32_t dropped;
} ph_serial_deframer;

/* Feed one byte; returns 1 when *rx holds a complete frame (channel, n,
 * wire; t_ns untouched), else 0. */
int ph_serial_deframe(ph_serial_deframer *d, uint8_t byte, ph_rx *rx);

#endif
