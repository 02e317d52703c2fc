/*
 * db_vote.c: votes and the boards they make.  A vote is one call of
 * vote_cast(), which decides every rule in one transaction; the folder
 * moves queued counts into the board tables; boards are top-N walks of
 * those tables' indexes, built as JSON by PostgreSQL (sqlfrag.h).
 */
#include "db_vote.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sqlfrag.h"

enum vote_q {
	Q_CAST,        /* Q_CAST */
	Q_FOLD,        /* Q_FOLD */
	Q_PURGE,       /* Q_PURGE */
	Q_BOARD_ALL,   /* Q_BOARD_ALL */
	Q_BOARD_TODAY, /* Q_BOARD_TODAY */
	Q_BOARD_WEEK,  /* Q_BOARD_WEEK */
	Q_BOARD_UNITS, /* Q_BOARD_UNITS */
	Q__MAX
};

/* Columns of Q_CAST: one row per vote, in the order sent. */
enum cast_col {
	CAST_I,       /* CAST_I: the vote's place in the batch, from 1 */
	CAST_OUTCOME, /* CAST_OUTCOME */
	CAST_VOTER,   /* CAST_VOTER */
	CAST_COUNT,   /* CAST_COUNT */
	CAST_LEFT,    /* CAST_LEFT */
	CAST__MAX
};

/* Columns of Q_PURGE. */
enum purge_col {
	PURGE_COUNT, /* PURGE_COUNT: votes whose forensics were nulled */
	PURGE__MAX
};

/* Columns of every board query. */
enum board_col {
	BOARD_JSON,    /* BOARD_JSON */
	BOARD_LASTMOD, /* BOARD_LASTMOD */
	BOARDC__MAX
};

static const struct stmt q[Q__MAX] = {
    [Q_CAST] = {"vote_cast_batch",
                "SELECT i, outcome, voter, vote_count, votes_left FROM "
                "vote_cast_batch(now(), $1::integer, $2::text[], $3::text[], "
                "$4::bigint[], $5::inet[], $6::text[], $7::text[], "
                "$8::text[], $9::bigint[], $10::boolean[])",
                10, CAST__MAX},
    [Q_FOLD] = {"vote_fold", "SELECT vote_fold()", 0, 1},
    [Q_PURGE] = {"vote_purge", "SELECT vote_purge_forensics($1::int, $2::int)",
                 2, PURGE__MAX},
    /*
     * Boards read the folded counts (030_votes.sql): top N straight from
     * the entry_stats index, most votes first, ties oldest entry first.
     * Ranks are computed after the limit (exact: every entry with more
     * votes comes before); a window over the scan itself read whole tie
     * groups, thousands of entries at a million (131 ms against 1 ms).
     * No row means no such contest.  Planned per call (stmt.h): the
     * filters are optional.
     */
    [Q_BOARD_ALL] =
        {"leaderboard",
         "SELECT (SELECT coalesce(jsonb_agg(jsonb_build_object('rank', t.rk, "
         "'votes', t.votes, 'entry', " ENTRY_JSON ") ORDER BY t.rk, "
         "t.entry_id), '[]') FROM (SELECT x.*, rank() OVER (ORDER BY x.votes "
         "DESC) AS rk FROM (SELECT s.entry_id, s.votes FROM entry_stats s "
         "WHERE s.contest_id = c.id AND " LB_FILTERS " ORDER BY s.votes DESC, "
         "s.entry_id LIMIT $5) x) t " LB_ENTRY_FROM "), " LB_LASTMOD
         " FROM contests c LEFT JOIN fold_state f ON "
         "f.contest_id = c.id WHERE c.slug = $1",
         5, BOARDC__MAX, 1},
    [Q_BOARD_TODAY] = {"leaderboard_today",
                       LB_PERIOD("entry_day_counts", "vote_day", LB_VN_TODAY),
                       5, BOARDC__MAX, 1},
    [Q_BOARD_WEEK] = {"leaderboard_week",
                      LB_PERIOD("entry_week_counts", "week", LB_VN_WEEK), 5,
                      BOARDC__MAX, 1},
    /*
     * A level of the unit tree (unit_stats, folded; unit_board() in
     * 080_units.sql): the top $4 by votes, or by participants per 100
     * members ($3), and the "other" row of unmapped units.
     */
    [Q_BOARD_UNITS] = {"leaderboard_units",
                       "SELECT unit_board(c.id, $2, $3::boolean, $4::int), "
                       "" LB_LASTMOD " FROM contests c LEFT JOIN fold_state f "
                       "ON f.contest_id = c.id WHERE c.slug = $1",
                       4, BOARDC__MAX},
};

const struct stmt_set db_vote_set = {"db_vote", q, Q__MAX};

int
db_vote_cast_batch(struct db *db, struct arena *a, int idle_hours, int n,
                   const struct vote_req *reqs, struct vote_ans *out)
{
	/* The batch's columns, one array literal each ("" is none). */
	enum { TOKEN, CSRF, ENTRY, IP, UA, KEY, SIG, EXPIRES, BAD, NCOL };
	struct db_array col[NCOL] = {0};
	const char     *lit[NCOL];
	struct rows     rs;
	char           *idle = arena_printf(a, "%d", idle_hours);
	int             rc;

	if (idle == NULL || n < 1)
		return DB_ERR;
	for (int i = 0; i < n; i++) {
		const struct vote_req *v = &reqs[i];
		const char            *text[] = {[TOKEN] = v->token,
		                                 [CSRF] = v->csrf,
		                                 [IP] = v->ip,
		                                 [UA] = v->ua_hash,
		                                 [KEY] = v->key,
		                                 [SIG] = v->pow_sig,
		                                 [BAD] = v->pow_bad ? "t" : "f"};

		int bad =
		    db_array_add_int(a, &col[ENTRY], v->entry) |
		    (v->pow_sig[0]
		         ? db_array_add_int(a, &col[EXPIRES], v->pow_expires)
		         : db_array_add(a, &col[EXPIRES], NULL));

		for (int c = 0; c < NCOL; c++)
			if (text[c] != NULL) /* the numbers are added above */
				bad |= db_array_add(a, &col[c],
				                    *text[c] ? text[c] : NULL);
		if (bad != 0)
			return DB_ERR;
	}
	for (int c = 0; c < NCOL; c++)
		if ((lit[c] = db_array_end(a, &col[c])) == NULL)
			return DB_ERR;
	rc = db_exec(db, a, &q[Q_CAST],
	             (const char *[]){idle, lit[TOKEN], lit[CSRF], lit[ENTRY],
	                              lit[IP], lit[UA], lit[KEY], lit[SIG],
	                              lit[EXPIRES], lit[BAD]},
	             &rs);
	if (rc != DB_OK)
		return rc == DB_NONE && rs.sqlstate == NULL ? DB_ERR : rc;
	if (rs.nrows != n)
		return DB_ERR; /* one row per vote, always */
	for (int i = 0; i < n; i++) {
		const char *o = rows_str(&rs, i, CAST_OUTCOME, NULL);

		if (rows_ll(&rs, i, CAST_I, 0) != i + 1 || o == NULL ||
		    strlen(o) >= sizeof(out[i].outcome))
			return DB_ERR;
		memset(&out[i], 0, sizeof(out[i]));
		out[i].rc = DB_OK;
		snprintf(out[i].outcome, sizeof(out[i].outcome), "%s", o);
		out[i].voter = rows_ll(&rs, i, CAST_VOTER, 0);
		out[i].vote_count = rows_ll(&rs, i, CAST_COUNT, 0);
		out[i].votes_left = (int32_t)rows_ll(&rs, i, CAST_LEFT, -1);
	}
	return DB_OK;
}

int
db_vote_fold(struct db *db, struct arena *a)
{
	struct rows rs;

	return db_exec(db, a, &q[Q_FOLD], NULL, &rs);
}

int
db_vote_purge(struct db *db, struct arena *a, long days, long batch,
              int64_t *purged)
{
	struct rows rs;
	char        d[24], b[24];
	int         rc;

	snprintf(d, sizeof(d), "%ld", days);
	snprintf(b, sizeof(b), "%ld", batch);
	*purged = 0;
	rc = db_exec(db, a, &q[Q_PURGE], (const char *[]){d, b}, &rs);
	if (rc == DB_OK)
		*purged = rows_ll(&rs, 0, PURGE_COUNT, 0);
	return rc;
}

/* Copies a board query's row into out. */
static int
board_copy(int rc, const struct rows *rs, struct board_read *out)
{
	if (rc != DB_OK)
		return rc;
	out->json = rows_str(rs, 0, BOARD_JSON, NULL);
	out->last_modified = rows_str(rs, 0, BOARD_LASTMOD, NULL);
	return out->json != NULL ? DB_OK : DB_ERR;
}

int
db_board_votes(struct db *db, struct arena *a, const char *slug,
               enum board_period period, const struct board_filter *f,
               struct board_read *out)
{
	static const enum vote_q by_period[BOARD__MAX] = {
	    Q_BOARD_ALL,   /* BOARD_ALL */
	    Q_BOARD_TODAY, /* BOARD_TODAY */
	    Q_BOARD_WEEK,  /* BOARD_WEEK */
	};
	struct rows rs;
	char       *cat = NULL, *limit = arena_printf(a, "%" PRId64, f->limit);

	if (f->category > 0)
		cat = arena_printf(a, "%" PRId64, f->category);
	if (limit == NULL || (f->category > 0 && cat == NULL) ||
	    period >= BOARD__MAX)
		return DB_ERR;
	return board_copy(
	    db_exec(db, a, &q[by_period[period]],
	            (const char *[]){slug, cat, f->unit, f->unit_code, limit},
	            &rs),
	    &rs, out);
}

int
db_board_units(struct db *db, struct arena *a, const char *slug,
               const char *level, int by_rate, int64_t limit,
               struct board_read *out)
{
	struct rows rs;
	char       *n = arena_printf(a, "%" PRId64, limit);

	if (n == NULL)
		return DB_ERR;
	return board_copy(
	    db_exec(
	        db, a, &q[Q_BOARD_UNITS],
	        (const char *[]){slug, level, by_rate ? "true" : "false", n},
	        &rs),
	    &rs, out);
}
