/*
 * fw_internal.h - interfaces between the firmware's modules.  Not for use
 * outside board/fw (and the firmware's unit tests).
 *
 * All functions take the one fw_pump; p->now is the board time of the
 * current fw_run (set before anything else runs).  None blocks.
 */
#ifndef FW_INTERNAL_H
#define FW_INTERNAL_H

#include "fw.h"
#include "fw_plant.h"

#define FW_BIT(a) (1u << (a))

/* A refusal names the field (PP_FIELD_*) and the limit that was hit. */
typedef struct fw_why {
	int32_t detail;
	uint8_t field;
} fw_why;
/* Fill why and return reason: `return fw_because(why, R, F, limit);`. */
static inline uint8_t fw_because(fw_why *why, uint8_t reason, uint8_t field, int32_t detail)
{
	why->field = field;
	why->detail = detail;
	return reason;
}
#define FW_NONE UINT64_MAX

/* ---- alarms (fw_alarm.c) ---- */
enum fw_action { FW_ACT_CONTINUE, FW_ACT_STOP, FW_ACT_MIN_RATE, FW_ACT_EOS_RATE };
typedef struct fw_alarm_desc {
	uint8_t priority; /* PP_PRIO_* */
	uint8_t action;   /* enum fw_action */
	uint8_t latched;  /* needs alarm_ack to clear */
} fw_alarm_desc;
#define FW_ALARM_MAX 11u /* highest alarm code */
const fw_alarm_desc *fw_alarm_desc_get(uint8_t alarm);
/* The alarm's condition is present (on) or gone: raises/clears per the table. */
void fw_alarm_cause(fw_pump *p, uint8_t alarm, int on);
/* alarm_ack: returns a PP_REFUSE_* code. */
uint8_t fw_alarm_ack(fw_pump *p, uint8_t alarm);
int fw_alarm_stopping(const fw_pump *p);
int fw_alarm_action_active(const fw_pump *p, uint8_t action);
/* Raise/clear alarms whose state follows the reservoir, battery, dose window. */
void fw_alarm_evaluate(fw_pump *p);
/* Sample sensors (pressure, supply) and run occlusion/battery detection. */
void fw_sense(fw_pump *p);
uint64_t fw_sense_deadline(const fw_pump *p);

/* ---- delivery (fw_delivery.c) ---- */
void fw_delivery_run(fw_pump *p);
uint64_t fw_delivery_deadline(const fw_pump *p);
uint32_t fw_basal_rate(const fw_pump *p);
void fw_bolus_cancel(fw_pump *p);
/* Command one stroke after the safety checks; returns 1 if it was delivered. */
int fw_stroke(fw_pump *p, int to_patient);
void fw_stall_rebase(fw_pump *p);

/* ---- bolus requests (fw_bolus.c) ---- */
void fw_cmd_bolus(fw_pump *p, const pp_bolus *b);

/* ---- prescription (fw_presc.c) ---- */
uint32_t fw_presc_crc(const fw_presc *rx);
uint32_t fw_presc_rate_at(const fw_presc *rx, uint32_t minute);
uint64_t fw_presc_basal_day_nl(const fw_presc *rx);
uint32_t fw_wall_minute(const fw_pump *p);
uint64_t fw_next_step_us(const fw_pump *p);
void fw_cmd_rx_begin(fw_pump *p, const pp_rx_begin *m);
void fw_cmd_rx_step(fw_pump *p, const pp_rx_step *m);
void fw_cmd_rx_verify(fw_pump *p);
void fw_cmd_rx_commit(fw_pump *p, const pp_rx_commit *m);

/* ---- limits (fw_limits.c) ---- */
const fw_drug *fw_drug_find(const fw_pump *p, uint16_t drug_id);
void fw_cmd_druglib_set(fw_pump *p, const pp_druglib_set *m);
/* Drug library check of a prescription; PP_REFUSE_* and the limit in *detail. */
uint8_t fw_limits_check_rx(const fw_pump *p, const fw_presc *rx, fw_why *why);
/* Rolling 24 h cap in nL for the committed prescription (UINT64_MAX: none). */
uint64_t fw_cap_nl(const fw_pump *p);
uint64_t fw_window_nl(const fw_pump *p);
void fw_window_roll(fw_pump *p);
void fw_window_add(fw_pump *p, uint32_t nl);
uint64_t fw_window_deadline(const fw_pump *p);

/* ---- reservoir (fw_reservoir.c) ---- */
uint32_t fw_reservoir_nl(const fw_pump *p);
uint32_t fw_next_refill_s(const fw_pump *p);
void fw_cmd_refill(fw_pump *p, const pp_refill *m);

/* ---- session and frames (fw_session.c) ---- */
void fw_session_poll(fw_pump *p);
void fw_session_frames(fw_pump *p);
uint64_t fw_session_deadline(const fw_pump *p);
void fw_reply(fw_pump *p, const pp_msg *m);
void fw_ack(fw_pump *p, uint8_t result, int32_t detail);
void fw_refuse(fw_pump *p, uint8_t result, const fw_why *why);
void fw_nak(fw_pump *p, uint8_t code, uint8_t type, uint16_t seq);

/* ---- commands (fw_cmd.c) ---- */
void fw_dispatch(fw_pump *p, const pp_msg *m);
void fw_start_delivery(fw_pump *p);

/* ---- log and events (fw_log.c) ---- */
void fw_event(fw_pump *p, uint16_t code, uint8_t alarm, int32_t arg);
void fw_events_send(fw_pump *p);
uint64_t fw_events_deadline(const fw_pump *p);
void fw_event_ack(fw_pump *p, uint32_t evseq);
void fw_cmd_log_read(fw_pump *p, uint32_t index);

/* ---- NVM (fw_nvm.c) ---- */
enum fw_nvm_load { FW_NVM_LOADED, FW_NVM_RECOVERED, FW_NVM_BLANK, FW_NVM_BAD };
int fw_nvm_load(fw_pump *p);
/* Save ps now (two copies written alternately). */
void fw_nvm_save(fw_pump *p);

/* ---- hooks (fw_hook.c) ---- */
void fw_cmd_hook(fw_pump *p, uint8_t hook, int32_t arg);
int32_t fw_pressure_pa(fw_pump *p);

/* ---- device class features (fw_class.c) ---- */
/* Boot: the safe state after a reset, for classes that have one. */
void fw_class_boot(fw_pump *p, uint8_t cause, int nvm);
/* Task loop: probe a stalled motor for a spontaneous recovery. */
void fw_class_poll(fw_pump *p);
uint64_t fw_class_deadline(const fw_pump *p);
/* Clear an alarm and its cause without an acknowledgement (a recovery the
 * pump saw itself), logging ALARM_OFF. */
void fw_alarm_release(fw_pump *p, uint8_t alarm);

/* Small helpers. */
static inline uint64_t fw_min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}
static inline int32_t fw_sat_i32(uint64_t v)
{
	return v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

#endif
