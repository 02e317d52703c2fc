/*
 * child.h: what the master's background children (the folder, the
 * janitor, the vote writer) do first, in one place: end with the master
 * (parent-death signal), take their own name (what `pgrep -x` sees),
 * turn SIGTERM and SIGINT into child_stop, ignore SIGALRM and SIGPIPE,
 * and block nothing.  The handlers are installed without SA_RESTART, so a
 * stop interrupts a sleep or a poll.
 */
#ifndef NETDEP_CHILD_H
#define NETDEP_CHILD_H

#include <signal.h>

/* Set once SIGTERM or SIGINT arrived. */
extern volatile sig_atomic_t child_stop;

/* The start of a background child named name (at most 15 bytes). */
void child_start(const char *name);

#endif
