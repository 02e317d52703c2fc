/*
 * db_voter.c: the voter's state on the voting pages (issue 17), one call
 * of voter_state() (sql/functions/150_voter.sql), built as JSON there.
 */
#include "db_voter.h"

#include <inttypes.h>

enum voter_q {
	Q_STATE, /* Q_STATE */
	Q__MAX
};

static const struct stmt q[Q__MAX] = {
    [Q_STATE] = {"voter_state",
                 "SELECT voter_state(now(), $1, $2, $3::bigint[])", 3,
                 DB_JSON__MAX},
};

const struct stmt_set db_voter_set = {"db_voter", q, Q__MAX};

int
db_voter_state(struct db *db, struct arena *a, const char *slug, int64_t voter,
               const char *ids, const char **json)
{
	char *v = arena_printf(a, "%" PRId64, voter);

	if (v == NULL)
		return DB_ERR;
	return db_json(db, a, &q[Q_STATE], (const char *[]){slug, v, ids},
	               json);
}
