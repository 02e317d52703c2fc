/*
 * h_results.c: jury and combined rankings, prizes, publication and the
 * CSV exports.  Judges and admins of a contest see everything at any
 * time; the public sees jury numbers only once the results are published
 * (403 results_not_published before).  The numbers come from
 * jury_ranking() in sql/functions/050_jury.sql, the one definition of SPEC
 * section 5.
 */
#include <string.h>

#include "auth.h"
#include "db_jury.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "resp.h"

#define RESULTS_MAX_PRIZES 100

static int
not_published(struct req *r)
{
	return resp_error(r, 403, "results_not_published",
	                  "Jury and combined rankings are shown once the "
	                  "results are published.");
}

int
h_results_leaderboard(struct req *r, const char *by, const char *category,
                      const char *unit, const char *unit_code,
                      const char *limit)
{
	struct contest_access jc;
	const char           *json;
	json_t               *list;
	int                   rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	if (!jc.judge && !jc.published)
		return not_published(r);
	rc = db_jury_board(
	    r->db, r->a, jc.id,
	    &(struct jury_board){by, category, unit, unit_code, limit}, &json);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((list = input_db_json(json)) == NULL)
		return resp_db_error(r, DB_ERR);
	if (auth_anonymous(r)) {
		resp_header(r, "Cache-Control", "public, no-cache");
		resp_cache_this_second(r);
	}
	return resp_json(r, 200,
	                 json_pack("{s:s,s:s,s:s,s:b,s:o}", "contest",
	                           r->seg[0], "by", by, "period", "all",
	                           "published", jc.published, "entries", list));
}

/*
 * Published results are the same for everyone and change rarely: they
 * carry an ETag made of results_version() (one cheap query), which is
 * read before the results so a change committed in between makes the
 * next version differ.  A client (or nginx revalidating its cached copy,
 * nginx/netdep.conf.in) that names it gets a 304 without the results
 * being computed.  Unpublished results (judges only) are never cached.
 * Returns 0 to go on with the 200, else the status sent.
 */
static int
results_etag(struct req *r, const struct contest_access *jc, const char *kind)
{
	const char *version, *etag;
	int         rc;

	if (!jc->published)
		return 0;
	rc = db_results_version(r->db, r->a, jc->id, &version);
	if (rc != DB_OK)
		return resp_db_error(r, rc < 0 ? rc : DB_ERR);
	if (kind == NULL ||
	    (etag = arena_printf(r->a, "\"%s-%s\"", kind, version)) == NULL)
		return resp_db_error(r, DB_ERR);
	resp_header(r, "ETag", etag);
	resp_header(r, "Cache-Control",
	            auth_anonymous(r) ? "public, no-cache"
	                              : "private, no-cache");
	if (r->if_none_match != NULL && strstr(r->if_none_match, etag) != NULL)
		return resp_empty(r, 304);
	return 0;
}

int
h_results_get(struct req *r)
{
	struct contest_access jc;
	const char           *json;
	int                   rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	if (!jc.judge && !jc.published)
		return not_published(r);
	if ((rc = results_etag(r, &jc, "results")) != 0)
		return rc;
	rc = db_results(r->db, r->a, jc.id, &json);
	return jury_json(r, rc, json, "results");
}

static const char *const prize_names[] = {
    "first", "second", "third", "consolation", "most_voted", NULL,
};

/* A prize as stored: an entry id and one of prize_names. */
static json_t *
results_prize(json_t *p)
{
	json_t     *id = json_object_get(p, "entry_id");
	const char *name = json_string_value(json_object_get(p, "prize"));

	if (!json_is_integer(id) || json_integer_value(id) < 1 || name == NULL)
		return NULL;
	for (int k = 0; prize_names[k] != NULL; k++)
		if (strcmp(name, prize_names[k]) == 0)
			return json_pack("{s:I,s:s}", "entry_id",
			                 json_integer_value(id), "prize",
			                 prize_names[k]);
	return NULL;
}

int
h_prizes_put(struct req *r)
{
	struct contest_access jc;
	struct db_answer      ans;
	struct db_actor       by;
	const char           *text;
	int                   rc;

	text = jury_list(r, "prizes", 0, RESULTS_MAX_PRIZES, results_prize,
	                 "must be a list of {entry_id, prize}", "Prize",
	                 "needs an entry_id and a prize (first, second, third, "
	                 "consolation or most_voted)");
	if (text == NULL)
		return r->status;
	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	if (jc.published)
		return resp_error(
		    r, 409, "results_published",
		    "The results are published: prizes are final.");
	by = jury_actor(r);
	rc = db_prizes_set(r->db, r->a, jc.id, &by, text, &ans);
	return jury_answer(r, NULL, rc, &ans);
}

int
h_results_publish(struct req *r)
{
	struct contest_access jc;
	struct db_answer      ans;
	struct db_actor       by;
	int                   rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	by = jury_actor(r);
	rc = db_results_publish(r->db, r->a, jc.id, &by, &ans);
	return jury_answer(r, NULL, rc, &ans);
}

static const char *const results_head[] = {
    "Hạng",           "Mã bài",        "Tên ảnh",  "Tác giả",
    "Đơn vị",         "Mã đơn vị",     "Thể loại", "Lượt bình chọn",
    "Điểm giám khảo", "Điểm tổng hợp", "Giải",
};

static const char *const entries_head[] = {
    "Mã bài",    "Tên ảnh",     "Mô tả",         "Trạng thái",     "Tài khoản",
    "Tác giả",   "Đơn vị",      "Mã đơn vị",     "Thể loại",       "Gửi lúc",
    "Duyệt lúc", "Người duyệt", "Lý do từ chối", "Lượt bình chọn",
};

static const char *const votes_head[] = {
    "Mã lượt bình chọn",
    "Mã bài",
    "Tên ảnh",
    "Người bình chọn",
    "Lúc",
    "Ngày",
    "IP",
    "Hiệu lực",
    "Hủy lúc",
    "Lý do hủy",
};

/* What a judge who is not an admin gets in place of the address. */
static const char *const votes_head_judge[] = {
    "Mã lượt bình chọn",
    "Mã bài",
    "Tên ảnh",
    "Người bình chọn",
    "Lúc",
    "Ngày",
    "Nhóm địa chỉ (mã hóa)",
    "Hiệu lực",
    "Hủy lúc",
    "Lý do hủy",
};

#define NELEM(t) ((int)(sizeof(t) / sizeof((t)[0])))

/* One CSV export of a contest: who may read it, its statement, its head. */
struct export
{
	int                judges_only; /* else also anyone once published */
	enum jury_export   which;
	const char        *suffix; /* file name: <slug>-<suffix>.csv */
	const char *const *head;
	int                nhead;
};

static const struct export exports[] = {
    {0, EXPORT_RESULTS, "results", results_head, NELEM(results_head)},
    {1, EXPORT_ENTRIES, "entries", entries_head, NELEM(entries_head)},
    {1, EXPORT_VOTES, "votes", votes_head, NELEM(votes_head)},
};

static int
export_csv(struct req *r, const struct export *x)
{
	struct contest_access jc;
	struct jury_csv       out;
	struct db_sink        sink;
	int                   rc, admin;

	rc = x->judges_only ? jury_contest_judge(r, r->seg[0], &jc)
	                    : jury_contest(r, r->seg[0], &jc);
	if (rc != 0)
		return rc;
	if (!jc.judge && !jc.published)
		return not_published(r);
	if (!x->judges_only &&
	    (rc = results_etag(r, &jc,
	                       arena_printf(r->a, "%s.csv", x->suffix))) != 0)
		return rc;
	/* Addresses are personal data: admins only (issue 12). */
	admin = r->user != NULL && r->user->is_admin;
	sink = jury_csv_sink(
	    &out, r, arena_printf(r->a, "%s-%s.csv", r->seg[0], x->suffix),
	    x->which == EXPORT_VOTES && !admin ? votes_head_judge : x->head,
	    x->nhead);
	rc = db_export(r->db, x->which, jc.id, admin, &sink);
	return jury_csv_end(&out, &sink, rc);
}

int
h_results_csv(struct req *r)
{
	return export_csv(r, &exports[0]);
}

int
h_entries_csv(struct req *r)
{
	return export_csv(r, &exports[1]);
}

int
h_votes_csv(struct req *r)
{
	return export_csv(r, &exports[2]);
}
