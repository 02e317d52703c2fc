/*
 * h_tracks.c: prize tracks (define, compute, the rules text) and the
 * weekly snapshots (issue 16).  The rules are SQL functions of
 * sql/functions/100_tracks.sql; this file checks who may see what:
 *   GET  /contests/{slug}/tracks        the computed tracks: judges and
 *                                       admins at any time, everyone once
 *                                       the results are published;
 *   GET  /contests/{slug}/prize-rules   the definitions and the rules
 *                                       text: public;
 *   PUT  /contests/{slug}/tracks        admins: replace them (checked,
 *                                       400 with the field, nothing
 *                                       written);
 *   POST /contests/{slug}/snapshots     admins: take the snapshots due;
 *   GET  /contests/{slug}/weeks[/{n}/csv] the snapshots: public.
 */
#include <stdlib.h>
#include <string.h>

#include "db_tracks.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "resp.h"

int
h_tracks_get(struct req *r)
{
	struct contest_access jc;
	const char           *json;
	int                   rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	if (!jc.judge && !jc.published)
		return resp_error(r, 403, "results_not_published",
		                  "Kết quả chưa được công bố.");
	resp_header(r, "Cache-Control", "private, no-cache");
	rc = db_tracks_results(r->db, r->a, jc.id, &json);
	return jury_json(r, rc, json, NULL);
}

int
h_tracks_rules(struct req *r)
{
	struct contest_access jc;
	const char           *json;
	int                   rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_tracks_rules(r->db, r->a, jc.id, &json);
	return jury_json(r, rc, json, NULL);
}

int
h_tracks_put(struct req *r)
{
	struct contest_access jc;
	struct db_answer      ans;
	struct db_actor       by;
	json_t               *body;
	char                 *text;
	int                   rc;

	if ((body = jury_body(r)) == NULL)
		return r->status;
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (text == NULL)
		return resp_db_error(r, DB_ERR);
	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0) {
		free(text);
		return rc;
	}
	by = jury_actor(r);
	rc = db_tracks_save(r->db, r->a, jc.id, &by, text, &ans);
	free(text);
	return jury_answer(r, "tracks", rc, &ans);
}

int
h_snapshots_take(struct req *r)
{
	struct contest_access jc;
	long long             n;
	int                   rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_snapshots_take(r->db, r->a, jc.id, &n);
	if (rc < 0)
		return resp_db_error(r, rc);
	return resp_json(r, 200, json_pack("{s:I}", "taken", (json_int_t)n));
}

int
h_weeks_get(struct req *r)
{
	struct contest_access jc;
	const char           *json;
	int                   rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	rc = db_snapshots_show(r->db, r->a, jc.id, NULL, &json);
	return jury_json(r, rc, json, "weeks");
}

static const char *const week_head[] = {
    "Hạng",
    "Mã bài",
    "Số báo danh",
    "Tên ảnh",
    "Tác giả",
    "Đơn vị",
    "Lượt trong tuần",
    "Tổng đến cuối tuần",
    "Lượt bị hủy sau khi chốt",
};

int
h_week_csv(struct req *r)
{
	struct contest_access jc;
	struct jury_csv       out;
	struct db_sink        sink;
	const char           *json, *week;
	int                   rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	week = arena_printf(r->a, "%lld", r->id_param);
	if (week == NULL || r->id_param > 9999)
		return resp_error(r, 404, "no_week",
		                  "Tuần này chưa có bảng chốt.");
	/* An unknown week is a 404, not an empty file. */
	rc = db_snapshots_show(r->db, r->a, jc.id, week, &json);
	if (rc < 0)
		return resp_db_error(r, rc);
	if (rc == DB_NONE || json == NULL || strcmp(json, "[]") == 0)
		return resp_error(r, 404, "no_week",
		                  "Tuần này chưa có bảng chốt.");
	sink = jury_csv_sink(
	    &out, r, arena_printf(r->a, "%s-tuan-%s.csv", r->seg[0], week),
	    week_head, (int)(sizeof(week_head) / sizeof(week_head[0])));
	rc = db_snapshot_export(r->db, jc.id, week, &sink);
	return jury_csv_end(&out, &sink, rc);
}
