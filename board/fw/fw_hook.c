/*
 * fw_hook.c - board-side test hooks (hook message, PP_HOOK_*) and the
 * sensor readings they can distort.  The reference firmware always has them;
 * a product build would compile them out.
 */
#include "fw_internal.h"

void fw_cmd_hook(fw_pump *p, uint8_t hook, int32_t arg)
{
	switch (hook) {
	case PP_HOOK_PRESSURE_STUCK:
		p->p_stuck_on = arg >= 0;
		p->p_stuck_pa = arg;
		break;
	case PP_HOOK_PRESSURE_DRIFT:
		p->p_drift_pa_h = arg;
		p->p_drift_t0 = p->now;
		break;
	case PP_HOOK_MOTOR_STALL: p->motor_stall_hook = arg != 0; break;
	case PP_HOOK_WATCHDOG_HANG:
		fw_ack(p, PP_REFUSE_OK, 0);
		p->hang = 1; /* fw_run returns at once from now on: no kicks */
		return;
	case PP_HOOK_CLOCK_DRIFT_PPM:
		/* The board clock is the HAL's: the bench applies the drift. */
		p->clock_drift_ppm = arg;
		break;
	default: {
		fw_why why = { hook, PP_FIELD_HOOK };

		fw_refuse(p, PP_REFUSE_BAD_PARAM, &why);
		return;
	}
	}
	fw_ack(p, PP_REFUSE_OK, 0);
}

/* Line pressure as the firmware sees it, Pa. */
int32_t fw_pressure_pa(fw_pump *p)
{
	int64_t pa;

	if (p->p_stuck_on)
		return p->p_stuck_pa;
	pa = p->hal->pressure_pa(p->hal->ctx);
	if (p->p_drift_pa_h)
		pa += (int64_t)p->p_drift_pa_h * (int64_t)(p->now - p->p_drift_t0) / 3600000000;
	if (pa > INT32_MAX)
		pa = INT32_MAX;
	if (pa < INT32_MIN)
		pa = INT32_MIN;
	return (int32_t)pa;
}
