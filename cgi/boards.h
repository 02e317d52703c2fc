/*
 * boards.h: each worker's cache of public leaderboards.
 *
 * A board is the exact response body of a read that does not depend on
 * who asks (the by=votes boards and the unit boards), with its ETag and
 * Last-Modified, keyed by the request's normalised parameters.  A board
 * stays valid while the worker's database connection has heard of no
 * change: PostgreSQL NOTIFYs netdep_boards when a fold moves counts and
 * when entries, authors' names, media, categories or contests change
 * (sql/functions/040_boards.sql), and the worker drains those notifications
 * before every lookup without a round trip (db_board_gen()).  A new vote thus
 * shows as soon as it is folded, and a spike of readers costs one query
 * per board, worker and fold.  Two bounds: a board younger than hold_ms
 * is served even after a change (NETDEP_BOARD_HOLD_MS, 300: while votes
 * pour in, a costly board is read at most about three times a second per
 * worker, and a new vote still shows within fold 0.2 s + hold 0.3 s +
 * nginx's copy, kept to the end of its second (resp_cache_this_second()):
 * < 1.6 s with a fold's own time); max_age_ms
 * bounds the age of any board as a safety net (NETDEP_BOARD_CACHE_MS; 0
 * turns the cache off).
 *
 * The table has a fixed number of slots and bodies have a size cap, so a
 * worker's memory stays bounded whatever keys clients invent; a full
 * table replaces its stalest board.
 */
#ifndef NETDEP_BOARDS_H
#define NETDEP_BOARDS_H

#include <stddef.h>

#define BOARDS_SLOTS       64
#define BOARDS_MAX_BODY    (512u * 1024u) /* bigger bodies are not kept */
#define BOARDS_ETAG_MAX    40             /* W/"<32 hex>" and the NUL */
#define BOARDS_LASTMOD_MAX 40

struct board {
	char         *key;  /* malloc'd; NULL for an empty slot */
	char         *body; /* malloc'd, len bytes */
	size_t        len;
	char          etag[BOARDS_ETAG_MAX];
	char          last_modified[BOARDS_LASTMOD_MAX]; /* "" when unknown */
	unsigned long gen;     /* db_board_gen() before the board was read */
	double        born_ms; /* monotonic time of the read */
};

struct boards;

/*
 * A cache that keeps boards at most max_age_ms, and at least hold_ms
 * (within max_age_ms) whatever changes; NULL when out of memory.  With
 * max_age_ms 0 it keeps nothing (boards_put still fills a board).
 */
struct boards *boards_new(double max_age_ms, double hold_ms);
void           boards_free(struct boards *bs);

/*
 * The board for key that may be served at now_ms under generation gen
 * (read under gen, or younger than the hold), or NULL.  The pointer is valid
 * until the next boards_put() or boards_free().
 */
const struct board *boards_get(struct boards *bs, const char *key,
                               unsigned long gen, double now_ms);

/*
 * Makes a board of body (malloc'd, len bytes; stolen in every case): its
 * ETag is a hash of the bytes, last_modified is copied (may be NULL).
 * When the cache keeps it (bs not NULL, caching on, body under the cap)
 * the result points into the cache, valid as for boards_get(); else it
 * is tmp, with tmp->key NULL and tmp->body the caller's to free (also
 * when the key cannot be copied: the board is then simply not kept).
 */
const struct board *boards_put(struct boards *bs, const char *key,
                               unsigned long gen, double now_ms, char *body,
                               size_t len, const char *last_modified,
                               struct board *tmp);

/* Boards kept now (for tests and the log). */
size_t boards_count(const struct boards *bs);

#endif
