/*
 * h_voter.c: GET /api/v1/contests/{slug}/me/votes?entries=1,2,3 (issue
 * 17): what the signed-in voter can do on the listed entries, one call
 * per page (static/vote.js): the entries voted in the current period,
 * the voter's own entries and the votes left today.  Private: never
 * stored by nginx (no cache on this location) nor by the browser.
 */
#include <string.h>

#include "db_voter.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "resp.h"
#include "valid.h"

#define VOTER_MAX_IDS 100 /* a page of the gallery or the board */
/* 100 ids of at most 19 digits and their commas */
#define VOTER_MAX_LEN (VOTER_MAX_IDS * 20)

int
h_voter_state(struct req *r)
{
	const struct kv *arg = req_arg(r, "entries");
	size_t           len = arg != NULL ? strlen(arg->val) : 0;
	const char      *json;
	char            *ids = NULL;
	int              rc;

	resp_header(r, "Cache-Control", "private, no-store");
	if (len > VOTER_MAX_LEN ||
	    (len > 0 && (ids = arena_alloc(r->a, len + 3)) == NULL) ||
	    ids == NULL ||
	    valid_id_list(arg->val, len, VOTER_MAX_IDS, ids, len + 3) == 0)
		return resp_error(
		    r, 400, "invalid_entries",
		    "Danh sách ảnh không hợp lệ: cần từ 1 đến 100 "
		    "mã ảnh, cách nhau bằng dấu phẩy.");
	rc = db_voter_state(r->db, r->a, r->seg[0], r->user->id, ids, &json);
	return jury_json(r, rc, json, NULL);
}
