/*
 * fixture.h - the virtual test rig around the pump: reservoir, catheter line
 * with pinch valve and tip kink, line pressure with compliance, leak,
 * gravimetric balance, supply rail, bath temperature and the RF attenuator.
 *
 * The model is host code (doubles are fine here: this is the physics the
 * harness must *measure*, not firmware).  Randomness comes from the bench's
 * seed only, and balance noise is a pure function of (seed, sample index), so
 * a reading does not depend on how often it is read.
 *
 * Hydraulics: two compliant segments in series.  Segment A runs from the pump
 * outlet (where the pressure sensor is) to the rig's pinch valve; segment B is
 * the catheter from the pinch valve to its tip, where a kink can close it.  A
 * leak or disconnection opens a path out of segment A that bypasses both, so
 * its flow never reaches the balance.  Body temperature scales every
 * resistance with the viscosity of water.
 *
 * Schedules live in the rig, so they are exact here and need no host timing
 * on a real rig: the pinch valve can cycle (intermittent occlusion), the
 * supply can ramp linearly, and the RF path can fade in bursts.
 *
 * Reached by the firmware through its HAL (strokes in, pressure and supply
 * out) and by the harness only through the fixture channel (fixture_handle).
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <stdint.h>

#include "pp.h"

typedef struct fixture_config {
	uint32_t reservoir_nl;             /* true volume after the initial fill */
	double line_compliance_nl_kpa;     /* segment A: nL stored per kPa */
	double line_tau_s;                 /* segment A drained through the open pinch valve */
	double catheter_compliance_nl_kpa; /* segment B (0: a rigid catheter) */
	double catheter_tau_s;             /* segment B drained through its open tip */
	uint32_t balance_period_us;        /* the balance updates its reading this often */
	uint32_t balance_resolution_ug;
	uint32_t balance_noise_ug; /* standard deviation */
	uint32_t evaporation_ug_h;
	uint32_t density_ug_ul; /* fluid density: ug per uL (1000 for water) */
	uint16_t supply_mv;
	uint16_t brownout_mv; /* the board is held in reset below this supply */
	int32_t temp_mc;
} fixture_config;

typedef struct fixture {
	fixture_config cfg;
	uint64_t seed;
	int64_t t_ns;         /* time the line state refers to */
	double line_nl;       /* volume stored in segment A */
	double cath_nl;       /* volume stored in segment B */
	double at_balance_nl; /* volume that has reached the balance vessel */
	double leaked_nl;     /* volume lost through a leak */
	double reservoir_nl;  /* true reservoir volume */
	int64_t tare_ug;
	int64_t sample_k;      /* index of the balance's latest sample, -1 none */
	double sample_raw_ug;  /* its value before noise and quantisation */
	int32_t noise_ug;      /* balance noise standard deviation */
	int32_t evap_ug_h;     /* evaporation rate */
	int64_t evap_since_ns; /* evaporation at evap_ug_h counts from here */
	double evap_before_ug; /* evaporated before the last rate change */
	uint32_t strokes;      /* strokes seen on the motor line */
	int32_t pinch_pm, kink_pm, leak_pm, rf_loss_pm, rf_corrupt_pm, rf_up_loss_pm;
	int32_t motor_jam;
	/* Intermittent occlusion: the valve is at pinch_pm for the first
	 * duty/1000 of each period counted from pinch_t0_ns, open otherwise. */
	int32_t pinch_period_s, pinch_duty_pm;
	int64_t pinch_t0_ns;
	/* Supply: supply_mv, or a linear ramp from ramp_from to supply_mv
	 * between ramp_t0_ns and ramp_t0_ns + ramp_ns. */
	uint16_t supply_mv;
	uint16_t ramp_from_mv;
	int32_t ramp_s; /* duration of the next ramp (FX SUPPLY_RAMP_S) */
	int64_t ramp_t0_ns, ramp_ns;
	int32_t temp_mc;
	double visc;       /* viscosity relative to 37 degC */
	uint64_t rf_state; /* PRNG for per-frame RF decisions */
	/* RF fades (burst loss): exponential gaps and durations. */
	int32_t fade_per_h, fade_ms;
	uint64_t fade_state;
	int64_t fade_start_ns, fade_end_ns;
	/* Delivery errors (fixture_wear.c): the stroke volume's error and what
	 * makes it grow; refill injections and the pocket they may miss into. */
	int32_t stroke_gain_pm, drift_pm, stall_gain_pm, dry_gain_pm, overfill_gain_pm, pocket_pm;
	int64_t jam_since_ns; /* when the motor jam began */
	int32_t ran_dry;      /* the motor stroked an empty reservoir since the last fill */
	double pocket_nl;     /* refill volume injected under the skin (a depot dose) */
} fixture;

void fixture_config_default(fixture_config *cfg);
void fixture_init(fixture *fx, const fixture_config *cfg, uint64_t seed);

/* Bring the line state to t_ns (flow from line to balance). */
void fixture_advance(fixture *fx, int64_t t_ns);

/* The motor line: one stroke of stroke_nl commanded at t_ns.  Returns 1 when
 * the stroke happened (the encoder counts it), 0 when the motor is jammed.
 * A dry reservoir still strokes (the encoder counts) but moves nothing. */
int fixture_stroke(fixture *fx, int64_t t_ns, uint32_t stroke_nl);

/* fixture_wear.c: the volume one stroke of stroke_nl moves out of a
 * reservoir that holds enough (stroke gain, and the overfill gain while the
 * reservoir holds more than cfg.reservoir_nl). */
double fixture_stroke_volume(const fixture *fx, uint32_t stroke_nl);

/* Instruments as the firmware's ADCs see them. */
int32_t fixture_pressure_pa(fixture *fx, int64_t t_ns);
/* Supply rail at the time the fixture was last advanced to. */
uint16_t fixture_supply_mv(const fixture *fx);

/* Brown-out: 1 while the supply at t_ns is below cfg.brownout_mv.
 * fixture_brownout_edge_ns is the first time after t_ns at which that
 * changes (INT64_MAX if it never will without a new fixture command). */
int fixture_brownout(const fixture *fx, int64_t t_ns);
int64_t fixture_brownout_edge_ns(const fixture *fx, int64_t t_ns);

/* Pinch valve closure in force at t_ns (follows the intermittent schedule). */
int32_t fixture_pinch_at(const fixture *fx, int64_t t_ns);

/* Balance reading at t_ns: held at the last sample instant, quantised,
 * with noise and evaporation. */
int64_t fixture_balance_ug(fixture *fx, int64_t t_ns);

/* RF: returns 1 when a pump-channel frame at t_ns is lost, and may corrupt
 * *wire (flip one bit) when corruption is on.  uplink is 1 for frames the
 * pump transmits, 0 for frames it receives. */
int fixture_rf_pass(fixture *fx, int64_t t_ns, int uplink, uint8_t *wire, uint32_t n);

/* Fixture channel: act on one decoded request, fill the reply.  Returns 0,
 * or a PP_NAK_* code when the request is unknown or invalid.  reset_kind is
 * set (>= 0) when the request asks the bench to reset the DUT. */
int fixture_handle(fixture *fx, int64_t t_ns, const pp_msg *req, pp_msg *reply, int *reset_kind,
                   uint32_t *reset_at_write);

#endif
