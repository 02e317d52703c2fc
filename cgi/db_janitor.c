/*
 * db_janitor.c: the janitor's statements.  The decision and the mark are
 * one SQL function, entry_files_purge() (sql/functions/020_entries.sql),
 * so the row lock, the re-check and the audit rows cannot be split.
 */
#include "db_janitor.h"

#include <stdio.h>

#include "stmt.h"

enum janitor_q {
	Q_DUE,         /* Q_DUE */
	Q_PURGE,       /* Q_PURGE */
	Q_QUOTA_PRUNE, /* Q_QUOTA_PRUNE */
	Q__MAX
};

/* Columns of Q_DUE; Q_PURGE answers the first two. */
enum due_col {
	DUE_ENTRY,  /* DUE_ENTRY */
	DUE_TOKEN,  /* DUE_TOKEN */
	DUE_STATUS, /* DUE_STATUS */
	DUE_CLOSED, /* DUE_CLOSED */
	DUE__MAX
};

enum purge_col {
	PURGE_ENTRY, /* PURGE_ENTRY */
	PURGE_TOKEN, /* PURGE_TOKEN */
	PURGE__MAX
};

enum prune_col {
	PRUNE_COUNT, /* PRUNE_COUNT */
	PRUNE__MAX
};

static const struct stmt q[Q__MAX] = {
    [Q_DUE] = {"janitor_due",
               "SELECT e.id, m.token, e.status, to_char(e.closed_at AT TIME "
               "ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM entries e "
               "JOIN media m ON m.entry_id = e.id WHERE e.closed_at IS NOT "
               "NULL AND e.files_purged_at IS NULL AND e.status NOT IN "
               "('pending', 'approved') AND e.closed_at < now() - "
               "make_interval(days => $1::int) ORDER BY e.closed_at, e.id "
               "LIMIT $2::int",
               2, DUE__MAX},
    [Q_PURGE] = {"janitor_purge",
                 "SELECT entry_id, token FROM entry_files_purge($1::int, "
                 "$2::int, $3)",
                 3, PURGE__MAX},
    [Q_QUOTA_PRUNE] = {"janitor_quota_prune",
                       "WITH d AS (DELETE FROM upload_quota WHERE day < "
                       "upload_day() - 1 RETURNING 1) SELECT count(*) FROM d",
                       0, PRUNE__MAX},
};

const struct stmt_set db_janitor_set = {"db_janitor", q, Q__MAX};

/* Copies rows of (entry, token[, status, closed_at]) into out. */
static int
batch_read(struct arena *a, const struct rows *rs, int full,
           struct db_purge_batch *out)
{
	out->n = 0;
	out->e = NULL;
	if (rs->nrows == 0)
		return DB_OK;
	out->e = arena_alloc(a, (size_t)rs->nrows * sizeof(*out->e));
	if (out->e == NULL)
		return DB_ERR;
	for (int i = 0; i < rs->nrows; i++) {
		struct db_purged *p = &out->e[out->n];

		p->entry = rows_str(rs, i, DUE_ENTRY, NULL);
		p->token = rows_str(rs, i, DUE_TOKEN, NULL);
		p->status = full ? rows_str(rs, i, DUE_STATUS, "") : "";
		p->closed_at = full ? rows_str(rs, i, DUE_CLOSED, "") : "";
		if (p->entry == NULL || p->token == NULL)
			return DB_ERR;
		out->n++;
	}
	return DB_OK;
}

int
db_janitor_due(struct db *db, struct arena *a, int days, int limit,
               struct db_purge_batch *out)
{
	struct rows rs;
	char        d[16], l[16];
	int         rc;

	snprintf(d, sizeof(d), "%d", days);
	snprintf(l, sizeof(l), "%d", limit);
	rc = db_exec(db, a, &q[Q_DUE], (const char *[]){d, l}, &rs);
	if (rc == DB_NONE && rs.sqlstate != NULL)
		return DB_ERR; /* no rule of these tables refuses them */
	if (rc < 0)
		return rc;
	return batch_read(a, &rs, 1, out);
}

int
db_janitor_purge(struct db *db, struct arena *a, int days, int limit,
                 const char *actor, struct db_purge_batch *out)
{
	struct rows rs;
	char        d[16], l[16];
	int         rc;

	snprintf(d, sizeof(d), "%d", days);
	snprintf(l, sizeof(l), "%d", limit);
	rc = db_exec(db, a, &q[Q_PURGE], (const char *[]){d, l, actor}, &rs);
	if (rc == DB_NONE && rs.sqlstate != NULL)
		return DB_ERR; /* no rule of these tables refuses them */
	if (rc < 0)
		return rc;
	return batch_read(a, &rs, 0, out);
}

int
db_janitor_quota_prune(struct db *db, struct arena *a, long long *n)
{
	struct rows rs;
	int         rc = db_exec(db, a, &q[Q_QUOTA_PRUNE], NULL, &rs);

	*n = rc == DB_OK ? rows_ll(&rs, 0, PRUNE_COUNT, 0) : 0;
	return rc;
}
