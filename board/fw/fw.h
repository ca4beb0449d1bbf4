/*
 * fw.h - the reference intrathecal pump firmware: public interface.
 *
 * Firmware style: no heap, all state in one caller-allocated fw_pump (a
 * single static instance on the MCU), integer units (nL, nL/h, ng, us, Pa,
 * mV), no floating point, tickless: the core says when it next needs to run.
 * Everything it touches outside itself goes through fw_hal, so the same core
 * runs on the virtual bench, in unit tests with a fake HAL, and on a
 * Cortex-M0+ against a stub HAL.
 *
 * Call pattern (the same on the bench and on the MCU):
 *   fw_init(&pump, &hal, &cfg);           power-on or reset
 *   fw_rx(&pump, bytes, n);               link interrupt: queues bytes only
 *   fw_run(&pump);                        task loop: frames, delivery, alarms
 *   t = fw_next_deadline_us(&pump);       sleep until t or the next interrupt
 */
#ifndef FW_H
#define FW_H

#include <stdint.h>

#include "fw_config.h"
#include "pp.h"

/* Hardware abstraction.  Every callback receives ctx. */
typedef struct fw_hal {
	void *ctx;
	/* Board clock in microseconds, monotonic (may drift from real time). */
	uint64_t (*now_us)(void *ctx);
	/* Command one pump stroke (fw_config.stroke_nl). */
	void (*motor_stroke)(void *ctx);
	/* Strokes the motor encoder has counted since power-on. */
	uint32_t (*motor_feedback)(void *ctx);
	/* Catheter line pressure above body pressure, Pa. */
	int32_t (*pressure_pa)(void *ctx);
	/* Battery rail, mV. */
	uint16_t (*supply_mv)(void *ctx);
	/* Non-volatile memory, FW_NVM_SIZE bytes; 0 on success, < 0 on failure.
	 * A write may be cut short by a brown-out, in which case the board is
	 * reset before the call returns (the bench never returns into fw). */
	int (*nvm_read)(void *ctx, uint32_t addr, void *buf, uint32_t n);
	int (*nvm_write)(void *ctx, uint32_t addr, const void *buf, uint32_t n);
	/* Send one wire frame (COBS + delimiter) on the pump channel. */
	void (*link_send)(void *ctx, const uint8_t *wire, uint32_t n);
	/* Kick the hardware watchdog (FW_WATCHDOG_US). */
	void (*watchdog_kick)(void *ctx);
} fw_hal;

/* Per-device configuration: on the MCU compiled in, on the bench from the
 * bench profile.  Every [U] figure of the design brief lives here. */
typedef struct fw_config {
	uint32_t serial;
	uint32_t stroke_nl;            /* volume per motor stroke */
	uint32_t reservoir_nl;         /* reservoir capacity */
	uint32_t dead_volume_nl;       /* empty alarm at this computed volume */
	uint32_t low_residual_nl;      /* default low-reservoir residual */
	uint32_t min_rate_nl_h;        /* "minimum rate" alarm action */
	uint32_t max_rate_nl_h;        /* highest programmable basal rate */
	int32_t occlusion_pa;          /* occlusion threshold */
	uint32_t occlusion_persist_us; /* pressure must stay above for this long */
	uint32_t stall_strokes;        /* missing feedback strokes before stall */
	uint16_t eri_mv;               /* elective replacement threshold */
	uint16_t eos_mv;               /* end of service threshold */
	uint32_t eos_rate_nl_h;        /* rate after end of service */
	uint32_t session_timeout_s;    /* default telemetry session timeout */
	uint32_t event_resend_us;      /* unacknowledged events are resent this often */
	/* Added by the firmware (issue 3): */
	uint32_t sense_period_us; /* pressure/supply sampling period between strokes */
	uint32_t max_bolus_nl;    /* largest single bolus (and patient bolus dose) */
	/* Device class features (fw_class.c, issue 17); 0 is the reference pump. */
	uint32_t no_occlusion_alarm; /* 1: no pressure-based occlusion alarm */
	uint32_t reset_safe_state;   /* 1: a reset while running drops to the minimum rate
	                                with the SAFE_STATE alarm until acknowledged */
	uint32_t stall_retry_us;     /* > 0: while stalled, probe the motor this often and
	                                clear the stall when a probe stroke is counted */
} fw_config;

/* Fill cfg with the reference pump's defaults (documented in fw_config.h). */
void fw_config_default(fw_config *cfg);

/* The pump's whole state.  Its members are private to board/fw. */
#include "fw_state.h"

/* Power-on or reset: restore therapy from NVM (or start stopped), log the
 * boot, arm the watchdog.  cause: 0 power-on, 1 watchdog, 2 brown-out.
 * Never fails; an unreadable NVM raises the NVM_FAULT alarm. */
void fw_init(fw_pump *p, const fw_hal *hal, const fw_config *cfg, uint8_t cause);

/* Link receive (interrupt context): queue bytes; returns how many were
 * taken (the rest are dropped and counted when the queue is full). */
uint32_t fw_rx(fw_pump *p, const uint8_t *bytes, uint32_t n);

/* Task loop body: process queued frames, deliver strokes that are due,
 * run detection and alarms, resend events.  Never blocks. */
void fw_run(fw_pump *p);

/* Board time (us) at which fw_run must next be called, UINT64_MAX when
 * only an interrupt can create work. */
uint64_t fw_next_deadline_us(const fw_pump *p);

#endif
