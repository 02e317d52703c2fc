/*
 * db_judge.c: the judging pages of issue 17 (db_judge.h).  The revert is
 * the function of sql/functions/170_judge.sql; the queue page is the
 * query of db_jury.c's queue with a keyset: (created_at, id) after the
 * entry named by the cursor, one more row than asked to know if a next
 * page exists.
 */
#include "db_judge.h"

#include "sqlfrag.h"
#include "stmt.h"

enum judge_q {
	Q_REVERT,     /* Q_REVERT */
	Q_QUEUE_PAGE, /* Q_QUEUE_PAGE */
	Q__MAX
};

#define QUEUE_WHERE                                                            \
	"WHERE e.status = 'pending' AND is_judge_of($1, e.contest_id) AND "    \
	"NOT jury_conflict($1, e.id) AND ($2::text IS NULL OR c.slug = $2)"

static const struct stmt q[Q__MAX] = {
    [Q_REVERT] = {"judge_revert",
                  "SELECT outcome, detail, body FROM "
                  "entry_decision_revert($1, $2, $3, $4)",
                  4, DB_ANS__MAX},
    [Q_QUEUE_PAGE] =
        {"judge_queue_page",
         "WITH p AS (SELECT e.id, e.created_at FROM entries e JOIN contests c "
         "ON c.id = e.contest_id " QUEUE_WHERE
         " AND ($3::bigint IS NULL OR (e.created_at, e.id) > (SELECT "
         "x.created_at, x.id FROM entries x WHERE x.id = $3)) ORDER BY "
         "e.created_at, e.id LIMIT $4::int + 1), k AS (SELECT * FROM p ORDER "
         "BY created_at, id LIMIT $4::int) SELECT jsonb_build_object("
         "'entries', coalesce((SELECT jsonb_agg(" ENTRY_JSON
         " || " ENTRY_PRIVATE_JSON
         " || jsonb_build_object('author_username', a.username, 'similar', "
         "entry_similar(e.id, $1, " SIMILAR_MAX_BITS_SQL
         ", 5)) ORDER BY e.created_at, e.id)" ENTRY_FROM
         "WHERE e.id IN (SELECT id FROM k)), '[]'), 'next', CASE WHEN "
         "(SELECT count(*) FROM p) > $4::int THEN (SELECT id FROM k ORDER BY "
         "created_at DESC, id DESC LIMIT 1) END, 'total', (SELECT count(*) "
         "FROM entries e JOIN contests c ON c.id = e.contest_id " QUEUE_WHERE
         "))",
         4, DB_JSON__MAX},
};

const struct stmt_set db_judge_set = {"db_judge", q, Q__MAX};

int
db_decision_revert(struct db *db, struct arena *a, const char *entry,
                   const struct db_actor *by, struct db_answer *out)
{
	return db_answer(db, a, &q[Q_REVERT],
	                 (const char *[]){entry, by->id, by->name, by->ip},
	                 out);
}

int
db_mod_queue_page(struct db *db, struct arena *a, const char *uid,
                  const char *slug, const char *after, const char *limit,
                  const char **json)
{
	return db_json(db, a, &q[Q_QUEUE_PAGE],
	               (const char *[]){uid, slug, after, limit}, json);
}
