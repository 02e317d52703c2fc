/*
 * db_tracks.c: the statements of prize tracks, weekly snapshots and the
 * rules text (db_tracks.h).  The rules are the SQL functions of
 * sql/functions/100_tracks.sql; these statements call them.
 */
#include "db_tracks.h"

#include "stmt.h"

enum tracks_q {
	Q_RESULTS,    /* Q_RESULTS */
	Q_RULES,      /* Q_RULES */
	Q_SET,        /* Q_SET */
	Q_SNAP_TAKE,  /* Q_SNAP_TAKE */
	Q_SNAP_SHOW,  /* Q_SNAP_SHOW */
	Q_SNAP_CSV,   /* Q_SNAP_CSV */
	Q_CONTEST_ID, /* Q_CONTEST_ID */
	Q__MAX
};

/* Columns of Q_SNAP_TAKE and Q_CONTEST_ID. */
enum one_col {
	ONE_VALUE, /* ONE_VALUE */
	ONE__MAX
};

static const struct stmt q[Q__MAX] = {
    [Q_RESULTS] = {"tracks_results", "SELECT tracks_results($1)", 1,
                   DB_JSON__MAX},
    [Q_RULES] = {"tracks_rules", "SELECT tracks_rules($1)", 1, DB_JSON__MAX},
    [Q_SET] = {"tracks_set",
               "SELECT outcome, detail, body FROM "
               "tracks_set($1, $2, $3, $4, $5::jsonb)",
               5, DB_ANS__MAX},
    [Q_SNAP_TAKE] = {"snapshots_take", "SELECT snapshots_take($1, now())", 1,
                     ONE__MAX},
    [Q_SNAP_SHOW] = {"snapshots_show", "SELECT snapshots_show($1, $2)", 2,
                     DB_JSON__MAX},
    [Q_SNAP_CSV] = {"snapshot_csv",
                    "SELECT rank, entry_id, number, title, author, unit, "
                    "votes, total, voided_since FROM snapshot_csv($1, $2)",
                    2, 0},
    [Q_CONTEST_ID] = {"tracks_contest_id",
                      "SELECT id FROM contests WHERE slug = $1", 1, ONE__MAX},
};

const struct stmt_set db_tracks_set = {"db_tracks", q, Q__MAX};

DB_READ_JSON1(db_tracks_results, &q[Q_RESULTS], contest)

DB_READ_JSON1(db_tracks_rules, &q[Q_RULES], contest)

DB_READ_JSON2(db_snapshots_show, &q[Q_SNAP_SHOW], contest, week)

int
db_tracks_save(struct db *db, struct arena *a, const char *contest,
               const struct db_actor *by, const char *body,
               struct db_answer *out)
{
	return db_answer(
	    db, a, &q[Q_SET],
	    (const char *[]){contest, by->id, by->name, by->ip, body}, out);
}

int
db_snapshots_take(struct db *db, struct arena *a, const char *contest,
                  long long *taken)
{
	struct rows rs;
	int         rc =
	    db_exec(db, a, &q[Q_SNAP_TAKE], (const char *[]){contest}, &rs);

	*taken = rc == DB_OK ? rows_ll(&rs, 0, ONE_VALUE, 0) : 0;
	return rc;
}

int
db_snapshot_export(struct db *db, const char *contest, const char *week,
                   struct db_sink *sink)
{
	return db_stream(db, &q[Q_SNAP_CSV], (const char *[]){contest, week},
	                 sink->start, sink->row, sink->ctx, &sink->started);
}

int
db_tracks_contest_id(struct db *db, struct arena *a, const char *slug,
                     const char **id)
{
	struct rows rs;
	int rc = db_exec(db, a, &q[Q_CONTEST_ID], (const char *[]){slug}, &rs);

	if (rc == DB_OK && (*id = rows_str(&rs, 0, ONE_VALUE, NULL)) == NULL)
		return DB_ERR;
	return rc;
}
