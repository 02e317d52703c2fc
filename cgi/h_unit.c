/*
 * h_unit.c: the unit tree (issue 15): the type-ahead (GET /units?q=),
 * one unit with its place in the tree and its successors (GET
 * /units/{code}), and the admin's side: the CSV import and export, the
 * free-text names not mapped yet and mapping one to a node.
 */
#include <stdio.h>
#include <string.h>

#include "db_unit.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "outcome.h"
#include "resp.h"
#include "unitcsv.h"

/* A day as YYYY-MM-DD (PostgreSQL checks that it exists). */
static const char *
unit_f_date(const char *s, size_t len, const struct valid_field *f,
            struct valid_value *out)
{
	(void)f;
	(void)out;
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return "is not a date (YYYY-MM-DD)";
	for (size_t i = 0; i < len; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return "is not a date (YYYY-MM-DD)";
	if (memcmp(s + 5, "13", 2) >= 0 || memcmp(s + 5, "00", 2) == 0 ||
	    memcmp(s + 8, "32", 2) >= 0 || memcmp(s + 8, "00", 2) == 0)
		return "is not a date (YYYY-MM-DD)";
	return NULL;
}

enum us_field {
	US_Q,      /* US_Q */
	US_ON,     /* US_ON */
	US_WITHIN, /* US_WITHIN */
	US_LIMIT,  /* US_LIMIT */
	US__MAX
};

static const struct valid_field us_fields[US__MAX] = {
    {"q", valid_f_line, 0, 100, 0, NULL},
    {"on", unit_f_date, 0, 0, 0, NULL},
    {"within", valid_f_line, 1, 64, 0, NULL},
    {"limit", valid_f_int, 1, 50, 0, NULL},
};

/*
 * GET /api/v1/units?q=&on=&within=&limit=: the units valid on a day
 * (today) whose name holds q, case and diacritics aside ("le thanh
 * nghi" finds "Đoàn phường Lê Thanh Nghị"), or is near it; {"units":
 * [...]}, at most limit (10).
 */
int
h_units_search(struct req *r)
{
	struct valid_value v[US__MAX];
	const char        *json;
	json_t            *list;
	int                rc;

	if ((rc = input_args(r, us_fields, US__MAX, v)) != 0)
		return rc;
	rc = db_unit_search(r->db, r->a, v[US_Q].s,
	                    v[US_ON].present ? v[US_ON].s : NULL,
	                    v[US_WITHIN].present ? v[US_WITHIN].s : NULL,
	                    v[US_LIMIT].present ? v[US_LIMIT].s : "10", &json);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((list = input_db_json(rc == DB_OK ? json : "[]")) == NULL)
		return resp_db_error(r, DB_ERR);
	return resp_json(r, 200, json_pack("{s:o}", "units", list));
}

enum ug_field {
	UG_ON, /* UG_ON */
	UG__MAX
};

static const struct valid_field ug_fields[UG__MAX] = {
    {"on", unit_f_date, 0, 0, 0, NULL},
};

/*
 * GET /api/v1/units/{code}?on=: the unit, its ancestors, its children
 * (valid on the day, else all), successors, predecessors and "current":
 * the units still valid that its successor links lead to.
 */
int
h_unit_get(struct req *r)
{
	struct valid_value v[UG__MAX];
	const char        *json;
	json_t            *u;
	int                rc;

	if ((rc = input_args(r, ug_fields, UG__MAX, v)) != 0)
		return rc;
	rc = db_unit_show(r->db, r->a, r->seg[0],
	                  v[UG_ON].present ? v[UG_ON].s : NULL, &json);
	if (rc == DB_NONE)
		return resp_outcome(r, NULL, "no_unit", r->seg[0]);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((u = input_db_json(json)) == NULL)
		return resp_db_error(r, DB_ERR);
	return resp_json(r, 200, u);
}

/*
 * The answer to an import with bad lines (errors, taken): 400 with each
 * line's number and what is wrong with it; nothing was changed.
 */
static int
unit_import_refused(struct req *r, json_t *errors)
{
	size_t n = json_array_size(errors);

	return resp_json(
	    r, 400,
	    json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid_csv",
	              "message",
	              arena_printf(r->a,
	                           "Tệp có %zu dòng lỗi (xem từng dòng); "
	                           "không có thay đổi nào được lưu.",
	                           n),
	              "lines", errors));
}

/*
 * POST /api/v1/admin/units/import: the body is the CSV file (as
 * `netdep-admin unit import` reads it).  200 with the counts, or 400
 * with every bad line ({"error": ..., "lines": [{"line","message"}]})
 * and nothing changed.
 */
int
h_admin_units_import(struct req *r)
{
	json_t         *rows, *errors;
	const char     *text, *json;
	struct db_actor by = jury_actor(r);
	json_t         *ans;
	int             rc;

	if (unitcsv_parse(r->body ? (const char *)r->body : "", r->body_len,
	                  &rows, &errors) != 0)
		return resp_db_error(r, DB_ERR);
	if (json_array_size(errors) > 0) {
		json_decref(rows);
		return unit_import_refused(r, errors);
	}
	json_decref(errors);
	if ((text = input_json_text(r->a, rows)) == NULL)
		return resp_db_error(r, DB_ERR);
	if ((rc = db_begin(r->db)) != DB_OK)
		return resp_db_error(r, rc);
	rc = db_unit_import(r->db, r->a, text, &by, &json);
	if (rc != DB_OK || (ans = input_db_json(json)) == NULL) {
		db_rollback(r->db);
		return resp_db_error(r, rc == DB_OK ? DB_ERR : rc);
	}
	errors = json_object_get(ans, "errors");
	if (json_array_size(errors) > 0) {
		db_rollback(r->db);
		json_incref(errors);
		json_decref(ans);
		return unit_import_refused(r, errors);
	}
	if ((rc = db_commit(r->db)) != DB_OK) {
		json_decref(ans);
		return resp_db_error(r, rc);
	}
	json_object_del(ans, "errors");
	return resp_json(r, 200, ans);
}

static const char *const unit_csv_head[DB_UNIT_EXPORT_COLS] = {
    "code",       "name",     "short_name", "kind",    "parent",
    "valid_from", "valid_to", "successors", "members", "members_as_of",
};

/* GET /api/v1/admin/units.csv: every unit in the import's columns. */
int
h_admin_units_csv(struct req *r)
{
	struct jury_csv x;
	struct db_sink  sink;

	sink = jury_csv_sink(&x, r, "units.csv", unit_csv_head,
	                     DB_UNIT_EXPORT_COLS);
	return jury_csv_end(&x, &sink, db_unit_export_stream(r->db, &sink));
}

/* GET /api/v1/admin/units/unmapped: {"names": [{"name", "accounts",
 * "entries"}]}, the free-text unit names no admin has mapped yet. */
int
h_admin_units_unmapped(struct req *r)
{
	const char *json;
	json_t     *list;
	int         rc = db_unit_unmapped(r->db, r->a, &json);

	if (rc < 0)
		return resp_db_error(r, rc);
	if ((list = input_db_json(rc == DB_OK ? json : "[]")) == NULL)
		return resp_db_error(r, DB_ERR);
	return resp_json(r, 200, json_pack("{s:o}", "names", list));
}

enum um_field {
	UM_NAME, /* UM_NAME */
	UM_CODE, /* UM_CODE */
	UM__MAX
};

static const struct valid_field um_fields[UM__MAX] = {
    {"name", valid_f_line, 1, 200, VALID_REQUIRED, NULL},
    {"code", valid_f_line, 1, 64, VALID_REQUIRED, NULL},
};

/*
 * POST /api/v1/admin/units/map {"name", "code"}: every account and entry
 * with that free-text unit name (case and diacritics aside) and no node
 * gets unit code; the boards move them out of "other".
 */
int
h_admin_units_map(struct req *r)
{
	struct valid_value v[UM__MAX];
	struct kv         *kv;
	size_t             n;
	struct db_actor    by = jury_actor(r);
	struct db_answer   ans;
	long long          acc = 0, ent = 0;
	int                rc;

	if ((rc = input_body(r, &kv, &n)) != 0)
		return rc;
	if ((rc = input_check(r, um_fields, UM__MAX, kv, n, v)) != 0)
		return rc;
	rc = db_unit_map(r->db, r->a, v[UM_NAME].s, v[UM_CODE].s, &by, &ans);
	if (rc < 0)
		return resp_db_error(r, rc);
	if (rc != DB_OK)
		return resp_db_error(r, DB_ERR);
	if (strcmp(ans.outcome, "ok") != 0)
		return resp_outcome(r, NULL, ans.outcome, ans.detail);
	if (ans.detail != NULL)
		(void)sscanf(ans.detail, "%lld %lld", &acc, &ent);
	return resp_json(r, 200,
	                 json_pack("{s:s,s:s,s:I,s:I}", "name", v[UM_NAME].s,
	                           "code", v[UM_CODE].s, "accounts",
	                           (json_int_t)acc, "entries",
	                           (json_int_t)ent));
}
