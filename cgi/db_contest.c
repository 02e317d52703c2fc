/*
 * db_contest.c: contests.  Reads are built as JSON by PostgreSQL
 * (CONTEST_JSON in sqlfrag.h); writes go through the functions of
 * sql/functions/060_admin.sql, which answer a domain outcome.
 */
#include "db_contest.h"

#include <stdio.h>

#include "contest_rules.h"
#include "sqlfrag.h"

enum contest_q {
	Q_LIST,          /* Q_LIST */
	Q_GET,           /* Q_GET */
	Q_ACCESS,        /* Q_ACCESS */
	Q_SAVE,          /* Q_SAVE */
	Q_CATEGORY_ADD,  /* Q_CATEGORY_ADD */
	Q_CRITERIA_SET,  /* Q_CRITERIA_SET */
	Q_JUDGE_ROLE,    /* Q_JUDGE_ROLE */
	Q_STATE,         /* Q_STATE */
	Q_INSERT,        /* Q_INSERT: netdep-admin from here on */
	Q_LOCK,          /* Q_LOCK */
	Q_UPDATE,        /* Q_UPDATE */
	Q_SNAPSHOT,      /* Q_SNAPSHOT */
	Q_SHOW,          /* Q_SHOW */
	Q_CLI_LIST,      /* Q_CLI_LIST */
	Q_CATEGORY_PUT,  /* Q_CATEGORY_PUT */
	Q_CRITERION_ADD, /* Q_CRITERION_ADD */
	Q__MAX
};

/* Columns of Q_INSERT and Q_CATEGORY_PUT. */
enum id_col {
	ID_VALUE, /* ID_VALUE */
	ID__MAX
};

/* Columns of Q_LOCK: the id and the four windows in whole seconds. */
enum lock_col {
	LOCK_ID,           /* LOCK_ID */
	LOCK_SUBMIT_FROM,  /* LOCK_SUBMIT_FROM */
	LOCK_SUBMIT_UNTIL, /* LOCK_SUBMIT_UNTIL */
	LOCK_VOTE_FROM,    /* LOCK_VOTE_FROM */
	LOCK_VOTE_UNTIL,   /* LOCK_VOTE_UNTIL */
	LOCK__MAX
};

/* Columns of `contest list`, printed as they come. */
enum list_col {
	LIST_SLUG,         /* LIST_SLUG */
	LIST_TITLE,        /* LIST_TITLE */
	LIST_SUBMIT_FROM,  /* LIST_SUBMIT_FROM */
	LIST_SUBMIT_UNTIL, /* LIST_SUBMIT_UNTIL */
	LIST_VOTE_FROM,    /* LIST_VOTE_FROM */
	LIST_VOTE_UNTIL,   /* LIST_VOTE_UNTIL */
	LIST_ENTRIES,      /* LIST_ENTRIES */
	LIST_APPROVED,     /* LIST_APPROVED */
	LIST__MAX
};

/* Q_UPDATE names one parameter per setting, $3 onwards, in this order. */
_Static_assert(CS__MAX == 21, "Q_UPDATE lists every contest setting");

/* An ISO 8601 UTC time of column x. */
#define ISO_UTC(x)                                                             \
	"to_char(" x " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* Columns of Q_ACCESS. */
enum access_col {
	ACCESS_ID,        /* ACCESS_ID */
	ACCESS_JUDGE,     /* ACCESS_JUDGE */
	ACCESS_PUBLISHED, /* ACCESS_PUBLISHED */
	ACCESS__MAX
};

static const struct stmt q[Q__MAX] = {
    [Q_LIST] = {"contest_list",
                "SELECT coalesce(jsonb_agg(" CONTEST_JSON
                " ORDER BY c.created_at "
                "DESC, c.id DESC), '[]') FROM contests c",
                0, DB_JSON__MAX},
    [Q_GET] = {"contest_get",
               "SELECT " CONTEST_JSON " FROM contests c WHERE "
               "c.slug = $1",
               1, DB_JSON__MAX},
    [Q_ACCESS] = {"jury_contest",
                  "SELECT c.id, is_judge_of($2::bigint, c.id), "
                  "results_published(c) FROM contests c WHERE "
                  "c.slug = $1",
                  2, ACCESS__MAX},
    [Q_SAVE] = {"contest_save",
                "SELECT outcome, detail, body FROM "
                "contest_save($1, $2::boolean, $3::jsonb, $4, $5, "
                "$6)",
                6, DB_ANS__MAX},
    [Q_CATEGORY_ADD] = {"category_add",
                        "SELECT outcome, detail, body FROM "
                        "category_add($1, $2, $3, $4, $5)",
                        5, DB_ANS__MAX},
    [Q_CRITERIA_SET] = {"criteria_set",
                        "SELECT outcome, detail, body FROM "
                        "criteria_set($1, $2::jsonb, $3, $4, $5)",
                        5, DB_ANS__MAX},
    [Q_JUDGE_ROLE] = {"judge_role",
                      "SELECT outcome, detail, body FROM "
                      "judge_role($1, $2, $3::boolean, $4, $5, $6)",
                      6, DB_ANS__MAX},
    [Q_STATE] =
        {"admin_state",
         "SELECT jsonb_build_object('contest', to_jsonb(c) - 'id' || "
         "jsonb_build_object('unit_code', (SELECT u.code FROM units u WHERE "
         "u.id = c.unit_id)), 'phase', "
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
         1, DB_JSON__MAX},
    [Q_INSERT] = {"contest_insert",
                  "INSERT INTO contests (slug, title) VALUES ($1, $2) ON "
                  "CONFLICT (slug) DO NOTHING RETURNING id",
                  2, ID__MAX},
    [Q_LOCK] = {"contest_lock",
                "SELECT id, floor(extract(epoch FROM submit_from))::bigint, "
                "floor(extract(epoch FROM submit_until))::bigint, "
                "floor(extract(epoch FROM vote_from))::bigint, "
                "floor(extract(epoch FROM vote_until))::bigint FROM contests "
                "WHERE slug = $1 FOR UPDATE",
                1, LOCK__MAX},
    /* $2 is a mask: bit i set changes setting i (contest_rules.h). */
    [Q_UPDATE] =
        {"contest_update",
         "UPDATE contests SET"
         " title = CASE WHEN ($2::integer & 1) <> 0 THEN $3 ELSE title END,"
         " rules = CASE WHEN ($2::integer & 2) <> 0 THEN $4 ELSE rules END,"
         " submit_from = CASE WHEN ($2::integer & 4) <> 0 THEN "
         "to_timestamp($5::bigint) ELSE submit_from END,"
         " submit_until = CASE WHEN ($2::integer & 8) <> 0 THEN "
         "to_timestamp($6::bigint) ELSE submit_until END,"
         " vote_from = CASE WHEN ($2::integer & 16) <> 0 THEN "
         "to_timestamp($7::bigint) ELSE vote_from END,"
         " vote_until = CASE WHEN ($2::integer & 32) <> 0 THEN "
         "to_timestamp($8::bigint) ELSE vote_until END,"
         " results_at = CASE WHEN ($2::integer & 64) <> 0 THEN "
         "to_timestamp($9::bigint) ELSE results_at END,"
         " max_entries = CASE WHEN ($2::integer & 128) <> 0 THEN $10::integer "
         "ELSE max_entries END,"
         " votes_per_day = CASE WHEN ($2::integer & 256) <> 0 THEN "
         "$11::integer ELSE votes_per_day END,"
         " vote_rule = CASE WHEN ($2::integer & 512) <> 0 THEN $12 ELSE "
         "vote_rule END,"
         " self_vote = CASE WHEN ($2::integer & 1024) <> 0 THEN $13::boolean "
         "ELSE self_vote END,"
         " public_weight = CASE WHEN ($2::integer & 2048) <> 0 THEN "
         "$14::integer ELSE public_weight END,"
         " min_short_side = CASE WHEN ($2::integer & 4096) <> 0 THEN "
         "$15::integer ELSE min_short_side END,"
         " max_pixels = CASE WHEN ($2::integer & 8192) <> 0 THEN $16::bigint "
         "ELSE max_pixels END,"
         " max_side = CASE WHEN ($2::integer & 16384) <> 0 THEN $17::integer "
         "ELSE max_side END,"
         " max_bytes = CASE WHEN ($2::integer & 32768) <> 0 THEN $18::integer "
         "ELSE max_bytes END,"
         " coi_unit = CASE WHEN ($2::integer & 65536) <> 0 THEN $19::boolean "
         "ELSE coi_unit END,"
         " zscore = CASE WHEN ($2::integer & 131072) <> 0 THEN $20::boolean "
         "ELSE zscore END,"
         " judges_named = CASE WHEN ($2::integer & 262144) <> 0 THEN "
         "$21::boolean ELSE judges_named END,"
         " unit_id = CASE WHEN ($2::integer & 524288) = 0 THEN unit_id ELSE "
         "(SELECT u.id FROM units u WHERE u.code = lower($22)) END,"
         " open_to_all = CASE WHEN ($2::integer & 1048576) <> 0 THEN "
         "$23::boolean ELSE open_to_all END"
         /* An unknown unit code changes nothing (no row: DB_NONE). */
         " WHERE id = $1::bigint AND (($2::integer & 524288) = 0 OR "
         "coalesce($22, '') = '' OR EXISTS (SELECT 1 FROM units u WHERE "
         "u.code = lower($22)))",
         2 + CS__MAX, 0},
    /* The row, its categories and criteria, for the audit log. */
    [Q_SNAPSHOT] = {"contest_snapshot",
                    "SELECT to_jsonb(c) || jsonb_build_object('categories', "
                    "(SELECT coalesce(jsonb_agg(jsonb_build_object('id', k.id, "
                    "'name', k.name, 'position', k.position) ORDER BY "
                    "k.position, k.id), '[]'::jsonb) FROM categories k WHERE "
                    "k.contest_id = c.id)) || jsonb_build_object('criteria', "
                    "(SELECT coalesce(jsonb_agg(jsonb_build_object('id', k.id, "
                    "'name', k.name, 'weight', k.weight, 'position', "
                    "k.position) ORDER BY k.position, k.id), '[]'::jsonb) FROM "
                    "criteria k WHERE k.contest_id = c.id)) FROM contests c "
                    "WHERE c.id = $1::bigint",
                    1, DB_JSON__MAX},
    /* `contest show`: one document, in one snapshot (json keeps the key
     * order of the text, jsonb would sort it). */
    [Q_SHOW] =
        {"contest_show",
         "SELECT json_build_object('id', c.id, 'slug', c.slug, "
         "'title', c.title, 'rules', c.rules, 'submit_from', " ISO_UTC("c."
                                                                       "submit_"
                                                                       "from") ", 'submit_until', " ISO_UTC("c.submit_until") ", 'vote_from', " ISO_UTC("c.vote_from") ", 'vote_until', " ISO_UTC("c.vote_until") ", 'results_at', " ISO_UTC("c.results_at") ", 'max_entries', c.max_entries, "
                                                                                                                                                                                                                                                             "'votes_per_day', c.votes_per_day, 'vote_rule', "
                                                                                                                                                                                                                                                             "c.vote_rule, "
                                                                                                                                                                                                                                                             "'self_vote', c.self_vote, 'public_weight', "
                                                                                                                                                                                                                                                             "c.public_weight, "
                                                                                                                                                                                                                                                             "'min_short_side', c.min_short_side, "
                                                                                                                                                                                                                                                             "'max_pixels', "
                                                                                                                                                                                                                                                             "c.max_pixels, 'max_side', c.max_side, "
                                                                                                                                                                                                                                                             "'max_bytes', "
                                                                                                                                                                                                                                                             "c.max_bytes, 'coi_unit', c.coi_unit, 'zscore', "
                                                                                                                                                                                                                                                             "c.zscore, "
                                                                                                                                                                                                                                                             "'judges_named', c.judges_named, "
                                                                                                                                                                                                                                                             "'created_at', " ISO_UTC(
                                                                                                                                                                                                                                                                 "c.created_at") ", 'categories', (SELECT "
                                                                                                                                                                                                                                                                                 "coalesce(json_agg(json_build_"
                                                                                                                                                                                                                                                                                 "object('id', k.id, 'name', "
                                                                                                                                                                                                                                                                                 "k.name, 'position', "
                                                                                                                                                                                                                                                                                 "k.position) ORDER BY "
                                                                                                                                                                                                                                                                                 "k.position, k.id), "
                                                                                                                                                                                                                                                                                 "'[]') FROM categories k "
                                                                                                                                                                                                                                                                                 "WHERE k.contest_id = c.id), "
                                                                                                                                                                                                                                                                                 "'criteria', (SELECT "
                                                                                                                                                                                                                                                                                 "coalesce(json_agg(json_build_"
                                                                                                                                                                                                                                                                                 "object("
                                                                                                                                                                                                                                                                                 "'id', k.id, 'name', k.name, "
                                                                                                                                                                                                                                                                                 "'weight', k.weight, "
                                                                                                                                                                                                                                                                                 "'position', "
                                                                                                                                                                                                                                                                                 "k.position) ORDER BY "
                                                                                                                                                                                                                                                                                 "k.position, k.id), '[]') "
                                                                                                                                                                                                                                                                                 "FROM criteria "
                                                                                                                                                                                                                                                                                 "k WHERE k.contest_id = "
                                                                                                                                                                                                                                                                                 "c.id), 'entries', (SELECT "
                                                                                                                                                                                                                                                                                 "json_build_object('pending', "
                                                                                                                                                                                                                                                                                 "count(*) FILTER (WHERE "
                                                                                                                                                                                                                                                                                 "status "
                                                                                                                                                                                                                                                                                 "= 'pending'), 'approved', "
                                                                                                                                                                                                                                                                                 "count(*) FILTER (WHERE "
                                                                                                                                                                                                                                                                                 "status = "
                                                                                                                                                                                                                                                                                 "'approved'), 'rejected', "
                                                                                                                                                                                                                                                                                 "count(*) FILTER (WHERE "
                                                                                                                                                                                                                                                                                 "status = "
                                                                                                                                                                                                                                                                                 "'rejected'), 'withdrawn', "
                                                                                                                                                                                                                                                                                 "count(*) FILTER (WHERE "
                                                                                                                                                                                                                                                                                 "status = "
                                                                                                                                                                                                                                                                                 "'withdrawn'), 'total', "
                                                                                                                                                                                                                                                                                 "count(*)) FROM entries e "
                                                                                                                                                                                                                                                                                 "WHERE "
                                                                                                                                                                                                                                                                                 "e.contest_id = c.id), "
                                                                                                                                                                                                                                                                                 "'votes', (SELECT "
                                                                                                                                                                                                                                                                                 "json_build_object("
                                                                                                                                                                                                                                                                                 "'counted', count(*) FILTER "
                                                                                                                                                                                                                                                                                 "(WHERE voided_at IS NULL), "
                                                                                                                                                                                                                                                                                 "'voided', count(*) FILTER "
                                                                                                                                                                                                                                                                                 "(WHERE voided_at IS NOT "
                                                                                                                                                                                                                                                                                 "NULL)) "
                                                                                                                                                                                                                                                                                 "FROM votes v WHERE "
                                                                                                                                                                                                                                                                                 "v.contest_id = c.id), "
                                                                                                                                                                                                                                                                                 "'judges', (SELECT "
                                                                                                                                                                                                                                                                                 "coalesce(json_agg(json_build_"
                                                                                                                                                                                                                                                                                 "object('username', "
                                                                                                                                                                                                                                                                                 "a.username, "
                                                                                                                                                                                                                                                                                 "'every_contest', "
                                                                                                                                                                                                                                                                                 "r.contest_id IS NULL) ORDER "
                                                                                                                                                                                                                                                                                 "BY "
                                                                                                                                                                                                                                                                                 "lower(a.username)), '[]') "
                                                                                                                                                                                                                                                                                 "FROM roles r JOIN accounts a "
                                                                                                                                                                                                                                                                                 "ON "
                                                                                                                                                                                                                                                                                 "a.id = r.account_id WHERE "
                                                                                                                                                                                                                                                                                 "r.role = 'judge' AND "
                                                                                                                                                                                                                                                                                 "(r.contest_id = c.id OR "
                                                                                                                                                                                                                                                                                 "r.contest_id IS NULL))) FROM "
                                                                                                                                                                                                                                                                                 "contests c WHERE c.slug = $1",
         1, DB_JSON__MAX},
    [Q_CLI_LIST] =
        {"contest_cli_list",
         "SELECT c.slug, c.title, " ISO_UTC("c.submit_from") ", " ISO_UTC(
             "c."
             "subm"
             "it_"
             "unti"
             "l") ", " ISO_UTC("c.vote_from") ", " ISO_UTC("c.vote_until") ", "
                                                                           "(SE"
                                                                           "LEC"
                                                                           "T "
                                                                           "cou"
                                                                           "nt("
                                                                           "*) "
                                                                           "FRO"
                                                                           "M "
                                                                           "ent"
                                                                           "rie"
                                                                           "s "
                                                                           "e "
                                                                           "WHE"
                                                                           "RE "
                                                                           "e."
                                                                           "con"
                                                                           "tes"
                                                                           "t_"
                                                                           "id "
                                                                           "= "
                                                                           "c."
                                                                           "id)"
                                                                           ", "
                                                                           "(SE"
                                                                           "LEC"
                                                                           "T "
                                                                           "cou"
                                                                           "nt("
                                                                           "*) "
                                                                           "FRO"
                                                                           "M "
                                                                           "ent"
                                                                           "rie"
                                                                           "s "
                                                                           "e "
                                                                           "WHE"
                                                                           "RE "
                                                                           "e."
                                                                           "con"
                                                                           "tes"
                                                                           "t_"
                                                                           "id "
                                                                           "= "
                                                                           "c."
                                                                           "id "
                                                                           "AND"
                                                                           " e."
                                                                           "sta"
                                                                           "tus"
                                                                           " = "
                                                                           "'ap"
                                                                           "pro"
                                                                           "ved"
                                                                           "') "
                                                                           "FRO"
                                                                           "M "
                                                                           "con"
                                                                           "tes"
                                                                           "ts "
                                                                           "c "
                                                                           "ORD"
                                                                           "ER "
                                                                           "BY "
                                                                           "c."
                                                                           "cre"
                                                                           "ate"
                                                                           "d_"
                                                                           "at,"
                                                                           " c."
                                                                           "id",
         0, LIST__MAX},
    /* No row: the contest has a category of that name already. */
    [Q_CATEGORY_PUT] = {"category_put",
                        "INSERT INTO categories (contest_id, name, position) "
                        "SELECT $1::bigint, $2, coalesce(max(position), 0) + 1 "
                        "FROM categories WHERE contest_id = $1::bigint ON "
                        "CONFLICT (contest_id, name) DO NOTHING RETURNING id",
                        2, ID__MAX},
    [Q_CRITERION_ADD] = {"criterion_add",
                         "INSERT INTO criteria (contest_id, name, weight, "
                         "position) VALUES ($1::bigint, $2, $3::integer, "
                         "$4::integer)",
                         4, 0},
};

const struct stmt_set db_contest_set = {"db_contest", q, Q__MAX};

int
db_contest_list(struct db *db, struct arena *a, const char **json)
{
	return db_json(db, a, &q[Q_LIST], NULL, json);
}

DB_READ_JSON1(db_contest_get, &q[Q_GET], slug)

int
db_contest_access(struct db *db, struct arena *a, const char *slug,
                  const char *uid, struct contest_access *out)
{
	struct rows rs;
	int rc = db_exec(db, a, &q[Q_ACCESS], (const char *[]){slug, uid}, &rs);

	if (rc != DB_OK)
		return rc;
	out->id = rows_str(&rs, 0, ACCESS_ID, NULL);
	out->judge = rows_bool(&rs, 0, ACCESS_JUDGE, 0);
	out->published = rows_bool(&rs, 0, ACCESS_PUBLISHED, 0);
	return out->id != NULL ? DB_OK : DB_ERR;
}

int
db_contest_save(struct db *db, struct arena *a, const char *slug, int create,
                const char *set, const struct db_actor *by,
                struct db_answer *out)
{
	return db_answer(db, a, &q[Q_SAVE],
	                 (const char *[]){slug, create ? "true" : "false", set,
	                                  by->id, by->name, by->ip},
	                 out);
}

int
db_category_add(struct db *db, struct arena *a, const char *contest,
                const char *name, const struct db_actor *by,
                struct db_answer *out)
{
	return db_answer(
	    db, a, &q[Q_CATEGORY_ADD],
	    (const char *[]){contest, name, by->id, by->name, by->ip}, out);
}

int
db_criteria_set(struct db *db, struct arena *a, const char *contest,
                const char *list, const struct db_actor *by,
                struct db_answer *out)
{
	return db_answer(
	    db, a, &q[Q_CRITERIA_SET],
	    (const char *[]){contest, list, by->id, by->name, by->ip}, out);
}

int
db_judge_role(struct db *db, struct arena *a, const char *contest,
              const char *username, int grant, const struct db_actor *by,
              struct db_answer *out)
{
	return db_answer(db, a, &q[Q_JUDGE_ROLE],
	                 (const char *[]){contest, username,
	                                  grant ? "true" : "false", by->id,
	                                  by->name, by->ip},
	                 out);
}

DB_READ_JSON1(db_contest_state, &q[Q_STATE], contest)

int
db_contest_insert(struct db *db, struct arena *a, const char *slug,
                  const char *title, const char **id)
{
	struct rows rs;
	int         rc =
	    db_exec(db, a, &q[Q_INSERT], (const char *[]){slug, title}, &rs);

	if (rc == DB_OK)
		*id = rows_str(&rs, 0, ID_VALUE, NULL);
	return rc;
}

int
db_contest_lock(struct db *db, struct arena *a, const char *slug,
                struct contest_windows *out)
{
	struct rows rs;
	int rc = db_exec(db, a, &q[Q_LOCK], (const char *[]){slug}, &rs);

	if (rc != DB_OK)
		return rc;
	out->id = rows_str(&rs, 0, LOCK_ID, NULL);
	for (int i = 0; i < 4; i++) {
		out->set[i] = !rows_isnull(&rs, 0, LOCK_SUBMIT_FROM + i);
		out->epoch[i] = rows_ll(&rs, 0, LOCK_SUBMIT_FROM + i, 0);
	}
	return out->id != NULL ? DB_OK : DB_ERR;
}

int
db_contest_update(struct db *db, struct arena *a, const char *id, unsigned mask,
                  const char *const value[])
{
	const char *p[2 + CS__MAX];
	char        m[16];
	struct rows rs;
	int         rc;

	snprintf(m, sizeof(m), "%u", mask);
	p[0] = id;
	p[1] = m;
	for (int i = 0; i < CS__MAX; i++)
		p[2 + i] = (mask & (1u << i)) ? value[i] : NULL;
	rc = db_exec(db, a, &q[Q_UPDATE], p, &rs);
	/* No row updated: the unit code names no unit. */
	return rc == DB_OK && rs.affected == 0 ? DB_NONE : rc;
}

DB_READ_JSON1(db_contest_snapshot, &q[Q_SNAPSHOT], id)

DB_READ_JSON1(db_contest_show, &q[Q_SHOW], slug)

int
db_contest_table(struct db *db, struct arena *a, struct db_table *out)
{
	return db_table(db, a, &q[Q_CLI_LIST], NULL, out);
}

int
db_category_put(struct db *db, struct arena *a, const char *contest,
                const char *name, int *added)
{
	struct rows rs;
	int         rc;

	rc = db_exec(db, a, &q[Q_CATEGORY_PUT], (const char *[]){contest, name},
	             &rs);
	*added = rc == DB_OK;
	return rc == DB_NONE && rs.sqlstate == NULL ? DB_OK : rc;
}

int
db_criterion_add(struct db *db, struct arena *a, const char *contest,
                 const char *name, const char *weight, const char *position)
{
	int rc =
	    db_exec(db, a, &q[Q_CRITERION_ADD],
	            (const char *[]){contest, name, weight, position}, NULL);

	return rc;
}
