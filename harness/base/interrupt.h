/*
 * interrupt.h - SIGINT and SIGTERM stop a run cleanly.
 *
 * The handler only records the signal (lua.c's laction, STYLE: "signal
 * handlers only set a hook"); the parts that wait poll ph_interrupted(): the
 * Lua watchdog hook aborts the running test, the link and the USB transport
 * stop waiting, the pool hands out no more tests.  The run then marks the
 * running test interrupted, writes its record and reports, prints its
 * summary and exits 128 + the signal.  A second signal ends the process at
 * once (the default action), so a run that does not stop can still be
 * stopped.
 */
#ifndef PH_INTERRUPT_H
#define PH_INTERRUPT_H

#ifndef PH_USES_BASE
#error "base/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

/* Install the handlers for SIGINT and SIGTERM (idempotent).  With
 * escalate, a second signal ends the process at once; a worker process
 * installs them without (its parent forwards what it gets, and a terminal's
 * Ctrl-C reaches the worker too: two signals, one request). */
void ph_interrupt_install(int escalate);

/* The signal that asked the run to stop, or 0. */
int ph_interrupted(void);

/* "SIGINT", "SIGTERM" (or "SIG?" for another) for the record and messages. */
const char *ph_interrupt_name(int sig);

/* Send the pending signal on to a worker process (pid). */
void ph_interrupt_forward(int pid);

/* Forget a pending stop (tests of the machinery only). */
void ph_interrupt_reset(void);

#endif
