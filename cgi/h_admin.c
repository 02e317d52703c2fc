/*
 * h_admin.c: the organisers' API: contests (create, edit, categories,
 * criteria), judge roles, a contest's state at a glance, and the audit
 * log (JSON and CSV).  The router lets only admins in; every change goes
 * through a SQL function (sql/functions/060_admin.sql) that writes the
 * audit row in the same transaction and answers a domain outcome.
 */
#include <stdlib.h>
#include <string.h>

#include "contest_rules.h"
#include "db_contest.h"
#include "db_jury.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "log.h"
#include "resp.h"

#define ADMIN_MAX_CRITERIA 20
#define ADMIN_STR_(x)      #x
#define ADMIN_STR(x)       ADMIN_STR_(x)
#define ADMIN_AUDIT_MAX    500

/* The body of a contest create or edit: its slug, then every setting of
 * contest_rules.h (field i + 1 is setting i). */
#define CT_SLUG 0
#define CT__MAX (1 + CS__MAX)

static const char *const ct_bool[] = {"false", "true", NULL};

/* The field of setting c as the JSON body carries it. */
static struct valid_field
ct_field(const struct contest_setting *c)
{
	static const valid_check_fn check[CONTEST_KIND__MAX] = {
	    valid_f_line,      /* CONTEST_LINE */
	    valid_f_block,     /* CONTEST_BLOCK */
	    valid_f_timestamp, /* CONTEST_TIME */
	    valid_f_int,       /* CONTEST_INT */
	    valid_f_choice,    /* CONTEST_RULE */
	    valid_f_choice,    /* CONTEST_BOOL */
	};

	return (struct valid_field){c->key,
	                            check[c->kind],
	                            c->min,
	                            c->max,
	                            0,
	                            c->kind == CONTEST_RULE ? contest_vote_rules
	                            : c->kind == CONTEST_BOOL ? ct_bool
	                                                      : NULL};
}

/* The field table, built once from contest_rules.h. */
static const struct valid_field *
ct_fields_get(void)
{
	static struct valid_field f[CT__MAX];

	if (f[CT_SLUG].name == NULL) {
		for (int i = 0; i < CS__MAX; i++)
			f[1 + i] = ct_field(&contest_settings[i]);
		f[CT_SLUG] =
		    (struct valid_field){"slug", valid_f_slug, 0, 0, 0, NULL};
	}
	return f;
}

/* Creates (create 1) or edits the contest the body and path name. */
static int
admin_contest_save(struct req *r, int create)
{
	const struct valid_field *ct_fields = ct_fields_get();
	struct valid_value        v[CT__MAX];
	int                       nul[CT__MAX];
	struct db_answer          ans;
	json_t                   *body, *set;
	const char               *slug, *text;
	int                       rc;

	if ((body = jury_body(r)) == NULL)
		return r->status;
	if ((rc = jury_check(r, body, ct_fields, CT__MAX, v, nul)) != 0)
		goto out;
	slug = create ? v[CT_SLUG].s : r->seg[0];
	if (create && (!v[CT_SLUG].present || !v[1 + CS_TITLE].present)) {
		rc = resp_error(r, 400, "invalid_field",
		                "A new contest needs a slug and a title.");
		goto out;
	}
	set = json_object();
	for (int i = 1; i < CT__MAX; i++) {
		json_t *val = NULL;

		if (v[i].present) {
			if (ct_fields[i].check == valid_f_timestamp)
				val = json_integer(v[i].i);
			else if (ct_fields[i].choices == ct_bool)
				val = json_boolean(v[i].i);
			else
				val = json_string(v[i].s);
		} else if (nul[i] && (ct_fields[i].check == valid_f_timestamp ||
		                      i == 1 + CS_RULES)) {
			val = json_null();
		}
		if (val != NULL)
			json_object_set_new(set, ct_fields[i].name, val);
	}
	if ((text = input_json_text(r->a, set)) == NULL) {
		rc = resp_db_error(r, DB_ERR);
		goto out;
	}
	rc = db_contest_save(
	    r->db, r->a, slug, create, text,
	    &(struct db_actor){jury_uid(r), r->user->username, r->remote_addr},
	    &ans);
	rc = jury_answer(r, NULL, rc, &ans);
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
	struct valid_value    v[CAT__MAX];
	struct contest_access jc;
	struct kv            *kv;
	struct db_answer      ans;
	size_t                n;
	int                   rc;

	if ((rc = input_body(r, &kv, &n)) != 0)
		return rc;
	if ((rc = input_check(r, cat_fields, CAT__MAX, kv, n, v)) != 0)
		return rc;
	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_category_add(
	    r->db, r->a, jc.id, v[CAT_NAME].s,
	    &(struct db_actor){jury_uid(r), r->user->username, r->remote_addr},
	    &ans);
	return jury_answer(r, NULL, rc, &ans);
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
	struct contest_access jc;
	struct db_answer      ans;
	const char           *text;
	int                   rc;

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
	rc = db_criteria_set(
	    r->db, r->a, jc.id, text,
	    &(struct db_actor){jury_uid(r), r->user->username, r->remote_addr},
	    &ans);
	return jury_answer(r, NULL, rc, &ans);
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
	struct contest_access jc;
	struct db_answer      ans;
	int                   rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_judge_role(
	    r->db, r->a, jc.id, username, grant,
	    &(struct db_actor){jury_uid(r), r->user->username, r->remote_addr},
	    &ans);
	if ((rc = jury_answer(r, NULL, rc, &ans)) < 300)
		log_event("info", "role_change", r->id, "role", "judge",
		          "change", grant ? "grant" : "revoke", "username",
		          username, "contest", r->seg[0], "by",
		          r->user->username, NULL);
	return rc;
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
	struct contest_access jc;
	const char           *json;
	int                   rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_contest_state(r->db, r->a, jc.id, &json);
	return jury_json(r, rc, json, "state");
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
	const char        *json;
	int                rc;

	if ((rc = input_args(r, au_fields, AU__MAX, v)) != 0)
		return rc;
	rc = db_audit_list(r->db, r->a,
	                   v[AU_CONTEST].present ? v[AU_CONTEST].s : NULL,
	                   v[AU_LIMIT].present ? v[AU_LIMIT].s : "100",
	                   v[AU_BEFORE].present ? v[AU_BEFORE].s : NULL, &json);
	return jury_json(r, rc, json, "audit");
}

static const char *const audit_head[] = {
    "id",          "at",        "actor",   "ip",     "action",
    "target_type", "target_id", "contest", "before", "after",
};

int
h_admin_audit_csv(struct req *r)
{
	struct valid_value v[AU__MAX];
	struct jury_csv    x;
	struct db_sink     sink;
	int                rc;

	if ((rc = input_args(r, au_fields, AU__MAX, v)) != 0)
		return rc;
	sink = jury_csv_sink(&x, r, "audit.csv", audit_head,
	                     (int)(sizeof(audit_head) / sizeof(audit_head[0])));
	rc = db_audit_export(
	    r->db, v[AU_CONTEST].present ? v[AU_CONTEST].s : NULL, &sink);
	return jury_csv_end(&x, &sink, rc);
}
