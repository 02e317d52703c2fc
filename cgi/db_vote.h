/*
 * db_vote.h: the data layer of votes and of the public boards they make:
 * casting a vote, the folder's two calls, and the by-votes and units
 * leaderboards.  Every function returns the tri-state of db.h; what it
 * fills points into the arena it was given.
 */
#ifndef NETDEP_DB_VOTE_H
#define NETDEP_DB_VOTE_H

#include <stdint.h>

#include "db.h"

/*
 * A vote as the HTTP API received it, checked by the handler (h_vote.c):
 * fixed-size text, so that it travels as one message to the master's vote
 * writer (vote_writer.h).  "" is none.
 */
struct vote_req {
	int64_t entry;
	int64_t pow_expires; /* the proof's expiry, Unix seconds */
	int32_t pow_bad;     /* 1: a proof was sent and did not verify */
	char    token[65];   /* SHA-256 of the session cookie, hex */
	char    csrf[48];    /* the X-CSRF-Token header */
	char    ip[48];      /* the client's address */
	char    ua_hash[33]; /* hash of the user agent, hex */
	char    key[65];     /* the Idempotency-Key */
	char    pow_sig[65]; /* a verified proof's signature, hex */
};

/* What vote_cast_batch() decided for one vote (030_votes.sql). */
struct vote_ans {
	int32_t rc;          /* DB_OK, or the tri-state of the failure */
	int32_t votes_left;  /* the voter's budget left today, or -1 */
	int64_t voter;       /* the session's account, or 0 */
	int64_t vote_count;  /* the entry's valid votes, when counted */
	char    outcome[32]; /* "counted" or why not: see outcome.c */
	char    lsn[32];     /* the primary's WAL position after the
	                        commit, when reads may go to a standby */
};

/*
 * Casts n votes in one statement (one transaction, committed before this
 * returns DB_OK), checking each one's session and CSRF token too;
 * out[i] answers reqs[i].  idle_hours: NETDEP_SESSION_IDLE_HOURS.
 * DB_LOST: the outcome of every vote is unknown.
 */
int db_vote_cast_batch(struct db *db, struct arena *a, int idle_hours, int n,
                       const struct vote_req *reqs, struct vote_ans *out);

/* Folds the queued count changes once (vote_fold()). */
int db_vote_fold(struct db *db, struct arena *a);

/*
 * Nulls the forensics of at most batch votes older than days; *purged
 * is how many (0 when none is left).
 */
int db_vote_purge(struct db *db, struct arena *a, long days, long batch,
                  int64_t *purged);

enum board_period {
	BOARD_ALL,   /* BOARD_ALL */
	BOARD_TODAY, /* BOARD_TODAY: the Vietnam day */
	BOARD_WEEK,  /* BOARD_WEEK: the Vietnam week from Monday */
	BOARD__MAX
};

/* Filters of a by-votes board; NULL / 0 is no filter. */
struct board_filter {
	int64_t     category;
	const char *unit;
	const char *unit_code; /* the subtree of this unit (issue 15) */
	int64_t     limit;
};

/* A board as PostgreSQL built it. */
struct board_read {
	const char *json;          /* the ranked list, a JSON array */
	const char *last_modified; /* an HTTP date: when counts last moved */
};

/*
 * The by-votes board of contest slug for a period.  DB_NONE: no such
 * contest.
 */
int db_board_votes(struct db *db, struct arena *a, const char *slug,
                   enum board_period period, const struct board_filter *f,
                   struct board_read *out);

/*
 * The units board of contest slug at a level of the unit tree
 * ("province", "grassroots", "branch"), the top limit by votes or, with
 * by_rate, by participants per 100 members: a JSON object {"units",
 * "other"}.  DB_NONE: no such contest.
 */
int db_board_units(struct db *db, struct arena *a, const char *slug,
                   const char *level, int by_rate, int64_t limit,
                   struct board_read *out);

extern const struct stmt_set db_vote_set;

#endif
