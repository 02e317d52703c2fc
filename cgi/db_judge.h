/*
 * db_judge.h: the data layer of the judging pages of issue 17: a
 * moderation decision taken back (sql/functions/170_judge.sql) and the
 * moderation queue read a page at a time (keyset on the entries' age).
 */
#ifndef NETDEP_DB_JUDGE_H
#define NETDEP_DB_JUDGE_H

#include "db.h"

/* entry_decision_revert(): outcome ok with {"entry": {...}} or why not. */
int db_decision_revert(struct db *db, struct arena *a, const char *entry,
                       const struct db_actor *by, struct db_answer *out);

/*
 * One page of the pending entries judge uid may decide in contest slug
 * (NULL: all), oldest first, after entry `after` (NULL: from the start):
 * {"entries": [...], "next": id or null, "total": n}.
 */
int db_mod_queue_page(struct db *db, struct arena *a, const char *uid,
                      const char *slug, const char *after, const char *limit,
                      const char **json);

extern const struct stmt_set db_judge_set;

#endif
