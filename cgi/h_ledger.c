/*
 * h_ledger.c: votes that can be questioned and proven (issue 16).  The
 * fraud rules of a contest (judges read, admins change), the votes they
 * hold for review and the bulk decision on them (a judge of the contest or
 * an admin, with a reason), the entrant's view and appeals, the admins'
 * queue of appeals, and the public digests of the vote ledger.  Every
 * decision is made and audited by sql/functions/110_ledger.sql.
 */
#include <string.h>

#include "db_ledger.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "log.h"
#include "resp.h"

#define REVIEW_MAX_IDS 10000

int
h_fraud_rules_get(struct req *r)
{
	struct contest_access jc;
	const char           *json;
	int                   rc;

	if ((rc = jury_contest_judge(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_fraud_rules(r->db, r->a, jc.id, &json);
	return jury_json(r, rc, json, "rules");
}

enum rule_field {
	RULE_RULE,    /* RULE_RULE */
	RULE_ENABLED, /* RULE_ENABLED */
	RULE_MIN,     /* RULE_MIN */
	RULE_WINDOW,  /* RULE_WINDOW */
	RULE_AGE,     /* RULE_AGE */
	RULE__MAX
};

static const char *const rule_names[] = {"burst_prefix", "fresh_accounts",
                                         "shared_device", "vote_pow", NULL};
static const char *const bools[] = {"false", "true", NULL};

static const struct valid_field rule_fields[RULE__MAX] = {
    {"rule", valid_f_choice, 0, 0, VALID_REQUIRED, rule_names},
    {"enabled", valid_f_choice, 0, 0, 0, bools},
    {"min_votes", valid_f_int, 2, 100000, 0, NULL},
    {"window_minutes", valid_f_int, 1, 10080, 0, NULL},
    {"max_age_hours", valid_f_int, 1, 8760, 0, NULL},
};

/* The text of v, or NULL when absent. */
static const char *
opt(const struct valid_value *v)
{
	return v->present ? v->s : NULL;
}

int
h_fraud_rules_put(struct req *r)
{
	struct valid_value    v[RULE__MAX];
	struct contest_access jc;
	struct db_answer      ans;
	struct db_actor       by;
	json_t               *body;
	int                   rc;

	if ((body = jury_body(r)) == NULL)
		return r->status;
	/* The values point into body: it is released last. */
	if ((rc = jury_check(r, body, rule_fields, RULE__MAX, v, NULL)) == 0 &&
	    (rc = jury_contest(r, r->seg[0], &jc)) == 0) {
		by = jury_actor(r);
		rc = db_fraud_rule_set(r->db, r->a, jc.id, &by, v[RULE_RULE].s,
		                       opt(&v[RULE_ENABLED]), opt(&v[RULE_MIN]),
		                       opt(&v[RULE_WINDOW]), opt(&v[RULE_AGE]),
		                       &ans);
		rc = jury_answer(r, NULL, rc, &ans);
	}
	json_decref(body);
	return rc;
}

int
h_review_list(struct req *r)
{
	struct contest_access jc;
	const char           *json;
	int                   rc;

	if ((rc = jury_contest_judge(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_review_list(r->db, r->a, jc.id, &json);
	return jury_json(r, rc, json, NULL);
}

enum decide_field {
	DEC_REASON, /* DEC_REASON */
	DEC_ENTRY,  /* DEC_ENTRY */
	DEC__MAX
};

static const struct valid_field decide_fields[DEC__MAX] = {
    {"reason", valid_f_line, 1, 500, VALID_REQUIRED, NULL},
    {"entry", valid_f_int, 1, 9007199254740991LL, 0, NULL},
};

/*
 * The optional vote_ids of body as JSON text in *ids (NULL when absent);
 * 0, or the 400 sent.
 */
static int
review_ids(struct req *r, json_t *body, const char **ids)
{
	json_t *list = json_object_get(body, "vote_ids"), *id;
	size_t  i;

	*ids = NULL;
	if (list == NULL || json_is_null(list))
		return 0;
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > REVIEW_MAX_IDS)
		return resp_error(r, 400, "invalid_field",
		                  "Trường vote_ids phải liệt kê từ 1 đến %d mã "
		                  "lượt bình chọn.",
		                  REVIEW_MAX_IDS);
	json_array_foreach(list, i, id)
	{
		if (!json_is_integer(id) || json_integer_value(id) < 1)
			return resp_error(
			    r, 400, "invalid_field",
			    "Trường vote_ids chỉ gồm mã lượt bình chọn (số "
			    "nguyên dương).");
	}
	json_incref(list);
	if ((*ids = input_json_text(r->a, list)) == NULL)
		return resp_db_error(r, DB_ERR);
	return 0;
}

/* Confirms (void_ 0) or voids (1) held votes of the contest. */
static int
review_decide(struct req *r, int void_)
{
	struct valid_value    v[DEC__MAX];
	struct contest_access jc;
	struct db_answer      ans;
	struct db_actor       by;
	const char           *ids = NULL;
	json_t               *body;
	int                   rc;

	if ((body = jury_body(r)) == NULL)
		return r->status;
	/* The values point into body: it is released last. */
	if ((rc = jury_check(r, body, decide_fields, DEC__MAX, v, NULL)) != 0 ||
	    (rc = review_ids(r, body, &ids)) != 0 ||
	    (rc = jury_contest_judge(r, r->seg[0], &jc)) != 0)
		goto out;
	by = jury_actor(r);
	rc = db_review_decide(r->db, r->a, jc.id, &by, ids, opt(&v[DEC_ENTRY]),
	                      void_, v[DEC_REASON].s, &ans);
	rc = jury_answer(r, NULL, rc, &ans);
	if (rc == 200)
		log_event("info", void_ ? "review_void" : "review_confirm",
		          r->id, "contest", r->seg[0], "by", r->user->username,
		          "vote_ids", ids, "reason", v[DEC_REASON].s, NULL);
out:
	json_decref(body);
	return rc;
}

int
h_review_confirm(struct req *r)
{
	return review_decide(r, 0);
}

int
h_review_void(struct req *r)
{
	return review_decide(r, 1);
}

int
h_review_mine(struct req *r)
{
	const char *json;
	int         rc = db_review_mine(r->db, r->a, jury_uid(r), &json);

	return jury_json(r, rc, json, NULL);
}

enum text_field {
	TEXT_VALUE, /* TEXT_VALUE */
	TEXT__MAX
};

/*
 * Reads the one text field name (1-2000 characters) of the body into v,
 * which points into *body (the caller releases it); 0, or the 400 sent.
 */
static int
text_body(struct req *r, const char *name, struct valid_value *v, json_t **body)
{
	const struct valid_field f[TEXT__MAX] = {
	    {name, valid_f_block, 1, 2000, VALID_REQUIRED, NULL},
	};

	if ((*body = jury_body(r)) == NULL)
		return r->status;
	return jury_check(r, *body, f, TEXT__MAX, v, NULL);
}

int
h_appeal_file(struct req *r)
{
	struct valid_value v[TEXT__MAX];
	struct db_answer   ans;
	struct db_actor    by;
	json_t            *body = NULL;
	int                rc;

	if ((rc = text_body(r, "message", v, &body)) == 0) {
		by = jury_actor(r);
		rc = db_appeal_file(r->db, r->a, &by,
		                    arena_printf(r->a, "%lld", r->id_param),
		                    v[TEXT_VALUE].s, &ans);
		if (rc == DB_OK && ans.outcome != NULL &&
		    strcmp(ans.outcome, "ok") == 0)
			ans.outcome = "created";
		rc = jury_answer(r, "appeal", rc, &ans);
	}
	json_decref(body);
	return rc;
}

enum open_field {
	OPEN_OPEN, /* OPEN_OPEN */
	OPEN__MAX
};

static const struct valid_field open_fields[OPEN__MAX] = {
    {"open", valid_f_choice, 0, 0, 0, bools},
};

int
h_appeals_list(struct req *r)
{
	struct valid_value v[OPEN__MAX];
	const char        *json;
	int                rc;

	if ((rc = input_args(r, open_fields, OPEN__MAX, v)) != 0)
		return rc;
	rc = db_appeals(r->db, r->a,
	                v[OPEN_OPEN].present ? v[OPEN_OPEN].s : "false", &json);
	return jury_json(r, rc, json, NULL);
}

int
h_appeal_answer(struct req *r)
{
	struct valid_value v[TEXT__MAX];
	struct db_answer   ans;
	struct db_actor    by;
	json_t            *body = NULL;
	int                rc;

	if ((rc = text_body(r, "answer", v, &body)) == 0) {
		by = jury_actor(r);
		rc = db_appeal_answer(r->db, r->a,
		                      arena_printf(r->a, "%lld", r->id_param),
		                      &by, v[TEXT_VALUE].s, &ans);
		rc = jury_answer(r, "appeal", rc, &ans);
	}
	json_decref(body);
	return rc;
}

enum days_field {
	DAYS_DAYS, /* DAYS_DAYS */
	DAYS__MAX
};

static const struct valid_field days_fields[DAYS__MAX] = {
    {"days", valid_f_int, 1, 366, 0, NULL},
};

int
h_ledger_digests(struct req *r)
{
	struct valid_value v[DAYS__MAX];
	const char        *json;
	int                rc;

	if ((rc = input_args(r, days_fields, DAYS__MAX, v)) != 0)
		return rc;
	rc = db_ledger_digests(
	    r->db, r->a, v[DAYS_DAYS].present ? v[DAYS_DAYS].s : "30", &json);
	return jury_json(r, rc, json, NULL);
}
