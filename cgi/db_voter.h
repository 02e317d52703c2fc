/*
 * db_voter.h: the signed-in voter's state on the voting pages (issue 17;
 * sql/functions/150_voter.sql).
 */
#ifndef NETDEP_DB_VOTER_H
#define NETDEP_DB_VOTER_H

#include <stdint.h>

#include "db.h"

extern const struct stmt_set db_voter_set;

/*
 * The state of voter (id) on contest slug for the entries ids (a
 * PostgreSQL array literal, "{1,2}"): {voted, own, votes_left,
 * votes_per_day, vote_rule, open} as JSON text.  DB_NONE: no contest.
 */
int db_voter_state(struct db *db, struct arena *a, const char *slug,
                   int64_t voter, const char *ids, const char **json);

#endif
