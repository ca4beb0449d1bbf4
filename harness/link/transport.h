/*
 * transport.h - how the harness reaches a board: one small interface, one
 * backend per transport (sim, usb) and a link-fault wrapper around any.
 *
 * A transport moves COBS wire frames on two channels and owns the bench
 * clock: on sim it is virtual (time jumps to the next event while waiting),
 * on usb it is CLOCK_MONOTONIC.  Every wait has a deadline.
 */
#ifndef PH_TRANSPORT_H
#define PH_TRANSPORT_H

#ifndef PH_USES_LINK
#error "link/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "pp.h"

typedef struct ph_transport ph_transport;

/* One received wire frame (delimiter included). */
typedef struct ph_rx {
	uint8_t channel;
	uint16_t n;
	int64_t t_ns; /* host time of arrival */
	uint8_t wire[PP_MAX_WIRE];
} ph_rx;

/* Result codes shared by every backend. */
enum ph_terr {
	PH_T_OK = 0,
	PH_T_TIMEOUT = -1,     /* deadline reached, nothing received */
	PH_T_NO_DEVICE = -2,   /* board gone (unplugged) */
	PH_T_IO = -3,          /* transfer error */
	PH_T_INVALID = -4,     /* bad argument */
	PH_T_NOT_FOUND = -5,   /* no matching board */
	PH_T_INTERRUPTED = -6, /* the run is stopping (SIGINT/SIGTERM, base/interrupt.h) */
};
const char *ph_transport_strerror(int err);

typedef struct ph_transport_ops {
	const char *name;
	/* Queue one frame for the board; returns 0 or a ph_terr. Never blocks
	 * past the transport's own short deadline. */
	int (*send)(ph_transport *t, uint8_t channel, const uint8_t *wire, size_t n);
	/* Wait until a frame arrives or the bench clock reaches deadline_ns.
	 * Returns PH_T_OK with *rx filled, PH_T_TIMEOUT, or an error. */
	int (*recv)(ph_transport *t, int64_t deadline_ns, ph_rx *rx);
	/* Bench clock, ns. */
	int64_t (*now)(ph_transport *t);
	/* Describe the board (transport, serial, ...) into buf. */
	void (*describe)(ph_transport *t, char *buf, size_t n);
	/* Cancel what is in flight, drain, release.  The pointer is invalid after. */
	void (*close)(ph_transport *t);
	/* Optional, NULL when the backend has no such thing: after
	 * PH_T_NO_DEVICE, wait until the same board is back (bench clock
	 * deadline) and reopen it in place, so t stays valid.  Returns PH_T_OK,
	 * PH_T_TIMEOUT or an error; received frames queued before are dropped. */
	int (*reconnect)(ph_transport *t, int64_t deadline_ns);
} ph_transport_ops;

struct ph_transport {
	const ph_transport_ops *ops;
};

static inline int ph_send(ph_transport *t, uint8_t ch, const uint8_t *w, size_t n)
{
	return t->ops->send(t, ch, w, n);
}
static inline int ph_recv(ph_transport *t, int64_t deadline_ns, ph_rx *rx)
{
	return t->ops->recv(t, deadline_ns, rx);
}
static inline int64_t ph_now(ph_transport *t)
{
	return t->ops->now(t);
}
static inline int ph_transport_reconnect(ph_transport *t, int64_t deadline_ns)
{
	return t->ops->reconnect ? t->ops->reconnect(t, deadline_ns) : PH_T_INVALID;
}
static inline void ph_transport_close(ph_transport *t)
{
	if (t)
		t->ops->close(t);
}

#endif
