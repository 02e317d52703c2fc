/*
 * db_consent.h: consent texts and acceptances, a participant's birth year
 * and guardian, the export of a participant's data and its erasure
 * (issue 16; sql/functions/120_consent.sql).  Ids are decimal text; every
 * function returns the tri-state of db.h, what it fills is in the arena.
 */
#ifndef NETDEP_DB_CONSENT_H
#define NETDEP_DB_CONSENT_H

#include "db.h"

/* {"rules": {"version", "text"}, "publication": ..., "guardian": ...} */
int db_consent_texts(struct db *db, struct arena *a, const char **json);

/* The account's birth year, consents and whether a guardian is needed. */
int db_consent_of(struct db *db, struct arena *a, const char *account,
                  const char **json);

/* Records the upload consents (rules, publication) of entry, inside the
 * caller's transaction. */
int db_consent_upload(struct db *db, struct arena *a, const char *account,
                      const char *entry, const char *ip);

/* Records a guardian's consent for account (audited). */
int db_consent_guardian(struct db *db, struct arena *a, const char *account,
                        const char *name, const char *contact, const char *ip);

/* Sets account's birth year (audited). */
int db_consent_birth_year(struct db *db, struct arena *a, const char *account,
                          const char *year, const char *ip);

/* GET /api/v1/me/data: the account's own data as JSON. */
int db_account_data(struct db *db, struct arena *a, const char *account,
                    const char **json);

/*
 * Erases account (account_erase()): in the caller's transaction; the
 * media tokens of its entries, whose files the caller removes after the
 * commit, in *tokens.  DB_NONE: no file to remove (an erased account has
 * no session left, so no request of its reaches this again).
 */
int db_account_erase(struct db *db, struct arena *a, const char *account,
                     const char *ip, struct db_table *tokens);

extern const struct stmt_set db_consent_set;

#endif
