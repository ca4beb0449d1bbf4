/*
 * fixture_wear.c - delivery errors at the rig: a stroke that moves more (or
 * less) than its nominal volume, and the field's ways into over-infusion
 * (see fixture.h).
 *
 * Every stroke moves stroke_nl x (1000 + gain) / 1000, where gain is
 * STROKE_GAIN_PM plus OVERFILL_GAIN_PM while the reservoir holds more than
 * its nominal volume (cfg.reservoir_nl).  STROKE_GAIN_PM grows by itself:
 *   - by STROKE_DRIFT_PM at every fill of the reservoir (drift per refill
 *     cycle, as the SynchroMed II clinical data report per refill);
 *   - by STALL_GAIN_PM when a motor jam that lasted 48 h or more releases
 *     (over-infusion after a long stall);
 *   - by DRY_GAIN_PM at the first fill after the motor stroked an empty
 *     reservoir (over-infusion after running dry).
 * A refill injection (REFILL_NL) puts its volume into the reservoir, except
 * the POCKET_PM share that misses the septum into the pocket (pocket_nl): a
 * subcutaneous depot the balance never sees and a pump fuller on paper than
 * in the reservoir.
 */
#include "fixture_priv.h"

#define LONG_STALL_NS (48ll * 3600 * 1000000000) /* stall before over-infusion */

double fixture_stroke_volume(const fixture *fx, uint32_t stroke_nl)
{
	int32_t gain = fx->stroke_gain_pm;

	if (fx->reservoir_nl > fx->cfg.reservoir_nl)
		gain += fx->overfill_gain_pm;
	if (gain < -1000)
		gain = -1000;
	return (double)stroke_nl * (1000 + gain) / 1000.0;
}

static int32_t clamp_gain(int64_t g)
{
	return g > 5000 ? 5000 : g < -1000 ? -1000 : (int32_t)g;
}

void fixture_filled(fixture *fx)
{
	int64_t g = (int64_t)fx->stroke_gain_pm + fx->drift_pm;

	if (fx->ran_dry)
		g += fx->dry_gain_pm;
	fx->ran_dry = 0;
	fx->stroke_gain_pm = clamp_gain(g);
}

void fixture_jam(fixture *fx, int64_t t_ns, int32_t jam)
{
	if (jam && !fx->motor_jam)
		fx->jam_since_ns = t_ns;
	if (!jam && fx->motor_jam && t_ns - fx->jam_since_ns >= LONG_STALL_NS)
		fx->stroke_gain_pm = clamp_gain((int64_t)fx->stroke_gain_pm + fx->stall_gain_pm);
}

static int32_t *gain_field(fixture *fx, uint8_t param)
{
	switch (param) {
	case PP_FX_STROKE_GAIN_PM: return &fx->stroke_gain_pm;
	case PP_FX_STROKE_DRIFT_PM: return &fx->drift_pm;
	case PP_FX_STALL_GAIN_PM: return &fx->stall_gain_pm;
	case PP_FX_DRY_GAIN_PM: return &fx->dry_gain_pm;
	case PP_FX_OVERFILL_GAIN_PM: return &fx->overfill_gain_pm;
	default: return NULL;
	}
}

int fixture_wear_set(fixture *fx, int64_t t_ns, uint8_t param, int32_t v)
{
	int32_t *g = gain_field(fx, param);

	(void)t_ns;
	if (g) {
		if (v < -500 || v > 1000)
			return PP_REFUSE_BAD_PARAM;
		*g = v;
		return PP_REFUSE_OK;
	}
	switch (param) {
	case PP_FX_POCKET_PM:
		if (v < 0 || v > 1000)
			return PP_REFUSE_BAD_PARAM;
		fx->pocket_pm = v;
		return PP_REFUSE_OK;
	case PP_FX_REFILL_NL:
		if (v < 0)
			return PP_REFUSE_BAD_PARAM;
		fx->pocket_nl += (double)v * fx->pocket_pm / 1000.0;
		fx->reservoir_nl += (double)v * (1000 - fx->pocket_pm) / 1000.0;
		fixture_filled(fx);
		return PP_REFUSE_OK;
	default: return -1;
	}
}
