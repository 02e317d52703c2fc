/*
 * slots.h: a machine-wide counting semaphore shared by every worker: N
 * slots, slot i being a POSIX write lock on byte i of one file.  Such a
 * lock belongs to the process that took it (a fork does not inherit it)
 * and vanishes if that process dies, so a crashed worker never leaks a
 * slot.  Password hashes take one (h_account.c: at most N hashes of
 * 64 MiB at once on the machine, whatever the number of workers).
 */
#ifndef NETDEP_SLOTS_H
#define NETDEP_SLOTS_H

struct slots {
	const char *file; /* name of the lock file in the directory given */
	unsigned    n;    /* slots */
	int         fd;   /* the open lock file, -1 until the first take */
};

#define SLOTS_INIT(file, n)                                                    \
	{                                                                      \
		(file), (n), -1                                                \
	}

/*
 * Takes a free slot of s, opening s->file in dir_fd the first time; tries
 * every slot, then again every 20 ms until wait_ms is over.  Returns the
 * slot, -1 when all stayed busy, -2 when the file cannot be opened or
 * locked.
 */
int slots_take(struct slots *s, int dir_fd, unsigned wait_ms);

/* Gives slot i back (the file stays open: closing it drops every lock). */
void slots_give(struct slots *s, int i);

#endif
