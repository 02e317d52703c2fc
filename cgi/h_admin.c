/*
 * h_admin.c: the organisers' API: contests (create, edit, categories,
 * criteria), judge roles, a contest's state at a glance, and the audit
 * log (JSON and CSV).  The router lets only admins in; every change goes
 * through a plpgsql function of 004_jury.sql that writes the audit row in
 * the same transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "resp.h"

#define ADMIN_MAX_CRITERIA 20
#define ADMIN_STR_(x)      #x
#define ADMIN_STR(x)       ADMIN_STR_(x)
#define ADMIN_AUDIT_MAX    500

enum ct_field {
	CT_SLUG,           /* CT_SLUG */
	CT_TITLE,          /* CT_TITLE */
	CT_RULES,          /* CT_RULES */
	CT_SUBMIT_FROM,    /* CT_SUBMIT_FROM */
	CT_SUBMIT_UNTIL,   /* CT_SUBMIT_UNTIL */
	CT_VOTE_FROM,      /* CT_VOTE_FROM */
	CT_VOTE_UNTIL,     /* CT_VOTE_UNTIL */
	CT_MAX_ENTRIES,    /* CT_MAX_ENTRIES */
	CT_VOTES_PER_DAY,  /* CT_VOTES_PER_DAY */
	CT_VOTE_RULE,      /* CT_VOTE_RULE */
	CT_SELF_VOTE,      /* CT_SELF_VOTE */
	CT_PUBLIC_WEIGHT,  /* CT_PUBLIC_WEIGHT */
	CT_MIN_SHORT_SIDE, /* CT_MIN_SHORT_SIDE */
	CT_COI_UNIT,       /* CT_COI_UNIT */
	CT_ZSCORE,         /* CT_ZSCORE */
	CT_JUDGES_NAMED,   /* CT_JUDGES_NAMED */
	CT__MAX
};

static const char *const ct_rules[] = {"once", "daily", NULL};
static const char *const ct_bool[] = {"false", "true", NULL};

static const struct valid_field ct_fields[CT__MAX] = {
    {"slug", valid_f_slug, 0, 0, 0, NULL},
    {"title", valid_f_line, 1, 200, 0, NULL},
    {"rules", valid_f_block, 0, 20000, 0, NULL},
    {"submit_from", valid_f_timestamp, 0, 0, 0, NULL},
    {"submit_until", valid_f_timestamp, 0, 0, 0, NULL},
    {"vote_from", valid_f_timestamp, 0, 0, 0, NULL},
    {"vote_until", valid_f_timestamp, 0, 0, 0, NULL},
    {"max_entries", valid_f_int, 1, 100, 0, NULL},
    {"votes_per_day", valid_f_int, 1, 1000, 0, NULL},
    {"vote_rule", valid_f_choice, 0, 0, 0, ct_rules},
    {"self_vote", valid_f_choice, 0, 0, 0, ct_bool},
    {"public_weight", valid_f_int, 0, 100, 0, NULL},
    {"min_short_side", valid_f_int, 1, 16384, 0, NULL},
    {"coi_unit", valid_f_choice, 0, 0, 0, ct_bool},
    {"zscore", valid_f_choice, 0, 0, 0, ct_bool},
    {"judges_named", valid_f_choice, 0, 0, 0, ct_bool},
};

/* Creates (create 1) or edits the contest the body and path name. */
static int
admin_contest_save(struct req *r, int create)
{
	struct valid_value v[CT__MAX];
	int                nul[CT__MAX];
	struct rows        rs;
	json_t            *body, *set;
	const char        *slug, *text;
	int                rc;

	if ((body = jury_body(r)) == NULL)
		return r->status;
	if ((rc = jury_check(r, body, ct_fields, CT__MAX, v, nul)) != 0)
		goto out;
	slug = create ? v[CT_SLUG].s : r->seg[0];
	if (create && (!v[CT_SLUG].present || !v[CT_TITLE].present)) {
		rc = resp_error(r, 400, "invalid_field",
		                "A new contest needs a slug and a title.");
		goto out;
	}
	set = json_object();
	for (int i = CT_TITLE; i < CT__MAX; i++) {
		json_t *val = NULL;

		if (v[i].present) {
			if (ct_fields[i].check == valid_f_timestamp)
				val = json_integer(v[i].i);
			else if (ct_fields[i].choices == ct_bool)
				val = json_boolean(v[i].i);
			else
				val = json_string(v[i].s);
		} else if (nul[i] && (ct_fields[i].check == valid_f_timestamp ||
		                      i == CT_RULES)) {
			val = json_null();
		}
		if (val != NULL)
			json_object_set_new(set, ct_fields[i].name, val);
	}
	if ((text = input_json_text(r->a, set)) == NULL) {
		rc = resp_db_error(r, DB_ERR);
		goto out;
	}
	rc = db_run(r->db, r->a, STMT_CONTEST_SAVE,
	            (const char *[]){slug, create ? "true" : "false", text,
	                             jury_uid(r), r->user->username,
	                             r->remote_addr},
	            &rs);
	rc = jury_answer(r, rc, &rs);
out:
	json_decref(body);
	return rc;
}

int
h_admin_contest_create(struct req *r)
{
	return admin_contest_save(r, 1);
}

int
h_admin_contest_update(struct req *r)
{
	return admin_contest_save(r, 0);
}

enum cat_field {
	CAT_NAME, /* CAT_NAME */
	CAT__MAX
};

static const struct valid_field cat_fields[CAT__MAX] = {
    {"name", valid_f_line, 1, 120, VALID_REQUIRED, NULL},
};

int
h_admin_category_add(struct req *r)
{
	struct valid_value  v[CAT__MAX];
	struct jury_contest jc;
	struct kv          *kv;
	struct rows         rs;
	size_t              n;
	int                 rc;

	if ((rc = input_body(r, &kv, &n)) != 0)
		return rc;
	if ((rc = input_check(r, cat_fields, CAT__MAX, kv, n, v)) != 0)
		return rc;
	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_run(r->db, r->a, STMT_CATEGORY_ADD,
	            (const char *[]){jc.id, v[CAT_NAME].s, jury_uid(r),
	                             r->user->username, r->remote_addr},
	            &rs);
	return jury_answer(r, rc, &rs);
}

/* A criterion as stored: a name of 1 to 120 characters, weight 1-100. */
static json_t *
admin_criterion(json_t *k)
{
	const char *name = json_string_value(json_object_get(k, "name"));
	json_t     *w = json_object_get(k, "weight");

	if (name == NULL || !valid_line(name, strlen(name), 1, 120) ||
	    !json_is_integer(w) || json_integer_value(w) < 1 ||
	    json_integer_value(w) > 100)
		return NULL;
	return json_pack("{s:s,s:I}", "name", name, "weight",
	                 json_integer_value(w));
}

int
h_admin_criteria_put(struct req *r)
{
	struct jury_contest jc;
	struct rows         rs;
	const char         *text;
	int                 rc;

	text = jury_list(
	    r, "criteria", 1, ADMIN_MAX_CRITERIA, admin_criterion,
	    "must list 1 to " ADMIN_STR(ADMIN_MAX_CRITERIA) " criteria",
	    "Criterion",
	    "needs a name (1 to 120 characters) and a weight from "
	    "1 to 100");
	if (text == NULL)
		return r->status;
	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_run(r->db, r->a, STMT_CRITERIA_SET,
	            (const char *[]){jc.id, text, jury_uid(r),
	                             r->user->username, r->remote_addr},
	            &rs);
	return jury_answer(r, rc, &rs);
}

enum jg_field {
	JG_USERNAME, /* JG_USERNAME */
	JG__MAX
};

static const struct valid_field jg_fields[JG__MAX] = {
    {"username", valid_f_username, 0, 0, VALID_REQUIRED, NULL},
};

static int
admin_judge(struct req *r, const char *username, int grant)
{
	struct jury_contest jc;
	struct rows         rs;
	int                 rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_run(r->db, r->a, STMT_JUDGE_ROLE,
	            (const char *[]){jc.id, username, grant ? "true" : "false",
	                             jury_uid(r), r->user->username,
	                             r->remote_addr},
	            &rs);
	return jury_answer(r, rc, &rs);
}

int
h_admin_judge_grant(struct req *r)
{
	struct valid_value v[JG__MAX];
	struct kv         *kv;
	size_t             n;
	int                rc;

	if ((rc = input_body(r, &kv, &n)) != 0)
		return rc;
	if ((rc = input_check(r, jg_fields, JG__MAX, kv, n, v)) != 0)
		return rc;
	return admin_judge(r, v[JG_USERNAME].s, 1);
}

int
h_admin_judge_revoke(struct req *r)
{
	const char *u = r->seg[1];

	if (!valid_username(u, strlen(u)))
		return resp_error(r, 404, "no_account",
		                  "There is no account %s.", u);
	return admin_judge(r, u, 0);
}

int
h_admin_state(struct req *r)
{
	struct jury_contest jc;
	struct rows         rs;
	int                 rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	rc =
	    db_run(r->db, r->a, STMT_ADMIN_STATE, (const char *[]){jc.id}, &rs);
	return jury_json(r, rc, &rs, "state");
}

enum au_field {
	AU_CONTEST, /* AU_CONTEST */
	AU_LIMIT,   /* AU_LIMIT */
	AU_BEFORE,  /* AU_BEFORE */
	AU__MAX
};

static const struct valid_field au_fields[AU__MAX] = {
    {"contest", valid_f_slug, 0, 0, 0, NULL},
    {"limit", valid_f_int, 1, ADMIN_AUDIT_MAX, 0, NULL},
    {"before", valid_f_int, 1, 9007199254740991LL, 0, NULL},
};

int
h_admin_audit(struct req *r)
{
	struct valid_value v[AU__MAX];
	struct rows        rs;
	int                rc;

	if ((rc = input_args(r, au_fields, AU__MAX, v)) != 0)
		return rc;
	rc = db_run(
	    r->db, r->a, STMT_AUDIT_LIST,
	    (const char *[]){v[AU_CONTEST].present ? v[AU_CONTEST].s : NULL,
	                     v[AU_LIMIT].present ? v[AU_LIMIT].s : "100",
	                     v[AU_BEFORE].present ? v[AU_BEFORE].s : NULL},
	    &rs);
	return jury_json(r, rc, &rs, "audit");
}

static const char *const audit_head[] = {
    "id",          "at",        "actor",   "ip",     "action",
    "target_type", "target_id", "contest", "before", "after",
};

int
h_admin_audit_csv(struct req *r)
{
	struct valid_value v[AU__MAX];
	struct rows        rs;
	int                rc;

	if ((rc = input_args(r, au_fields, AU__MAX, v)) != 0)
		return rc;
	rc = db_run(
	    r->db, r->a, STMT_CSV_AUDIT,
	    (const char *[]){v[AU_CONTEST].present ? v[AU_CONTEST].s : NULL},
	    &rs);
	return jury_csv(r, "audit.csv", audit_head,
	                (int)(sizeof(audit_head) / sizeof(audit_head[0])), rc,
	                &rs);
}
