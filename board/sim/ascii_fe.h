/*
 * ascii_fe.h - a line-based ASCII command set in front of the reference
 * firmware: the second protocol that proves pumphil's adapters (issue 15).
 *
 * A host-side front-end (it runs beside the bench, in board/sim, not in the
 * firmware image): it turns each command line into one pumphil request on
 * the pump channel and each reply or event of the firmware into one line.
 * No framing beyond "\n" (a "\r" before it is ignored), no CRC, no retries.
 *
 *   host -> board   VERB [KEY=VALUE ...]          values decimal or 0x hex
 *   board -> host   OK [KEY=VALUE ...]            an ack with result 0
 *                   ERR <result> [KEY=VALUE ...]  an ack that refuses
 *                   NAK <code>                    the request was not taken
 *                   <REPLY> KEY=VALUE ...         any other reply (STATUS ...)
 *                   !<EVENT> KEY=VALUE ...        asynchronous, never acked
 *                                                 by the host (the front-end
 *                                                 acks the firmware itself)
 *                   ERR 254 <why>                 a line it could not read
 *
 * Verbs: SESSION BYE STATUS PROG STEP VERIFY COMMIT START STOP BOLUS REFILL
 * ACK ALTEST CLOCK LOG DRUGLIB.  KEYs are the pumphil field names of the
 * message behind the verb, upper-cased (PROG RATE_NL_H=500 ...), so the
 * units are the wire's (PROTOCOL.md); replies carry BOARD_US too.
 */
#ifndef ASCII_FE_H
#define ASCII_FE_H

#include <stddef.h>
#include <stdint.h>

#include "bench.h"

typedef struct ascii_fe ascii_fe;
typedef void (*ascii_fe_write_fn)(void *ud, const uint8_t *bytes, size_t n);

/* A front-end for bench b writing its lines through w.  NULL when out of
 * memory. */
ascii_fe *ascii_fe_new(bench *b, ascii_fe_write_fn w, void *ud);
void ascii_fe_free(ascii_fe *fe);

/* Bytes from the line (any split). */
void ascii_fe_line_rx(ascii_fe *fe, const uint8_t *bytes, size_t n);

/* A frame the bench sent on the pump channel (wire, delimiter included). */
void ascii_fe_bench_tx(ascii_fe *fe, const uint8_t *wire, size_t n);

/* Acknowledge the events the firmware sent, outside its own call (the
 * owner calls this after each bench_advance / bench_rx). */
void ascii_fe_poll(ascii_fe *fe);

/* The verb for a pumphil message name, NULL when the set has none. */
const char *ascii_fe_verb(const char *message);

#endif
