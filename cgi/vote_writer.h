/*
 * vote_writer.h: the vote writer (issue 19).  One process per master
 * casts the votes every worker of that master received, several per
 * transaction: while one batch commits, the next gathers.  A worker sends
 * its vote as one message on a local socket and waits for its answer,
 * which comes after the batch's commit (durable before 201, as before).
 * The cost of a transaction and of each statement is shared by the
 * batch; the rules, the locks and the answers are those of one vote
 * (vote_cast_many() in sql/functions/030_votes.sql).
 *
 * The master opens the socket before it forks (so a writer's restart
 * keeps it: a vote sent meanwhile waits in its backlog) and restarts the
 * writer like a worker.  NETDEP_VOTE_BATCH bounds a batch; 0 turns the
 * writer off and each worker casts its own votes, one per transaction.
 */
#ifndef NETDEP_VOTE_WRITER_H
#define NETDEP_VOTE_WRITER_H

#include "config.h"
#include "db_vote.h"

/* What vote_writer_cast() could do. */
enum vote_writer_rc {
	VOTE_WRITER_ANSWERED, /* *ans holds the writer's answer */
	VOTE_WRITER_ABSENT,   /* no writer to ask: nothing was sent */
	VOTE_WRITER_LOST      /* sent, and no answer came: unknown */
};

/*
 * The master: opens the writer's socket (NETDEP_SOCKET with ".votes"
 * added), readable and writable by this user only.  Returns the listening
 * descriptor, or -1 after saying why.
 */
int vote_writer_listen(const struct config *cfg);

/* The writer process: serves listen_fd until SIGTERM; returns 0. */
int vote_writer_main(const struct config *cfg, int listen_fd);

/*
 * A worker: sends q to its master's writer and waits for the answer
 * (at most the database's statement timeout and a margin).  The
 * connection is kept for the next vote.
 */
enum vote_writer_rc vote_writer_cast(const struct config   *cfg,
                                     const struct vote_req *q,
                                     struct vote_ans       *ans);

#endif
