/*
 * fold.h: the folder, a process the master forks beside the workers.  It
 * folds queued vote count changes into the counts every few hundred
 * milliseconds and purges old vote forensics (sql/functions/030_votes.sql).
 */
#ifndef NETDEP_FOLD_H
#define NETDEP_FOLD_H

struct config;

/*
 * Runs the folder until SIGTERM or SIGINT, with a connection of its own
 * (reconnecting after a loss).  NETDEP_FOLD_MS (50..5000, default 200)
 * is the fold interval; NETDEP_FORENSICS_DAYS (1..3650, default 180) how
 * long a vote's IP address and user-agent hash are kept.  Returns the
 * process exit status.
 */
int fold_main(const struct config *cfg);

#endif
