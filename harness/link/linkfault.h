/*
 * linkfault.h - link faults between the harness and any board: a transport
 * that wraps another and drops, corrupts, delays, duplicates, reorders and
 * burst-loses frames, per channel and per direction.
 *
 * Deterministic: one seeded generator (xoshiro256**) per channel and
 * direction, drawing the same number of values for every frame whatever the
 * settings, so for a given seed and frame sequence the outcome is the same,
 * and turning one fault on does not move the frames another fault hits.
 *
 * Time is the inner transport's bench clock.  Delayed frames are held and
 * released at their due time: frames to the board by the next send or recv
 * call at or after it (recv waits on the inner transport no later than the
 * next due time, so on the sim's virtual clock they leave exactly on time),
 * frames from the board by recv.  Delay keeps each path's order; reorder is
 * the one fault that changes it.
 */
#ifndef PH_LINKFAULT_H
#define PH_LINKFAULT_H

#ifndef PH_USES_LINK
#error "link/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdint.h>

#include "link/transport.h"

enum ph_linkfault_dir {
	PH_LF_TO_BOARD = 0,   /* host -> board (send) */
	PH_LF_FROM_BOARD = 1, /* board -> host (recv) */
	PH_LF_NDIR = 2,
};
#define PH_LF_ALL (-1) /* as channel or dir: every one */

/* Settings of one path (channel x direction).  All zero: transparent. */
typedef struct ph_linkfault_cfg {
	double drop;       /* probability a frame is lost */
	double corrupt;    /* probability one random bit flips (never the 0x00 delimiter) */
	double duplicate;  /* probability a frame is delivered twice in a row */
	double reorder;    /* probability a frame is held and delivered right after the next */
	int64_t delay_ns;  /* latency added to every frame */
	int64_t jitter_ns; /* plus uniform [0, jitter_ns] */
	/* Gilbert-Elliott burst loss, evaluated per frame: the channel is in a
	 * good or a bad state; a frame is lost with probability ge_loss_good or
	 * ge_loss_bad (the classical k and h are 1 - these), then the state
	 * moves good->bad with probability ge_p, bad->good with ge_r.  Mean
	 * burst length 1/ge_r; long-run bad share ge_p/(ge_p+ge_r). */
	double ge_p, ge_r, ge_loss_good, ge_loss_bad;
} ph_linkfault_cfg;

/* What a path did.  frames = offered; delivered counts duplicates twice. */
typedef struct ph_linkfault_counters {
	uint64_t frames, delivered;
	uint64_t dropped;       /* by `drop` */
	uint64_t burst_dropped; /* by Gilbert-Elliott */
	uint64_t corrupted, duplicated, reordered, delayed;
	uint64_t overflow;  /* lost: more than the hold queue's capacity in flight */
	uint64_t bad_state; /* frames that met the Gilbert-Elliott bad state */
} ph_linkfault_counters;

/* Wrap inner (ownership passes: closing the wrapper closes inner).  All
 * paths start transparent.  Returns NULL on allocation failure (inner is
 * then still the caller's). */
ph_transport *ph_linkfault_wrap(ph_transport *inner, uint64_t seed);

/* Set a path's faults; channel PP_CH_* or PH_LF_ALL, dir PH_LF_* or
 * PH_LF_ALL.  Frames already held keep their due times.  Returns PH_T_OK,
 * or PH_T_INVALID for a non-linkfault transport, an unknown channel or
 * direction, a probability outside [0, 1] or a negative time. */
int ph_linkfault_set(ph_transport *lf, int channel, int dir, const ph_linkfault_cfg *cfg);

/* Every path transparent again; a frame held for reordering is released
 * now, delayed frames stay in flight until due.  Counters are kept. */
int ph_linkfault_clear(ph_transport *lf);

/* Counters of one path (channel and dir must be specific).  PH_T_OK or
 * PH_T_INVALID. */
int ph_linkfault_stats(ph_transport *lf, int channel, int dir, ph_linkfault_counters *out);

/* The wrapped transport, NULL for a transport that is not a link-fault one. */
ph_transport *ph_linkfault_inner(ph_transport *lf);

#endif
