/*
 * fw_state.h - the pump's whole state (included by fw.h after fw_hal and
 * fw_config).  Private to board/fw: the harness never reads it; the bench
 * and the firmware's own tests may, read-only.
 *
 * Two parts: fw_persist is the therapy state saved in NVM (two CRC'd
 * copies, see fw_nvm.c); everything else in fw_pump is RAM-only and rebuilt
 * by fw_init.  Times are board microseconds (hal->now_us) unless noted.
 */
#ifndef FW_STATE_H
#define FW_STATE_H

#include <stdint.h>

#include "fw_config.h"
#include "pp.h"

/* One time-of-day step of a flexible prescription. */
typedef struct fw_step {
	uint16_t start_min; /* minute of the day, 0-1439 */
	uint32_t rate_nl_h;
} fw_step;

/* A prescription, staged or committed (fields as in rx_begin/rx_step). */
typedef struct fw_presc {
	uint8_t mode; /* PP_MODE_* */
	uint8_t nsteps;
	uint8_t pb_max_per_day;
	uint16_t drug_id;
	uint32_t conc_ng_ml;
	uint32_t rate_nl_h;
	uint32_t pb_dose_nl;
	uint32_t pb_duration_s;
	uint32_t pb_lockout_s;
	fw_step steps[FW_MAX_STEPS];
	uint32_t crc; /* canonical CRC, see fw_presc_crc() */
} fw_presc;

typedef struct fw_drug {
	uint16_t drug_id; /* 0 = free slot */
	uint32_t max_conc_ng_ml;
	uint32_t soft_ug_day;
	uint32_t hard_ug_day;
} fw_drug;

/* A remembered bolus request and the answer it got. */
typedef struct fw_bolus_rec {
	uint32_t req_id;
	uint32_t volume_nl;
	int32_t detail; /* the refusal's limit (PP_FIELD_* says which) */
	uint8_t result;
	uint8_t used;
	uint8_t field;
} fw_bolus_rec;

/* Therapy state persisted in NVM.  Plain data; memset before use so the
 * padding is deterministic. */
typedef struct fw_persist {
	uint32_t resets;          /* resets since first boot */
	uint8_t has_rx;           /* a prescription has been committed */
	uint8_t running;          /* delivery enabled by command (start/stop) */
	uint8_t refilled;         /* a refill has been recorded */
	fw_presc rx;              /* the committed prescription */
	uint64_t delivered_nl;    /* every stroke since first boot */
	uint64_t since_refill_nl; /* strokes since the last refill */
	uint32_t refill_nl;       /* volume entered at the last refill */
	uint32_t low_residual_nl; /* low-reservoir threshold of that refill */
	uint16_t refill_drug;
	uint32_t refill_conc_ng_ml;
	fw_drug druglib[FW_DRUGLIB_SIZE];
	/* Rolling 24 h window of drug delivered to the patient (priming excluded). */
	uint32_t win_nl[FW_WIN_BUCKETS];
	uint64_t win_sum;  /* sum of win_nl */
	uint64_t win_t0;   /* start of the current bucket */
	uint16_t win_head; /* index of the current bucket */
	/* Patient bolus start times (ring, newest at pb_head - 1). */
	uint64_t pb_start[FW_PB_MAX_PER_DAY];
	uint8_t pb_head;
	uint8_t pb_n;
	fw_bolus_rec bolus_ids[FW_BOLUS_IDS];
	uint8_t bolus_head;
	uint32_t latched;       /* active latched alarms (bit n = alarm n) */
	int64_t wall_offset_ms; /* wall clock = now_us / 1000 + offset (ms since 1970) */
	uint64_t saved_us;      /* board time of this save */
} fw_persist;

typedef struct fw_log_entry {
	uint64_t t_us;
	int32_t arg;
	uint16_t code;
} fw_log_entry;

typedef struct fw_ev_entry {
	uint32_t evseq;
	int32_t arg;
	uint64_t next_us; /* next (re)send time; 0 = not sent yet */
	uint64_t t_us;    /* when it happened: every copy carries this stamp */
	uint16_t code;
	uint8_t alarm;
	uint8_t priority;
} fw_ev_entry;

/* The bolus being delivered: n strokes spread evenly over dur_us. */
typedef struct fw_bolus {
	uint8_t kind; /* PP_BOLUS_*, 0 = none */
	uint32_t req_id;
	uint32_t n;    /* strokes planned */
	uint32_t done; /* strokes delivered */
	uint64_t start_us;
	uint64_t dur_us;
} fw_bolus;

typedef struct fw_pump {
	const struct fw_hal *hal;
	struct fw_config cfg;
	fw_persist ps;
	uint64_t now; /* board time of the current fw_run */

	/* NVM bookkeeping. */
	uint32_t nvm_gen; /* generation of the newest valid copy */
	uint8_t nvm_slot; /* slot holding it */
	uint8_t dirty;    /* therapy changed since the last save */
	uint32_t nvm_saves;

	/* Link receive queue and deframer.  The queue is a single-producer,
	 * single-consumer ring shared with the link interrupt: fw_rx (the ISR)
	 * fills rxq[rxq_head] and alone writes rxq_head; the task loop
	 * (fw_session_frames) reads rxq[rxq_tail] and alone writes rxq_tail.
	 * Each side reads the other's index; 16-bit loads and stores are single
	 * instructions on the M0+, so neither can see half an update. */
	uint8_t rxq[FW_RXQ_SIZE];
	volatile uint16_t rxq_head; /* written by fw_rx (ISR) only; the task loop rereads it */
	uint16_t rxq_tail;          /* written by the task loop only; the ISR reads it on entry */
	uint32_t rx_dropped;
	pp_deframer df;
	uint32_t df_overruns_seen;

	/* Telemetry session and the sequence cache. */
	uint8_t session;
	uint32_t session_timeout_s;
	uint64_t last_frame_us;
	uint8_t have_last;
	uint8_t last_type;
	uint16_t last_seq;
	uint16_t last_resp_n;
	uint8_t last_resp[PP_MAX_WIRE];
	uint16_t cur_seq; /* seq of the request being processed */
	uint8_t cur_type;
	uint32_t frames_ok;
	uint32_t naks[16]; /* by PP_NAK_* code */

	/* Prescription being staged. */
	fw_presc staged;
	uint8_t staged_valid;
	uint16_t staged_steps; /* bit i: step i received */

	/* Delivery engine.  acc is in nL*us/h: the basal rate (nL/h) adds rate*dt
	 * per elapsed us; one stroke takes stroke_nl * 3.6e9.  Exact integers, so
	 * delivery tracks the rate over any time with no rounding drift. */
	uint32_t rate_eff; /* basal set-point in force, nL/h */
	uint64_t acc;
	uint64_t acc_t;
	uint64_t basal_next_us;
	fw_bolus bolus;
	uint32_t commanded; /* strokes commanded since fb_base was taken */
	uint32_t fb_base;   /* motor_feedback at the baseline */

	/* Alarms: active = shown in status.alarms; cause = condition present now. */
	uint32_t alarms;
	uint32_t causes;
	uint8_t occl_high;
	uint64_t occl_since;
	uint64_t next_sense_us;
	uint64_t next_kick_us;
	uint16_t supply_mv;

	/* Events awaiting event_ack. */
	fw_ev_entry evq[FW_EVQ_SIZE];
	uint8_t evq_n;
	uint32_t evseq;
	uint32_t ev_dropped;

	/* Event log ring. */
	fw_log_entry log[FW_LOG_SIZE];
	uint16_t log_head;
	uint16_t log_n;

	/* Test hooks (PP_HOOK_*). */
	uint8_t p_stuck_on;
	int32_t p_stuck_pa;
	int32_t p_drift_pa_h;
	uint64_t p_drift_t0;
	uint8_t motor_stall_hook;
	uint8_t hang;
	uint64_t stall_probe_us; /* next motor probe while stalled (fw_class.c), 0 none */
	uint64_t stall_since_us; /* when the stall began */
	int32_t clock_drift_ppm;
} fw_pump;

#endif
