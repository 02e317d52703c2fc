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

/* A vote as the handler checked it. */
struct vote_cast_in {
	int64_t     entry;
	int64_t     voter;
	const char *ip;          /* the client's address, text */
	const char *ua_hash_hex; /* hash of the user agent, hex */
	const char *idem_key;    /* Idempotency-Key, or NULL */
	/* A proof of work (issue 16): its signature (hex) and expiry (unix
	 * seconds, decimal) when one verified, else NULL; pow_bad 1 when one
	 * was sent and did not verify. */
	const char *pow_sig_hex;
	const char *pow_expires;
	int         pow_bad;
};

/* What vote_cast() decided (sql/functions/030_votes.sql). */
struct vote_result {
	const char *outcome;    /* "counted" or why not: see outcome.c */
	int64_t     vote_count; /* the entry's valid votes, when counted */
	int64_t     votes_left; /* the voter's budget left today, or -1 */
};

/*
 * Casts a vote in one statement (its own transaction, committed before
 * this returns DB_OK).  DB_LOST: the outcome is unknown.
 */
int db_vote_cast(struct db *db, struct arena *a, const struct vote_cast_in *in,
                 struct vote_result *out);

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
