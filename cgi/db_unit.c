/*
 * db_unit.c: the unit tree's statements (sql/functions/080_units.sql).
 * Reads come back as JSON that PostgreSQL built; writes are one function
 * call each.
 */
#include "db_unit.h"

#include <stdio.h>

enum unit_q {
	Q_SEARCH,     /* Q_SEARCH */
	Q_SHOW,       /* Q_SHOW */
	Q_PICK,       /* Q_PICK */
	Q_IMPORT,     /* Q_IMPORT */
	Q_EXPORT,     /* Q_EXPORT */
	Q_UNMAPPED,   /* Q_UNMAPPED */
	Q_MAP,        /* Q_MAP */
	Q_ACCOUNT_UN, /* Q_ACCOUNT_UN */
	Q__MAX
};

/* Columns of Q_PICK. */
enum pick_col {
	PICK_ID,   /* PICK_ID */
	PICK_NAME, /* PICK_NAME */
	PICK__MAX
};

/* Today in Vietnam, where a date parameter is NULL. */
#define UNIT_TODAY "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"

static const struct stmt q[Q__MAX] = {
    [Q_SEARCH] = {"unit_search",
                  "SELECT unit_search($1, coalesce($2::date, " UNIT_TODAY
                  "), $3, $4::int)",
                  4, DB_JSON__MAX},
    [Q_SHOW] = {"unit_show", "SELECT unit_show($1, $2::date)", 2, DB_JSON__MAX},
    [Q_PICK] = {"unit_pick",
                "SELECT id, name FROM unit_pick($1, " UNIT_TODAY ")", 1,
                PICK__MAX},
    [Q_IMPORT] = {"unit_import",
                  "SELECT unit_import($1::jsonb, $2::bigint, $3, $4)", 4,
                  DB_JSON__MAX},
    [Q_EXPORT] = {"unit_export", "SELECT * FROM unit_export()", 0,
                  DB_UNIT_EXPORT_COLS},
    [Q_UNMAPPED] = {"unit_unmapped", "SELECT unit_unmapped()", 0, DB_JSON__MAX},
    [Q_MAP] = {"unit_map",
               "SELECT outcome, detail, NULL FROM unit_map($1, $2, "
               "$3::bigint, $4, $5)",
               5, DB_ANS__MAX},
    [Q_ACCOUNT_UN] = {"account_unit_set",
                      "UPDATE accounts SET unit_id = $2::bigint, unit = "
                      "coalesce((SELECT u.name FROM units u WHERE u.id = "
                      "$2::bigint), $3, '') WHERE id = $1::bigint",
                      3, 0},
};

const struct stmt_set db_unit_set = {"db_unit", q, Q__MAX};

int
db_unit_search(struct db *db, struct arena *a, const char *qs, const char *on,
               const char *within, const char *limit, const char **json)
{
	return db_json(db, a, &q[Q_SEARCH],
	               (const char *[]){qs, on, within, limit}, json);
}

DB_READ_JSON2(db_unit_show, &q[Q_SHOW], code, on)

int
db_unit_pick(struct db *db, struct arena *a, const char *code, const char **id,
             const char **name)
{
	struct rows rs;
	int rc = db_exec(db, a, &q[Q_PICK], (const char *[]){code}, &rs);

	if (rc != DB_OK)
		return rc;
	*id = rows_str(&rs, 0, PICK_ID, NULL);
	*name = rows_str(&rs, 0, PICK_NAME, "");
	return *id != NULL ? DB_OK : DB_ERR;
}

int
db_unit_import(struct db *db, struct arena *a, const char *rows_json,
               const struct db_actor *actor, const char **json)
{
	return db_json(
	    db, a, &q[Q_IMPORT],
	    (const char *[]){rows_json, actor->id, actor->name, actor->ip},
	    json);
}

int
db_unit_export(struct db *db, struct arena *a, struct db_table *t)
{
	return db_table(db, a, &q[Q_EXPORT], NULL, t);
}

int
db_unit_export_stream(struct db *db, struct db_sink *sink)
{
	return db_stream(db, &q[Q_EXPORT], NULL, sink->start, sink->row,
	                 sink->ctx, &sink->started);
}

int
db_unit_unmapped(struct db *db, struct arena *a, const char **json)
{
	return db_json(db, a, &q[Q_UNMAPPED], NULL, json);
}

int
db_unit_map(struct db *db, struct arena *a, const char *name, const char *code,
            const struct db_actor *actor, struct db_answer *out)
{
	return db_answer(
	    db, a, &q[Q_MAP],
	    (const char *[]){name, code, actor->id, actor->name, actor->ip},
	    out);
}

int
db_account_unit_set(struct db *db, struct arena *a, long long id,
                    const char *unit_id, const char *unit)
{
	char who[24];

	snprintf(who, sizeof(who), "%lld", id);
	return db_exec(db, a, &q[Q_ACCOUNT_UN],
	               (const char *[]){who, unit_id, unit}, NULL);
}
