/*
 * h_leaderboard.c: the public rankings.  Competition ranking (1, 2, 2, 4);
 * ties are listed oldest entry first (smaller id), a stable order.  They
 * read the counts the folder keeps (fold.c), never count(*) per request.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "boards.h"
#include "clock.h"
#include "db_vote.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "metrics.h"
#include "reads.h"
#include "resp.h"
#include "router.h"

/* Vietnam (Asia/Ho_Chi_Minh) is UTC+7 all year, without summer time. */
#define LB_VN_UTC_OFFSET (7 * 3600)

enum lb_field {
	LB_BY,        /* LB_BY */
	LB_CATEGORY,  /* LB_CATEGORY */
	LB_UNIT,      /* LB_UNIT */
	LB_UNIT_CODE, /* LB_UNIT_CODE: the subtree of a unit */
	LB_PERIOD,    /* LB_PERIOD */
	LB_LIMIT,     /* LB_LIMIT */
	LB__MAX
};

static const char *const lb_by[] = {"votes", "jury", "combined", NULL};
static const char *const lb_period[] = {"all", "today", "week", NULL};

static const struct valid_field lb_fields[LB__MAX] = {
    {"by", valid_f_choice, 0, 0, 0, lb_by},
    {"category", valid_f_int, 1, 9007199254740991LL, 0, NULL},
    {"unit", valid_f_line, 1, 120, 0, NULL},
    {"unit_code", valid_f_line, 1, 64, 0, NULL},
    {"period", valid_f_choice, 0, 0, 0, lb_period},
    {"limit", valid_f_int, 1, 100, 0, NULL},
};

/*
 * Answers board b: 200 with its ETag and Last-Modified (when the
 * contest's counts last moved), or 304 when the client's If-None-Match
 * names this ETag.  nginx keeps an anonymous board until the end of the
 * second it was made in (boards.h says how soon a new vote shows), and a
 * browser revalidates it every time (nginx answers its If-None-Match from
 * that copy); a request with a session cookie gets a private answer.
 */
static int
lb_answer(struct req *r, const struct board *b)
{
	/* The hex digits and the closing quote, whatever the W/ prefix. */
	const char *tag = b->etag + 3;
	int         anon = auth_anonymous(r);

	resp_header(r, "Cache-Control",
	            anon ? "public, no-cache" : "private, no-cache");
	resp_header(r, "ETag", b->etag);
	if (b->last_modified[0] != '\0')
		resp_header(r, "Last-Modified", b->last_modified);
	if (r->if_none_match != NULL &&
	    (strstr(r->if_none_match, tag) != NULL ||
	     strcmp(r->if_none_match, "*") == 0))
		return resp_empty(r, 304);
	if (anon)
		resp_cache_this_second(r);
	return resp_bytes(r, 200, "application/json", NULL, b->body, b->len);
}

/*
 * Reads a board through rd (the primary or a standby, reads_db()): *body
 * (a new reference) and the Last-Modified text (in the arena).  Returns 0,
 * or the status of the error it answered.
 */
typedef int (*lb_read_fn)(struct req *r, struct db *rd, const void *arg,
                          json_t **body, const char **last_modified);

/*
 * Answers the board key from the worker's cache (boards.h), or reads it
 * with read() and keeps it.  The generation is taken before the read, so
 * a change committed during it makes the board stale at once.  A board
 * read from a standby is kept as if a change had come already (a
 * generation behind: only for the hold): a notification says that the
 * primary changed, not that this standby has replayed it, so a board read
 * there just after a fold may miss the fold and must not be kept until
 * the next notification.
 */
static int
lb_serve(struct req *r, const char *key, lb_read_fn read, const void *arg)
{
	unsigned long       gen = db_board_gen(r->db);
	double              now = clock_ms();
	const struct board *b;
	struct board        tmp;
	struct db          *rd;
	const char         *lastmod = NULL;
	json_t             *body = NULL;
	char               *text;
	int                 rc;

	if (key != NULL && (b = boards_get(r->boards, key, gen, now)) != NULL) {
		metrics_board(1);
		return lb_answer(r, b);
	}
	metrics_board(0);
	rd = reads_db(r);
	if ((rc = read(r, rd, arg, &body, &lastmod)) != 0)
		return rc;
	if (body == NULL)
		return resp_db_error(r, DB_ERR);
	/* Sorted keys: the same board gives the same bytes (and ETag) in
	 * every worker (jansson's hash order is seeded per process). */
	text =
	    json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_SORT_KEYS);
	json_decref(body);
	if (text == NULL)
		return resp_db_error(r, DB_ERR);
	b = boards_put(key != NULL ? r->boards : NULL, key ? key : "",
	               rd == r->db ? gen : gen - 1, now, text, strlen(text),
	               lastmod, &tmp);
	rc = lb_answer(r, b);
	if (b == &tmp)
		free(tmp.body);
	return rc;
}

/*
 * The JSON array of a board read with result rc, or the status of the
 * error answered: 404 for an unknown contest.
 */
static int
lb_list(struct req *r, int rc, const struct board_read *b, json_t **list)
{
	if (rc == DB_NONE)
		return resp_error(r, 404, "no_contest",
		                  "There is no contest %s.", r->seg[0]);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((*list = input_db_json(b->json)) == NULL)
		return resp_db_error(r, DB_ERR);
	return 0;
}

/* A by=votes board's parameters, validated. */
struct lb_args {
	enum board_period   period;
	struct board_filter f;
};

static int
lb_read(struct req *r, struct db *rd, const void *arg, json_t **body,
        const char **last_modified)
{
	const struct lb_args *q = arg;
	struct board_read     b;
	json_t               *list;
	int                   rc;

	rc = db_board_votes(rd, r->a, r->seg[0], q->period, &q->f, &b);
	if ((rc = lb_list(r, rc, &b, &list)) != 0)
		return rc;
	*body =
	    json_pack("{s:s,s:s,s:s,s:o}", "contest", r->seg[0], "by", "votes",
	              "period", lb_period[q->period], "entries", list);
	*last_modified = b.last_modified;
	return 0;
}

/*
 * Ranks approved entries by valid votes (the folded counts, see
 * sql/functions/030_votes.sql) with competition ranking (1, 2, 2, 4); ties are
 * listed oldest entry first (smaller id).  The answer is
 * {"contest","by","period","entries":[{"rank","votes","entry"}]};
 * by=jury|combined (jury.c) answers the same shape with more fields.
 * The by=votes boards do not depend on who asks: the route is R_LAZY and
 * they are served from the worker's cache.
 */
int
h_leaderboard(struct req *r)
{
	struct valid_value v[LB__MAX];
	struct lb_args     q;
	const char        *key;
	int                rc;

	if ((rc = input_args(r, lb_fields, LB__MAX, v)) != 0)
		return rc;
	q.f.category = v[LB_CATEGORY].present ? v[LB_CATEGORY].i : 0;
	q.f.unit = v[LB_UNIT].present ? v[LB_UNIT].s : NULL;
	q.f.unit_code = v[LB_UNIT_CODE].present ? v[LB_UNIT_CODE].s : NULL;
	q.f.limit = v[LB_LIMIT].present ? v[LB_LIMIT].i : 20;
	if (v[LB_BY].present && v[LB_BY].i != 0) { /* jury, combined */
		if ((rc = router_session(r)) != 0)
			return rc;
		return h_results_leaderboard(
		    r, lb_by[v[LB_BY].i],
		    v[LB_CATEGORY].present ? v[LB_CATEGORY].s : NULL, q.f.unit,
		    q.f.unit_code, v[LB_LIMIT].present ? v[LB_LIMIT].s : "20");
	}
	q.period = v[LB_PERIOD].present ? (enum board_period)v[LB_PERIOD].i
	                                : BOARD_ALL;
	/* The key holds every parameter in a normal form (validated lines
	 * hold no control character, so \x1f separates them) and, for today
	 * and this week, the Vietnam day: those boards turn over at its
	 * midnight. */
	key = arena_printf(
	    r->a, "lb\x1f%s\x1f%s\x1f%lld\x1f%s\x1f%s\x1f%lld\x1f%lld",
	    r->seg[0], lb_period[q.period], (long long)q.f.category,
	    q.f.unit ? q.f.unit : "", q.f.unit_code ? q.f.unit_code : "",
	    (long long)q.f.limit,
	    q.period == BOARD_ALL
	        ? 0LL
	        : ((long long)time(NULL) + LB_VN_UTC_OFFSET) / 86400);
	return lb_serve(r, key, lb_read, &q);
}

enum lu_field {
	LU_LEVEL, /* LU_LEVEL */
	LU_SORT,  /* LU_SORT */
	LU_LIMIT, /* LU_LIMIT */
	LU__MAX
};

/* The levels of the unit tree a board ranks (issue 15). */
static const char *const lu_level[] = {"province", "grassroots", "branch",
                                       NULL};
/* By valid votes, or by participants per 100 members. */
static const char *const lu_sort[] = {"votes", "rate", NULL};

/* A province has hundreds of units; a country, 10,599 communes. */
#define LU_LIMIT_DEFAULT 100
#define LU_LIMIT_MAX     1000

static const struct valid_field lu_fields[LU__MAX] = {
    {"level", valid_f_choice, 0, 0, 0, lu_level},
    {"sort", valid_f_choice, 0, 0, 0, lu_sort},
    {"limit", valid_f_int, 1, LU_LIMIT_MAX, 0, NULL},
};

/* A units board's parameters, validated. */
struct lu_args {
	const char *level;
	int         by_rate;
	int64_t     limit;
};

/*
 * The units of one level of the tree (province, grassroots, branch) with
 * approved entries in a contest, each counting its own entries and those
 * of every unit below it: entries, valid votes, distinct voters,
 * participants, members and participants per 100 members, the top
 * `limit` ranked by votes (1, 2, 2, 4) or by that rate; "other" counts
 * the entries of units nobody has mapped to the tree yet, with their
 * names (unit_board() in sql/functions/080_units.sql).
 */
static int
lu_read(struct req *r, struct db *rd, const void *arg, json_t **body,
        const char **last_modified)
{
	const struct lu_args *q = arg;
	struct board_read     b;
	json_t               *list;
	int                   rc;

	rc = db_board_units(rd, r->a, r->seg[0], q->level, q->by_rate, q->limit,
	                    &b);
	if ((rc = lb_list(r, rc, &b, &list)) != 0)
		return rc;
	if (!json_is_object(list)) {
		json_decref(list);
		return resp_db_error(r, DB_ERR);
	}
	*body = list; /* {"units": [...], "other": {...} | null} */
	if (json_object_set_new(list, "contest", json_string(r->seg[0])) ||
	    json_object_set_new(list, "level", json_string(q->level)) ||
	    json_object_set_new(list, "sort", json_string(lu_sort[q->by_rate])))
		return resp_db_error(r, DB_ERR);
	*last_modified = b.last_modified;
	return 0;
}

int
h_leaderboard_units(struct req *r)
{
	struct valid_value v[LU__MAX];
	struct lu_args     q;
	int                rc;

	if ((rc = input_args(r, lu_fields, LU__MAX, v)) != 0)
		return rc;
	q.level = v[LU_LEVEL].present ? lu_level[v[LU_LEVEL].i] : "province";
	q.by_rate = v[LU_SORT].present && v[LU_SORT].i == 1;
	q.limit = v[LU_LIMIT].present ? v[LU_LIMIT].i : LU_LIMIT_DEFAULT;
	return lb_serve(r,
	                arena_printf(r->a, "lu\x1f%s\x1f%s\x1f%d\x1f%lld",
	                             r->seg[0], q.level, q.by_rate,
	                             (long long)q.limit),
	                lu_read, &q);
}
