/*
 * sqlfrag.h: SQL fragments that several data-layer modules share, as
 * macros of string literals joined at compile time: how an entry, a
 * contest and a board row are shown as JSON is written once.  Only db_*.c
 * and stmt.c include it.
 */
#ifndef NETDEP_SQLFRAG_H
#define NETDEP_SQLFRAG_H

/* URL of a derivative: public while approved, else through the API. */
#define MEDIA_URL(suffix, kind)                                                \
	"CASE WHEN e.status = 'approved' THEN '/media/' || "                   \
	"media_path(m.token, '" suffix "') ELSE '/api/v1/entries/' || e.id "   \
	"|| '/media/" kind "' END"

/* An entry as anyone may see it; needs e, c, a, m and cat joined. */
#define ENTRY_JSON                                                                                                                         \
	"jsonb_build_object('id', e.id, 'number', e.number, 'contest', "                                                                   \
	"c.slug, 'title', e.title, "                                                                                                       \
	"'caption', e.caption, 'status', e.status, 'category', "                                                                           \
	"CASE WHEN cat.id IS NULL THEN NULL ELSE jsonb_build_object('id', "                                                                \
	"cat.id, 'name', cat.name) END, 'author', jsonb_build_object("                                                                     \
	"'display_name', a.display_name, 'unit', e.unit), 'unit', e.unit, "                                                                \
	"'unit_code', (SELECT u.code FROM units u WHERE u.id = e.unit_id), "                                                               \
	"'votes', "                                                                                                                        \
	"coalesce((SELECT s.votes FROM entry_stats s WHERE s.entry_id = "                                                                  \
	"e.id), 0), 'under_review', (SELECT count(*) FROM vote_review vr "                                                                 \
	"WHERE vr.entry_id = e.id AND vr.state = 'held'), "                                                                                \
	"'created_at', e.created_at, 'url', '/e/' || "                                                                                     \
	"e.id, 'media', jsonb_build_object('width', m.display_width, "                                                                     \
	"'height', m.display_height, 'thumb_width', m.thumb_width, "                                                                       \
	"'thumb_height', m.thumb_height, 'thumb_jpeg', " MEDIA_URL(                                                                        \
	    "_t400.jpg",                                                                                                                   \
	    "t400.jpg") ", 'thumb_webp', " MEDIA_URL("_t400.webp",                                                                         \
	                                             "t400.webp") ", "                                                                     \
	                                                          "'display_"                                                              \
	                                                          "jpeg',"                                                                 \
	                                                          " " MEDIA_URL("_d1600.jpg", "d1600.jpg") ", 'display_webp', " MEDIA_URL( \
	                                                              "_d1600"                                                             \
	                                                              ".webp",                                                             \
	                                                              "d1600."                                                             \
	                                                              "webp") "))"

/* What only the owner and the judges see besides. */
#define ENTRY_PRIVATE_JSON                                                     \
	"jsonb_build_object('reject_reason', e.reject_reason, 'decided_at', "  \
	"e.decided_at, 'original', '/api/v1/entries/' || e.id || "             \
	"'/original', 'original_type', m.original_type, 'original_width', "    \
	"m.width, 'original_height', m.height, 'camera', m.camera, "           \
	"'taken_at', m.taken_at, 'files_purged_at', e.files_purged_at)"

#define ENTRY_FROM                                                             \
	" FROM entries e JOIN contests c ON c.id = e.contest_id JOIN "         \
	"accounts a ON a.id = e.account_id JOIN media m ON m.entry_id = "      \
	"e.id LEFT JOIN categories cat ON cat.id = e.category_id "

#define CONTEST_JSON                                                           \
	"jsonb_build_object('slug', c.slug, 'title', c.title, 'rules', "       \
	"c.rules, 'phase', contest_phase(c), 'submit_from', c.submit_from, "   \
	"'submit_until', c.submit_until, 'vote_from', c.vote_from, "           \
	"'vote_until', c.vote_until, 'results_at', c.results_at, "             \
	"'max_entries', c.max_entries, 'votes_per_day', c.votes_per_day, "     \
	"'vote_rule', c.vote_rule, 'public_weight', c.public_weight, "         \
	"'vote_pow', c.vote_pow, "                                             \
	"'unit', (SELECT jsonb_build_object('code', u.code, 'name', u.name) "  \
	"FROM units u WHERE u.id = c.unit_id), 'open_to_all', c.open_to_all, " \
	"'jury_weight', 100 - c.public_weight, 'min_short_side', "             \
	"c.min_short_side, 'max_pixels', c.max_pixels, 'max_bytes', "          \
	"c.max_bytes, 'categories', coalesce((SELECT jsonb_agg("               \
	"jsonb_build_object('id', k.id, 'name', k.name) ORDER BY k.position,"  \
	" k.id) FROM categories k WHERE k.contest_id = c.id), '[]'), "         \
	"'criteria', coalesce((SELECT jsonb_agg(jsonb_build_object('id', "     \
	"k.id, 'name', k.name, 'weight', k.weight) ORDER BY k.position, "      \
	"k.id) FROM criteria k WHERE k.contest_id = c.id), '[]'), "            \
	"'entries', (SELECT count(*) FROM entries x WHERE x.contest_id = "     \
	"c.id AND x.status = 'approved'))"

/* The entries of a board t(entry_id, ...); c is the contest. */
#define LB_ENTRY_FROM                                                          \
	" JOIN entries e ON e.id = t.entry_id JOIN accounts a ON a.id = "      \
	"e.account_id JOIN media m ON m.entry_id = e.id LEFT JOIN categories " \
	"cat ON cat.id = e.category_id "

/* When the contest's counts last moved, as an HTTP date. */
#define LB_LASTMOD                                                             \
	"to_char(coalesce(f.folded_at, c.created_at) AT TIME ZONE 'UTC', "     \
	"'Dy, DD Mon YYYY HH24:MI:SS \"GMT\"')"

/* The Vietnam day now, and the Monday that starts its week. */
#define LB_VN_NOW   "now() AT TIME ZONE 'Asia/Ho_Chi_Minh'"
#define LB_VN_TODAY "(" LB_VN_NOW ")::date"
#define LB_VN_WEEK  "date_trunc('week', " LB_VN_NOW ")::date"

/*
 * The board filters on entry_stats s: category $2, free-text unit $3,
 * the subtree of unit code $4 (issue 15).
 */
#define LB_FILTERS                                                             \
	"s.approved AND ($2::bigint IS NULL OR s.category_id = $2) AND "       \
	"($3::text IS NULL OR s.unit = $3) AND ($4::text IS NULL OR EXISTS "   \
	"(SELECT 1 FROM unit_ancestors ux JOIN units uu ON uu.id = "           \
	"ux.ancestor_id WHERE ux.unit_id = s.unit_id AND uu.code = $4))"

/*
 * A period board (today, this week: Vietnam time) from table tbl, whose
 * column col holds the period that expression now names
 * (008_boards_topn.sql).  p: the top $5 entries with votes in the period,
 * walked from the (contest, period, votes DESC, entry) index; ranks are
 * computed after the limit, which is exact because every entry with more
 * votes comes before.  z: when fewer than $5 have any, the others follow,
 * tied after them, oldest first (not even read otherwise).  The contest
 * is the outer row, so the index bounds are constants to the planner.
 */
#define LB_PERIOD(tbl, col, now)                                               \
	"SELECT (WITH p AS (SELECT x.entry_id, x.votes FROM " tbl " x JOIN "   \
	"entry_stats s ON s.entry_id = x.entry_id WHERE x.contest_id = c.id "  \
	"AND x." col " = " now " AND x.votes > 0 AND " LB_FILTERS " ORDER BY " \
	"x.votes DESC, x.entry_id LIMIT $5), z AS (SELECT s.entry_id, "        \
	"0::bigint AS votes FROM entry_stats s WHERE (SELECT count(*) FROM "   \
	"p) < $5 AND s.contest_id = c.id AND " LB_FILTERS " AND NOT EXISTS "   \
	"(SELECT 1 FROM p WHERE p.entry_id = s.entry_id) ORDER BY s.entry_id " \
	"LIMIT $5), t AS (SELECT u.entry_id, u.votes, rank() OVER (ORDER BY "  \
	"u.votes DESC) AS rk FROM (SELECT * FROM p UNION ALL SELECT * FROM "   \
	"z) u ORDER BY rk, u.entry_id LIMIT $5) SELECT coalesce(jsonb_agg("    \
	"jsonb_build_object('rank', t.rk, 'votes', t.votes, "                  \
	"'entry', " ENTRY_JSON                                                 \
	") ORDER BY t.rk, t.entry_id), '[]') FROM t " LB_ENTRY_FROM            \
	"), " LB_LASTMOD " FROM contests c LEFT JOIN "                         \
	"fold_state f ON f.contest_id = c.id WHERE c.slug = $1"

#endif
