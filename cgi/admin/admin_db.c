/*
 * admin_db.c: connection, transactions and the table of every statement
 * netdep-admin runs.  All SQL goes through PQexecParams with $n parameters;
 * PQexec is used only for fixed literals (BEGIN, COMMIT, ROLLBACK and the
 * search_path).  Results are copied into an arena and cleared at once.
 */
#include "admin_db.h"

#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../config.h"
#include "../valid.h"

struct adm_db {
	PGconn *conn;
	int     in_tx; /* 1 between BEGIN and COMMIT/ROLLBACK */
};

/* ADM_CONTEST_UPDATE below spells out one CASE per column, $3..$18. */
_Static_assert(ADM_COL__MAX == 16, "ADM_CONTEST_UPDATE lists 16 columns");

struct adm_sql {
	const char *sql;
	int         nparams;
};

static const struct adm_sql stmts[ADM__MAX] = {
    /* ADM_ACCOUNT_FIND: $1 username (any case) -> id, username */
    {"SELECT id, username FROM accounts WHERE lower(username) = lower($1)", 1},
    /* ADM_ACCOUNT_INSERT: $1 username, $2 display name, $3 unit,
     * $4 district, $5 email, $6 phone, $7 hash -> id, or no row when the
     * username is taken in any case */
    {"INSERT INTO accounts (username, display_name, unit, district, email,"
     " phone, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)"
     " ON CONFLICT ((lower(username))) DO NOTHING RETURNING id",
     7},
    /* ADM_ACCOUNT_PASSWORD: $1 id, $2 hash */
    {"UPDATE accounts SET password_hash = $2 WHERE id = $1::bigint", 2},
    /* ADM_ACCOUNT_LIST: -> username, display name, unit, district, roles
     * ("admin", "judge:slug", "judge:*"), disabled, created */
    {"SELECT a.username, a.display_name, a.unit, a.district,"
     " coalesce(string_agg(r.role || ':' || coalesce(c.slug, '*'), ','"
     "  ORDER BY r.role, c.slug NULLS FIRST), ''),"
     " CASE WHEN a.disabled_at IS NULL THEN 'active' ELSE 'disabled' END,"
     " to_char(a.created_at AT TIME ZONE 'UTC',"
     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
     " FROM accounts a"
     " LEFT JOIN roles r ON r.account_id = a.id"
     " LEFT JOIN contests c ON c.id = r.contest_id"
     " GROUP BY a.id ORDER BY lower(a.username)",
     0},
    /* ADM_SESSIONS_END: $1 account id */
    {"WITH d AS (DELETE FROM sessions WHERE account_id = $1::bigint "
     "RETURNING 1) SELECT count(*) FROM d",
     1},
    /* ADM_ROLE_GRANT: $1 account id, $2 role, $3 contest id or NULL ->
     * one row when granted now, none when it was already there */
    {"INSERT INTO roles (account_id, role, contest_id)"
     " VALUES ($1::bigint, $2, $3::bigint) ON CONFLICT DO NOTHING"
     " RETURNING 1",
     3},
    /* ADM_ROLE_REVOKE: $1 account id, $2 role, $3 contest id or NULL ->
     * one row when revoked */
    {"DELETE FROM roles WHERE account_id = $1::bigint AND role = $2"
     " AND contest_id IS NOT DISTINCT FROM $3::bigint RETURNING 1",
     3},
    /* ADM_AUDIT: $1 action, $2 target type, $3 target id, $4 contest id,
     * $5 before (JSON), $6 after (JSON) */
    {"INSERT INTO audit_log (actor_name, action, target_type, target_id,"
     " contest_id, before, after) VALUES ('netdep-admin', $1, $2,"
     " $3::bigint, $4::bigint, $5::jsonb, $6::jsonb)",
     6},
    /* ADM_CONTEST_INSERT: $1 slug, $2 title -> id, or no row when the
     * slug is taken */
    {"INSERT INTO contests (slug, title) VALUES ($1, $2)"
     " ON CONFLICT (slug) DO NOTHING RETURNING id",
     2},
    /* ADM_CONTEST_LOCK: $1 slug -> id, then the whole seconds of
     * submit_from, submit_until, vote_from, vote_until (NULL = open) */
    {"SELECT id, floor(extract(epoch FROM submit_from))::bigint,"
     " floor(extract(epoch FROM submit_until))::bigint,"
     " floor(extract(epoch FROM vote_from))::bigint,"
     " floor(extract(epoch FROM vote_until))::bigint"
     " FROM contests WHERE slug = $1 FOR UPDATE",
     1},
    /* ADM_CONTEST_UPDATE: see enum adm_contest_col */
    {"UPDATE contests SET"
     " title = CASE WHEN ($2::integer & 1) <> 0 THEN $3 ELSE title END,"
     " rules = CASE WHEN ($2::integer & 2) <> 0 THEN $4 ELSE rules END,"
     " submit_from = CASE WHEN ($2::integer & 4) <> 0"
     "  THEN to_timestamp($5::bigint) ELSE submit_from END,"
     " submit_until = CASE WHEN ($2::integer & 8) <> 0"
     "  THEN to_timestamp($6::bigint) ELSE submit_until END,"
     " vote_from = CASE WHEN ($2::integer & 16) <> 0"
     "  THEN to_timestamp($7::bigint) ELSE vote_from END,"
     " vote_until = CASE WHEN ($2::integer & 32) <> 0"
     "  THEN to_timestamp($8::bigint) ELSE vote_until END,"
     " results_at = CASE WHEN ($2::integer & 64) <> 0"
     "  THEN to_timestamp($9::bigint) ELSE results_at END,"
     " max_entries = CASE WHEN ($2::integer & 128) <> 0"
     "  THEN $10::integer ELSE max_entries END,"
     " votes_per_day = CASE WHEN ($2::integer & 256) <> 0"
     "  THEN $11::integer ELSE votes_per_day END,"
     " vote_rule = CASE WHEN ($2::integer & 512) <> 0"
     "  THEN $12 ELSE vote_rule END,"
     " self_vote = CASE WHEN ($2::integer & 1024) <> 0"
     "  THEN $13::boolean ELSE self_vote END,"
     " public_weight = CASE WHEN ($2::integer & 2048) <> 0"
     "  THEN $14::integer ELSE public_weight END,"
     " min_short_side = CASE WHEN ($2::integer & 4096) <> 0"
     "  THEN $15::integer ELSE min_short_side END,"
     " max_pixels = CASE WHEN ($2::integer & 8192) <> 0"
     "  THEN $16::bigint ELSE max_pixels END,"
     " max_side = CASE WHEN ($2::integer & 16384) <> 0"
     "  THEN $17::integer ELSE max_side END,"
     " max_bytes = CASE WHEN ($2::integer & 32768) <> 0"
     "  THEN $18::integer ELSE max_bytes END"
     " WHERE id = $1::bigint",
     2 + ADM_COL__MAX},
    /* ADM_CONTEST_SNAPSHOT: $1 id -> the row, its categories and criteria
     * as one JSON document, for the audit log */
    {"SELECT to_jsonb(c)"
     " || jsonb_build_object('categories', (SELECT coalesce(jsonb_agg("
     "  jsonb_build_object('id', k.id, 'name', k.name, 'position',"
     "  k.position) ORDER BY k.position, k.id), '[]'::jsonb)"
     "  FROM categories k WHERE k.contest_id = c.id))"
     " || jsonb_build_object('criteria', (SELECT coalesce(jsonb_agg("
     "  jsonb_build_object('id', k.id, 'name', k.name, 'weight', k.weight,"
     "  'position', k.position) ORDER BY k.position, k.id), '[]'::jsonb)"
     "  FROM criteria k WHERE k.contest_id = c.id))"
     " FROM contests c WHERE c.id = $1::bigint",
     1},
    /* ADM_CONTEST_SHOW: $1 slug -> id, slug, title, rules, submit_from,
     * submit_until, vote_from, vote_until, results_at, max_entries,
     * votes_per_day, vote_rule, self_vote, public_weight, min_short_side,
     * max_pixels, max_side, max_bytes, created_at (times ISO 8601 UTC) */
    {"SELECT id, slug, title, rules,"
     " to_char(submit_from AT TIME ZONE 'UTC',"
     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " to_char(submit_until AT TIME ZONE 'UTC',"
     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " to_char(vote_from AT TIME ZONE 'UTC',"
     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " to_char(vote_until AT TIME ZONE 'UTC',"
     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " to_char(results_at AT TIME ZONE 'UTC',"
     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " max_entries, votes_per_day, vote_rule, self_vote, public_weight,"
     " min_short_side, max_pixels, max_side, max_bytes,"
     " to_char(created_at AT TIME ZONE 'UTC',"
     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
     " FROM contests WHERE slug = $1",
     1},
    /* ADM_CONTEST_LIST: -> slug, title, submit_from, submit_until,
     * vote_from, vote_until (ISO 8601 UTC), entries, approved entries */
    {"SELECT c.slug, c.title,"
     " to_char(c.submit_from AT TIME ZONE 'UTC',"
     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " to_char(c.submit_until AT TIME ZONE 'UTC',"
     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " to_char(c.vote_from AT TIME ZONE 'UTC',"
     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " to_char(c.vote_until AT TIME ZONE 'UTC',"
     "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " (SELECT count(*) FROM entries e WHERE e.contest_id = c.id),"
     " (SELECT count(*) FROM entries e WHERE e.contest_id = c.id"
     "  AND e.status = 'approved')"
     " FROM contests c ORDER BY c.created_at, c.id",
     0},
    /* ADM_CATEGORY_ADD: $1 contest id, $2 name -> id, position; no row
     * when the contest already has a category of that name */
    {"INSERT INTO categories (contest_id, name, position)"
     " SELECT $1::bigint, $2, coalesce(max(position), 0) + 1"
     " FROM categories WHERE contest_id = $1::bigint"
     " ON CONFLICT (contest_id, name) DO NOTHING RETURNING id, position",
     2},
    /* ADM_CATEGORY_LIST: $1 contest id -> id, name, position */
    {"SELECT id, name, position FROM categories"
     " WHERE contest_id = $1::bigint ORDER BY position, id",
     1},
    /* ADM_CRITERION_ADD: $1 contest id, $2 name, $3 weight, $4 position */
    {"INSERT INTO criteria (contest_id, name, weight, position)"
     " VALUES ($1::bigint, $2, $3::integer, $4::integer)",
     4},
    /* ADM_CRITERION_LIST: $1 contest id -> id, name, weight, position */
    {"SELECT id, name, weight, position FROM criteria"
     " WHERE contest_id = $1::bigint ORDER BY position, id",
     1},
    /* ADM_ENTRY_COUNTS: $1 contest id -> pending, approved, rejected,
     * withdrawn, total */
    {"SELECT count(*) FILTER (WHERE status = 'pending'),"
     " count(*) FILTER (WHERE status = 'approved'),"
     " count(*) FILTER (WHERE status = 'rejected'),"
     " count(*) FILTER (WHERE status = 'withdrawn'), count(*)"
     " FROM entries WHERE contest_id = $1::bigint",
     1},
    /* ADM_VOTE_COUNTS: $1 contest id -> counted, voided */
    {"SELECT count(*) FILTER (WHERE voided_at IS NULL),"
     " count(*) FILTER (WHERE voided_at IS NOT NULL)"
     " FROM votes WHERE contest_id = $1::bigint",
     1},
    /* ADM_JUDGE_LIST: $1 contest id -> username, 't' when the role covers
     * every contest */
    {"SELECT a.username, r.contest_id IS NULL FROM roles r"
     " JOIN accounts a ON a.id = r.account_id"
     " WHERE r.role = 'judge'"
     " AND (r.contest_id = $1::bigint OR r.contest_id IS NULL)"
     " ORDER BY lower(a.username)",
     1},
};

/*
 * Finds the repository from the executable's location: the binary is
 * <repo>/build/netdep-admin, so the repository is its directory's parent.
 * Returns 0 with the path in out, or -1.
 */
static int
repo_dir(char *out, size_t outlen)
{
	char    exe[PATH_MAX];
	ssize_t n;
	char   *slash;
	int     i;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 || (size_t)n >= sizeof(exe) - 1)
		return -1;
	exe[n] = '\0';
	for (i = 0; i < 2; i++) {
		slash = strrchr(exe, '/');
		if (slash == NULL)
			return -1;
		*slash = '\0';
	}
	if (exe[0] == '\0' || strlen(exe) >= outlen)
		return -1;
	memcpy(out, exe, strlen(exe) + 1);
	return 0;
}

struct adm_db *
admin_db_open(void)
{
	struct adm_db *db = NULL;
	PGconn        *conn = NULL;
	PGresult      *res = NULL;
	struct config  cfg;
	const char    *env;
	char           repo[PATH_MAX];
	char           host[PATH_MAX + 16];

	/* The same configuration as the server (file and environment). */
	if (config_load(&cfg) != 0)
		return NULL;
	env = cfg.db;
	if (cfg.db_set) {
		/* expand_dbname = 1: dbname holds the whole conninfo. */
		const char *keys[] = {"dbname", "fallback_application_name",
		                      NULL};
		const char *vals[] = {env, "netdep-admin", NULL};

		conn = PQconnectdbParams(keys, vals, 1);
	} else {
		const char *keys[] = {"host", "dbname", "user",
		                      "fallback_application_name", NULL};
		const char *vals[] = {host, "netdep", "netdep_app",
		                      "netdep-admin", NULL};
		int         n;

		if (repo_dir(repo, sizeof(repo)) != 0) {
			fprintf(stderr, "netdep-admin: cannot find the "
			                "repository from /proc/self/exe; set "
			                "NETDEP_DB\n");
			return NULL;
		}
		n = snprintf(host, sizeof(host), "%s/var/run", repo);
		if (n < 0 || (size_t)n >= sizeof(host)) {
			fprintf(stderr, "netdep-admin: repository path too "
			                "long; set NETDEP_DB\n");
			return NULL;
		}
		conn = PQconnectdbParams(keys, vals, 0);
	}
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr,
		        "netdep-admin: cannot connect to the database (is "
		        "`make run` running? set NETDEP_DB): %s",
		        conn != NULL ? PQerrorMessage(conn)
		                     : "out of memory\n");
		goto fail;
	}
	/* Before any other statement, so no object of another schema can
	 * shadow ours. */
	res = PQexec(conn, "SELECT pg_catalog.set_config('search_path', "
	                   "'netdep', false)");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "netdep-admin: cannot set search_path: %s",
		        PQerrorMessage(conn));
		goto fail;
	}
	PQclear(res);
	res = NULL;
	db = calloc(1, sizeof(*db));
	if (db == NULL) {
		fprintf(stderr, "netdep-admin: out of memory\n");
		goto fail;
	}
	db->conn = conn;
	return db;
fail:
	PQclear(res);
	PQfinish(conn);
	return NULL;
}

/*
 * Checks and clears the result of a fixed command such as BEGIN (run with
 * PQexec and a literal at the call site).  Returns 0 or -1 (reported).
 */
static int
command_done(struct adm_db *db, PGresult *res, const char *what)
{
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "netdep-admin: %s failed: %s", what,
		        PQerrorMessage(db->conn));
		rc = -1;
	}
	PQclear(res);
	return rc;
}

void
admin_db_close(struct adm_db *db)
{
	PGresult *res;

	if (db == NULL)
		return;
	if (db->in_tx && PQstatus(db->conn) == CONNECTION_OK) {
		res = PQexec(db->conn, "ROLLBACK");
		PQclear(res);
	}
	PQfinish(db->conn);
	free(db);
}

int
admin_db_begin(struct adm_db *db, int readonly)
{
	PGresult *res;

	/* A read-only command sees one snapshot, so its counts agree. */
	if (readonly)
		res =
		    PQexec(db->conn,
		           "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
	else
		res = PQexec(db->conn, "BEGIN");
	if (command_done(db, res, "BEGIN") != 0)
		return -1;
	db->in_tx = 1;
	return 0;
}

int
admin_db_commit(struct adm_db *db)
{
	PGresult *res = PQexec(db->conn, "COMMIT");
	int       rc = 0;

	db->in_tx = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		if (PQstatus(db->conn) != CONNECTION_OK)
			fprintf(stderr,
			        "netdep-admin: the connection broke during "
			        "COMMIT: the change may or may not have been "
			        "saved; check before running the command "
			        "again: %s",
			        PQerrorMessage(db->conn));
		else
			fprintf(stderr,
			        "netdep-admin: COMMIT failed, nothing was "
			        "changed: %s",
			        PQerrorMessage(db->conn));
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* Copies a NUL-terminated field into the arena; "" when absent. */
static const char *
copy_field(struct arena *a, const PGresult *res, int field)
{
	const char *s = PQresultErrorField(res, field);

	return arena_strdup(a, s != NULL ? s : "");
}

int
admin_db_run(struct adm_db *db, struct arena *a, enum adm_stmt id,
             const char *const *params, struct adm_rows *out)
{
	PGresult      *res = NULL;
	ExecStatusType st;
	const char    *state;
	int            rc = ADM_ERR;
	int            r, c;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	res = PQexecParams(db->conn, stmts[id].sql, stmts[id].nparams, NULL,
	                   params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		if (out != NULL && st == PGRES_TUPLES_OK) {
			out->nrows = PQntuples(res);
			out->ncols = PQnfields(res);
			if (out->nrows > 0 && out->ncols > 0) {
				out->vals = arena_alloc(
				    a, sizeof(*out->vals) * (size_t)out->nrows *
				           (size_t)out->ncols);
				if (out->vals == NULL)
					goto oom;
			}
			for (r = 0; r < out->nrows; r++)
				for (c = 0; c < out->ncols; c++) {
					const char **v =
					    &out->vals[r * out->ncols + c];

					if (PQgetisnull(res, r, c))
						continue;
					*v = arena_strndup(
					    a, PQgetvalue(res, r, c),
					    (size_t)PQgetlength(res, r, c));
					if (*v == NULL)
						goto oom;
				}
		}
		rc = ADM_OK;
		goto out;
	}
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (st == PGRES_FATAL_ERROR && state != NULL &&
	    strncmp(state, "23", 2) == 0 && out != NULL) {
		out->sqlstate = copy_field(a, res, PG_DIAG_SQLSTATE);
		out->constraint = copy_field(a, res, PG_DIAG_CONSTRAINT_NAME);
		out->message = copy_field(a, res, PG_DIAG_MESSAGE_PRIMARY);
		if (out->sqlstate == NULL || out->constraint == NULL ||
		    out->message == NULL)
			goto oom;
		rc = ADM_NONE;
		goto out;
	}
	fprintf(stderr, "netdep-admin: database error: %s",
	        PQerrorMessage(db->conn));
	goto out;
oom:
	fprintf(stderr, "netdep-admin: out of memory\n");
	rc = ADM_ERR;
out:
	PQclear(res);
	return rc;
}

const char *
admin_db_val(const struct adm_rows *rs, int r, int c)
{
	if (rs == NULL || rs->vals == NULL || r < 0 || c < 0 ||
	    r >= rs->nrows || c >= rs->ncols)
		return NULL;
	return rs->vals[r * rs->ncols + c];
}

long long
admin_db_ll(const struct adm_rows *rs, int r, int c, long long def)
{
	const char *s = admin_db_val(rs, r, c);
	long long   v;

	if (s == NULL || !valid_int(s, strlen(s), LLONG_MIN, LLONG_MAX, &v))
		return def;
	return v;
}

int
admin_db_check(struct adm_db *db)
{
	PGresult *res;
	char      name[32];
	int       i, bad = 0;

	for (i = 0; i < ADM__MAX; i++) {
		(void)snprintf(name, sizeof(name), "adm_check_%d", i);
		res = PQprepare(db->conn, name, stmts[i].sql, stmts[i].nparams,
		                NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			fprintf(stderr, "netdep-admin: statement %d: %s", i,
			        PQerrorMessage(db->conn));
			bad++;
			PQclear(res);
			continue;
		}
		PQclear(res);
		res = PQdescribePrepared(db->conn, name);
		if (PQresultStatus(res) == PGRES_COMMAND_OK &&
		    PQnparams(res) != stmts[i].nparams) {
			fprintf(stderr,
			        "netdep-admin: statement %d takes %d "
			        "parameters, the table says %d\n",
			        i, PQnparams(res), stmts[i].nparams);
			bad++;
		}
		PQclear(res);
	}
	return bad;
}
