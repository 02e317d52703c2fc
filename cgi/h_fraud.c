/*
 * h_fraud.c: the fraud report and the voiding of votes.  Nothing is
 * blocked by address (many honest voters share a carrier's address): the
 * report lists suspicious bursts with their evidence (fraud_report() in
 * sql/functions/050_jury.sql) and an admin voids, or restores, the votes
 * of an account or a list of votes, with a reason; both are audited.
 */
#include <string.h>

#include "db_jury.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "log.h"
#include "resp.h"

#define FRAUD_MAX_IDS 10000

int
h_fraud_report(struct req *r)
{
	struct contest_access jc;
	const char           *json;
	int                   rc;

	if ((rc = jury_contest_judge(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_fraud_report(r->db, r->a, jc.id, &json);
	return jury_json(r, rc, json, NULL);
}

enum void_field {
	VOID_ACCOUNT, /* VOID_ACCOUNT */
	VOID_REASON,  /* VOID_REASON */
	VOID__MAX
};

static const struct valid_field void_fields[VOID__MAX] = {
    {"account", valid_f_username, 0, 0, 0, NULL},
    {"reason", valid_f_line, 1, 500, 0, NULL},
};

/* Void (restore 0) or restore (1) the votes the body names. */
static int
fraud_void(struct req *r, int restore)
{
	struct valid_value    v[VOID__MAX];
	struct contest_access jc;
	struct db_answer      ans;
	struct db_actor       by;
	json_t               *body, *ids, *id;
	const char           *ids_text = NULL;
	size_t                i;
	int                   rc;

	if ((body = jury_body(r)) == NULL)
		return r->status;
	if ((rc = jury_check(r, body, void_fields, VOID__MAX, v, NULL)) != 0)
		goto out;
	ids = json_object_get(body, "vote_ids");
	if (ids != NULL && json_is_null(ids))
		ids = NULL;
	if ((ids == NULL) == !v[VOID_ACCOUNT].present) {
		rc = resp_error(r, 400, "invalid_field",
		                "Name either an account or vote_ids.");
		goto out;
	}
	if (!restore && !v[VOID_REASON].present) {
		rc = resp_error(r, 400, "invalid_field",
		                "Field reason is required: say why these votes "
		                "do not count.");
		goto out;
	}
	if (ids != NULL) {
		if (!json_is_array(ids) || json_array_size(ids) == 0 ||
		    json_array_size(ids) > FRAUD_MAX_IDS) {
			rc = resp_error(r, 400, "invalid_field",
			                "Field vote_ids must list 1 to %d vote "
			                "ids.",
			                FRAUD_MAX_IDS);
			goto out;
		}
		json_array_foreach(ids, i, id)
		{
			if (!json_is_integer(id) ||
			    json_integer_value(id) < 1) {
				rc = resp_error(r, 400, "invalid_field",
				                "Field vote_ids must hold vote "
				                "ids.");
				goto out;
			}
		}
		json_incref(ids);
		if ((ids_text = input_json_text(r->a, ids)) == NULL) {
			rc = resp_db_error(r, DB_ERR);
			goto out;
		}
	}
	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		goto out;
	by = jury_actor(r);
	rc = db_votes_void(
	    r->db, r->a, jc.id, &by,
	    v[VOID_ACCOUNT].present ? v[VOID_ACCOUNT].s : NULL, ids_text,
	    v[VOID_REASON].present ? v[VOID_REASON].s : NULL, restore, &ans);
	rc = jury_answer(r, NULL, rc, &ans);
	if (rc == 200)
		log_event(
		    "info", restore ? "vote_restore" : "vote_void", r->id,
		    "contest", r->seg[0], "by", r->user->username, "account",
		    v[VOID_ACCOUNT].present ? v[VOID_ACCOUNT].s : NULL,
		    "vote_ids", ids_text, "reason",
		    v[VOID_REASON].present ? v[VOID_REASON].s : NULL, NULL);
out:
	json_decref(body);
	return rc;
}

int
h_votes_void(struct req *r)
{
	return fraud_void(r, 0);
}

int
h_votes_restore(struct req *r)
{
	return fraud_void(r, 1);
}
