/*
 * db_search.c: the entry search (db_search.h).  One statement, planned
 * for its values at every call (stmt.h per_call), so the query's key,
 * pattern and number are constants to the planner and the trigram index
 * entries_search_idx (partial on approved entries) and the unique
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
 * $1 slug, $2 the query as typed (NFC), $3 rows.  The three kinds of
 * match of contest c, each a LIMITed read of one index, then ranked:
 * an entry found twice keeps its best kind.  ext holds pg_trgm
 * (migration 012), outside the application's search path.
 */
#define SEARCH_KIND(kind, sim, cond)                                           \
	"(SELECT x.id, " kind " AS kind, " sim " AS sim, x.number FROM "       \
	"entries x WHERE x.contest_id = c.id AND x.status = 'approved' AND "   \
	"search_key($2) <> '' AND " cond " LIMIT " SEARCH_CANDIDATES ")"
#define SEARCH_SIM "ext.word_similarity(search_key($2), x.search_fold)"

static const struct stmt q[Q__MAX] = {
    [Q_SEARCH] = {"entry_search",
                  "SELECT (SELECT coalesce(jsonb_agg(" ENTRY_JSON
                  " || jsonb_build_object('match', CASE t.kind WHEN 0 THEN "
                  "'number' WHEN 1 THEN 'prefix' ELSE 'similar' END) ORDER "
                  "BY t.kind, t.sim DESC, t.number), '[]') FROM (SELECT "
                  "u.id AS entry_id, min(u.kind) AS kind, max(u.sim) AS sim, "
                  "min(u.number) AS number FROM (" SEARCH_KIND(
                      "0", "1::real", "x.number = search_number($2)")
                  " UNION ALL " SEARCH_KIND("1", SEARCH_SIM,
                                            "x.search_fold LIKE "
                                            "search_like($2)")
                  " UNION ALL " SEARCH_KIND(
                      "2", SEARCH_SIM,
                      "search_key($2) OPERATOR(ext.<%) x.search_fold")
                  ") u GROUP BY u.id ORDER BY 2, 3 DESC, 4 LIMIT $3) "
                  "t" LB_ENTRY_FROM ") FROM contests c WHERE c.slug = $1",
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
