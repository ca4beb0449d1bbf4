/*
 * fixture.h - the virtual test rig around the pump: reservoir, catheter line
 * with pinch valve, line pressure with compliance, gravimetric balance,
 * supply rail, bath temperature and the RF attenuator.
 *
 * The model is host code (doubles are fine here: this is the physics the
 * harness must *measure*, not firmware).  Randomness comes from the bench's
 * seed only, and balance noise is a pure function of (seed, sample index), so
 * a reading does not depend on how often it is read.
 *
 * Reached by the firmware through its HAL (strokes in, pressure and supply
 * out) and by the harness only through the fixture channel (fixture_handle).
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <stdint.h>

#include "pp.h"

typedef struct fixture_config {
	uint32_t reservoir_nl;        /* true volume after the initial fill */
	double line_compliance_nl_kpa; /* nL stored per kPa of line pressure */
	double line_tau_s;            /* pressure decay time constant, open line */
	uint32_t balance_period_us;   /* the balance updates its reading this often */
	uint32_t balance_resolution_ug;
	uint32_t balance_noise_ug;    /* standard deviation */
	uint32_t evaporation_ug_h;
	uint32_t density_ug_ul;       /* fluid density: ug per uL (1000 for water) */
	uint16_t supply_mv;
	int32_t temp_mc;
} fixture_config;

typedef struct fixture {
	fixture_config cfg;
	uint64_t seed;
	int64_t t_ns;          /* time the line state refers to */
	double line_nl;        /* volume stored in the line's compliance */
	double at_balance_nl;  /* volume that has reached the balance vessel */
	double leaked_nl;      /* volume lost through a leak */
	double reservoir_nl;   /* true reservoir volume */
	int64_t tare_ug;
	int64_t sample_k;      /* index of the balance's latest sample, -1 none */
	double sample_raw_ug;  /* its value before noise and quantisation */
	int32_t noise_ug;      /* balance noise standard deviation */
	int32_t evap_ug_h;     /* evaporation rate */
	int64_t evap_since_ns; /* evaporation at evap_ug_h counts from here */
	double evap_before_ug; /* evaporated before the last rate change */
	uint32_t strokes;      /* strokes seen on the motor line */
	int32_t pinch_pm, kink_pm, leak_pm, rf_loss_pm, rf_corrupt_pm;
	int32_t motor_jam;
	uint16_t supply_mv;
	int32_t temp_mc;
	uint64_t rf_state;     /* PRNG for RF loss decisions */
} fixture;

void fixture_config_default(fixture_config *cfg);
void fixture_init(fixture *fx, const fixture_config *cfg, uint64_t seed);

/* Bring the line state to t_ns (flow from line to balance). */
void fixture_advance(fixture *fx, int64_t t_ns);

/* The motor line: one stroke of stroke_nl commanded at t_ns.  Returns 1 when
 * the stroke happened (the encoder counts it), 0 when the motor is jammed. */
int fixture_stroke(fixture *fx, int64_t t_ns, uint32_t stroke_nl);

/* Instruments as the firmware's ADCs see them. */
int32_t fixture_pressure_pa(fixture *fx, int64_t t_ns);
uint16_t fixture_supply_mv(const fixture *fx);

/* Balance reading at t_ns: held at the last sample instant, quantised,
 * with noise and evaporation. */
int64_t fixture_balance_ug(fixture *fx, int64_t t_ns);

/* RF: returns 1 when a pump-channel frame at this instant is lost, and may
 * corrupt *wire (flip one bit) when corruption is on. */
int fixture_rf_pass(fixture *fx, uint8_t *wire, uint32_t n);

/* Fixture channel: act on one decoded request, fill the reply.  Returns 0,
 * or a PP_NAK_* code when the request is unknown or invalid.  reset_kind is
 * set (>= 0) when the request asks the bench to reset the DUT. */
int fixture_handle(fixture *fx, int64_t t_ns, const pp_msg *req, pp_msg *reply,
		   int *reset_kind, uint32_t *reset_at_write);

#endif
