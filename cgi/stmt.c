/*
 * stmt.c: the text of every statement.  Read endpoints let PostgreSQL
 * build the JSON (jsonb_build_object escapes correctly); the workers parse
 * it with jansson and embed it, so no JSON is ever pasted from strings.
 * Shared fragments are macros of string literals, joined at compile time.
 */
#include "stmt.h"

/* URL of a derivative: public while approved, else through the API. */
#define MEDIA_URL(suffix, kind)                                                \
	"CASE WHEN e.status = 'approved' THEN '/media/' || "                   \
	"media_path(m.token, '" suffix "') ELSE '/api/v1/entries/' || e.id "   \
	"|| '/media/" kind "' END"

/* An entry as anyone may see it; needs e, c, a, m and cat joined. */
#define ENTRY_JSON                                                                                                                         \
	"jsonb_build_object('id', e.id, 'contest', c.slug, 'title', e.title, "                                                             \
	"'caption', e.caption, 'status', e.status, 'category', "                                                                           \
	"CASE WHEN cat.id IS NULL THEN NULL ELSE jsonb_build_object('id', "                                                                \
	"cat.id, 'name', cat.name) END, 'author', jsonb_build_object("                                                                     \
	"'display_name', a.display_name, 'unit', e.unit, 'district', "                                                                     \
	"e.district), 'unit', e.unit, 'district', e.district, 'votes', "                                                                   \
	"(SELECT count(*) FROM votes v WHERE v.entry_id = e.id AND "                                                                       \
	"v.voided_at IS NULL), 'created_at', e.created_at, 'url', '/e/' || "                                                               \
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
	"'taken_at', m.taken_at)"

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

const struct stmt stmts[STMT__MAX] = {
    [STMT_PING] = {"ping", "SELECT 1", 0},
    [STMT_DURABILITY] = {"durability",
                         "SELECT current_setting('fsync'), "
                         "current_setting('synchronous_commit')",
                         0},
    [STMT_ACCOUNT_INSERT] =
        {"account_insert",
         "INSERT INTO accounts (username, display_name, unit, district, email, "
         "phone, password_hash) VALUES ($1, $2, coalesce($3, ''), "
         "coalesce($4, ''), $5, $6, $7) RETURNING id",
         7},
    [STMT_ACCOUNT_LOGIN] =
        {"account_login",
         "SELECT id, password_hash FROM accounts WHERE lower(username) = "
         "lower($1) AND disabled_at IS NULL",
         1},
    [STMT_SESSION_INSERT] =
        {"session_insert",
         "INSERT INTO sessions (token_hash, account_id, csrf_token, "
         "expires_at, "
         "ip) VALUES (decode($1, 'hex'), $2, $3, now() + make_interval(days => "
         "$4::int), $5::inet)",
         5},
    [STMT_SESSION_LOOKUP] =
        {"session_lookup",
         "SELECT a.id, a.username, a.display_name, a.unit, a.district, "
         "s.csrf_token, EXISTS (SELECT 1 FROM roles r WHERE r.account_id = "
         "a.id "
         "AND r.role = 'admin' AND r.contest_id IS NULL), EXISTS (SELECT 1 "
         "FROM "
         "roles r WHERE r.account_id = a.id), coalesce((SELECT "
         "jsonb_agg(jsonb_build_object('role', r.role, 'contest', k.slug) "
         "ORDER "
         "BY r.role, k.slug) FROM roles r LEFT JOIN contests k ON k.id = "
         "r.contest_id WHERE r.account_id = a.id), '[]'), a.created_at "
         "FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE "
         "s.token_hash = decode($1, 'hex') AND s.expires_at > now() AND "
         "a.disabled_at IS NULL",
         1},
    [STMT_SESSION_DELETE] = {"session_delete",
                             "DELETE FROM sessions WHERE token_hash = "
                             "decode($1, 'hex')",
                             1},
    [STMT_SESSION_PURGE] =
        {"session_purge",
         "DELETE FROM sessions WHERE account_id = $1 AND expires_at < now()",
         1},
    [STMT_CONTEST_LIST] = {"contest_list",
                           "SELECT coalesce(jsonb_agg(" CONTEST_JSON
                           " ORDER BY c.created_at "
                           "DESC, c.id DESC), '[]') FROM contests c",
                           0},
    [STMT_CONTEST_GET] = {"contest_get",
                          "SELECT " CONTEST_JSON " FROM contests c WHERE "
                          "c.slug = $1",
                          1},
    [STMT_CONTEST_UPLOAD] =
        {"contest_upload",
         "SELECT c.id, (c.submit_from IS NULL OR now() >= c.submit_from) AND "
         "(c.submit_until IS NULL OR now() < c.submit_until), c.max_entries, "
         "c.min_short_side, c.max_pixels, c.max_side, c.max_bytes, EXISTS "
         "(SELECT 1 FROM categories k WHERE k.contest_id = c.id), (SELECT "
         "count(*) FROM entries x WHERE x.contest_id = c.id AND x.account_id = "
         "$2 AND x.slot IS NOT NULL) FROM contests c WHERE c.slug = $1",
         2},
    [STMT_CATEGORY_CHECK] =
        {"category_check",
         "SELECT 1 FROM categories WHERE id = $1 AND contest_id = $2", 2},
    [STMT_ENTRY_INSERT] =
        {"entry_insert",
         "INSERT INTO entries (contest_id, account_id, category_id, title, "
         "caption, unit, district, slot) SELECT $1, a.id, $3, $4, $5, a.unit, "
         "a.district, s FROM accounts a, generate_series(1, (SELECT "
         "max_entries "
         "FROM contests WHERE id = $1)) s WHERE a.id = $2 AND s NOT IN (SELECT "
         "x.slot FROM entries x WHERE x.contest_id = $1 AND x.account_id = $2 "
         "AND x.slot IS NOT NULL) ORDER BY s LIMIT 1 RETURNING id",
         5},
    [STMT_MEDIA_INSERT] =
        {"media_insert",
         "INSERT INTO media (entry_id, token, original_type, original_bytes, "
         "width, height, thumb_width, thumb_height, display_width, "
         "display_height, phash, camera, taken_at, sha256) VALUES ($1, $2, $3, "
         "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, decode($14, 'hex'))",
         14},
    [STMT_MEDIA_BY_TOKEN] = {"media_by_token",
                             "SELECT entry_id FROM media WHERE token = $1", 1},
    [STMT_ENTRY_GET] =
        {"entry_get",
         "SELECT CASE WHEN e.account_id = $2 OR is_judge_of($2, e.contest_id) "
         "THEN " ENTRY_JSON " || " ENTRY_PRIVATE_JSON " WHEN e.status = "
         "'approved' THEN " ENTRY_JSON " END" ENTRY_FROM "WHERE e.id = $1",
         2},
    [STMT_ENTRIES_LIST] =
        {"entries_list",
         "SELECT " ENTRY_JSON ", e.id, (SELECT count(*) FROM votes v WHERE "
         "v.entry_id = e.id AND v.voided_at IS NULL) AS n" ENTRY_FROM
         "WHERE c.slug = $1 AND e.status = 'approved' AND ($2::bigint IS NULL "
         "OR e.category_id = $2) AND ($3::text IS NULL OR e.unit = $3) ORDER "
         "BY "
         "CASE WHEN $4 = 'votes' THEN (SELECT count(*) FROM votes v WHERE "
         "v.entry_id = e.id AND v.voided_at IS NULL) END DESC NULLS LAST, e.id "
         "DESC LIMIT $5 OFFSET $6",
         6},
    [STMT_ME_ENTRIES] = {"me_entries",
                         "SELECT coalesce(jsonb_agg(" ENTRY_JSON
                         " || " ENTRY_PRIVATE_JSON
                         " ORDER BY e.id DESC), '[]')" ENTRY_FROM
                         "WHERE e.account_id = $1",
                         1},
    [STMT_MOD_QUEUE] =
        {"mod_queue",
         "SELECT coalesce(jsonb_agg(" ENTRY_JSON " || " ENTRY_PRIVATE_JSON
         " || jsonb_build_object('author_username', a.username) ORDER BY "
         "e.created_at, e.id), '[]')" ENTRY_FROM "WHERE e.status = 'pending' "
         "AND is_judge_of($1, e.contest_id) AND e.account_id <> $1",
         1},
    [STMT_MOD_INFO] =
        {"mod_info",
         "SELECT e.status, e.contest_id, e.account_id = $2, is_judge_of($2, "
         "e.contest_id), d.display_name, e.decided_at, m.token FROM entries e "
         "JOIN media m ON m.entry_id = e.id LEFT JOIN accounts d ON d.id = "
         "e.decided_by WHERE e.id = $1",
         2},
    [STMT_MOD_DECIDE] =
        {"mod_decide",
         "UPDATE entries SET status = $3, reject_reason = $4, slot = CASE WHEN "
         "$3 = 'approved' THEN slot END, decided_at = now(), decided_by = $2, "
         "updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING "
         "contest_id",
         4},
    [STMT_AUDIT_INSERT] =
        {"audit_insert",
         "INSERT INTO audit_log (actor_id, actor_name, ip, action, "
         "target_type, "
         "target_id, contest_id, before, after) VALUES ($1, $2, $3::inet, $4, "
         "$5, $6, $7, $8::jsonb, $9::jsonb)",
         9},
    [STMT_VOTE_CAST] =
        {"vote_cast",
         "SELECT status, reason, vote_count, votes_left FROM vote_cast($1, $2, "
         "$3::inet, decode($4, 'hex'))",
         4},
    [STMT_LEADERBOARD] =
        {"leaderboard",
         "WITH t AS (SELECT e.id, count(v.id) AS n FROM entries e JOIN "
         "contests c ON c.id = e.contest_id LEFT JOIN votes v ON v.entry_id = "
         "e.id AND v.voided_at IS NULL AND ($5 = 'all' OR ($5 = 'today' AND "
         "v.vote_day = (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) OR ($5 = "
         "'week' AND v.vote_day >= date_trunc('week', now() AT TIME ZONE "
         "'Asia/Ho_Chi_Minh')::date)) WHERE c.slug = $1 AND e.status = "
         "'approved' AND ($2::bigint IS NULL OR e.category_id = $2) AND "
         "($3::text IS NULL OR e.unit = $3) AND ($4::text IS NULL OR "
         "e.district = $4) GROUP BY e.id), r AS (SELECT id, n, rank() OVER "
         "(ORDER BY n DESC) AS rk FROM t) SELECT coalesce(jsonb_agg("
         "jsonb_build_object('rank', r.rk, 'votes', r.n, 'entry', " ENTRY_JSON
         ") ORDER BY r.rk, e.id), '[]') FROM (SELECT * FROM r ORDER BY rk, id "
         "LIMIT $6) r JOIN entries e ON e.id = r.id JOIN contests c ON c.id = "
         "e.contest_id JOIN accounts a ON a.id = e.account_id JOIN media m ON "
         "m.entry_id = e.id LEFT JOIN categories cat ON cat.id = e.category_id",
         6},
    [STMT_ENTRY_MEDIA] =
        {"entry_media",
         "SELECT m.token, e.status, m.original_type, e.account_id = $2 OR "
         "is_judge_of($2, e.contest_id) FROM entries e JOIN media m ON "
         "m.entry_id = e.id WHERE e.id = $1",
         2},
    [STMT_SHARE_PAGE] =
        {"share_page",
         "SELECT e.title, e.caption, a.display_name, e.unit, c.title, m.token, "
         "m.display_width, m.display_height, (SELECT count(*) FROM votes v "
         "WHERE v.entry_id = e.id AND v.voided_at IS NULL), c.slug" ENTRY_FROM
         "WHERE e.id = $1 AND e.status = 'approved'",
         1},
};
