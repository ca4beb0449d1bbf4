/*
 * link.h - request/response over a transport: sequence numbers, deadlines,
 * bounded retransmission, NAKs, and the board's unsolicited events.
 *
 * Every frame that crosses, in either direction and whether it decodes or
 * not, is shown to the frame tap (the recorder) before anything else
 * happens to it.  Events are acknowledged as they arrive (event_ack), kept
 * in order, and de-duplicated by event sequence number, so a board that
 * resends an event until acknowledged is seen once.
 */
#ifndef PH_LINK_H
#define PH_LINK_H

#ifndef PH_USES_LINK
#error "link/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdint.h>

#include "link/transport.h"
#include "pp.h"

#define PH_LINK_EVENTS 512

enum ph_link_err {
	PH_LINK_OK = 0,
	PH_LINK_TIMEOUT = -1,     /* no reply after every retry */
	PH_LINK_NAK = -2,         /* the board NAKed the request (reply holds the nak) */
	PH_LINK_NO_DEVICE = -3,   /* the board went away */
	PH_LINK_IO = -4,          /* transport failure */
	PH_LINK_INVALID = -5,     /* request could not be encoded */
	PH_LINK_INTERRUPTED = -6, /* the run is stopping (base/interrupt.h) */
};
const char *ph_link_strerror(int err);

typedef void (*ph_frame_tap)(void *ud, int64_t t_ns, uint8_t channel, int dir, const uint8_t *wire,
                             size_t n);

typedef struct ph_event {
	int64_t t_ns;      /* host time of arrival */
	uint64_t board_us; /* board stamp */
	pp_event ev;
} ph_event;

typedef struct ph_link_stats {
	uint32_t tx, rx, bad_rx, naks, retries, timeouts, stale, dup_events, dropped_events;
	int64_t rtt_max_ns; /* longest answered attempt, send to reply (bench ns) */
} ph_link_stats;

typedef struct ph_call_info {
	int64_t t_sent, t_reply; /* host ns */
	uint64_t board_us;       /* board stamp of the reply */
	int attempts;
} ph_call_info;

typedef struct ph_link ph_link;

/* A link over t (borrowed: the caller closes t after ph_link_free). */
ph_link *ph_link_new(ph_transport *t);
void ph_link_free(ph_link *l);
void ph_link_set_tap(ph_link *l, ph_frame_tap tap, void *ud);
/* Per attempt reply timeout (bench ns) and number of retransmissions. */
void ph_link_set_timing(ph_link *l, int64_t reply_timeout_ns, int retries);
void ph_link_get_timing(const ph_link *l, int64_t *reply_timeout_ns, int *retries);
/* Whether events are acknowledged automatically (default on). */
void ph_link_set_auto_ack(ph_link *l, int on);
ph_transport *ph_link_transport(ph_link *l);

/* Send req on channel and wait for its reply.  Blocks at most
 * (retries + 1) * reply timeout of bench time.  Returns PH_LINK_OK with
 * *reply filled, PH_LINK_NAK with *reply the nak, or an error; info (may be
 * NULL) gets the timing. */
int ph_link_call(ph_link *l, uint8_t channel, const pp_msg *req, pp_msg *reply, ph_call_info *info);

/* Send a message without waiting for a reply (event_ack, or a test that
 * wants to look at what comes back itself).  Returns the seq used (>= 0)
 * or an error. */
int ph_link_send(ph_link *l, uint8_t channel, const pp_msg *m, uint8_t flags);
/* Send raw bytes as they are (malformed-frame tests). */
int ph_link_send_raw(ph_link *l, uint8_t channel, const uint8_t *bytes, size_t n);

/* Process everything that arrives until the bench clock reaches t_ns. */
int ph_link_run_until(ph_link *l, int64_t t_ns);

/* Pop the oldest queued event, waiting until deadline_ns for one.
 * Returns 1 with *ev filled, 0 on timeout, or a negative error. */
int ph_link_next_event(ph_link *l, int64_t deadline_ns, ph_event *ev);

/* Replies that arrived with no request waiting (raw sends), oldest first:
 * returns 1 with *m filled, 0 if none. */
int ph_link_pop_unsolicited(ph_link *l, pp_msg *m, pp_frame *f);

int64_t ph_link_now(ph_link *l);
const ph_link_stats *ph_link_stats_get(const ph_link *l);

#endif
