/*
 * db_ops.h: the data layer of operations: what a restore asks of the
 * database (sql/functions/088_ops.sql).
 */
#ifndef NETDEP_DB_OPS_H
#define NETDEP_DB_OPS_H

#include "db.h"

/* One media row whose files should be on disk. */
struct db_relink {
	const char *token;         /* 32 hex */
	const char *original_type; /* image/jpeg, image/png, image/webp */
	int public;                /* its entry is approved: pub/ links */
};

struct db_relink_list {
	int               n;
	struct db_relink *e; /* n rows, in the arena */
};

/* Every media row of an entry whose files are kept.  DB_OK or an error. */
int db_media_relink_list(struct db *db, struct arena *a,
                         struct db_relink_list *out);

extern const struct stmt_set db_ops_set;

#endif
