/*
 * stmt.c: the text of every statement.  Read endpoints let PostgreSQL
 * build the JSON (jsonb_build_object escapes correctly); the workers parse
 * it with jansson and embed it, so no JSON is ever pasted from strings.
 * Shared fragments are macros of string literals, joined at compile time.
 */
#include "stmt.h"

#include <stddef.h>

#include "db.h"
#include "db_vote.h"
#include "sqlfrag.h"

const struct stmt stmts[STMT__MAX] = {
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
         "display_height, phash, camera, taken_at, sha256, card) VALUES ($1, "
         "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, decode($14, "
         "'hex'), $15)",
         15},
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
         "SELECT " ENTRY_JSON ", e.id, es.votes AS n" ENTRY_FROM
         "JOIN entry_stats es ON es.entry_id = e.id AND es.contest_id = "
         "e.contest_id WHERE e.contest_id = (SELECT k.id FROM contests k "
         "WHERE k.slug = $1) AND c.slug = $1 AND e.status = 'approved' AND "
         "es.approved AND ($2::bigint IS NULL OR e.category_id = $2) AND "
         "($3::text IS NULL OR e.unit = $3) ORDER BY CASE WHEN $4 = 'votes' "
         "THEN es.votes END DESC, CASE WHEN $4 = 'votes' THEN e.id END, CASE "
         "WHEN $4 = 'shuffle' THEN hashtextextended(e.id::text, $7::bigint) "
         "END, e.created_at DESC, e.id DESC LIMIT $5 OFFSET $6",
         7, .per_call = 1},
    [STMT_ME_ENTRIES] = {"me_entries",
                         "SELECT coalesce(jsonb_agg(" ENTRY_JSON
                         " || " ENTRY_PRIVATE_JSON
                         " ORDER BY e.id DESC), '[]')" ENTRY_FROM
                         "WHERE e.account_id = $1",
                         1},
    [STMT_MOD_QUEUE] =
        {"mod_queue",
         "SELECT coalesce(jsonb_agg(" ENTRY_JSON " || " ENTRY_PRIVATE_JSON
         " || jsonb_build_object('author_username', a.username, 'similar', "
         "entry_similar(e.id, $1, " SIMILAR_MAX_BITS_SQL ", 5)) ORDER BY "
         "e.created_at, e.id), '[]')" ENTRY_FROM
         "WHERE e.status = 'pending' AND is_judge_of($1, e.contest_id) AND "
         "NOT jury_conflict($1, e.id) AND ($2::text IS NULL OR c.slug = $2)",
         2},
    [STMT_MOD_INFO] =
        {"mod_info",
         "SELECT e.status, e.contest_id, e.account_id = $2, is_judge_of($2, "
         "e.contest_id), d.display_name, e.decided_at, m.token, "
         "jury_conflict($2, e.id), d.username FROM entries e JOIN media m ON "
         "m.entry_id = e.id LEFT JOIN accounts d ON d.id = e.decided_by WHERE "
         "e.id = $1",
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
    [STMT_JURY_CONTEST] = {"jury_contest",
                           "SELECT c.id, is_judge_of($2::bigint, c.id), "
                           "results_published(c) FROM contests c WHERE "
                           "c.slug = $1",
                           2},
    [STMT_MOD_PROGRESS] =
        {"mod_progress",
         "SELECT jsonb_build_object('pending', count(*) FILTER (WHERE "
         "status = 'pending'), 'pending_for_me', count(*) FILTER (WHERE "
         "status = 'pending' AND NOT jury_conflict($2, id)), 'approved', "
         "count(*) FILTER (WHERE status = 'approved'), 'rejected', count(*) "
         "FILTER (WHERE status = 'rejected'), 'withdrawn', count(*) FILTER "
         "(WHERE status = 'withdrawn'), 'decided_by_me', count(*) FILTER "
         "(WHERE decided_by = $2)) FROM entries WHERE contest_id = $1",
         2},
    [STMT_MOD_HISTORY] =
        {"mod_history",
         "SELECT coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'at', "
         "l.at, 'actor', jsonb_build_object('username', l.actor_name, "
         "'display_name', ac.display_name), 'action', substr(l.action, 7), "
         "'entry_id', l.target_id, 'entry_title', x.title, 'reason', "
         "l.after ->> 'reject_reason') ORDER BY l.id DESC), '[]') FROM "
         "(SELECT * FROM audit_log WHERE contest_id = $1 AND action IN "
         "('entry.approve', 'entry.reject') AND ($3::bigint IS NULL OR id < "
         "$3) ORDER BY id DESC LIMIT $2) l LEFT JOIN accounts ac ON ac.id = "
         "l.actor_id LEFT JOIN entries x ON x.id = l.target_id",
         3},
    [STMT_JURY_ENTRIES] =
        {"jury_entries",
         "SELECT jsonb_build_object('entries', coalesce((SELECT "
         "jsonb_agg(jsonb_build_object('entry', " ENTRY_JSON
         " || " ENTRY_PRIVATE_JSON ", 'scores', jury_scores_of($2, e.id), "
         "'comment', (SELECT sc.comment FROM score_comments sc WHERE "
         "sc.entry_id = e.id AND sc.judge_id = $2)) ORDER BY e.created_at, "
         "e.id)" ENTRY_FROM "WHERE e.contest_id = $1 AND e.status = "
         "'approved' AND NOT jury_conflict($2, e.id)), '[]'), 'criteria', "
         "(SELECT coalesce(jsonb_agg(jsonb_build_object('id', k.id, 'name', "
         "k.name, 'weight', k.weight) ORDER BY k.position, k.id), '[]') FROM "
         "criteria k WHERE k.contest_id = $1), 'progress', (SELECT "
         "jsonb_build_object('scored', count(*) FILTER (WHERE EXISTS (SELECT "
         "1 FROM scores s WHERE s.entry_id = x.id AND s.judge_id = $2)), "
         "'total', count(*)) FROM entries x WHERE x.contest_id = $1 AND "
         "x.status = 'approved' AND NOT jury_conflict($2, x.id)))",
         2},
    [STMT_SCORES_PUT] = {"scores_put",
                         "SELECT status, code, message, body FROM "
                         "scores_put($1, $2, $3, $4, $5::jsonb, $6)",
                         6},
    [STMT_SCORES_GET] = {"scores_get",
                         "SELECT status, code, message, body FROM "
                         "scores_get($1, $2)",
                         2},
    [STMT_JUDGES_PROGRESS] =
        {"judges_progress",
         "SELECT coalesce(jsonb_agg(jsonb_build_object('judge', a.username, "
         "'display_name', a.display_name, 'scored', (SELECT count(DISTINCT "
         "s.entry_id) FROM scores s JOIN entries x ON x.id = s.entry_id WHERE "
         "s.judge_id = a.id AND x.contest_id = $1 AND x.status = "
         "'approved'), 'total', (SELECT count(*) FROM entries x WHERE "
         "x.contest_id = $1 AND x.status = 'approved' AND NOT "
         "jury_conflict(a.id, x.id))) ORDER BY a.username), '[]') FROM "
         "accounts a WHERE EXISTS (SELECT 1 FROM roles r WHERE r.account_id "
         "= a.id AND r.role = 'judge' AND (r.contest_id IS NULL OR "
         "r.contest_id = $1)) OR EXISTS (SELECT 1 FROM scores s JOIN entries "
         "x ON x.id = s.entry_id WHERE s.judge_id = a.id AND x.contest_id = "
         "$1)",
         1},
    [STMT_LB_JURY] =
        {"lb_jury",
         "WITH t AS (SELECT j.* FROM jury_ranking($1) j JOIN entries x ON "
         "x.id = j.entry_id WHERE ($3::bigint IS NULL OR x.category_id = $3) "
         "AND ($4::text IS NULL OR x.unit = $4) AND ($5::text IS NULL OR "
         "x.district = $5)), k AS (SELECT t.*, rank() OVER (ORDER BY CASE "
         "WHEN $2 = 'jury' THEN t.jury_score ELSE t.combined END DESC NULLS "
         "LAST) AS rk FROM t) SELECT coalesce(jsonb_agg(jsonb_build_object("
         "'rank', k.rk, 'votes', k.votes, 'jury_score', k.jury_score, "
         "'judges', k.judges, 'combined', k.combined, 'entry', " ENTRY_JSON
         ") ORDER BY k.rk, e.id), '[]') FROM (SELECT * FROM k ORDER BY rk, "
         "entry_id LIMIT $6) k JOIN entries e ON e.id = k.entry_id JOIN "
         "contests c ON c.id = e.contest_id JOIN accounts a ON a.id = "
         "e.account_id JOIN media m ON m.entry_id = e.id LEFT JOIN categories "
         "cat ON cat.id = e.category_id",
         6},
    [STMT_RESULTS] =
        {"results",
         "SELECT jsonb_build_object('contest', c.slug, 'title', c.title, "
         "'published', results_published(c), 'results_at', c.results_at, "
         "'public_weight', c.public_weight, 'jury_weight', 100 - "
         "c.public_weight, 'prizes', (SELECT coalesce(jsonb_agg("
         "jsonb_build_object('prize', p.prize, 'entry_id', p.entry_id, "
         "'title', x.title, 'author', ax.display_name, 'unit', x.unit) ORDER "
         "BY array_position(ARRAY['first', 'second', 'third', 'consolation', "
         "'most_voted'], p.prize), p.entry_id), '[]') FROM prizes p JOIN "
         "entries x ON x.id = p.entry_id JOIN accounts ax ON ax.id = "
         "x.account_id WHERE p.contest_id = c.id), 'ranking', (SELECT "
         "coalesce(jsonb_agg(jsonb_build_object('rank', k.rank_combined, "
         "'rank_jury', k.rank_jury, 'rank_votes', k.rank_votes, 'votes', "
         "k.votes, 'jury_score', k.jury_score, 'judges', k.judges, "
         "'combined', k.combined, 'prizes', (SELECT coalesce(jsonb_agg("
         "p.prize ORDER BY p.prize), '[]') FROM prizes p WHERE p.entry_id = "
         "e.id), 'entry', " ENTRY_JSON ") ORDER BY k.rank_combined, e.id), "
         "'[]') FROM jury_ranking(c.id) k JOIN entries e ON e.id = "
         "k.entry_id JOIN accounts a ON a.id = e.account_id JOIN media m ON "
         "m.entry_id = e.id LEFT JOIN categories cat ON cat.id = "
         "e.category_id)) FROM contests c WHERE c.id = $1",
         1},
    [STMT_PRIZES_SET] = {"prizes_set",
                         "SELECT status, code, message, body FROM "
                         "prizes_set($1, $2, $3, $4, $5::jsonb)",
                         5},
    [STMT_RESULTS_PUBLISH] = {"results_publish",
                              "SELECT status, code, message, body FROM "
                              "results_publish($1, $2, $3, $4)",
                              4},
    [STMT_CSV_RESULTS] =
        {"csv_results",
         "SELECT k.rank_combined, e.id, e.title, a.display_name, e.unit, "
         "e.district, cat.name, k.votes, k.jury_score, k.combined, (SELECT "
         "string_agg(CASE p.prize WHEN 'first' THEN 'Giải Nhất' WHEN "
         "'second' THEN 'Giải Nhì' WHEN 'third' THEN 'Giải Ba' WHEN "
         "'consolation' THEN 'Giải Khuyến khích' ELSE 'Giải bình chọn nhiều "
         "nhất' END, '; ' ORDER BY p.prize) FROM prizes p WHERE p.entry_id = "
         "e.id) FROM jury_ranking($1) k JOIN entries e ON e.id = k.entry_id "
         "JOIN accounts a ON a.id = e.account_id LEFT JOIN categories cat ON "
         "cat.id = e.category_id ORDER BY k.rank_combined, e.id",
         1},
    [STMT_CSV_ENTRIES] =
        {"csv_entries",
         "SELECT e.id, e.title, e.caption, e.status, a.username, "
         "a.display_name, e.unit, e.district, cat.name, to_char(e.created_at "
         "AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), "
         "to_char(e.decided_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD "
         "HH24:MI:SS'), d.username, e.reject_reason, jury_vote_count(e.id) "
         "FROM entries e JOIN accounts a ON a.id = e.account_id LEFT JOIN "
         "accounts d ON d.id = e.decided_by LEFT JOIN categories cat ON "
         "cat.id = e.category_id WHERE e.contest_id = $1 ORDER BY e.id",
         1},
    [STMT_CSV_VOTES] =
        {"csv_votes",
         "SELECT v.id, v.entry_id, e.title, a.username, to_char(v.created_at "
         "AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), "
         "v.vote_day, host(v.ip), CASE WHEN v.voided_at IS NULL THEN 'valid' "
         "ELSE 'voided' END, to_char(v.voided_at AT TIME ZONE "
         "'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), v.void_reason FROM "
         "votes v JOIN entries e ON e.id = v.entry_id JOIN accounts a ON a.id "
         "= v.voter_id WHERE v.contest_id = $1 ORDER BY v.id",
         1},
    [STMT_FRAUD] = {"fraud", "SELECT fraud_report($1)", 1},
    [STMT_VOTES_VOID] = {"votes_void",
                         "SELECT status, code, message, body FROM "
                         "votes_void($1, $2, $3, $4, $5, $6::jsonb, $7, "
                         "$8::boolean)",
                         8},
    [STMT_AUDIT_LIST] =
        {"audit_list",
         "SELECT coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'at', "
         "l.at, 'actor', l.actor_name, 'ip', host(l.ip), 'action', l.action, "
         "'target_type', l.target_type, 'target_id', l.target_id, 'contest', "
         "k.slug, 'before', l.before, 'after', l.after) ORDER BY l.id DESC), "
         "'[]') FROM (SELECT * FROM audit_log WHERE ($1::text IS NULL OR "
         "contest_id = (SELECT id FROM contests WHERE slug = $1)) AND "
         "($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $2) l LEFT "
         "JOIN contests k ON k.id = l.contest_id",
         3},
    [STMT_CSV_AUDIT] =
        {"csv_audit",
         "SELECT l.id, to_char(l.at AT TIME ZONE 'Asia/Ho_Chi_Minh', "
         "'YYYY-MM-DD HH24:MI:SS'), l.actor_name, host(l.ip), l.action, "
         "l.target_type, l.target_id, k.slug, l.before::text, l.after::text "
         "FROM audit_log l LEFT JOIN contests k ON k.id = l.contest_id WHERE "
         "$1::text IS NULL OR k.slug = $1 ORDER BY l.id",
         1},
    [STMT_CONTEST_SAVE] = {"contest_save",
                           "SELECT status, code, message, body FROM "
                           "contest_save($1, $2::boolean, $3::jsonb, $4, $5, "
                           "$6)",
                           6},
    [STMT_CATEGORY_ADD] = {"category_add",
                           "SELECT status, code, message, body FROM "
                           "category_add($1, $2, $3, $4, $5)",
                           5},
    [STMT_CRITERIA_SET] = {"criteria_set",
                           "SELECT status, code, message, body FROM "
                           "criteria_set($1, $2::jsonb, $3, $4, $5)",
                           5},
    [STMT_JUDGE_ROLE] = {"judge_role",
                         "SELECT status, code, message, body FROM "
                         "judge_role($1, $2, $3::boolean, $4, $5, $6)",
                         6},
    [STMT_ADMIN_STATE] =
        {"admin_state",
         "SELECT jsonb_build_object('contest', to_jsonb(c) - 'id', 'phase', "
         "contest_phase(c), 'published', results_published(c), 'entries', "
         "(SELECT jsonb_build_object('pending', count(*) FILTER (WHERE "
         "x.status = 'pending'), 'approved', count(*) FILTER (WHERE x.status "
         "= 'approved'), 'rejected', count(*) FILTER (WHERE x.status = "
         "'rejected'), 'withdrawn', count(*) FILTER (WHERE x.status = "
         "'withdrawn')) FROM entries x WHERE x.contest_id = c.id), 'votes', "
         "(SELECT jsonb_build_object('valid', count(*) FILTER (WHERE "
         "v.voided_at IS NULL), 'voided', count(*) FILTER (WHERE v.voided_at "
         "IS NOT NULL), 'voters', count(DISTINCT v.voter_id)) FROM votes v "
         "WHERE v.contest_id = c.id), 'judges', (SELECT "
         "coalesce(jsonb_agg(jsonb_build_object('username', a.username, "
         "'display_name', a.display_name, 'all_contests', r.contest_id IS "
         "NULL) ORDER BY a.username), '[]') FROM roles r JOIN accounts a ON "
         "a.id = r.account_id WHERE r.role = 'judge' AND (r.contest_id IS "
         "NULL OR r.contest_id = c.id)), 'scored_entries', (SELECT "
         "count(DISTINCT s.entry_id) FROM scores s JOIN entries x ON x.id = "
         "s.entry_id WHERE x.contest_id = c.id), 'prizes', (SELECT "
         "count(*) FROM prizes p WHERE p.contest_id = c.id), 'categories', "
         "(SELECT coalesce(jsonb_agg(jsonb_build_object('id', k.id, 'name', "
         "k.name) ORDER BY k.position, k.id), '[]') FROM categories k WHERE "
         "k.contest_id = c.id), 'criteria', (SELECT "
         "coalesce(jsonb_agg(jsonb_build_object('id', k.id, 'name', k.name, "
         "'weight', k.weight) ORDER BY k.position, k.id), '[]') FROM "
         "criteria k WHERE k.contest_id = c.id)) FROM contests c WHERE c.id "
         "= $1",
         1},
    [STMT_ENTRY_MEDIA] =
        {"entry_media",
         "SELECT m.token, e.status, m.original_type, e.account_id = $2 OR "
         "is_judge_of($2, e.contest_id) FROM entries e JOIN media m ON "
         "m.entry_id = e.id WHERE e.id = $1",
         2},
    /* The entry an owner edits or withdraws, locked for the change. */
    [STMT_ENTRY_LOCK] =
        {"entry_lock",
         "SELECT e.account_id = $2, e.status, e.contest_id, (c.submit_from "
         "IS NULL OR now() >= c.submit_from) AND (c.submit_until IS NULL OR "
         "now() < c.submit_until), m.token, jsonb_build_object('status', "
         "e.status, 'title', e.title, 'caption', e.caption, 'category', "
         "e.category_id), m.original_type, e.unit, a.display_name, "
         "e.title FROM entries e JOIN contests c ON c.id = e.contest_id JOIN "
         "media m ON m.entry_id = e.id JOIN accounts a ON a.id = "
         "e.account_id WHERE e.id = $1 FOR UPDATE OF e",
         2},
    [STMT_ENTRY_EDIT] =
        {"entry_edit",
         "UPDATE entries SET title = coalesce($2, title), caption = "
         "coalesce($3, caption), category_id = coalesce($4::bigint, "
         "category_id), updated_at = now() WHERE id = $1 AND status = "
         "'pending' RETURNING jsonb_build_object('status', status, 'title', "
         "title, 'caption', caption, 'category', category_id)",
         4},
    [STMT_ENTRY_WITHDRAW] =
        {"entry_withdraw",
         "UPDATE entries SET status = 'withdrawn', slot = NULL, updated_at = "
         "now() WHERE id = $1 AND status IN ('pending', 'approved') "
         "RETURNING jsonb_build_object('status', status)",
         1},
    /*
     * Near-duplicates of entry $1 for caller $2: other photos whose dHash
     * differs in at most $3 bits, in any contest, closest first.  The
     * first column says whether the caller judges the entry's contest; a
     * thumbnail URL is given only where the caller may see it.
     */
    [STMT_ENTRY_SIMILAR] = {"entry_similar",
                            "SELECT is_judge_of($2, e.contest_id), "
                            "entry_similar(e.id, $2, " SIMILAR_MAX_BITS_SQL
                            ", NULL), m.phash IS NOT NULL FROM entries e "
                            "JOIN media m ON m.entry_id = e.id WHERE e.id = $1",
                            2},
    [STMT_SHARE_PAGE] =
        {"share_page",
         "SELECT e.title, e.caption, a.display_name, e.unit, c.title, m.token, "
         "m.display_width, m.display_height, (SELECT s.votes FROM "
         "entry_stats s WHERE s.entry_id = e.id), c.slug, "
         "m.card" ENTRY_FROM "WHERE e.id = $1 AND e.status = 'approved'",
         1},
};

/* The legacy table as a set (ids are enum stmt_id). */
static const struct stmt_set legacy_set = {"stmt", stmts, STMT__MAX};

const struct stmt_set *const stmt_sets[] = {
    &db_sys_set,
    &db_vote_set,
    &legacy_set,
    NULL,
};
