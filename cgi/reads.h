/*
 * reads.h: which connection a stale-tolerant read uses (issue 18; README,
 * Several machines).  The gallery, the entry pages and the leaderboards
 * read through reads_db(): a standby within NETDEP_READ_MAX_LAG_MS when
 * NETDEP_DB_READ names one, the primary otherwise.  Read your own writes:
 * after a vote or an upload, reads_mark() gives the client the primary's
 * WAL position in a cookie; a visitor with a session and that cookie reads
 * from a standby only once it has replayed that far.
 */
#ifndef NETDEP_READS_H
#define NETDEP_READS_H

#include "req.h"

/* The cookie holding the reader's last write position ("X/Y"). */
#define READS_LSN_COOKIE "netdep_lsn"

/* The connection for a read that may be a little stale. */
struct db *reads_db(struct req *r);

/*
 * After a committed write of r's user: queues the LSN cookie (only when a
 * replica is configured; nothing is sent otherwise).
 */
void reads_mark(struct req *r);

/* The same with the position lsn another connection read after its
 * commit (the vote writer's, vote_writer.h). */
void reads_mark_lsn(struct req *r, const char *lsn);

#endif
