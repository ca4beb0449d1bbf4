/*
 * interrupt.c - see interrupt.h.
 */
#include "base/interrupt.h"

#include <signal.h>
#include <string.h>
#include <sys/types.h>

static volatile sig_atomic_t pending;
static volatile sig_atomic_t escalate_second;

static void on_signal(int sig)
{
	if (pending && escalate_second) {
		/* The second one: the default action, now. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	pending = sig;
}

void ph_interrupt_install(int escalate)
{
	struct sigaction sa;
	escalate_second = escalate;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int ph_interrupted(void)
{
	return (int)pending;
}

const char *ph_interrupt_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIG?";
}

void ph_interrupt_forward(int pid)
{
	if (pending && pid > 0)
		kill((pid_t)pid, (int)pending);
}

void ph_interrupt_reset(void)
{
	pending = 0;
}
