/*
 * fw_plant.h - planted bugs: known-bad variants of the firmware that the
 * test suites must catch (mutation testing).
 *
 * A build selects at most one with -DPUMPHIL_PLANT=<name>, which CMake turns
 * into -DFW_PLANT_<name>=1.  FW_PLANTS(X) lists every name so the mutation
 * runners (tools/fw-mutants.sh, make mutants) can iterate them:
 *
 *   occlusion_off        occlusion detection disabled: line pressure is never
 *                        judged, the pump keeps stroking into a closed line.
 *   lockout_off_by_one   the patient-bolus lockout is one second short: a
 *                        request 1 s before the lockout ends is accepted.
 *   nonatomic_commit     rx_commit copies the staged rate and mode into the
 *                        active prescription before checking the CRC, so a
 *                        mismatched commit leaves a half-applied prescription.
 *   double_bolus         a repeated bolus request id is treated as new and
 *                        doses again.
 *   low_reservoir_silent the low-reservoir alarm is never raised.
 *   occlusion_slow       the occlusion persistence time is 20% longer than
 *                        configured: every occlusion alarm comes later (the
 *                        regression `pumphil compare` must name).
 *   reset_full_rate      (peristaltic class) after a reset the pump resumes
 *                        the full prescription instead of the safe state:
 *                        no SAFE_STATE alarm, no drop to the minimum rate.
 *                        Only a class with reset_safe_state can show it.
 */
#ifndef FW_PLANT_H
#define FW_PLANT_H

#define FW_PLANTS(X)                                                                               \
	X(occlusion_off)                                                                           \
	X(lockout_off_by_one)                                                                      \
	X(nonatomic_commit)                                                                        \
	X(double_bolus)                                                                            \
	X(low_reservoir_silent)                                                                    \
	X(occlusion_slow)                                                                          \
	X(reset_full_rate)

#ifndef FW_PLANT_occlusion_off
#define FW_PLANT_occlusion_off 0
#endif
#ifndef FW_PLANT_lockout_off_by_one
#define FW_PLANT_lockout_off_by_one 0
#endif
#ifndef FW_PLANT_nonatomic_commit
#define FW_PLANT_nonatomic_commit 0
#endif
#ifndef FW_PLANT_double_bolus
#define FW_PLANT_double_bolus 0
#endif
#ifndef FW_PLANT_low_reservoir_silent
#define FW_PLANT_low_reservoir_silent 0
#endif
#ifndef FW_PLANT_occlusion_slow
#define FW_PLANT_occlusion_slow 0
#endif
#ifndef FW_PLANT_reset_full_rate
#define FW_PLANT_reset_full_rate 0
#endif

#endif
