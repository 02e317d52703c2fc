/*
 * h_leaderboard.c: the public rankings.  Competition ranking (1, 2, 2, 4);
 * ties are listed oldest entry first (smaller id), a stable order.
 */
#include <string.h>

#include "db.h"
#include "handlers.h"
#include "input.h"
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
 * Ranks approved entries by valid votes with competition ranking
 * (1, 2, 2, 4); ties are listed oldest entry first (smaller id).
 */
int
h_leaderboard(struct req *r)
{
	struct valid_value v[LB__MAX];
	struct rows        rs;
	const char        *period, *limit;
	json_t            *list;
	int                rc;

	if ((rc = input_args(r, lb_fields, LB__MAX, v)) != 0)
		return rc;
	if (v[LB_BY].present && v[LB_BY].i != 0)
		return resp_error(r, 403, "results_not_published",
		                  "Jury and combined rankings are shown once "
		                  "the results are published.");
	rc = db_run(r->db, r->a, STMT_CONTEST_GET, (const char *[]){r->seg[0]},
	            NULL);
	if (rc == DB_NONE)
		return resp_error(r, 404, "no_contest",
		                  "There is no contest %s.", r->seg[0]);
	if (rc < 0)
		return resp_db_error(r, rc);
	period = v[LB_PERIOD].present ? lb_period[v[LB_PERIOD].i] : "all";
	limit = v[LB_LIMIT].present ? v[LB_LIMIT].s : "20";
	rc = db_run(
	    r->db, r->a, STMT_LEADERBOARD,
	    (const char *[]){r->seg[0],
	                     v[LB_CATEGORY].present ? v[LB_CATEGORY].s : NULL,
	                     v[LB_UNIT].present ? v[LB_UNIT].s : NULL,
	                     v[LB_DISTRICT].present ? v[LB_DISTRICT].s : NULL,
	                     period, limit},
	    &rs);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((list = input_db_json(rows_get(&rs, 0, 0))) == NULL)
		return resp_db_error(r, DB_ERR);
	/* Anonymous boards may be cached by nginx for a second. */
	if (r->user == NULL)
		resp_header(r, "Cache-Control", "public, max-age=1");
	return resp_json(r, 200,
	                 json_pack("{s:s,s:s,s:s,s:o}", "contest", r->seg[0],
	                           "by", "votes", "period", period, "entries",
	                           list));
}
