/*
 * h_judge.c: the judging pages of issue 17.
 *   POST /entries/{id}/moderation/revert  a decision taken back (the
 *        page's undo): the entry is pending again, its derivatives leave
 *        the public tree, the audit log keeps what was taken back
 *        (entry_decision_revert() in sql/functions/170_judge.sql decides
 *        who may).
 *   GET /moderation/queue/page?contest=&after=&limit=  the queue a page
 *        at a time, oldest first; "next" is the cursor of the next page.
 */
#include "db_judge.h"
#include "db_jury.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "log.h"
#include "outcome.h"
#include "resp.h"
#include "store.h"

int
h_moderation_revert(struct req *r)
{
	struct mod_info  info;
	struct db_answer ans;
	struct db_actor  by = jury_actor(r);
	const char      *eid = arena_printf(r->a, "%lld", r->id_param);
	int              rc;

	if (eid == NULL || by.id == NULL)
		return resp_db_error(r, DB_ERR);
	rc = db_mod_info(r->db, r->a, eid, by.id, &info);
	if (rc == DB_NONE)
		return resp_outcome(r, "revert", "no_entry", NULL);
	if (rc < 0)
		return resp_db_error(r, rc);
	rc = db_decision_revert(r->db, r->a, eid, &by, &ans);
	if (rc > 0 && outcome_ok(ans.outcome) &&
	    store_unpublish(r->store, info.token) != 0)
		/* The entry is pending again: its files leave pub/ at the
		 * janitor's next pass if not now; the answer stands. */
		log_msg("warn", "req=%s entry %s reverted, media still public",
		        r->id, eid);
	return jury_answer(r, "revert", rc, &ans);
}

enum qp_field {
	QP_CONTEST, /* QP_CONTEST */
	QP_AFTER,   /* QP_AFTER */
	QP_LIMIT,   /* QP_LIMIT */
	QP__MAX
};

static const struct valid_field qp_fields[QP__MAX] = {
    {"contest", valid_f_slug, 0, 0, 0, NULL},
    {"after", valid_f_int, 1, 9007199254740991LL, 0, NULL},
    {"limit", valid_f_int, 1, 100, 0, NULL},
};

int
h_moderation_queue_page(struct req *r)
{
	struct valid_value v[QP__MAX];
	const char        *uid = jury_uid(r), *json;
	int                rc;

	if ((rc = input_args(r, qp_fields, QP__MAX, v)) != 0)
		return rc;
	if (uid == NULL)
		return resp_db_error(r, DB_ERR);
	rc = db_mod_queue_page(
	    r->db, r->a, uid, v[QP_CONTEST].present ? v[QP_CONTEST].s : NULL,
	    v[QP_AFTER].present ? v[QP_AFTER].s : NULL,
	    v[QP_LIMIT].present ? v[QP_LIMIT].s : "20", &json);
	return jury_json(r, rc, json, NULL);
}
