/*
 * h_jury.c: jury scores.  A judge scores each approved entry of their
 * contests 0..10 per criterion (one decimal at most) with an optional
 * comment; the rules (judge of the contest, no conflict of interest, every
 * criterion, scores frozen once results are published) are checked by
 * scores_put() in SQL, which also writes the audit row.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db_jury.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "resp.h"

#define JURY_MAX_CRITERIA 20

enum je_field {
	JE_CONTEST, /* JE_CONTEST */
	JE__MAX
};

static const struct valid_field je_fields[JE__MAX] = {
    {"contest", valid_f_slug, 0, 0, VALID_REQUIRED, NULL},
};

int
h_jury_entries(struct req *r)
{
	struct valid_value    v[JE__MAX];
	struct contest_access jc;
	const char           *json;
	int                   rc;

	if ((rc = input_args(r, je_fields, JE__MAX, v)) != 0)
		return rc;
	if ((rc = jury_contest_judge(r, v[JE_CONTEST].s, &jc)) != 0)
		return rc;
	rc = db_jury_entries(r->db, r->a, jc.id, jury_uid(r), &json);
	return jury_json(r, rc, json, NULL);
}

enum sc_field {
	SC_COMMENT, /* SC_COMMENT */
	SC__MAX
};

static const struct valid_field sc_fields[SC__MAX] = {
    {"comment", valid_f_block, 0, 2000, 0, NULL},
};

/*
 * Checks {"<criterion>": number, ...}: 1..JURY_MAX_CRITERIA names of
 * 1..120 characters, numbers 0..10 with at most one decimal.  Returns the
 * JSON text to hand to SQL (numbers printed short, so 7.3 stays 7.3), or
 * NULL after sending 400.
 */
static const char *
scores_text(struct req *r, json_t *crit)
{
	const char *name;
	json_t     *val;
	char       *text, *copy;

	if (!json_is_object(crit) || json_object_size(crit) == 0 ||
	    json_object_size(crit) > JURY_MAX_CRITERIA) {
		resp_error(r, 400, "invalid_field",
		           "Field criteria must map each criterion's name to "
		           "a score.");
		return NULL;
	}
	json_object_foreach(crit, name, val)
	{
		double d;

		if (!valid_line(name, strlen(name), 1, 120) ||
		    !json_is_number(val)) {
			resp_error(r, 400, "invalid_field",
			           "Field criteria must map each criterion's "
			           "name to a number.");
			return NULL;
		}
		d = json_number_value(val);
		if (!(d >= 0 && d <= 10) ||
		    fabs(d * 10 - round(d * 10)) > 1e-9) {
			resp_error(r, 400, "invalid_field",
			           "Score %.60s must be a number from 0 to 10 "
			           "with at most one decimal.",
			           name);
			return NULL;
		}
		if (json_is_real(val))
			json_real_set(val, round(d * 10) / 10);
	}
	text = json_dumps(crit, JSON_COMPACT | JSON_REAL_PRECISION(6));
	if (text == NULL) {
		resp_error(r, 500, "internal", "Out of memory.");
		return NULL;
	}
	copy = arena_strdup(r->a, text);
	free(text);
	if (copy == NULL)
		resp_error(r, 500, "internal", "Out of memory.");
	return copy;
}

int
h_scores_put(struct req *r)
{
	struct valid_value v[SC__MAX];
	struct db_answer   ans;
	struct db_actor    by;
	json_t            *body;
	const char        *eid, *scores;
	int                rc;

	if ((body = jury_body(r)) == NULL)
		return r->status;
	if ((rc = jury_check(r, body, sc_fields, SC__MAX, v, NULL)) != 0)
		goto out;
	if ((scores = scores_text(r, json_object_get(body, "criteria"))) ==
	    NULL) {
		rc = r->status;
		goto out;
	}
	eid = arena_printf(r->a, "%lld", r->id_param);
	by = jury_actor(r);
	rc =
	    db_scores_put(r->db, r->a, eid, &by, scores,
	                  v[SC_COMMENT].present ? v[SC_COMMENT].s : NULL, &ans);
	rc = jury_answer(r, NULL, rc, &ans);
out:
	json_decref(body);
	return rc;
}

int
h_scores_get(struct req *r)
{
	struct db_answer ans;
	const char      *eid = arena_printf(r->a, "%lld", r->id_param);
	int              rc;

	rc = db_scores_get(r->db, r->a, eid, jury_uid(r), &ans);
	return jury_answer(r, NULL, rc, &ans);
}

int
h_judges_progress(struct req *r)
{
	struct contest_access jc;
	const char           *json;
	int                   rc;

	if ((rc = jury_contest_judge(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_judges_progress(r->db, r->a, jc.id, &json);
	return jury_json(r, rc, json, "judges");
}
