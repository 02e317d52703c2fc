/*
 * db_jury.c: judging.  The rankings are the SQL functions of
 * sql/functions/050_jury.sql (jury_ranking() is the one definition of
 * SPEC section 5); the statements here call them and shape JSON.
 */
#include "db_jury.h"

#include <string.h>

#include "sqlfrag.h"

enum jury_q {
	Q_MOD_QUEUE,       /* Q_MOD_QUEUE */
	Q_MOD_INFO,        /* Q_MOD_INFO */
	Q_MOD_DECIDE,      /* Q_MOD_DECIDE */
	Q_AUDIT_INSERT,    /* Q_AUDIT_INSERT */
	Q_MOD_PROGRESS,    /* Q_MOD_PROGRESS */
	Q_MOD_HISTORY,     /* Q_MOD_HISTORY */
	Q_JURY_ENTRIES,    /* Q_JURY_ENTRIES */
	Q_SCORES_PUT,      /* Q_SCORES_PUT */
	Q_SCORES_GET,      /* Q_SCORES_GET */
	Q_JUDGES_PROGRESS, /* Q_JUDGES_PROGRESS */
	Q_LB_JURY,         /* Q_LB_JURY */
	Q_RESULTS,         /* Q_RESULTS */
	Q_PRIZES_SET,      /* Q_PRIZES_SET */
	Q_RESULTS_PUBLISH, /* Q_RESULTS_PUBLISH */
	Q_CSV_RESULTS,     /* Q_CSV_RESULTS */
	Q_CSV_ENTRIES,     /* Q_CSV_ENTRIES */
	Q_CSV_VOTES,       /* Q_CSV_VOTES */
	Q_FRAUD,           /* Q_FRAUD */
	Q_VOTES_VOID,      /* Q_VOTES_VOID */
	Q_AUDIT_LIST,      /* Q_AUDIT_LIST */
	Q_CSV_AUDIT,       /* Q_CSV_AUDIT */
	Q_RESULTS_VERSION, /* Q_RESULTS_VERSION */
	Q__MAX
};

/* Columns of Q_MOD_INFO. */
enum info_col {
	INFO_STATUS,       /* INFO_STATUS */
	INFO_CONTEST,      /* INFO_CONTEST */
	INFO_OWN,          /* INFO_OWN */
	INFO_JUDGE,        /* INFO_JUDGE */
	INFO_DECIDED_BY,   /* INFO_DECIDED_BY: display name */
	INFO_DECIDED_AT,   /* INFO_DECIDED_AT */
	INFO_TOKEN,        /* INFO_TOKEN */
	INFO_CONFLICT,     /* INFO_CONFLICT */
	INFO_DECIDER_USER, /* INFO_DECIDER_USER: username */
	INFO__MAX
};

/* Columns of Q_MOD_DECIDE. */
enum decide_col {
	DECIDE_CONTEST, /* DECIDE_CONTEST */
	DECIDE__MAX
};

static const struct stmt q[Q__MAX] = {
    [Q_MOD_QUEUE] =
        {"mod_queue",
         "SELECT coalesce(jsonb_agg(" ENTRY_JSON " || " ENTRY_PRIVATE_JSON
         " || jsonb_build_object('author_username', a.username, 'similar', "
         "entry_similar(e.id, $1, " SIMILAR_MAX_BITS_SQL ", 5), 'hints', "
         "entry_photo_hints(e.id, " SIMILAR_MAX_BITS_SQL "), "
         "'guardian_missing', entry_guardian_missing(e.id)) ORDER BY "
         "e.created_at, e.id), '[]')" ENTRY_FROM
         "WHERE e.status = 'pending' AND is_judge_of($1, e.contest_id) AND "
         "NOT jury_conflict($1, e.id) AND ($2::text IS NULL OR c.slug = $2)",
         2, DB_JSON__MAX},
    [Q_MOD_INFO] =
        {"mod_info",
         "SELECT e.status, e.contest_id, e.account_id = $2, is_judge_of($2, "
         "e.contest_id), d.display_name, e.decided_at, m.token, "
         "jury_conflict($2, e.id), d.username FROM entries e JOIN media m ON "
         "m.entry_id = e.id LEFT JOIN accounts d ON d.id = e.decided_by WHERE "
         "e.id = $1",
         2, INFO__MAX},
    [Q_MOD_DECIDE] =
        {"mod_decide",
         "UPDATE entries SET status = $3, reject_reason = $4, slot = CASE WHEN "
         "$3 = 'approved' THEN slot END, decided_at = now(), decided_by = $2, "
         "updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING "
         "contest_id",
         4, DECIDE__MAX},
    [Q_AUDIT_INSERT] =
        {"audit_insert",
         "INSERT INTO audit_log (actor_id, actor_name, ip, action, "
         "target_type, "
         "target_id, contest_id, before, after) VALUES ($1, $2, $3::inet, $4, "
         "$5, $6, $7, $8::jsonb, $9::jsonb)",
         9, 0},
    [Q_MOD_PROGRESS] =
        {"mod_progress",
         "SELECT jsonb_build_object('pending', count(*) FILTER (WHERE "
         "status = 'pending'), 'pending_for_me', count(*) FILTER (WHERE "
         "status = 'pending' AND NOT jury_conflict($2, id)), 'approved', "
         "count(*) FILTER (WHERE status = 'approved'), 'rejected', count(*) "
         "FILTER (WHERE status = 'rejected'), 'withdrawn', count(*) FILTER "
         "(WHERE status = 'withdrawn'), 'decided_by_me', count(*) FILTER "
         "(WHERE decided_by = $2)) FROM entries WHERE contest_id = $1",
         2, DB_JSON__MAX},
    [Q_MOD_HISTORY] =
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
         3, DB_JSON__MAX},
    [Q_JURY_ENTRIES] =
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
         2, DB_JSON__MAX},
    [Q_SCORES_PUT] = {"scores_put",
                      "SELECT outcome, detail, body FROM "
                      "scores_put($1, $2, $3, $4, $5::jsonb, $6)",
                      6, DB_ANS__MAX},
    [Q_SCORES_GET] = {"scores_get",
                      "SELECT outcome, detail, body FROM "
                      "scores_get($1, $2)",
                      2, DB_ANS__MAX},
    [Q_JUDGES_PROGRESS] =
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
         1, DB_JSON__MAX},
    [Q_LB_JURY] =
        {"lb_jury",
         "WITH t AS (SELECT j.* FROM jury_ranking($1) j JOIN entries x ON "
         "x.id = j.entry_id WHERE ($3::bigint IS NULL OR x.category_id = $3) "
         "AND ($4::text IS NULL OR x.unit = $4) AND ($5::text IS NULL OR "
         "EXISTS (SELECT 1 FROM unit_ancestors ux JOIN units uu ON uu.id = "
         "ux.ancestor_id WHERE ux.unit_id = x.unit_id AND uu.code = $5))), k "
         "AS (SELECT t.*, rank() OVER (ORDER BY CASE "
         "WHEN $2 = 'jury' THEN t.jury_score ELSE t.combined END DESC NULLS "
         "LAST) AS rk FROM t) SELECT coalesce(jsonb_agg(jsonb_build_object("
         "'rank', k.rk, 'votes', k.votes, 'jury_score', k.jury_score, "
         "'judges', k.judges, 'combined', k.combined, 'entry', " ENTRY_JSON
         ") ORDER BY k.rk, e.id), '[]') FROM (SELECT * FROM k ORDER BY rk, "
         "entry_id LIMIT $6) k JOIN entries e ON e.id = k.entry_id JOIN "
         "contests c ON c.id = e.contest_id JOIN accounts a ON a.id = "
         "e.account_id JOIN media m ON m.entry_id = e.id LEFT JOIN categories "
         "cat ON cat.id = e.category_id",
         6, DB_JSON__MAX},
    [Q_RESULTS] =
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
         1, DB_JSON__MAX},
    [Q_PRIZES_SET] = {"prizes_set",
                      "SELECT outcome, detail, body FROM "
                      "prizes_set($1, $2, $3, $4, $5::jsonb)",
                      5, DB_ANS__MAX},
    [Q_RESULTS_PUBLISH] = {"results_publish",
                           "SELECT outcome, detail, body FROM "
                           "results_publish($1, $2, $3, $4)",
                           4, DB_ANS__MAX},
    [Q_CSV_RESULTS] =
        {"csv_results",
         "SELECT k.rank_combined, e.id, e.title, a.display_name, e.unit, "
         "(SELECT u.code FROM units u WHERE u.id = e.unit_id), cat.name, "
         "k.votes, k.jury_score, k.combined, (SELECT "
         "string_agg(CASE p.prize WHEN 'first' THEN 'Giải Nhất' WHEN "
         "'second' THEN 'Giải Nhì' WHEN 'third' THEN 'Giải Ba' WHEN "
         "'consolation' THEN 'Giải Khuyến khích' ELSE 'Giải bình chọn nhiều "
         "nhất' END, '; ' ORDER BY p.prize) FROM prizes p WHERE p.entry_id = "
         "e.id) FROM jury_ranking($1) k JOIN entries e ON e.id = k.entry_id "
         "JOIN accounts a ON a.id = e.account_id LEFT JOIN categories cat ON "
         "cat.id = e.category_id ORDER BY k.rank_combined, e.id",
         1, 0},
    [Q_CSV_ENTRIES] =
        {"csv_entries",
         "SELECT e.id, e.title, e.caption, e.status, a.username, "
         "a.display_name, e.unit, (SELECT u.code FROM units u WHERE u.id = "
         "e.unit_id), cat.name, to_char(e.created_at "
         "AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), "
         "to_char(e.decided_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD "
         "HH24:MI:SS'), d.username, e.reject_reason, jury_vote_count(e.id) "
         "FROM entries e JOIN accounts a ON a.id = e.account_id LEFT JOIN "
         "accounts d ON d.id = e.decided_by LEFT JOIN categories cat ON "
         "cat.id = e.category_id WHERE e.contest_id = $1 ORDER BY e.id",
         1, 0},
    [Q_CSV_VOTES] =
        {"csv_votes",
         "SELECT v.id, v.entry_id, e.title, a.username, to_char(v.created_at "
         "AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), "
         /* The address for admins ($2); for judges a keyed hash of
          * its /24 (/48): enough to see a burst from one block,
          * nothing to find a person with.  The key is made once,
          * from PostgreSQL's strong random UUIDs. */
         "v.vote_day, CASE WHEN $2::boolean THEN host(v.ip) ELSE "
         "left(encode(sha256(k.key || convert_to(v.ip_prefix::text, "
         "'UTF8')), 'hex'), 16) END, CASE WHEN v.voided_at IS NULL THEN "
         "'valid' ELSE 'voided' END, to_char(v.voided_at AT TIME ZONE "
         "'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS'), v.void_reason FROM "
         "votes v JOIN entries e ON e.id = v.entry_id JOIN accounts a ON a.id "
         "= v.voter_id CROSS JOIN (SELECT server_key('ip_hash', "
         "decode(replace(gen_random_uuid()::text || "
         "gen_random_uuid()::text, '-', ''), 'hex')) AS key) k WHERE "
         "v.contest_id = $1 ORDER BY v.id",
         2, 0},
    [Q_FRAUD] = {"fraud", "SELECT fraud_report($1)", 1, DB_JSON__MAX},
    [Q_VOTES_VOID] = {"votes_void",
                      "SELECT outcome, detail, body FROM "
                      "votes_void($1, $2, $3, $4, $5, $6::jsonb, $7, "
                      "$8::boolean)",
                      8, DB_ANS__MAX},
    [Q_AUDIT_LIST] =
        {"audit_list",
         "SELECT coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'at', "
         "l.at, 'actor', l.actor_name, 'ip', host(l.ip), 'action', l.action, "
         "'target_type', l.target_type, 'target_id', l.target_id, 'contest', "
         "k.slug, 'before', l.before, 'after', l.after) ORDER BY l.id DESC), "
         "'[]') FROM (SELECT * FROM audit_log WHERE ($1::text IS NULL OR "
         "contest_id = (SELECT id FROM contests WHERE slug = $1)) AND "
         "($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $2) l LEFT "
         "JOIN contests k ON k.id = l.contest_id",
         3, DB_JSON__MAX},
    [Q_CSV_AUDIT] =
        {"csv_audit",
         "SELECT l.id, to_char(l.at AT TIME ZONE 'Asia/Ho_Chi_Minh', "
         "'YYYY-MM-DD HH24:MI:SS'), l.actor_name, host(l.ip), l.action, "
         "l.target_type, l.target_id, k.slug, l.before::text, l.after::text "
         "FROM audit_log l LEFT JOIN contests k ON k.id = l.contest_id WHERE "
         "$1::text IS NULL OR k.slug = $1 ORDER BY l.id",
         1, 0},
    [Q_RESULTS_VERSION] = {"results_version", "SELECT results_version($1)", 1,
                           DB_JSON__MAX},
};

const struct stmt_set db_jury_set = {"db_jury", q, Q__MAX};

DB_READ_JSON2(db_mod_queue, &q[Q_MOD_QUEUE], uid, slug)

int
db_mod_info(struct db *db, struct arena *a, const char *entry, const char *uid,
            struct mod_info *out)
{
	struct rows rs;
	int         rc;

	rc = db_exec(db, a, &q[Q_MOD_INFO], (const char *[]){entry, uid}, &rs);
	if (rc != DB_OK)
		return rc;
	out->status = rows_str(&rs, 0, INFO_STATUS, "");
	out->decided_by = rows_str(&rs, 0, INFO_DECIDED_BY, NULL);
	out->token = rows_str(&rs, 0, INFO_TOKEN, NULL);
	out->own = rows_bool(&rs, 0, INFO_OWN, 0);
	out->judge = rows_bool(&rs, 0, INFO_JUDGE, 0);
	out->conflict = rows_bool(&rs, 0, INFO_CONFLICT, 0);
	return out->token != NULL ? DB_OK : DB_ERR;
}

int
db_mod_decide(struct db *db, struct arena *a, const char *entry,
              const char *uid, const char *status, const char *reason,
              const char **contest, int *coi)
{
	struct rows rs;
	int         rc;

	*coi = 0;
	rc = db_exec(db, a, &q[Q_MOD_DECIDE],
	             (const char *[]){entry, uid, status, reason}, &rs);
	if (rc == DB_NONE && rs.constraint != NULL)
		*coi =
		    strcmp(rs.constraint, "entries_conflict_of_interest") == 0
		        ? MOD_REFUSED_COI
		    : strcmp(rs.constraint, "entries_guardian_consent") == 0
		        ? MOD_REFUSED_GUARDIAN
		        : 0;
	if (rc == DB_OK)
		*contest = rows_str(&rs, 0, DECIDE_CONTEST, NULL);
	return rc;
}

DB_READ_JSON2(db_mod_progress, &q[Q_MOD_PROGRESS], contest, uid)

DB_READ_JSON3(db_mod_history, &q[Q_MOD_HISTORY], contest, limit, before)

int
db_audit_write(struct db *db, struct arena *a, const struct db_actor *by,
               const char *action, const char *type, const char *target,
               const char *contest, const char *before, const char *after)
{
	int rc = db_exec(db, a, &q[Q_AUDIT_INSERT],
	                 (const char *[]){by->id, by->name, by->ip, action,
	                                  type, target, contest, before, after},
	                 NULL);

	return rc == DB_NONE ? DB_ERR : rc;
}

DB_READ_JSON3(db_audit_list, &q[Q_AUDIT_LIST], slug, limit, before)

DB_READ_JSON2(db_jury_entries, &q[Q_JURY_ENTRIES], contest, uid)

int
db_scores_put(struct db *db, struct arena *a, const char *entry,
              const struct db_actor *by, const char *scores,
              const char *comment, struct db_answer *out)
{
	return db_answer(
	    db, a, &q[Q_SCORES_PUT],
	    (const char *[]){entry, by->id, by->name, by->ip, scores, comment},
	    out);
}

int
db_scores_get(struct db *db, struct arena *a, const char *entry,
              const char *uid, struct db_answer *out)
{
	return db_answer(db, a, &q[Q_SCORES_GET], (const char *[]){entry, uid},
	                 out);
}

DB_READ_JSON1(db_judges_progress, &q[Q_JUDGES_PROGRESS], contest)

int
db_jury_board(struct db *db, struct arena *a, const char *contest,
              const struct jury_board *b, const char **json)
{
	return db_json(db, a, &q[Q_LB_JURY],
	               (const char *[]){contest, b->by, b->category, b->unit,
	                                b->unit_code, b->limit},
	               json);
}

DB_READ_JSON1(db_results, &q[Q_RESULTS], contest)

int
db_prizes_set(struct db *db, struct arena *a, const char *contest,
              const struct db_actor *by, const char *prizes,
              struct db_answer *out)
{
	return db_answer(
	    db, a, &q[Q_PRIZES_SET],
	    (const char *[]){contest, by->id, by->name, by->ip, prizes}, out);
}

int
db_results_publish(struct db *db, struct arena *a, const char *contest,
                   const struct db_actor *by, struct db_answer *out)
{
	return db_answer(db, a, &q[Q_RESULTS_PUBLISH],
	                 (const char *[]){contest, by->id, by->name, by->ip},
	                 out);
}

DB_READ_JSON1(db_fraud_report, &q[Q_FRAUD], contest)

int
db_votes_void(struct db *db, struct arena *a, const char *contest,
              const struct db_actor *by, const char *account, const char *ids,
              const char *reason, int restore, struct db_answer *out)
{
	return db_answer(db, a, &q[Q_VOTES_VOID],
	                 (const char *[]){contest, by->id, by->name, by->ip,
	                                  account, ids, reason,
	                                  restore ? "true" : "false"},
	                 out);
}

int
db_export(struct db *db, enum jury_export which, const char *contest,
          int addresses, struct db_sink *sink)
{
	static const enum jury_q by_export[EXPORT__MAX] = {
	    Q_CSV_RESULTS, /* EXPORT_RESULTS */
	    Q_CSV_ENTRIES, /* EXPORT_ENTRIES */
	    Q_CSV_VOTES,   /* EXPORT_VOTES */
	};

	if ((unsigned)which >= EXPORT__MAX)
		return DB_ERR;
	return db_stream(
	    db, &q[by_export[which]],
	    (const char *[]){contest, addresses ? "true" : "false"},
	    sink->start, sink->row, sink->ctx, &sink->started);
}

int
db_audit_export(struct db *db, const char *slug, struct db_sink *sink)
{
	return db_stream(db, &q[Q_CSV_AUDIT], (const char *[]){slug},
	                 sink->start, sink->row, sink->ctx, &sink->started);
}

DB_READ_JSON1(db_results_version, &q[Q_RESULTS_VERSION], contest)
