/*
 * child.c: the common start of the master's background children
 * (child.h).
 */
#include "child.h"

#include <string.h>
#include <sys/prctl.h>

volatile sig_atomic_t child_stop;

static void
child_on_stop(int sig)
{
	(void)sig;
	child_stop = 1;
}

void
child_start(const char *name)
{
	struct sigaction sa;
	sigset_t         none;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_SET_NAME, name);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = child_on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGALRM, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
