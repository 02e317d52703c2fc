/*
 * db_metrics.c: the statements of GET /metrics (db_metrics.h).
 */
#include "db_metrics.h"

#include "stmt.h"

enum metrics_q {
	Q_FOLD_QUEUE, /* Q_FOLD_QUEUE */
	Q__MAX
};

enum fold_queue_col {
	FQ_ROWS, /* FQ_ROWS */
	FQ__MAX
};

static const struct stmt q[Q__MAX] = {
    [Q_FOLD_QUEUE] = {"metrics_fold_queue", "SELECT metrics_fold_queue()", 0,
                      FQ__MAX},
};

const struct stmt_set db_metrics_set = {"db_metrics", q, Q__MAX};

int
db_metrics_fold_queue(struct db *db, struct arena *a, long long *rows)
{
	struct rows rs;
	int         rc = db_exec(db, a, &q[Q_FOLD_QUEUE], NULL, &rs);

	*rows = rc == DB_OK ? rows_ll(&rs, 0, FQ_ROWS, -1) : -1;
	return rc;
}
