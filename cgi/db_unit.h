/*
 * db_unit.h: the data layer of the unit tree (issue 15): the type-ahead,
 * one unit, picking a node, import and export, the free-text names not
 * yet mapped and mapping them (sql/functions/080_units.sql).  Every
 * function returns the tri-state of db.h; what it fills points into the
 * arena it was given.
 */
#ifndef NETDEP_DB_UNIT_H
#define NETDEP_DB_UNIT_H

#include "db.h"
#include "db_jury.h" /* struct db_sink */

/*
 * Units valid on day on (YYYY-MM-DD, NULL: today in Vietnam) whose name
 * holds q or is near it, within the subtree of unit code within (or
 * NULL), at most limit (decimal): *json, a JSON array.
 */
int db_unit_search(struct db *db, struct arena *a, const char *q,
                   const char *on, const char *within, const char *limit,
                   const char **json);

/* Unit code with its ancestors, children valid on on (NULL: all),
 * successors and predecessors: *json.  DB_NONE: no such code. */
int db_unit_show(struct db *db, struct arena *a, const char *code,
                 const char *on, const char **json);

/* The node of code valid today in Vietnam: *id (decimal) and *name.
 * DB_NONE: no such unit today. */
int db_unit_pick(struct db *db, struct arena *a, const char *code,
                 const char **id, const char **name);

/*
 * Imports rows_json (what unitcsv.c made of a file) as actor: *json is
 * {"errors":[{"line","message"}]} (nothing written) or {"errors":[],
 * "created","updated","unchanged"}.
 */
int db_unit_import(struct db *db, struct arena *a, const char *rows_json,
                   const struct db_actor *actor, const char **json);

/* The import's columns, in the CSV's order (unit_export()). */
#define DB_UNIT_EXPORT_COLS 10

/* Every unit in the import's columns, parents first, into t. */
int db_unit_export(struct db *db, struct arena *a, struct db_table *t);

/* The same, row by row (a web download of any size). */
int db_unit_export_stream(struct db *db, struct db_sink *sink);

/* The free-text unit names not mapped yet: *json, a JSON array. */
int db_unit_unmapped(struct db *db, struct arena *a, const char **json);

/*
 * Maps free-text name to unit code as actor.  out->outcome: ok (detail
 * "ACCOUNTS ENTRIES"), no_unit, no_unmapped.
 */
int db_unit_map(struct db *db, struct arena *a, const char *name,
                const char *code, const struct db_actor *actor,
                struct db_answer *out);

/* Sets account id's unit: the node unit_id (decimal) or, NULL, the
 * free-text name unit. */
int db_account_unit_set(struct db *db, struct arena *a, long long id,
                        const char *unit_id, const char *unit);

extern const struct stmt_set db_unit_set;

#endif
