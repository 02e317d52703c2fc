/*
 * db_cert.h: the statements of certificates (issue 16;
 * sql/functions/125_certs.sql).  Ids are decimal text; every function
 * returns the tri-state of db.h, what it fills is in the arena.
 */
#ifndef NETDEP_DB_CERT_H
#define NETDEP_DB_CERT_H

#include "db.h"

/* Queues the certificates of newly published or changed results;
 * *queued: how many. */
int db_cert_fill(struct db *db, struct arena *a, long long *queued);

/* A queued certificate, everything it shows. */
struct db_cert_due {
	const char *code, *contest_title, *organiser, *label, *author, *unit;
	const char *entry_title, *thumb_token, *issued;
	int         entry_number;
};

/* The next queued certificates, at most max, into out (*n of them). */
int db_cert_due(struct db *db, struct arena *a, int max,
                struct db_cert_due *out, int *n);

/* Marks certificate code made (ok) or failed. */
int db_cert_made(struct db *db, struct arena *a, const char *code, int ok);

/* The public facts of a ready certificate (JSON); DB_NONE: none. */
int db_cert_public(struct db *db, struct arena *a, const char *code,
                   const char **json);

/* The account's certificates (JSON). */
int db_cert_of(struct db *db, struct arena *a, const char *account,
               const char **json);

/* The codes and labels of contest id's ready certificates, in a table
 * of (code, name) rows, name a file-safe stem. */
int db_cert_list(struct db *db, struct arena *a, const char *contest,
                 struct db_table *out);

/* Sets the organiser (NULL: unchanged) and all_participants ("true",
 * "false" or NULL) of contest id; the settings now as JSON. */
int db_cert_settings(struct db *db, struct arena *a, const char *contest,
                     const char *organiser, const char *all,
                     const struct db_actor *by, const char **json);

extern const struct stmt_set db_cert_set;

#endif
