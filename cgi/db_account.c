/*
 * db_account.c: accounts and sessions.  A session is stored by the
 * SHA-256 of its token only (auth.c); a lookup joins the account and its
 * roles in one statement, because every authenticated request makes it.
 */
#include "db_account.h"

#include <inttypes.h>
#include <string.h>

enum account_q {
	Q_CREATE,         /* Q_CREATE */
	Q_CRED,           /* Q_CRED */
	Q_SESSION_INSERT, /* Q_SESSION_INSERT */
	Q_SESSION_GET,    /* Q_SESSION_GET */
	Q_SESSION_DELETE, /* Q_SESSION_DELETE */
	Q_SESSION_PURGE,  /* Q_SESSION_PURGE */
	Q_FIND,           /* Q_FIND: netdep-admin from here on */
	Q_PASSWORD,       /* Q_PASSWORD */
	Q_LIST,           /* Q_LIST */
	Q_SESSIONS_END,   /* Q_SESSIONS_END */
	Q_ROLE_GRANT,     /* Q_ROLE_GRANT */
	Q_ROLE_REVOKE,    /* Q_ROLE_REVOKE */
	Q_LOGIN_GATE,     /* Q_LOGIN_GATE: the brakes, 070_security.sql */
	Q_LOGIN_FAILED,   /* Q_LOGIN_FAILED */
	Q_LOGIN_OK,       /* Q_LOGIN_OK */
	Q_REGISTER_GATE,  /* Q_REGISTER_GATE */
	Q_SERVER_KEY,     /* Q_SERVER_KEY */
	Q_SECURITY_PURGE, /* Q_SECURITY_PURGE */
	Q_DISABLE,        /* Q_DISABLE: netdep-admin user disable|enable */
	Q__MAX
};

/* Columns of Q_FIND. */
enum find_col {
	FIND_ID,       /* FIND_ID */
	FIND_USERNAME, /* FIND_USERNAME: as stored */
	FIND__MAX
};

/* The one column of Q_SESSIONS_END and the role changes. */
enum count_col {
	COUNT_N, /* COUNT_N */
	COUNT__MAX
};

/* Columns of Q_LOGIN_GATE and Q_REGISTER_GATE. */
enum gate_col {
	GATE_OUTCOME, /* GATE_OUTCOME */
	GATE_RETRY,   /* GATE_RETRY: seconds */
	GATE__MAX
};

/* Columns of Q_CREATE. */
enum create_col {
	CREATE_ID, /* CREATE_ID */
	CREATE__MAX
};

/* Columns of Q_CRED. */
enum cred_col {
	CRED_ID,   /* CRED_ID */
	CRED_HASH, /* CRED_HASH */
	CRED__MAX
};

/* Columns of Q_SESSION_GET. */
enum session_col {
	SES_ID,           /* SES_ID */
	SES_USERNAME,     /* SES_USERNAME */
	SES_DISPLAY_NAME, /* SES_DISPLAY_NAME */
	SES_UNIT,         /* SES_UNIT */
	SES_UNIT_CODE,    /* SES_UNIT_CODE: the picked node's code */
	SES_CSRF,         /* SES_CSRF */
	SES_IS_ADMIN,     /* SES_IS_ADMIN: admin of every contest */
	SES_IS_JUDGE,     /* SES_IS_JUDGE: any role at all */
	SES_ROLES,        /* SES_ROLES: JSON */
	SES_CREATED_AT,   /* SES_CREATED_AT */
	SES__MAX
};

static const struct stmt q[Q__MAX] = {
    /* No row: the username is taken (any case; the unique index is on
     * lower(username)). */
    /* $10 not NULL: registered on the site, with the consents to the
     * rules and publication (120_consent.sql) in the same statement. */
    [Q_CREATE] = {"account_create",
                  "WITH n AS (INSERT INTO accounts (username, display_name, "
                  "unit, unit_id, email, phone, password_hash, "
                  "organiser_made, birth_year) VALUES ($1, $2, coalesce($3, "
                  "''), $4::bigint, $5, $6, $7, $8::boolean, $9::integer) ON "
                  "CONFLICT ((lower(username))) DO NOTHING RETURNING id) "
                  ", k AS (INSERT INTO consents (account_id, text_id, ip) "
                  "SELECT n.id, t, $10::inet FROM n, consent_current_ids("
                  "ARRAY['rules', 'publication']) t WHERE $10 IS NOT NULL) "
                  "SELECT id FROM n",
                  10, CREATE__MAX},
    [Q_CRED] = {"account_cred",
                "SELECT id, password_hash FROM accounts WHERE "
                "lower(username) = lower($1) AND disabled_at IS NULL",
                1, CRED__MAX},
    [Q_SESSION_INSERT] = {"session_insert",
                          "INSERT INTO sessions (token_hash, account_id, "
                          "csrf_token, expires_at, ip) VALUES (decode($1, "
                          "'hex'), $2, $3, now() + make_interval(days => "
                          "$4::int), $5::inet)",
                          5, 0},
    [Q_SESSION_GET] =
        {"session_get",
         /* A live session: not expired, used within $2 hours; its
          * last use is written at most once per sixtieth of that (72
          * minutes of the default 72 hours), so a session ends 59/60
          * of the idle time to the idle time after its last use.  A
          * write per minute was a non-HOT update (last_seen_at is
          * indexed for the purge) for every vote but the first of a
          * voter's minute. */
         "WITH s AS (SELECT token_hash, account_id, csrf_token, "
         "last_seen_at FROM sessions WHERE token_hash = decode($1, 'hex') "
         "AND expires_at > now() AND last_seen_at > now() - "
         "make_interval(hours => $2::int)), t AS (UPDATE sessions SET "
         "last_seen_at = now() WHERE token_hash = (SELECT token_hash FROM s "
         "WHERE last_seen_at < now() - make_interval(hours => $2::int) / "
         "60)) "
         "SELECT a.id, a.username, a.display_name, a.unit, (SELECT u.code "
         "FROM units u WHERE u.id = a.unit_id), "
         "s.csrf_token, EXISTS (SELECT 1 FROM roles r WHERE r.account_id = "
         "a.id AND r.role = 'admin' AND r.contest_id IS NULL), EXISTS "
         "(SELECT 1 FROM roles r WHERE r.account_id = a.id), "
         "coalesce((SELECT jsonb_agg(jsonb_build_object('role', r.role, "
         "'contest', k.slug) ORDER BY r.role, k.slug) FROM roles r LEFT JOIN "
         "contests k ON k.id = r.contest_id WHERE r.account_id = a.id), "
         "'[]'), a.created_at FROM s JOIN accounts a ON a.id = "
         "s.account_id WHERE a.disabled_at IS NULL",
         2, SES__MAX},
    [Q_SESSION_DELETE] = {"session_delete",
                          "DELETE FROM sessions WHERE token_hash = "
                          "decode($1, 'hex')",
                          1, 0},
    [Q_SESSION_PURGE] = {"session_purge",
                         "DELETE FROM sessions WHERE account_id = $1 AND "
                         "expires_at < now()",
                         1, 0},
    [Q_FIND] = {"account_find",
                "SELECT id, username FROM accounts WHERE lower(username) = "
                "lower($1)",
                1, FIND__MAX},
    [Q_PASSWORD] = {"account_password",
                    "UPDATE accounts SET password_hash = $2 WHERE id = "
                    "$1::bigint",
                    2, 0},
    /* username, display name, unit, unit code, roles ("admin",
     * "judge:slug", "judge:*"), status, created: the columns of
     * `netdep-admin user list`. */
    [Q_LIST] =
        {"account_list",
         "SELECT a.username, a.display_name, a.unit, (SELECT u.code FROM "
         "units u WHERE u.id = a.unit_id), "
         "coalesce(string_agg(r.role || ':' || coalesce(c.slug, '*'), "
         "',' ORDER BY r.role, c.slug NULLS FIRST), ''), CASE WHEN "
         "a.disabled_at IS NULL THEN 'active' ELSE 'disabled' END, "
         "to_char(a.created_at AT TIME ZONE 'UTC', "
         "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM accounts a LEFT JOIN "
         "roles r ON r.account_id = a.id LEFT JOIN contests c ON c.id = "
         "r.contest_id GROUP BY a.id ORDER BY lower(a.username)",
         0, 7},
    [Q_SESSIONS_END] = {"account_sessions_end",
                        "WITH d AS (DELETE FROM sessions WHERE account_id = "
                        "$1::bigint RETURNING 1) SELECT count(*) FROM d",
                        1, COUNT__MAX},
    [Q_ROLE_GRANT] = {"role_grant",
                      "WITH g AS (INSERT INTO roles (account_id, role, "
                      "contest_id) VALUES ($1::bigint, $2, $3::bigint) ON "
                      "CONFLICT DO NOTHING RETURNING 1) SELECT count(*) FROM g",
                      3, COUNT__MAX},
    [Q_ROLE_REVOKE] = {"role_revoke",
                       "WITH d AS (DELETE FROM roles WHERE account_id = "
                       "$1::bigint AND role = $2 AND contest_id IS NOT "
                       "DISTINCT FROM $3::bigint RETURNING 1) SELECT "
                       "count(*) FROM d",
                       3, COUNT__MAX},
    [Q_LOGIN_GATE] = {"login_gate",
                      "SELECT outcome, retry_after FROM login_gate($1, "
                      "$2::inet, decode($3, 'hex'), to_timestamp($4::bigint), "
                      "$5::int, $6::int)",
                      6, GATE__MAX},
    [Q_LOGIN_FAILED] = {"login_failed",
                        "SELECT login_failed($1, $2::inet, $3::int, $4::int)",
                        4, COUNT__MAX},
    [Q_LOGIN_OK] = {"login_succeeded",
                    "SELECT 1 FROM login_succeeded($1, $2::inet)", 2,
                    COUNT__MAX},
    [Q_REGISTER_GATE] = {"register_gate",
                         "SELECT outcome, retry_after FROM register_gate("
                         "$1::inet, decode($2, 'hex'), to_timestamp("
                         "$3::bigint), $4::int, $5::int, $6::int)",
                         6, GATE__MAX},
    [Q_SERVER_KEY] = {"server_key",
                      "SELECT encode(server_key($1, decode($2, 'hex')), "
                      "'hex')",
                      2, COUNT__MAX},
    /* Bans ($2 true) or lifts a ban; one row only when it changes. */
    [Q_DISABLE] = {"account_disable",
                   "WITH u AS (UPDATE accounts SET disabled_at = CASE WHEN "
                   "$2::boolean THEN now() END WHERE id = $1::bigint AND "
                   "(disabled_at IS NULL) = $2::boolean RETURNING 1) SELECT "
                   "count(*) FROM u",
                   2, COUNT__MAX},
    [Q_SECURITY_PURGE] = {"security_purge", "SELECT security_purge($1::int)", 1,
                          COUNT__MAX},
};

const struct stmt_set db_account_set = {"db_account", q, Q__MAX};

int
db_account_create(struct db *db, struct arena *a, const struct account_new *in,
                  int64_t *id, enum account_refusal *why)
{
	struct rows rs;
	int         rc;

	rc = db_exec(db, a, &q[Q_CREATE],
	             (const char *[]){in->username, in->display_name, in->unit,
	                              in->unit_id, in->email, in->phone,
	                              in->password_hash,
	                              in->organiser_made ? "true" : "false",
	                              in->birth_year, in->consent_ip},
	             &rs);
	if (rc == DB_NONE)
		*why = rs.sqlstate != NULL ? ACCOUNT_INVALID : ACCOUNT_TAKEN;
	if (rc == DB_OK)
		*id = rows_ll(&rs, 0, CREATE_ID, 0);
	return rc;
}

int
db_account_cred(struct db *db, struct arena *a, const char *username,
                struct account_cred *out)
{
	struct rows rs;
	int rc = db_exec(db, a, &q[Q_CRED], (const char *[]){username}, &rs);

	if (rc != DB_OK)
		return rc;
	out->id = rows_ll(&rs, 0, CRED_ID, 0);
	out->password_hash = rows_str(&rs, 0, CRED_HASH, NULL);
	return out->password_hash != NULL ? DB_OK : DB_ERR;
}

int
db_session_get(struct db *db, struct arena *a, const char *hash, int idle_hours,
               struct user *out)
{
	struct rows rs;
	char       *idle = arena_printf(a, "%d", idle_hours);
	int         rc;

	if (idle == NULL)
		return DB_ERR;
	rc = db_exec(db, a, &q[Q_SESSION_GET], (const char *[]){hash, idle},
	             &rs);
	if (rc != DB_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = rows_ll(&rs, 0, SES_ID, 0);
	out->username = rows_str(&rs, 0, SES_USERNAME, "");
	out->display_name = rows_str(&rs, 0, SES_DISPLAY_NAME, "");
	out->unit = rows_str(&rs, 0, SES_UNIT, "");
	out->unit_code = rows_str(&rs, 0, SES_UNIT_CODE, NULL);
	out->csrf = rows_str(&rs, 0, SES_CSRF, NULL);
	out->is_admin = rows_bool(&rs, 0, SES_IS_ADMIN, 0);
	out->is_judge = rows_bool(&rs, 0, SES_IS_JUDGE, 0);
	out->roles_json = rows_str(&rs, 0, SES_ROLES, "[]");
	out->created_at = rows_str(&rs, 0, SES_CREATED_AT, NULL);
	return DB_OK;
}

int
db_session_insert(struct db *db, struct arena *a, const char *hash,
                  int64_t account, const char *csrf, int days, const char *ip)
{
	char *id = arena_printf(a, "%" PRId64, account);
	char *d = arena_printf(a, "%d", days);
	int   rc;

	if (id == NULL || d == NULL)
		return DB_ERR;
	rc = db_exec(db, a, &q[Q_SESSION_INSERT],
	             (const char *[]){hash, id, csrf, d, ip}, NULL);
	return rc == DB_NONE ? DB_ERR : rc;
}

int
db_session_delete(struct db *db, struct arena *a, const char *hash)
{
	return db_exec(db, a, &q[Q_SESSION_DELETE], (const char *[]){hash},
	               NULL);
}

int
db_session_purge(struct db *db, struct arena *a, int64_t account)
{
	char *id = arena_printf(a, "%" PRId64, account);

	if (id == NULL)
		return DB_ERR;
	return db_exec(db, a, &q[Q_SESSION_PURGE], (const char *[]){id}, NULL);
}

int
db_account_find(struct db *db, struct arena *a, const char *username,
                const char **id, const char **spelled)
{
	struct rows rs;
	int rc = db_exec(db, a, &q[Q_FIND], (const char *[]){username}, &rs);

	if (rc != DB_OK)
		return rc;
	*id = rows_str(&rs, 0, FIND_ID, NULL);
	if (spelled != NULL)
		*spelled = rows_str(&rs, 0, FIND_USERNAME, username);
	return *id != NULL ? DB_OK : DB_ERR;
}

int
db_account_password(struct db *db, struct arena *a, const char *id,
                    const char *hash)
{
	int rc =
	    db_exec(db, a, &q[Q_PASSWORD], (const char *[]){id, hash}, NULL);

	return rc == DB_NONE ? DB_ERR : rc;
}

int
db_account_list(struct db *db, struct arena *a, struct db_table *out)
{
	return db_table(db, a, &q[Q_LIST], NULL, out);
}

/* Runs a statement answering one count; the tri-state, *n the count. */
static int
account_count(struct db *db, struct arena *a, enum account_q which,
              const char *const *params, int *n)
{
	struct rows rs;
	int         rc = db_exec(db, a, &q[which], params, &rs);

	*n = rc == DB_OK ? (int)rows_ll(&rs, 0, COUNT_N, 0) : 0;
	return rc == DB_NONE ? DB_ERR : rc;
}

int
db_account_sessions_end(struct db *db, struct arena *a, const char *id,
                        int *ended)
{
	return account_count(db, a, Q_SESSIONS_END, (const char *[]){id},
	                     ended);
}

int
db_role_change(struct db *db, struct arena *a, const char *id, const char *role,
               const char *contest, int grant, int *changed)
{
	return account_count(db, a, grant ? Q_ROLE_GRANT : Q_ROLE_REVOKE,
	                     (const char *[]){id, role, contest}, changed);
}

/* Runs a gate statement: its outcome and retry_after into *out. */
static int
gate_run(struct db *db, struct arena *a, enum account_q which,
         const char *const *params, struct auth_gate *out)
{
	struct rows rs;
	int         rc = db_exec(db, a, &q[which], params, &rs);

	if (rc != DB_OK)
		return rc == DB_NONE ? DB_ERR : rc;
	out->outcome = rows_str(&rs, 0, GATE_OUTCOME, "ok");
	out->retry_after = (int)rows_ll(&rs, 0, GATE_RETRY, 0);
	return DB_OK;
}

int
db_login_gate(struct db *db, struct arena *a, const char *name, const char *ip,
              const struct auth_pow *pow, int src_free, int name_free,
              struct auth_gate *out)
{
	char *exp = pow ? arena_printf(a, "%lld", pow->expires) : NULL;
	char *sf = arena_printf(a, "%d", src_free);
	char *nf = arena_printf(a, "%d", name_free);

	if ((pow != NULL && exp == NULL) || sf == NULL || nf == NULL)
		return DB_ERR;
	return gate_run(
	    db, a, Q_LOGIN_GATE,
	    (const char *[]){name, ip, pow ? pow->sig_hex : NULL, exp, sf, nf},
	    out);
}

int
db_login_failed(struct db *db, struct arena *a, const char *name,
                const char *ip, int free_failures, int max_s, int *wait_s)
{
	char *f = arena_printf(a, "%d", free_failures);
	char *m = arena_printf(a, "%d", max_s);

	if (f == NULL || m == NULL)
		return DB_ERR;
	return account_count(db, a, Q_LOGIN_FAILED,
	                     (const char *[]){name, ip, f, m}, wait_s);
}

int
db_login_succeeded(struct db *db, struct arena *a, const char *name,
                   const char *ip)
{
	int n;

	return account_count(db, a, Q_LOGIN_OK, (const char *[]){name, ip}, &n);
}

int
db_register_gate(struct db *db, struct arena *a, const char *ip,
                 const struct auth_pow *pow, int src_free, int src_max,
                 int all_max, struct auth_gate *out)
{
	char *exp = pow ? arena_printf(a, "%lld", pow->expires) : NULL;
	char *sf = arena_printf(a, "%d", src_free);
	char *sm = arena_printf(a, "%d", src_max);
	char *am = arena_printf(a, "%d", all_max);

	if ((pow != NULL && exp == NULL) || sf == NULL || sm == NULL ||
	    am == NULL)
		return DB_ERR;
	return gate_run(
	    db, a, Q_REGISTER_GATE,
	    (const char *[]){ip, pow ? pow->sig_hex : NULL, exp, sf, sm, am},
	    out);
}

int
db_server_key(struct db *db, struct arena *a, const char *purpose,
              const char *candidate_hex, const char **key_hex)
{
	struct rows rs;
	int         rc = db_exec(db, a, &q[Q_SERVER_KEY],
	                         (const char *[]){purpose, candidate_hex}, &rs);

	if (rc != DB_OK)
		return rc == DB_NONE ? DB_ERR : rc;
	*key_hex = rows_str(&rs, 0, COUNT_N, NULL);
	return *key_hex != NULL ? DB_OK : DB_ERR;
}

int
db_security_purge(struct db *db, struct arena *a, int idle_hours,
                  long long *removed)
{
	struct rows rs;
	char       *h = arena_printf(a, "%d", idle_hours);
	int         rc;

	if (h == NULL)
		return DB_ERR;
	rc = db_exec(db, a, &q[Q_SECURITY_PURGE], (const char *[]){h}, &rs);
	*removed = rc == DB_OK ? rows_ll(&rs, 0, COUNT_N, 0) : 0;
	return rc == DB_NONE ? DB_ERR : rc;
}

int
db_account_disable(struct db *db, struct arena *a, const char *id, int disable,
                   int *changed)
{
	return account_count(db, a, Q_DISABLE,
	                     (const char *[]){id, disable ? "true" : "false"},
	                     changed);
}
