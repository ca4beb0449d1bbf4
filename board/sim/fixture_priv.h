/*
 * fixture_priv.h - what the fixture's own files share (not for the bench or
 * the harness: they use fixture.h).
 */
#ifndef FIXTURE_PRIV_H
#define FIXTURE_PRIV_H

#include "fixture.h"

/* fixture_line.c: let the line drain for dt_s seconds with the pinch valve
 * at pinch_pm and every other setting as it is now (no stroke in between). */
void fixture_line_flow(fixture *fx, double dt_s, int32_t pinch_pm);
/* Viscosity of water at temp_mc relative to 37 degC. */
double fixture_viscosity_ratio(int32_t temp_mc);

/* fixture_rf.c: (re)start the fade process at t_ns after a setting changed. */
void fixture_rf_fades_restart(fixture *fx, int64_t t_ns);

/* fixture_wear.c: a delivery-error parameter (FX STROKE_GAIN_PM ..
 * POCKET_PM, REFILL_NL): a PP_REFUSE_* code, or -1 when param is none of
 * them.  fixture_filled: the reservoir was filled (drift and dry-run gains
 * apply).  fixture_jam: the motor jam changes to jam at t_ns. */
int fixture_wear_set(fixture *fx, int64_t t_ns, uint8_t param, int32_t v);
void fixture_filled(fixture *fx);
void fixture_jam(fixture *fx, int64_t t_ns, int32_t jam);

/* fixture.c */
uint64_t fixture_mix64(uint64_t z);
double fixture_unit(uint64_t x); /* uniform in (0, 1) */

#endif
