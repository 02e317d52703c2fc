/*
 * db_contest.h: the data layer of contests: the public list and page, the
 * settings, categories, criteria and judges an organiser writes (each
 * through a SQL function that checks, writes and audits in one go), and
 * the access a caller has to one contest.  Tri-state returns (db.h).
 */
#ifndef NETDEP_DB_CONTEST_H
#define NETDEP_DB_CONTEST_H

#include "db.h"

/* Every contest as JSON, newest first. */
int db_contest_list(struct db *db, struct arena *a, const char **json);

/* One contest as JSON; DB_NONE: no such slug. */
int db_contest_get(struct db *db, struct arena *a, const char *slug,
                   const char **json);

/* A caller's standing in a contest. */
struct contest_access {
	const char *id;        /* the contest's id, decimal */
	int         judge;     /* the caller judges it (or is an admin) */
	int         published; /* its results are published */
};

/*
 * The access of account uid (decimal, or NULL: anonymous) to contest
 * slug.  DB_NONE: no such contest.
 */
int db_contest_access(struct db *db, struct arena *a, const char *slug,
                      const char *uid, struct contest_access *out);

/*
 * Creates (create 1) or changes contest slug with the settings set (a
 * JSON object of validated fields, contest_rules.h).  Outcomes: created,
 * ok, slug_taken, no_contest, settings_invalid.
 */
int db_contest_save(struct db *db, struct arena *a, const char *slug,
                    int create, const char *set, const struct db_actor *by,
                    struct db_answer *out);

/* Adds a category; outcomes created, category_exists. */
int db_category_add(struct db *db, struct arena *a, const char *contest,
                    const char *name, const struct db_actor *by,
                    struct db_answer *out);

/*
 * Replaces the criteria with list (JSON [{name, weight}]); outcomes ok,
 * criteria_duplicate, scores_exist.
 */
int db_criteria_set(struct db *db, struct arena *a, const char *contest,
                    const char *list, const struct db_actor *by,
                    struct db_answer *out);

/*
 * Grants (grant 1) or revokes the judge role of username in contest;
 * outcomes created, ok, no_account, already_judge, not_judge.
 */
int db_judge_role(struct db *db, struct arena *a, const char *contest,
                  const char *username, int grant, const struct db_actor *by,
                  struct db_answer *out);

/* The contest's state at a glance (admin page) as JSON. */
int db_contest_state(struct db *db, struct arena *a, const char *contest,
                     const char **json);

/* --- what netdep-admin does (in its one transaction) ------------------- */

/* A new contest; DB_NONE: the slug is taken. */
int db_contest_insert(struct db *db, struct arena *a, const char *slug,
                      const char *title, const char **id);

/* A contest locked for a change, with its windows as they are. */
struct contest_windows {
	const char *id;
	/* submit_from, submit_until, vote_from, vote_until */
	int       set[4]; /* 0: open (NULL) */
	long long epoch[4];
};

/* DB_NONE: no such contest. */
int db_contest_lock(struct db *db, struct arena *a, const char *slug,
                    struct contest_windows *out);

/*
 * Changes the settings of contest id whose bit is set in mask (bit i:
 * setting i of contest_rules.h), to value[i] as text (times in seconds
 * since the epoch, booleans "true"/"false"; NULL is SQL NULL).  DB_NONE:
 * a CHECK refused it.
 */
int db_contest_update(struct db *db, struct arena *a, const char *id,
                      unsigned mask, const char *const value[]);

/* The contest row, categories and criteria as JSON, for the audit log. */
int db_contest_snapshot(struct db *db, struct arena *a, const char *id,
                        const char **json);

/* `contest show`: every setting, categories, criteria, counts, judges. */
int db_contest_show(struct db *db, struct arena *a, const char *slug,
                    const char **json);

/* `contest list`: slug, title, the four windows (ISO 8601 UTC or NULL),
 * entries, approved entries. */
int db_contest_table(struct db *db, struct arena *a, struct db_table *out);

/* Adds category name at the end; *added 0 when it was there already. */
int db_category_put(struct db *db, struct arena *a, const char *contest,
                    const char *name, int *added);

/* Adds a jury criterion (weight and position as text). */
int db_criterion_add(struct db *db, struct arena *a, const char *contest,
                     const char *name, const char *weight,
                     const char *position);

extern const struct stmt_set db_contest_set;

#endif
