/*
 * fixture_rf.c - the RF attenuator between programmer and pump.
 *
 * Three ways to lose a frame, all seeded:
 *  - per frame: each frame is lost with probability RF_LOSS_PM/1000 in either
 *    direction, and an uplink frame (the implant's weaker transmitter) also
 *    with RF_UPLINK_LOSS_PM/1000;
 *  - fades (burst loss): a two-state process in continuous time; gaps between
 *    fades and fade durations are exponential with means 1 h / RF_FADE_PER_H
 *    and RF_FADE_MS; every frame inside a fade is lost.  The fade times are a
 *    function of the seed and of when the setting changed only, never of how
 *    many frames crossed;
 *  - corruption: a surviving frame gets one bit flipped with probability
 *    RF_CORRUPT_PM/1000 (the receiver's CRC check must catch it).
 */
#include <math.h>

#include "fixture_priv.h"

void fixture_rf_fades_restart(fixture *fx, int64_t t_ns)
{
	fx->fade_state = fixture_mix64(fx->seed ^ 0xfade5eedull ^ (uint64_t)t_ns);
	fx->fade_start_ns = fx->fade_end_ns = t_ns;
}

static double exp_draw(fixture *fx, double mean)
{
	fx->fade_state = fixture_mix64(fx->fade_state + 0x9e3779b97f4a7c15ull);
	return -log(fixture_unit(fx->fade_state)) * mean;
}

static int in_fade(fixture *fx, int64_t t_ns)
{
	if (fx->fade_per_h <= 0 || fx->fade_ms <= 0)
		return 0;
	while (t_ns >= fx->fade_end_ns) {
		double gap = exp_draw(fx, 3.6e12 / fx->fade_per_h);
		double len = exp_draw(fx, fx->fade_ms * 1e6);
		fx->fade_start_ns = fx->fade_end_ns + (int64_t)gap;
		fx->fade_end_ns = fx->fade_start_ns + (int64_t)len + 1;
	}
	return t_ns >= fx->fade_start_ns;
}

int fixture_rf_pass(fixture *fx, int64_t t_ns, int uplink, uint8_t *wire, uint32_t n)
{
	uint64_t r;

	if (in_fade(fx, t_ns))
		return 1;
	if (fx->rf_loss_pm <= 0 && fx->rf_corrupt_pm <= 0 && fx->rf_up_loss_pm <= 0)
		return 0;
	fx->rf_state = fixture_mix64(fx->rf_state + 0x9e3779b97f4a7c15ull);
	r = fx->rf_state;
	if ((int32_t)(r % 1000) < fx->rf_loss_pm)
		return 1;
	if (uplink && (int32_t)((r >> 10) % 1000) < fx->rf_up_loss_pm)
		return 1;
	if (n > 1 && (int32_t)((r >> 20) % 1000) < fx->rf_corrupt_pm) {
		uint32_t at = (uint32_t)((r >> 32) % (n - 1)); /* never the delimiter */
		wire[at] ^= (uint8_t)(1u << ((r >> 50) & 7));
		if (wire[at] == 0)
			wire[at] = 0x5a; /* keep framing: a zero would split the frame */
	}
	return 0;
}
