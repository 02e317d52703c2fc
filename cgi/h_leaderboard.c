/*
 * h_leaderboard.c: the public rankings.  Competition ranking (1, 2, 2, 4);
 * ties are listed oldest entry first (smaller id), a stable order.  They
 * read the counts the folder keeps (fold.c), never count(*) per request.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "resp.h"

enum lb_field {
	LB_BY,       /* LB_BY */
	LB_CATEGORY, /* LB_CATEGORY */
	LB_UNIT,     /* LB_UNIT */
	LB_DISTRICT, /* LB_DISTRICT */
	LB_PERIOD,   /* LB_PERIOD */
	LB_LIMIT,    /* LB_LIMIT */
	LB__MAX
};

static const char *const lb_by[] = {"votes", "jury", "combined", NULL};
static const char *const lb_period[] = {"all", "today", "week", NULL};

static const struct valid_field lb_fields[LB__MAX] = {
    {"by", valid_f_choice, 0, 0, 0, lb_by},
    {"category", valid_f_int, 1, 9007199254740991LL, 0, NULL},
    {"unit", valid_f_line, 1, 120, 0, NULL},
    {"district", valid_f_line, 1, 120, 0, NULL},
    {"period", valid_f_choice, 0, 0, 0, lb_period},
    {"limit", valid_f_int, 1, 100, 0, NULL},
};

/*
 * Sends body (stolen) as 200 with an ETag (a hash of the bytes) and
 * Last-Modified (when the contest's counts last moved), or 304 when the
 * client's If-None-Match names this ETag.  Anonymous boards may be
 * cached by nginx and browsers for a second (a new vote shows within 2 s:
 * fold interval + 1 s).
 */
static int
lb_send(struct req *r, json_t *body, const char *last_modified)
{
	unsigned char h[16];
	char          hex[2 * sizeof(h) + 1], *etag, *text;
	int           rc;

	if (body == NULL)
		return resp_db_error(r, DB_ERR);
	/* Sorted keys: the same board gives the same bytes in every worker
	 * (jansson's hash order is seeded per process). */
	text =
	    json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_SORT_KEYS);
	json_decref(body);
	if (text == NULL)
		return resp_db_error(r, DB_ERR);
	crypto_generichash(h, sizeof(h), (const unsigned char *)text,
	                   strlen(text), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	etag = arena_printf(r->a, "W/\"%s\"", hex);
	resp_header(r, "Cache-Control",
	            r->user == NULL ? "public, max-age=1"
	                            : "private, no-cache");
	if (etag != NULL)
		resp_header(r, "ETag", etag);
	if (last_modified != NULL)
		resp_header(r, "Last-Modified", last_modified);
	if (etag != NULL && r->if_none_match != NULL &&
	    (strstr(r->if_none_match, hex) != NULL ||
	     strcmp(r->if_none_match, "*") == 0))
		rc = resp_empty(r, 304);
	else
		rc = resp_bytes(r, 200, "application/json", NULL, text,
		                strlen(text));
	free(text);
	return rc;
}

/*
 * Ranks approved entries by valid votes (the folded counts, see
 * 003_votes.sql) with competition ranking (1, 2, 2, 4); ties are listed
 * oldest entry first (smaller id).  The answer is
 * {"contest","by","period","entries":[{"rank","votes","entry"}]};
 * by=jury|combined (jury.c) answers the same shape with more fields.
 */
int
h_leaderboard(struct req *r)
{
	struct valid_value v[LB__MAX];
	struct rows        rs;
	const char        *period, *limit, *cat, *unit, *district;
	json_t            *list;
	int                rc;

	if ((rc = input_args(r, lb_fields, LB__MAX, v)) != 0)
		return rc;
	cat = v[LB_CATEGORY].present ? v[LB_CATEGORY].s : NULL;
	unit = v[LB_UNIT].present ? v[LB_UNIT].s : NULL;
	district = v[LB_DISTRICT].present ? v[LB_DISTRICT].s : NULL;
	limit = v[LB_LIMIT].present ? v[LB_LIMIT].s : "20";
	if (v[LB_BY].present && v[LB_BY].i != 0) /* jury, combined */
		return h_results_leaderboard(r, lb_by[v[LB_BY].i], cat, unit,
		                             district, limit);
	period = v[LB_PERIOD].present ? lb_period[v[LB_PERIOD].i] : "all";
	if (strcmp(period, "all") == 0)
		rc = db_run(
		    r->db, r->a, STMT_LEADERBOARD,
		    (const char *[]){r->seg[0], cat, unit, district, limit},
		    &rs);
	else
		rc = db_run(r->db, r->a, STMT_LEADERBOARD_PERIOD,
		            (const char *[]){r->seg[0], cat, unit, district,
		                             period, limit},
		            &rs);
	if (rc == DB_NONE)
		return resp_error(r, 404, "no_contest",
		                  "There is no contest %s.", r->seg[0]);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((list = input_db_json(rows_get(&rs, 0, 0))) == NULL)
		return resp_db_error(r, DB_ERR);
	return lb_send(r,
	               json_pack("{s:s,s:s,s:s,s:o}", "contest", r->seg[0],
	                         "by", "votes", "period", period, "entries",
	                         list),
	               rows_get(&rs, 0, 1));
}

enum lu_field {
	LU_LEVEL, /* LU_LEVEL */
	LU__MAX
};

static const char *const lu_level[] = {"unit", "district", NULL};

static const struct valid_field lu_fields[LU__MAX] = {
    {"level", valid_f_choice, 0, 0, 0, lu_level},
};

/*
 * Units (or districts with level=district) of a contest: approved
 * entries, valid votes and distinct voters, ranked by votes (1, 2, 2, 4),
 * ties by name.
 */
int
h_leaderboard_units(struct req *r)
{
	struct valid_value v[LU__MAX];
	struct rows        rs;
	const char        *level;
	json_t            *list;
	int                rc;

	if ((rc = input_args(r, lu_fields, LU__MAX, v)) != 0)
		return rc;
	level = v[LU_LEVEL].present ? lu_level[v[LU_LEVEL].i] : "unit";
	rc = db_run(r->db, r->a, STMT_LEADERBOARD_UNITS,
	            (const char *[]){r->seg[0], level}, &rs);
	if (rc == DB_NONE)
		return resp_error(r, 404, "no_contest",
		                  "There is no contest %s.", r->seg[0]);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((list = input_db_json(rows_get(&rs, 0, 0))) == NULL)
		return resp_db_error(r, DB_ERR);
	return lb_send(r,
	               json_pack("{s:s,s:s,s:o}", "contest", r->seg[0], "level",
	                         level, "units", list),
	               rows_get(&rs, 0, 1));
}
