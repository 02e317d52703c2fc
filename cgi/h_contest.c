/*
 * h_contest.c: contests as the public sees them.
 */
#include <string.h>

#include "db_contest.h"
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
	const char *json;
	int         rc = db_contest_list(r->db, r->a, &json);

	if (rc < 0)
		return resp_db_error(r, rc);
	return answer_db_json(r, "contests", json);
}

int
h_contest_get(struct req *r)
{
	const char *json;
	int         rc = db_contest_get(r->db, r->a, r->seg[0], &json);

	if (rc == DB_NONE)
		return resp_error(r, 404, "no_contest",
		                  "There is no contest %s.", r->seg[0]);
	if (rc < 0)
		return resp_db_error(r, rc);
	return answer_db_json(r, "contest", json);
}
