/*
 * h_contest.c: contests as the public sees them.
 */
#include <string.h>

#include "db.h"
#include "handlers.h"
#include "input.h"
#include "resp.h"

/* Answers {"<key>": <json text from the database>}. */
static int
answer_db_json(struct req *r, const char *key, const char *text)
{
	json_t *v = input_db_json(text);

	if (v == NULL)
		return resp_db_error(r, DB_ERR);
	return resp_json(r, 200, json_pack("{s:o}", key, v));
}

int
h_contest_list(struct req *r)
{
	struct rows rs;
	int         rc = db_run(r->db, r->a, STMT_CONTEST_LIST, NULL, &rs);

	if (rc < 0)
		return resp_db_error(r, rc);
	return answer_db_json(r, "contests", rows_get(&rs, 0, 0));
}

int
h_contest_get(struct req *r)
{
	struct rows rs;
	int         rc;

	rc = db_run(r->db, r->a, STMT_CONTEST_GET, (const char *[]){r->seg[0]},
	            &rs);
	if (rc == DB_NONE)
		return resp_error(r, 404, "no_contest",
		                  "There is no contest %s.", r->seg[0]);
	if (rc < 0)
		return resp_db_error(r, rc);
	return answer_db_json(r, "contest", rows_get(&rs, 0, 0));
}
