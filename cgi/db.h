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

#include <stdint.h>

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
 * Before a request: notices, without blocking, a connection the server
 * closed while it sat idle (a restart of PostgreSQL) and reconnects it
 * now, so the request's first statement does not fail on it.  Returns
 * 0 when usable, -1 when the database is still away.
 */
int db_freshen(struct db *db);

/*
 * Between requests (conn.h's CONN_IDLE_MS): reads what PostgreSQL pushed
 * to the idle connection and takes its NOTIFYs, so its backend never
 * blocks writing to a worker that reads nothing.  A dead connection is
 * only marked: the next request's db_freshen() reconnects and says so,
 * not a worker idling through an outage, every second.
 */
void db_take_pushed(struct db *db);

/*
 * db_freshen() at this connection's next statement, not now: a request
 * that runs none (a vote, cast by the vote writer; a board a worker
 * keeps) makes no system call for it.
 */
void db_freshen_later(struct db *db);

/*
 * Runs statement s (registered in a stmt_set) with its parameters (text; NULL
 * is SQL NULL; the count comes from the statement table).  Rows land in out
 * (may be NULL when the caller needs none), allocated from a.  Returns the
 * tri-state.
 */
int db_exec(struct db *db, struct arena *a, const struct stmt *s,
            const char *const *params, struct rows *out);

/*
 * The next statement on db sets PostgreSQL's application_name to tag
 * first (a request id: pg_stat_activity and the server log's %a then
 * name the request), in the same round trip (a pipeline).  A request
 * that runs no statement costs nothing.
 */
void db_tag(struct db *db, const char *tag);

/* 1 when db's connection is up and prepared, else 0. */
int db_is_up(const struct db *db);

/*
 * Makes this connection, and every one it reconnects to, LISTEN for board
 * changes (sql/functions/040_boards.sql); only a worker that drains them with
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
/* Begins a read-only transaction that sees one snapshot throughout. */
int db_begin_snapshot(struct db *db);
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

/*
 * Two shapes many statements share.  A read that PostgreSQL answers as
 * one JSON value (column DB_JSON_VALUE), and a write function's answer
 * (outcome, detail, body): see sql/README.md and outcome.h.
 */
enum db_json_col {
	DB_JSON_VALUE, /* DB_JSON_VALUE */
	DB_JSON__MAX
};

enum db_answer_col {
	DB_ANS_OUTCOME, /* DB_ANS_OUTCOME */
	DB_ANS_DETAIL,  /* DB_ANS_DETAIL */
	DB_ANS_BODY,    /* DB_ANS_BODY */
	DB_ANS__MAX
};

struct db_answer {
	const char *outcome; /* "ok", "created" or what stopped it */
	const char *detail;  /* for the message, or NULL */
	const char *body;    /* JSON on success, or NULL */
	int         refused; /* DB_NONE: an integrity rule refused it */
};

/*
 * Runs s and returns its one JSON value in *json (in a).  DB_NONE: no
 * row, or a NULL value.
 */
int db_json(struct db *db, struct arena *a, const struct stmt *s,
            const char *const *params, const char **json);

/*
 * Defines a data-layer read fn(db, a, p1[, p2[, p3]], json) that runs
 * statement st with those text parameters and answers its one JSON value
 * through db_json(); most reads of the JSON API are just that:
 *   DB_READ_JSON1(db_results, &q[Q_RESULTS], contest)
 */
#define DB_READ_JSON1(fn, st, p1)                                              \
	int fn(struct db *db, struct arena *a, const char *p1,                 \
	       const char **json)                                              \
	{                                                                      \
		return db_json(db, a, st, (const char *[]){p1}, json);         \
	}
#define DB_READ_JSON2(fn, st, p1, p2)                                          \
	int fn(struct db *db, struct arena *a, const char *p1, const char *p2, \
	       const char **json)                                              \
	{                                                                      \
		return db_json(db, a, st, (const char *[]){p1, p2}, json);     \
	}
#define DB_READ_JSON3(fn, st, p1, p2, p3)                                      \
	int fn(struct db *db, struct arena *a, const char *p1, const char *p2, \
	       const char *p3, const char **json)                              \
	{                                                                      \
		return db_json(db, a, st, (const char *[]){p1, p2, p3}, json); \
	}

/*
 * A PostgreSQL array literal ("{...}", for a text parameter cast to an
 * array type), built element by element in an arena.  Every element is
 * quoted and escaped, so any text makes a well-formed literal; NULL is
 * SQL NULL.  Start from {0}; db_array_end() gives the literal ("{}" when
 * empty), or NULL when the arena is full (as do the others: -1).
 */
struct db_array {
	char  *buf;
	size_t len, cap;
};

int         db_array_add(struct arena *a, struct db_array *x, const char *v);
int         db_array_add_int(struct arena *a, struct db_array *x, int64_t v);
const char *db_array_end(struct arena *a, struct db_array *x);

/* Runs a write function s and reads its answer. */
int db_answer(struct db *db, struct arena *a, const struct stmt *s,
              const char *const *params, struct db_answer *out);

/*
 * A table read whole, for exports: cells row by row, NULL for SQL NULL.
 * The data layer fills it; a caller passes the cells on (csv.c) and never
 * picks a column out of it.
 */
struct db_table {
	int          nrows;
	int          ncols;
	const char **cells;
};

/* Runs s into table t (in a); DB_NONE: no row. */
int db_table(struct db *db, struct arena *a, const struct stmt *s,
             const char *const *params, struct db_table *t);

/*
 * Runs s row by row (libpq single-row mode) and hands each row's cells
 * (NULL for SQL NULL, valid until the next call) to row(ctx, cells,
 * ncols), so an export of any size holds one row at a time.  start(ctx,
 * ncols) is called once, after the first row or the end arrived and
 * before row() sees anything: a query that fails at once fails before
 * start() and the caller can still answer with an error.  A callback
 * returning nonzero stops the query (the rest is discarded).  Returns
 * DB_OK (rows or not), DB_ERR, DB_LOST; *started says whether start()
 * ran, i.e. whether a failure came after the caller began its answer.
 */
typedef int (*db_row_fn)(void *ctx, const char *const *cells, int ncols);
int db_stream(struct db *db, const struct stmt *s, const char *const *params,
              int (*start)(void *ctx, int ncols), db_row_fn row, void *ctx,
              int *started);

/*
 * EXPLAIN (FORMAT JSON) of statement s with these parameters, planned as
 * a call with them would be: *json in a.  For statements planned per call
 * (stmt.h) that is the plan they run.
 */
int db_explain(struct db *db, struct arena *a, const struct stmt *s,
               const char *const *params, const char **json);

/* Who does a write, for the audit log. */
struct db_actor {
	const char *id;   /* account id, decimal */
	const char *name; /* username */
	const char *ip;
};

/*
 * Read replicas (issue 18; README, Several machines).  db_replica_attach()
 * gives the primary's connection db a second one, opened when first
 * needed, for reads that may be a little stale (conninfo: libpq
 * multi-host, target_session_attrs=prefer-standby).  db_for_read(db,
 * min_lsn) answers the connection such a read uses: the replica when it
 * is up, lags at most max_lag_ms behind db and has replayed min_lsn (the
 * reader's own last write, "X/Y", or NULL); db otherwise.  The lag is
 * checked at most every DB_LAG_CHECK_MS: caught up with
 * pg_current_wal_lsn() of db, else now() - pg_last_xact_replay_timestamp().
 * A replica that is no standby (promoted) is never behind; with db away
 * (a failover under way) a standby serves whatever it has.
 */
#define DB_LAG_CHECK_MS 200
void db_replica_attach(struct db *db, const char *conninfo, int max_lag_ms);
struct db *db_for_read(struct db *db, const char *min_lsn);
/* 1 when db has a replica attached. */
int db_has_replica(const struct db *db);
/* The WAL position of db now, after a commit: *lsn "X/Y" in a. */
int db_wal_lsn(struct db *db, struct arena *a, const char **lsn);
/* Parses an LSN "X/Y" (hex, at most 8 digits each): 0, or -1. */
int db_lsn_parse(const char *s, unsigned long long *out);

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
