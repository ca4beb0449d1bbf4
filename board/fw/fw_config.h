/*
 * fw_config.h - compile-time sizes of the reference pump firmware.
 *
 * Every buffer in board/fw is static and sized here; nothing is allocated at
 * run time.  Per-device values (stroke volume, thresholds, defaults of the
 * design brief's [U] figures) are not here but in fw_config (fw.h), filled
 * by fw_config_default() and overridable by the bench profile.
 *
 * Units: nL, nL/h, ng/mL, ug, us, s, Pa, mV.  No floating point.
 */
#ifndef FW_CONFIG_H
#define FW_CONFIG_H

/* Firmware version reported in status.fw_version: major<<16 | minor<<8 | patch. */
#define FW_VERSION_CODE ((0u << 16) | (1u << 8) | 0u)

/* Non-volatile memory: two copies of the therapy state, FW_NVM_SIZE/2 each. */
#define FW_NVM_SIZE 4096u

/* Event log ring (log_read), entries. */
#define FW_LOG_SIZE 64u
/* Link receive queue filled by fw_rx (interrupt side), bytes. */
#define FW_RXQ_SIZE 512u
/* Unacknowledged events kept for resending; the oldest is dropped when full. */
#define FW_EVQ_SIZE 16u
/* Flexible prescription: time-of-day steps per 24 h. */
#define FW_MAX_STEPS 10u
/* Drug library entries. */
#define FW_DRUGLIB_SIZE 16u
/* Bolus request ids remembered for idempotency (most recent). */
#define FW_BOLUS_IDS 16u
/* Highest programmable patient boluses per rolling 24 h (start times kept). */
#define FW_PB_MAX_PER_DAY 24u

/* Rolling 24 h dose window: buckets of FW_WIN_BUCKET_US.  One more bucket
 * than 24 h needs, so the sum always covers at least the last 24 h (it over-
 * counts by at most one bucket: the cap errs on the safe side). */
#define FW_WIN_BUCKET_US (600ull * 1000000ull)
#define FW_WIN_BUCKETS 145u
#define FW_DAY_US (86400ull * 1000000ull)
/* The latest wall clock the pump accepts: 2200-01-01T00:00:00Z. */
#define FW_MAX_EPOCH_MS 7258118400000ull

/* Hardware watchdog period (GIP 3.5.2: 90 s); fw_run kicks it on every call
 * and fw_next_deadline_us never sleeps longer than FW_KICK_US. */
#define FW_WATCHDOG_US (90ull * 1000000ull)
#define FW_KICK_US (FW_WATCHDOG_US / 3u)

/* Battery alarms clear only FW_BATT_HYST_MV above their threshold. */
#define FW_BATT_HYST_MV 50u

/* At most this many strokes of one kind per fw_run; basal delivery missed
 * while the task loop was late is never caught up beyond FW_CATCHUP_STROKES
 * (a late loop must not turn into an unplanned bolus). */
#define FW_STROKES_PER_RUN 8u
#define FW_CATCHUP_STROKES 2u

/* Priming: implanted catheter length before trimming, and its dead volume
 * (0.0026 mL/cm = 260 nL/mm, Prometra II IFU). */
#define FW_CATHETER_MM 1100u
#define FW_PRIME_NL_PER_MM 260u

/* Longest bolus delivery duration accepted, s. */
#define FW_MAX_BOLUS_S 86400u

#endif
