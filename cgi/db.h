/*
 * db.h: the database service.  One connection per worker with every
 * statement of stmt.h prepared once.  PGresult never leaves db.c: rows are
 * copied into the request's arena.  Calls return a tri-state:
 *   DB_OK (1)    the statement ran (and, for queries, returned rows);
 *   DB_NONE (0)  no row, or an integrity rule refused the write
 *                (rows.sqlstate and rows.constraint say which);
 *   DB_ERR (-1)  any other error, logged here (answer 500);
 *   DB_LOST (-2) the connection broke: the outcome of a write is unknown
 *                (answer 503, never guess); the next call reconnects.
 */
#ifndef NETDEP_DB_H
#define NETDEP_DB_H

#include "arena.h"
#include "stmt.h"

#define DB_OK   1
#define DB_NONE 0
#define DB_ERR  (-1)
#define DB_LOST (-2)

struct db;

struct rows {
	int          nrows;
	int          ncols;
	const char **vals;       /* nrows * ncols; NULL for SQL NULL */
	int         *lens;       /* byte lengths of vals */
	const char  *sqlstate;   /* set on DB_NONE from a refused write */
	const char  *constraint; /* name of the violated constraint, if any */
	long long    affected;   /* rows changed by INSERT/UPDATE/DELETE */
};

/*
 * Connects with conninfo, sets a safe search_path and prepares every
 * statement.  Returns NULL after logging why (never the conninfo).
 * The caller owns the result; release with db_close().
 */
struct db *db_open(const char *conninfo);
void       db_close(struct db *db);

/*
 * Makes sure the connection is up, reconnecting and re-preparing after a
 * loss.  Returns 0 when usable, -1 otherwise.
 */
int db_ensure(struct db *db);

/*
 * Runs statement s (registered in a stmt_set) with its parameters (text; NULL
 * is SQL NULL; the count comes from the statement table).  Rows land in out
 * (may be NULL when the caller needs none), allocated from a.  Returns the
 * tri-state.
 */
int db_exec(struct db *db, struct arena *a, const struct stmt *s,
            const char *const *params, struct rows *out);

/* db_exec() of a statement of the legacy table (stmt.c). */
int db_run(struct db *db, struct arena *a, enum stmt_id id,
           const char *const *params, struct rows *out);

/*
 * Makes this connection, and every one it reconnects to, LISTEN for board
 * changes (006_boards.sql); only a worker that drains them with
 * db_board_gen() should (libpq queues every notification until then).
 * Returns 0, or -1 when the LISTEN failed (the next reconnect retries).
 */
int db_listen_boards(struct db *db);

/*
 * The generation of the leaderboards as this connection knows it: drains
 * the notifications PostgreSQL pushed on netdep_boards (no round trip)
 * and returns a number that changes whenever a board may have changed
 * since the last call, also after a reconnection (boards.h).
 */
unsigned long db_board_gen(struct db *db);

/* Transaction control; same tri-state (DB_LOST on COMMIT = unknown). */
int db_begin(struct db *db);
int db_commit(struct db *db);
/* Rolls back; safe to call after any error. */
void db_rollback(struct db *db);

/* Value of row r, column c, or NULL (also when out of range). */
const char *rows_get(const struct rows *rs, int r, int c);

/*
 * The typed readers of a value: NULL (and a column out of range) is
 * handled here, once, by returning def.  Only data-layer modules
 * (db_*.c) read rows; they address columns by the enum next to the query.
 */
/* Integer value of row r, column c, or def when NULL or malformed. */
long long rows_ll(const struct rows *rs, int r, int c, long long def);
/* Text value, or def when NULL. */
const char *rows_str(const struct rows *rs, int r, int c, const char *def);
/* Boolean ('t'/'f') value, or def when NULL. */
int rows_bool(const struct rows *rs, int r, int c, int def);
/* Floating value, or def when NULL or malformed. */
double rows_double(const struct rows *rs, int r, int c, double def);
/* 1 when the value is SQL NULL (or out of range). */
int rows_isnull(const struct rows *rs, int r, int c);

/* A round trip to the database: DB_OK when it answers. */
int db_ping(struct db *db, struct arena *a);

/* db.c's own statements (ping, durability), registered in stmt.c. */
extern const struct stmt_set db_sys_set;

/*
 * Checks that the server runs with fsync and synchronous_commit on.
 * Returns 0 when durable, -1 (with a reason in why) otherwise.
 */
int db_check_durable(struct db *db, char *why, size_t whylen);

#endif
