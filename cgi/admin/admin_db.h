/*
 * admin_db.h: the admin tool's database access.  Every statement the tool
 * runs is listed once in admin_db.c, indexed by enum adm_stmt, with $n
 * parameters only.  PGresult never leaves admin_db.c: rows are copied into
 * the caller's arena.  A command runs in exactly one transaction.
 */
#ifndef NETDEP_ADMIN_DB_H
#define NETDEP_ADMIN_DB_H

#include "../arena.h"

/* Tri-state results, as in the workers' db.h. */
#define ADM_OK   1    /* the statement ran */
#define ADM_NONE 0    /* an integrity rule refused it: see sqlstate */
#define ADM_ERR  (-1) /* any other error, already reported on stderr */

/*
 * The statements.  Parameters are text; NULL is SQL NULL.  The comment on
 * each row of the table in admin_db.c gives the parameters and columns.
 */
enum adm_stmt {
	ADM_ACCOUNT_FIND,
	ADM_ACCOUNT_INSERT,
	ADM_ACCOUNT_PASSWORD,
	ADM_ACCOUNT_LIST,
	ADM_SESSIONS_END,
	ADM_ROLE_GRANT,
	ADM_ROLE_REVOKE,
	ADM_AUDIT,
	ADM_CONTEST_INSERT,
	ADM_CONTEST_LOCK,
	ADM_CONTEST_UPDATE,
	ADM_CONTEST_SNAPSHOT,
	ADM_CONTEST_SHOW,
	ADM_CONTEST_LIST,
	ADM_CATEGORY_ADD,
	ADM_CATEGORY_LIST,
	ADM_CRITERION_ADD,
	ADM_CRITERION_LIST,
	ADM_ENTRY_COUNTS,
	ADM_VOTE_COUNTS,
	ADM_JUDGE_LIST,
	ADM__MAX
};

/*
 * ADM_CONTEST_UPDATE takes $1 the contest id, $2 a bit mask of the columns
 * to change, then one parameter per column in this order (bit i of the
 * mask selects parameter $(i + 3)).  Times are seconds since the epoch.
 */
enum adm_contest_col {
	ADM_COL_TITLE,
	ADM_COL_RULES,
	ADM_COL_SUBMIT_FROM,
	ADM_COL_SUBMIT_UNTIL,
	ADM_COL_VOTE_FROM,
	ADM_COL_VOTE_UNTIL,
	ADM_COL_RESULTS_AT,
	ADM_COL_MAX_ENTRIES,
	ADM_COL_VOTES_PER_DAY,
	ADM_COL_VOTE_RULE,
	ADM_COL_SELF_VOTE,
	ADM_COL_PUBLIC_WEIGHT,
	ADM_COL_MIN_SHORT_SIDE,
	ADM_COL_MAX_PIXELS,
	ADM_COL_MAX_SIDE,
	ADM_COL_MAX_BYTES,
	ADM_COL__MAX
};

struct adm_db;

/* Rows copied out of one result; everything lives in the caller's arena. */
struct adm_rows {
	int          nrows;
	int          ncols;
	const char **vals;       /* nrows * ncols; NULL for SQL NULL */
	const char  *sqlstate;   /* on ADM_NONE: the SQLSTATE (class 23) */
	const char  *constraint; /* on ADM_NONE: the constraint, or "" */
	const char  *message;    /* on ADM_NONE: the server's message */
};

/*
 * Connects to NETDEP_DB (a libpq conninfo) or, when it is unset, to the
 * development cluster under the repository holding this executable
 * (<repo>/var/run, found from /proc/self/exe), then sets search_path to
 * netdep.  Returns NULL after telling the user why on stderr (never the
 * conninfo).  Release with admin_db_close().
 */
struct adm_db *admin_db_open(void);

/* Rolls back an open transaction and closes; safe on NULL. */
void admin_db_close(struct adm_db *db);

/*
 * Starts the command's transaction: read-write, or a read-only repeatable
 * read snapshot when readonly is 1.  Returns 0 or -1 (reported).
 */
int admin_db_begin(struct adm_db *db, int readonly);

/*
 * Commits.  Returns 0, or -1 after reporting; when the connection broke
 * during COMMIT the message says the outcome is unknown.
 */
int admin_db_commit(struct adm_db *db);

/*
 * Runs statement id with its parameters (the count comes from the table).
 * Rows go to out (may be NULL when none are needed), copied into a.
 * Returns ADM_OK, ADM_NONE (integrity violation, out's sqlstate,
 * constraint and message set, nothing printed) or ADM_ERR (printed).
 */
int admin_db_run(struct adm_db *db, struct arena *a, enum adm_stmt id,
                 const char *const *params, struct adm_rows *out);

/* Value at row r, column c, or NULL (SQL NULL or out of range). */
const char *admin_db_val(const struct adm_rows *rs, int r, int c);

/* Integer value at row r, column c, or def when NULL or malformed. */
long long admin_db_ll(const struct adm_rows *rs, int r, int c, long long def);

/*
 * Prepares every statement of the table, so a test can prove that each
 * one parses against the schema.  Returns the number that failed (each
 * reported on stderr).
 */
int admin_db_check(struct adm_db *db);

#endif
