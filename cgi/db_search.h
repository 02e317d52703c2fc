/*
 * db_search.h: finding a contest's entries by number, title, author and
 * unit (issue 15): diacritic- and case-free, typo-tolerant, ranked, and
 * served by indexes (sql/migrations/014_search.sql,
 * sql/functions/075_search.sql).
 */
#ifndef NETDEP_DB_SEARCH_H
#define NETDEP_DB_SEARCH_H

#include "db.h"

/* At most this many entries answer one query. */
#define SEARCH_LIMIT_MAX 50

/*
 * The approved entries of contest slug that query q finds, best first, at
 * most limit (decimal text, 1..SEARCH_LIMIT_MAX) plus one, so a caller can
 * tell there are more: *json is a JSON array of entries as anyone sees
 * them, each with "match" (number, prefix or similar).  Ranking: the
 * entry whose number q is, then entries with a word starting with q
 * (its words in order: "nguyen thi" finds "Nguyễn Thị Hà"; whole words
 * first), then, when those are fewer than limit and q is not a number,
 * entries a word of which is like q within pg_trgm's word similarity
 * (0.6 by default: a typo), closest first; within each, by number.  Each
 * kind reads at most SEARCH_CANDIDATES rows from its index, so no query
 * costs more than that however common its words.  DB_NONE: no such
 * contest.
 */
int db_search(struct db *db, struct arena *a, const char *slug, const char *q,
              const char *limit, const char **json);

/* EXPLAIN (FORMAT JSON) of that query, planned as db_search() runs it. */
int db_search_plan(struct db *db, struct arena *a, const char *slug,
                   const char *q, const char *limit, const char **json);

extern const struct stmt_set db_search_set;

#endif
