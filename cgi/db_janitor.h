/*
 * db_janitor.h: the data layer of the janitor (janitor.c): which closed
 * entries' files are due for removal, marking them purged, and pruning
 * the upload quota's old days (sql/functions/020_entries.sql).
 */
#ifndef NETDEP_DB_JANITOR_H
#define NETDEP_DB_JANITOR_H

#include "db.h"

/* One entry whose files are (or would be) removed. */
struct db_purged {
	const char *entry;     /* id, decimal */
	const char *token;     /* its media token */
	const char *status;    /* rejected, withdrawn (due list only) */
	const char *closed_at; /* ISO 8601 (due list only) */
};

struct db_purge_batch {
	int               n;
	struct db_purged *e; /* n entries, in the arena */
};

/*
 * The entries closed for longer than days whose files are still there,
 * oldest first, at most limit: what the janitor would purge now (its dry
 * run).  Read-only.  DB_OK (also with n 0) or an error.
 */
int db_janitor_due(struct db *db, struct arena *a, int days, int limit,
                   struct db_purge_batch *out);

/*
 * Marks at most limit such entries purged (files_purged_at, one audit row
 * each by actor) in one statement and transaction of its own, and answers
 * their tokens: their files may go once this returned DB_OK, never
 * before.  Entries a concurrent transaction holds are skipped.  DB_OK
 * (also with n 0) or an error.
 */
int db_janitor_purge(struct db *db, struct arena *a, int days, int limit,
                     const char *actor, struct db_purge_batch *out);

/* Deletes upload_quota rows of days before yesterday; *n rows. */
int db_janitor_quota_prune(struct db *db, struct arena *a, long long *n);

extern const struct stmt_set db_janitor_set;

#endif
