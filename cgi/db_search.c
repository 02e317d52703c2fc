/*
 * db_search.c: the entry search (db_search.h).  One statement, planned
 * for its values at every call (stmt.h per_call), so the query's key,
 * pattern and number are constants to the planner and the trigram index
 * entries_search_idx (partial on approved entries), the name btree
 * entries_author_key_idx and the unique
 * (contest, number) index serve it; tests/e2e/test_search.py checks the
 * plan (netdep-admin search-plan).
 */
#include "db_search.h"

#include "sqlfrag.h"
#include "stmt.h"

/* Rows each kind of match may read from its index. */
#define SEARCH_CANDIDATES "200"

enum search_q {
	Q_SEARCH, /* Q_SEARCH */
	Q__MAX
};

/*
 * $1 slug, $2 the query as typed (NFC), $3 rows.  entry_search()
 * (sql/functions/075_search.sql) finds the candidates of each kind from
 * the indexes; they are ranked here (an entry found twice keeps its best
 * kind) and each shown by primary keys.
 */
static const struct stmt q[Q__MAX] = {
    [Q_SEARCH] = {"entry_search",
                  "SELECT (SELECT coalesce(jsonb_agg((SELECT " ENTRY_JSON
                  " || jsonb_build_object('match', CASE t.kind WHEN 0 THEN "
                  "'number' WHEN 1 THEN 'prefix' ELSE 'similar' END)" ENTRY_FROM
                  "WHERE e.id = t.id) ORDER BY t.kind, t.sim "
                  "DESC, t.number), '[]') FROM (SELECT u.id, min(u.kind) "
                  "AS kind, max(u.sim) AS sim, min(u.number) AS number "
                  "FROM entry_search(k.id, $2, " SEARCH_CANDIDATES
                  ", $3::integer) u GROUP BY u.id ORDER BY 2, 3 DESC, 4 "
                  "LIMIT $3) t) "
                  "FROM contests k WHERE k.slug = $1",
                  3, DB_JSON__MAX, 1},
};

const struct stmt_set db_search_set = {"db_search", q, Q__MAX};

DB_READ_JSON3(db_search, &q[Q_SEARCH], slug, query, limit)

int
db_search_plan(struct db *db, struct arena *a, const char *slug,
               const char *query, const char *limit, const char **json)
{
	return db_explain(db, a, &q[Q_SEARCH],
	                  (const char *[]){slug, query, limit}, json);
}
