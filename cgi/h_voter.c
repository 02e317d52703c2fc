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

#define VOTER_MAX_IDS   100 /* a page of the gallery or the board */
#define VOTER_ID_DIGITS 18

/*
 * The ids of "1,2,3" as a PostgreSQL array literal in a, or NULL when the
 * list is empty, longer than VOTER_MAX_IDS or not ids.
 */
static char *
voter_ids(struct arena *a, const char *s)
{
	size_t n = strlen(s), k = 0, digits = 0;
	char  *out;

	if (n == 0 || n > VOTER_MAX_IDS * (VOTER_ID_DIGITS + 1) ||
	    (out = arena_alloc(a, n + 3)) == NULL)
		return NULL;
	out[0] = '{';
	for (size_t i = 0; i <= n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (digits == 0 && s[i] == '0')
				return NULL; /* no 0, no leading zero */
			if (++digits > VOTER_ID_DIGITS)
				return NULL;
		} else if (s[i] == ',' || s[i] == '\0') {
			if (digits == 0 || ++k > VOTER_MAX_IDS)
				return NULL;
			digits = 0;
		} else {
			return NULL;
		}
		out[i + 1] = s[i] == '\0' ? '}' : s[i];
	}
	out[n + 2] = '\0';
	return out;
}

int
h_voter_state(struct req *r)
{
	const struct kv *arg = req_arg(r, "entries");
	const char      *json;
	char            *ids;
	int              rc;

	resp_header(r, "Cache-Control", "private, no-store");
	if (arg == NULL || (ids = voter_ids(r->a, arg->val)) == NULL)
		return resp_error(
		    r, 400, "invalid_entries",
		    "Danh sách ảnh không hợp lệ: cần từ 1 đến 100 "
		    "mã ảnh, cách nhau bằng dấu phẩy.");
	rc = db_voter_state(r->db, r->a, r->seg[0], r->user->id, ids, &json);
	return jury_json(r, rc, json, NULL);
}
