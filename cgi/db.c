/*
 * db.c: libpq connection, prepared statements and result copying.  Every
 * PGresult is cleared on every path before a function returns; callers
 * see only struct rows in their arena.
 */
#include "db.h"

#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"

/* The process's own statements: health and start-up checks. */
enum sys_q {
	Q_PING,       /* Q_PING */
	Q_DURABILITY, /* Q_DURABILITY */
	Q_TAG,        /* Q_TAG */
	Q_WAL_LSN,    /* Q_WAL_LSN */
	Q_REPLAY,     /* Q_REPLAY */
	Q__MAX
};

/* Columns of Q_DURABILITY. */
enum durability_col {
	DUR_FSYNC,       /* DUR_FSYNC */
	DUR_SYNC_COMMIT, /* DUR_SYNC_COMMIT */
	DUR__MAX
};

/* Columns of Q_REPLAY. */
enum replay_col {
	RP_RECOVERY,  /* RP_RECOVERY */
	RP_CAUGHT_UP, /* RP_CAUGHT_UP */
	RP_LAG_MS,    /* RP_LAG_MS */
	RP_LSN,       /* RP_LSN */
	RP__MAX
};

static const struct stmt sys_q[Q__MAX] = {
    [Q_PING] = {"ping", "SELECT 1", 0, 1},
    [Q_DURABILITY] = {"durability",
                      "SELECT current_setting('fsync'), "
                      "current_setting('synchronous_commit')",
                      0, DUR__MAX},
    /* A request's id as application_name (db_tag()): session-wide, so
     * pg_stat_activity and %a in PostgreSQL's log name the request. */
    [Q_TAG] = {"db_tag",
               "SELECT pg_catalog.set_config('application_name', $1, false)", 1,
               1},
    /* Read replicas (db_for_read()): the primary's position, and how far
     * a standby has replayed (lag -1: no transaction replayed yet). */
    [Q_WAL_LSN] = {"db_wal_lsn", "SELECT pg_catalog.pg_current_wal_lsn()::text",
                   0, 1},
    [Q_REPLAY] = {"db_replay",
                  "SELECT pg_catalog.pg_is_in_recovery(), "
                  "coalesce(pg_catalog.pg_last_wal_replay_lsn() >= "
                  "$1::pg_lsn, false), "
                  "coalesce((extract(epoch FROM pg_catalog.now() - "
                  "pg_catalog.pg_last_xact_replay_timestamp()) * 1000)"
                  "::bigint, -1), "
                  "pg_catalog.pg_last_wal_replay_lsn()::text",
                  1, RP__MAX},
};

const struct stmt_set db_sys_set = {"db", sys_q, Q__MAX};

struct db {
	PGconn *conn;
	char   *conninfo;  /* kept to reconnect; never logged */
	int     prepared;  /* every statement prepared on this connection */
	int     listening; /* LISTEN netdep_boards on every connection */
	unsigned long board_gen; /* see db_board_gen() */
	char          tag[64];   /* application_name for the next statement */
	int           tag_due;   /* tag not sent yet */
	int           fresh_due; /* db_freshen() before the next statement */
	/* The read replica (db_for_read()), NULL when none is attached. */
	struct replica *replica;
};

struct replica {
	char              *conninfo; /* never logged */
	struct db         *db;       /* NULL until connected */
	int                max_lag_ms;
	double             checked_ms; /* monotonic time of the last check */
	int                usable;     /* the last check's verdict */
	unsigned long long replayed;   /* its replay LSN at that check */
};

/* Starts listening for board changes on the current connection. */
static int
db_listen(struct db *db)
{
	PGresult *res = PQexec(db->conn, "LISTEN netdep_boards");
	int       ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok)
		log_msg("error", "db: cannot listen: %s",
		        PQerrorMessage(db->conn));
	PQclear(res);
	return ok ? 0 : -1;
}

static void
db_notice_quiet(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
}

/*
 * Prepares statement i of set and checks that it returns the columns its
 * module reads (stmt.ncols), so a query and its column enum cannot drift.
 */
static int
db_prepare_one(struct db *db, const struct stmt_set *set, int i)
{
	const struct stmt *s = &set->stmts[i];
	PGresult          *res;
	int                rc = -1;

	/* An enum entry without its row: fail loudly. */
	if (s->name == NULL || s->sql == NULL) {
		log_msg("error", "db: statement %d of %s has no SQL", i,
		        set->module);
		return -1;
	}
	res = PQprepare(db->conn, s->name, s->sql, s->nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		log_msg("error", "db: cannot prepare %s: %s", s->name,
		        PQresultErrorMessage(res));
		goto out;
	}
	if (s->ncols > 0) {
		PQclear(res);
		res = PQdescribePrepared(db->conn, s->name);
		if (PQresultStatus(res) != PGRES_COMMAND_OK ||
		    PQnfields(res) != s->ncols) {
			log_msg("error",
			        "db: %s returns %d columns, %s reads %d",
			        s->name, PQnfields(res), set->module, s->ncols);
			goto out;
		}
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

static int
db_prepare_all(struct db *db)
{
	PGresult   *res;
	const char *tag[1] = {db->tag};

	/* A fixed literal: the only statement not in the table.  It also
	 * names the session after the pending tag (db_tag()), if any, before
	 * the first PREPARE, which may wait on a table's lock (parse analysis
	 * locks what a statement names): a request that reconnects shows
	 * under its id even there.  Without a tag the name stays. */
	res =
	    PQexecParams(db->conn,
	                 "SELECT pg_catalog.set_config('search_path', "
	                 "'netdep, pg_catalog', false), "
	                 "pg_catalog.set_config('application_name', "
	                 "coalesce(nullif($1, ''), pg_catalog.current_setting("
	                 "'application_name')), false)",
	                 1, NULL, tag, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_msg("error", "db: cannot set search_path and name: %s",
		        PQerrorMessage(db->conn));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	if (db->listening && db_listen(db) < 0)
		return -1;
	for (int k = 0; stmt_sets[k] != NULL; k++)
		for (int i = 0; i < stmt_sets[k]->n; i++)
			if (db_prepare_one(db, stmt_sets[k], i) < 0)
				return -1;
	db->prepared = 1;
	db->tag_due = 0; /* a new session's application_name is set above */
	/* What was NOTIFYed while no connection listened is lost: every
	 * board read before is suspect. */
	db->board_gen++;
	return 0;
}

struct db *
db_open(const char *conninfo)
{
	struct db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	if ((db->conninfo = strdup(conninfo)) == NULL)
		goto fail;
	db->conn = PQconnectdb(conninfo);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		log_msg("error", "db: cannot connect: %s",
		        PQerrorMessage(db->conn));
		goto fail;
	}
	PQsetNoticeReceiver(db->conn, db_notice_quiet, NULL);
	if (db_prepare_all(db) < 0)
		goto fail;
	return db;
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	if (db->replica != NULL) {
		db_close(db->replica->db);
		free(db->replica->conninfo);
		free(db->replica);
	}
	free(db->conninfo);
	free(db);
}

int
db_ensure(struct db *db)
{
	if (PQstatus(db->conn) == CONNECTION_OK && db->prepared)
		return 0;
	db->prepared = 0;
	PQreset(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		log_msg("warn", "db: reconnect failed: %s",
		        PQerrorMessage(db->conn));
		return -1;
	}
	log_msg("info", "db: reconnected");
	return db_prepare_all(db);
}

/* Reads db_freshen() makes before it gives up on a chatty connection,
 * and db_take_pushed() makes a call. */
#define FRESHEN_READS 8
#define PUSHED_READS  64

/*
 * Non-blocking reads (libpq's socket never blocks) while the idle socket
 * has something, at most reads of them: NOTIFYs, or a dying backend's
 * last message and then the EOF that marks the connection bad.  1 when
 * nothing is left waiting, 0 when something still is, -1 when the
 * connection is bad (not prepared: the next db_ensure() reconnects).
 */
static int
db_read_waiting(struct db *db, int reads)
{
	for (int i = 0; db->prepared && i < reads; i++) {
		struct pollfd p = {.fd = PQsocket(db->conn), .events = POLLIN};

		if (p.fd < 0 || poll(&p, 1, 0) < 0)
			break;
		if (p.revents == 0)
			return 1;
		if (PQconsumeInput(db->conn) == 0 ||
		    PQstatus(db->conn) != CONNECTION_OK)
			db->prepared = 0;
	}
	return db->prepared ? 0 : -1;
}

/* 1 when the idle connection is alive, else 0 (and marked bad). */
static int
db_idle_alive(struct db *db)
{
	if (db_read_waiting(db, FRESHEN_READS) == 1)
		return 1;
	db->prepared = 0;
	return 0;
}

/*
 * Every NOTIFY libpq has read (while idle or with any result) waits in
 * its queue until taken: take them all, each one a new board generation,
 * so a worker that serves no board does not grow a queue.
 */
static void
db_drain_notifies(struct db *db)
{
	PGnotify *n;

	while ((n = PQnotifies(db->conn)) != NULL) {
		db->board_gen++;
		PQfreemem(n);
	}
}

int
db_freshen(struct db *db)
{
	if (db == NULL)
		return -1;
	if (!db_idle_alive(db))
		return db_ensure(db);
	db_drain_notifies(db);
	return 0;
}

void
db_take_pushed(struct db *db)
{
	if (db == NULL)
		return;
	(void)db_read_waiting(db, PUSHED_READS);
	db_drain_notifies(db);
}

void
db_freshen_later(struct db *db)
{
	if (db != NULL)
		db->fresh_due = 1;
}

/* Before a statement: the freshen asked for, and a connection. */
static int
db_ready(struct db *db)
{
	if (db->fresh_due) {
		db->fresh_due = 0;
		if (db_freshen(db) < 0)
			return -1;
	}
	return !db->prepared && db_ensure(db) < 0 ? -1 : 0;
}

void
db_tag(struct db *db, const char *tag)
{
	if (db == NULL)
		return;
	snprintf(db->tag, sizeof(db->tag), "%s", tag);
	db->tag_due = 1;
}

int
db_is_up(const struct db *db)
{
	return db != NULL && db->prepared &&
	       PQstatus(db->conn) == CONNECTION_OK;
}

/* Sends statement s (sql when s is NULL) with params, without waiting. */
static int
db_send(struct db *db, const struct stmt *s, const char *sql,
        const char *const *params)
{
	if (s == NULL)
		return PQsendQueryParams(db->conn, sql, 0, NULL, NULL, NULL,
		                         NULL, 0);
	if (s->per_call)
		return PQsendQueryParams(db->conn, s->sql, s->nparams, NULL,
		                         params, NULL, NULL, 0);
	return PQsendQueryPrepared(db->conn, s->name, s->nparams, params, NULL,
	                           NULL, 0);
}

/*
 * In pipeline mode: runs s (or sql) after setting application_name to the
 * pending tag, in one round trip: both go out in one pipeline, each with its
 * own Sync so the statement's own transaction never includes the tag's. Returns
 * the statement's result (NULL when the connection broke).
 */
static PGresult *
db_exec_tagged(struct db *db, const struct stmt *s, const char *sql,
               const char *const *params)
{
	const char *tag[1] = {db->tag};
	PGresult   *res = NULL, *r;
	int         syncs = 0, nulls = 0;

	db->tag_due = 0;
	if (PQsendQueryPrepared(db->conn, sys_q[Q_TAG].name, 1, tag, NULL, NULL,
	                        0) != 1 ||
	    PQpipelineSync(db->conn) != 1 || db_send(db, s, sql, params) != 1 ||
	    PQpipelineSync(db->conn) != 1) {
		(void)PQexitPipelineMode(db->conn);
		return NULL;
	}
	/* tag's result, NULL, SYNC, then the statement's, NULL, SYNC. */
	while (syncs < 2 && nulls < 2) {
		if ((r = PQgetResult(db->conn)) == NULL) {
			nulls++;
			if (PQstatus(db->conn) != CONNECTION_OK)
				break;
			continue;
		}
		nulls = 0;
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC)
			syncs++;
		else if (syncs == 1 && res == NULL) {
			res = r;
			continue;
		}
		PQclear(r);
	}
	(void)PQexitPipelineMode(db->conn);
	return res;
}

/* Runs s (or the literal sql), tagged first when a tag is due. */
static PGresult *
db_run(struct db *db, const struct stmt *s, const char *sql,
       const char *const *params)
{
	/* The tag is a label: a connection that cannot pipeline (busy,
	 * say) runs the statement untagged rather than fail it. */
	if (db->tag_due && PQenterPipelineMode(db->conn) == 1)
		return db_exec_tagged(db, s, sql, params);
	if (s == NULL)
		return PQexecParams(db->conn, sql, 0, NULL, NULL, NULL, NULL,
		                    0);
	if (s->per_call)
		return PQexecParams(db->conn, s->sql, s->nparams, NULL, params,
		                    NULL, NULL, 0);
	return PQexecPrepared(db->conn, s->name, s->nparams, params, NULL, NULL,
	                      0);
}

/* Classifies a failed result; logs what is not an integrity refusal. */
static int
db_failure(struct db *db, struct arena *a, const PGresult *res,
           const char *what, struct rows *out)
{
	const char *state =
	    res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	/* A broken connection, an error libpq made itself (no SQLSTATE:
	 * "server closed the connection unexpectedly" may come before
	 * libpq marks the connection bad), a connection exception (08) or
	 * a server shutting down or starting (57P01-57P03): the database is
	 * away, not the request wrong.  The next statement reconnects. */
	if (PQstatus(db->conn) != CONNECTION_OK || state == NULL ||
	    strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0) {
		db->prepared = 0;
		log_msg("error", "db: connection lost during %s: %s", what,
		        res ? PQresultErrorMessage(res)
		            : PQerrorMessage(db->conn));
		return DB_LOST;
	}
	if (strncmp(state, "23", 2) == 0) {
		if (out != NULL) {
			const char *c =
			    PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);

			out->sqlstate = arena_strdup(a, state);
			out->constraint = c ? arena_strdup(a, c) : NULL;
		}
		return DB_NONE;
	}
	log_msg("error", "db: %s failed (%s): %s", what,
	        state ? state : "no state",
	        res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn));
	return DB_ERR;
}

static int
db_copy(struct arena *a, const PGresult *res, struct rows *out)
{
	int    nr = PQntuples(res), nc = PQnfields(res);
	size_t n = (size_t)nr * (size_t)nc;

	out->nrows = nr;
	out->ncols = nc;
	out->vals = arena_alloc(a, (n ? n : 1) * sizeof(*out->vals));
	out->lens = arena_alloc(a, (n ? n : 1) * sizeof(*out->lens));
	if (out->vals == NULL || out->lens == NULL)
		return -1;
	for (int r = 0; r < nr; r++)
		for (int c = 0; c < nc; c++) {
			size_t i = (size_t)r * (size_t)nc + (size_t)c;
			int    len = PQgetlength(res, r, c);

			out->lens[i] = len;
			if (PQgetisnull(res, r, c))
				continue;
			out->vals[i] = arena_strndup(a, PQgetvalue(res, r, c),
			                             (size_t)len);
			if (out->vals[i] == NULL)
				return -1;
		}
	return 0;
}

int
db_exec(struct db *db, struct arena *a, const struct stmt *s,
        const char *const *params, struct rows *out)
{
	PGresult      *res;
	ExecStatusType st;
	int            rc;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (db_ready(db) < 0)
		return DB_LOST;
	res = db_run(db, s, NULL, params);
	st = PQresultStatus(res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		rc = db_failure(db, a, res, s->name, out);
		PQclear(res);
		return rc;
	}
	rc = DB_OK;
	if (out != NULL) {
		const char *aff = PQcmdTuples(res);

		out->affected = (aff && *aff) ? strtoll(aff, NULL, 10) : 0;
		if (db_copy(a, res, out) < 0) {
			log_msg("error", "db: out of request memory in %s",
			        s->name);
			rc = DB_ERR;
		}
	}
	if (rc == DB_OK && st == PGRES_TUPLES_OK && PQntuples(res) == 0)
		rc = DB_NONE;
	PQclear(res);
	return rc;
}

int
db_explain(struct db *db, struct arena *a, const struct stmt *s,
           const char *const *params, const char **json)
{
	struct stmt e = {s->name, NULL, s->nparams, 1, 1};
	struct rows rs;
	int         rc;

	*json = NULL;
	/* The statement's own text from the table, never a caller's. */
	if ((e.sql = arena_printf(a, "EXPLAIN (FORMAT JSON) %s", s->sql)) ==
	    NULL)
		return DB_ERR;
	rc = db_exec(db, a, &e, params, &rs);
	if (rc == DB_OK)
		*json = rows_str(&rs, 0, 0, NULL);
	return rc == DB_OK && *json == NULL ? DB_ERR : rc;
}

/*
 * Reads what is left of a stopped or failed stream (one row at a time),
 * so the connection is ready for the next statement.  No cancel request:
 * one that arrived late could cancel that next statement instead.
 */
static void
db_stream_drain(struct db *db)
{
	PGresult *res;

	while ((res = PQgetResult(db->conn)) != NULL)
		PQclear(res);
}

/* Hands the cells of single-row result res to row(). */
static int
db_stream_row(const PGresult *res, db_row_fn row, void *ctx)
{
	const char *cells[64];
	int         nc = PQnfields(res);

	if (nc > (int)(sizeof(cells) / sizeof(cells[0])))
		return -1;
	for (int c = 0; c < nc; c++)
		cells[c] =
		    PQgetisnull(res, 0, c) ? NULL : PQgetvalue(res, 0, c);
	return row(ctx, cells, nc);
}

int
db_stream(struct db *db, const struct stmt *s, const char *const *params,
          int (*start)(void *ctx, int ncols), db_row_fn row, void *ctx,
          int *started)
{
	PGresult *res;
	int       rc = DB_OK, stopped = 0;

	*started = 0;
	if (db_ready(db) < 0)
		return DB_LOST;
	/* Single-row mode and a pipeline do not mix: the tag alone first
	 * (a round trip, for exports only). */
	if (db->tag_due) {
		const char *tag[1] = {db->tag};

		db->tag_due = 0;
		PQclear(PQexecPrepared(db->conn, sys_q[Q_TAG].name, 1, tag,
		                       NULL, NULL, 0));
	}
	if (!PQsendQueryPrepared(db->conn, s->name, s->nparams, params, NULL,
	                         NULL, 0) ||
	    !PQsetSingleRowMode(db->conn)) {
		rc = db_failure(db, NULL, NULL, s->name, NULL);
		db_stream_drain(db);
		return rc < 0 ? rc : DB_ERR;
	}
	while ((res = PQgetResult(db->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK) {
			rc = db_failure(db, NULL, res, s->name, NULL);
			rc = rc < 0 ? rc : DB_ERR;
		} else {
			if (!*started) {
				if (start(ctx, PQnfields(res)) != 0)
					stopped = 1;
				else
					*started = 1;
			}
			if (!stopped && st == PGRES_SINGLE_TUPLE &&
			    db_stream_row(res, row, ctx) != 0)
				stopped = 1;
		}
		PQclear(res);
		if (stopped || rc != DB_OK) {
			db_stream_drain(db);
			break;
		}
	}
	if (stopped && rc == DB_OK)
		rc = DB_ERR;
	return rc;
}

int
db_listen_boards(struct db *db)
{
	if (db == NULL)
		return -1;
	db->listening = 1;
	db->board_gen++;
	return db->prepared ? db_listen(db) : 0;
}

unsigned long
db_board_gen(struct db *db)
{
	if (db == NULL)
		return 0;
	/* A broken connection hears nothing: no board read through it may
	 * be trusted, so every call gives a new generation.  One found
	 * broken here is reconnected by the next statement instead of
	 * failing it.  A dying backend's last notice and its EOF take a
	 * read each: read until nothing waits, or a crash that came after
	 * the last idle read would pass for a quiet connection. */
	if (!db->prepared || PQstatus(db->conn) != CONNECTION_OK ||
	    db_read_waiting(db, FRESHEN_READS) < 0) {
		db->prepared = 0;
		return ++db->board_gen;
	}
	db_drain_notifies(db);
	return db->board_gen;
}

/* Runs a fixed transaction-control literal. */
static int
db_literal(struct db *db, const char *sql)
{
	PGresult *res;
	int       rc = DB_OK;

	if (db_ready(db) < 0)
		return DB_LOST;
	/* PQexecParams, even without parameters, refuses multi-statements. */
	res = db_run(db, NULL, sql, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = db_failure(db, NULL, res, sql, NULL);
	PQclear(res);
	return rc;
}

int
db_begin(struct db *db)
{
	return db_literal(db, "BEGIN");
}

int
db_begin_snapshot(struct db *db)
{
	return db_literal(db,
	                  "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

int
db_commit(struct db *db)
{
	return db_literal(db, "COMMIT");
}

void
db_rollback(struct db *db)
{
	PGresult *res;

	if (PQstatus(db->conn) != CONNECTION_OK)
		return;
	res = PQexec(db->conn, "ROLLBACK");
	PQclear(res);
}

const char *
rows_get(const struct rows *rs, int r, int c)
{
	if (rs == NULL || r < 0 || c < 0 || r >= rs->nrows || c >= rs->ncols)
		return NULL;
	return rs->vals[(size_t)r * (size_t)rs->ncols + (size_t)c];
}

long long
rows_ll(const struct rows *rs, int r, int c, long long def)
{
	const char *v = rows_get(rs, r, c);
	char       *end;
	long long   n;

	if (v == NULL || *v == '\0')
		return def;
	n = strtoll(v, &end, 10);
	return *end == '\0' ? n : def;
}

const char *
rows_str(const struct rows *rs, int r, int c, const char *def)
{
	const char *v = rows_get(rs, r, c);

	return v != NULL ? v : def;
}

int
rows_bool(const struct rows *rs, int r, int c, int def)
{
	const char *v = rows_get(rs, r, c);

	if (v == NULL)
		return def;
	return v[0] == 't';
}

double
rows_double(const struct rows *rs, int r, int c, double def)
{
	const char *v = rows_get(rs, r, c);
	char       *end;
	double      d;

	if (v == NULL || *v == '\0')
		return def;
	d = strtod(v, &end);
	return *end == '\0' ? d : def;
}

int
rows_isnull(const struct rows *rs, int r, int c)
{
	return rows_get(rs, r, c) == NULL;
}

int
db_json(struct db *db, struct arena *a, const struct stmt *s,
        const char *const *params, const char **json)
{
	struct rows rs;
	int         rc = db_exec(db, a, s, params, &rs);

	*json = NULL;
	if (rc != DB_OK)
		return rc;
	*json = rows_str(&rs, 0, DB_JSON_VALUE, NULL);
	return *json != NULL ? DB_OK : DB_NONE;
}

int
db_table(struct db *db, struct arena *a, const struct stmt *s,
         const char *const *params, struct db_table *t)
{
	struct rows rs;
	int         rc = db_exec(db, a, s, params, &rs);

	t->nrows = rs.nrows;
	t->ncols = rs.ncols;
	t->cells = rs.vals;
	return rc;
}

int
db_answer(struct db *db, struct arena *a, const struct stmt *s,
          const char *const *params, struct db_answer *out)
{
	struct rows rs;
	int         rc = db_exec(db, a, s, params, &rs);

	memset(out, 0, sizeof(*out));
	if (rc == DB_NONE && rs.sqlstate != NULL)
		out->refused =
		    1; /* an integrity rule the function let through */
	if (rc != DB_OK)
		return rc;
	out->outcome = rows_str(&rs, 0, DB_ANS_OUTCOME, NULL);
	out->detail = rows_str(&rs, 0, DB_ANS_DETAIL, NULL);
	out->body = rows_str(&rs, 0, DB_ANS_BODY, NULL);
	return out->outcome != NULL ? DB_OK : DB_ERR;
}

int
db_ping(struct db *db, struct arena *a)
{
	return db_exec(db, a, &sys_q[Q_PING], NULL, NULL);
}

int
db_check_durable(struct db *db, char *why, size_t whylen)
{
	struct arena a;
	struct rows  rs;
	int          rc = -1;

	arena_init(&a, 0);
	if (db_exec(db, &a, &sys_q[Q_DURABILITY], NULL, &rs) != DB_OK) {
		snprintf(why, whylen, "cannot read the server's settings");
		goto out;
	}
	if (strcmp(rows_str(&rs, 0, DUR_FSYNC, ""), "on") != 0) {
		snprintf(why, whylen, "PostgreSQL runs with fsync off");
		goto out;
	}
	/* "local" and the remote levels all flush the local WAL first. */
	if (strcmp(rows_str(&rs, 0, DUR_SYNC_COMMIT, ""), "off") == 0) {
		snprintf(why, whylen,
		         "PostgreSQL runs with synchronous_commit=off");
		goto out;
	}
	rc = 0;
out:
	arena_free(&a);
	return rc;
}

/* --- read replicas (issue 18) ------------------------------------------ */

/*
 * Reads 1 to 8 hex digits at *p up to the character stop into *out and
 * moves *p past them: 0, or -1 on anything else.
 */
static int
lsn_half(const char **p, char stop, unsigned long long *out)
{
	int n = 0;

	for (*out = 0; **p != stop; n++, (*p)++) {
		char c = **p;
		int  d = c >= '0' && c <= '9'   ? c - '0'
		         : c >= 'A' && c <= 'F' ? c - 'A' + 10
		         : c >= 'a' && c <= 'f' ? c - 'a' + 10
		                                : -1;

		if (d < 0 || n == 8)
			return -1;
		*out = *out * 16 + (unsigned long long)d;
	}
	return n > 0 ? 0 : -1;
}

int
db_lsn_parse(const char *s, unsigned long long *out)
{
	unsigned long long hi, lo;
	const char        *p = s;

	if (s == NULL || lsn_half(&p, '/', &hi) < 0 || *p++ != '/' ||
	    lsn_half(&p, '\0', &lo) < 0)
		return -1;
	*out = hi << 32 | lo;
	return 0;
}

void
db_replica_attach(struct db *db, const char *conninfo, int max_lag_ms)
{
	struct replica *rp;

	if (db == NULL || conninfo == NULL || *conninfo == '\0' ||
	    db->replica != NULL || (rp = calloc(1, sizeof(*rp))) == NULL)
		return;
	if ((rp->conninfo = strdup(conninfo)) == NULL) {
		free(rp);
		return;
	}
	rp->max_lag_ms = max_lag_ms;
	rp->checked_ms = -1e12;
	db->replica = rp;
}

int
db_has_replica(const struct db *db)
{
	return db != NULL && db->replica != NULL;
}

int
db_wal_lsn(struct db *db, struct arena *a, const char **lsn)
{
	struct rows rs;
	int         rc = db_exec(db, a, &sys_q[Q_WAL_LSN], NULL, &rs);

	*lsn = rc == DB_OK ? rows_str(&rs, 0, 0, NULL) : NULL;
	return rc == DB_OK && *lsn == NULL ? DB_ERR : rc;
}

/*
 * Checks the replica against db: rp->usable and rp->replayed.  A replica
 * that cannot be reached is not used until the next check.
 */
static void
db_replica_check(struct db *db, struct replica *rp)
{
	struct arena a;
	struct rows  rs;
	const char  *primary = NULL;
	int          up;

	arena_init(&a, 0);
	rp->usable = 0;
	/* The primary first: what the standby replays after that is newer. */
	up = db_wal_lsn(db, &a, &primary) == DB_OK;
	if (rp->db == NULL && (rp->db = db_open(rp->conninfo)) == NULL)
		goto out;
	if (!db_idle_alive(rp->db) && db_ensure(rp->db) < 0)
		goto out;
	if (db_exec(rp->db, &a, &sys_q[Q_REPLAY], (const char *[]){primary},
	            &rs) != DB_OK)
		goto out;
	if (!rows_bool(&rs, 0, RP_RECOVERY, 1)) {
		/* Not a standby (promoted, or prefer-standby found none):
		 * it has every write it will ever have. */
		rp->replayed = ~0ULL;
		rp->usable = 1;
		goto out;
	}
	if (db_lsn_parse(rows_str(&rs, 0, RP_LSN, NULL), &rp->replayed) < 0)
		goto out;
	{
		long long lag = rows_ll(&rs, 0, RP_LAG_MS, -1);

		/* Without the primary (a failover under way) a standby
		 * serves what it has: nothing newer is reachable. */
		rp->usable = !up || rows_bool(&rs, 0, RP_CAUGHT_UP, 0) ||
		             (lag >= 0 && lag <= rp->max_lag_ms);
	}
out:
	arena_free(&a);
}

struct db *
db_for_read(struct db *db, const char *min_lsn)
{
	struct replica    *rp;
	unsigned long long want = 0;
	double             now;

	if (db == NULL || (rp = db->replica) == NULL)
		return db;
	now = clock_ms();
	if (now - rp->checked_ms >= DB_LAG_CHECK_MS) {
		rp->checked_ms = now;
		db_replica_check(db, rp);
	}
	if (!rp->usable || rp->db == NULL)
		return db;
	/* Their own last write, not replayed yet: the primary. */
	if (min_lsn != NULL &&
	    (db_lsn_parse(min_lsn, &want) < 0 || rp->replayed < want))
		return db;
	if (!db_idle_alive(rp->db)) {
		rp->usable = 0;
		return db;
	}
	if (db->tag[0] != '\0')
		db_tag(rp->db, db->tag);
	return rp->db;
}

/* Makes room for need more bytes and the NUL in x. */
static int
db_array_room(struct arena *a, struct db_array *x, size_t need)
{
	size_t cap;
	char  *nb;

	if (x->len + need < x->cap)
		return 0;
	cap = 2 * (x->cap + need);
	if ((nb = arena_alloc(a, cap)) == NULL)
		return -1;
	if (x->len > 0)
		memcpy(nb, x->buf, x->len);
	x->buf = nb;
	x->cap = cap;
	return 0;
}

int
db_array_add(struct arena *a, struct db_array *x, const char *v)
{
	if (db_array_room(a, x, v != NULL ? 2 * strlen(v) + 4 : 6) != 0)
		return -1;
	x->buf[x->len] = x->len == 0 ? '{' : ',';
	x->len++;
	if (v == NULL) {
		memcpy(x->buf + x->len, "NULL", 4);
		x->len += 4;
	} else {
		x->buf[x->len++] = '"';
		for (; *v != '\0'; v++) {
			if (*v == '"' || *v == '\\')
				x->buf[x->len++] = '\\';
			x->buf[x->len++] = *v;
		}
		x->buf[x->len++] = '"';
	}
	x->buf[x->len] = '\0';
	return 0;
}

int
db_array_add_int(struct arena *a, struct db_array *x, int64_t v)
{
	char n[24];

	snprintf(n, sizeof(n), "%lld", (long long)v);
	return db_array_add(a, x, n);
}

const char *
db_array_end(struct arena *a, struct db_array *x)
{
	if (db_array_room(a, x, 2) != 0)
		return NULL;
	if (x->len == 0)
		x->buf[x->len++] = '{';
	x->buf[x->len++] = '}';
	x->buf[x->len] = '\0';
	return x->buf;
}
