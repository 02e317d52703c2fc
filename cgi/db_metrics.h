/*
 * db_metrics.h: what GET /metrics reads from the database
 * (sql/functions/087_metrics.sql).
 */
#ifndef NETDEP_DB_METRICS_H
#define NETDEP_DB_METRICS_H

#include "db.h"

extern const struct stmt_set db_metrics_set;

/* Vote changes waiting for the folder into *rows.  DB_OK or an error. */
int db_metrics_fold_queue(struct db *db, struct arena *a, long long *rows);

#endif
