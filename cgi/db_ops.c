/*
 * db_ops.c: the statements of operations (backups and restores); the
 * rules are SQL functions in sql/functions/088_ops.sql.
 */
#include "db_ops.h"

#include "stmt.h"

enum ops_q {
	Q_RELINK, /* Q_RELINK */
	Q__MAX
};

/* Columns of Q_RELINK. */
enum relink_col {
	RL_TOKEN,  /* RL_TOKEN */
	RL_TYPE,   /* RL_TYPE */
	RL_PUBLIC, /* RL_PUBLIC */
	RL__MAX
};

static const struct stmt q[Q__MAX] = {
    [Q_RELINK] = {"ops_media_relink",
                  "SELECT token, original_type, public FROM "
                  "media_relink_list()",
                  0, RL__MAX},
};

const struct stmt_set db_ops_set = {"db_ops", q, Q__MAX};

int
db_media_relink_list(struct db *db, struct arena *a, struct db_relink_list *out)
{
	struct rows rs;
	int         rc = db_exec(db, a, &q[Q_RELINK], NULL, &rs);

	out->n = 0;
	out->e = NULL;
	if (rc == DB_NONE)
		return rs.sqlstate == NULL ? DB_OK : DB_ERR; /* no media */
	if (rc < 0)
		return rc;
	out->e = arena_alloc(a, (size_t)rs.nrows * sizeof(*out->e));
	if (out->e == NULL)
		return DB_ERR;
	for (int i = 0; i < rs.nrows; i++) {
		struct db_relink *r = &out->e[i];

		r->token = rows_str(&rs, i, RL_TOKEN, NULL);
		r->original_type = rows_str(&rs, i, RL_TYPE, NULL);
		r->public = rows_bool(&rs, i, RL_PUBLIC, 0);
		if (r->token == NULL || r->original_type == NULL)
			return DB_ERR;
		out->n++;
	}
	return DB_OK;
}
