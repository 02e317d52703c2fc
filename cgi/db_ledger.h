/*
 * db_ledger.h: the vote ledger, the review (quarantine) of flagged votes,
 * fraud rules and appeals (issue 16; sql/functions/110_ledger.sql).  Ids
 * are decimal text the caller checked; JSON reads answer one value.
 */
#ifndef NETDEP_DB_LEDGER_H
#define NETDEP_DB_LEDGER_H

#include "db.h"
#include "stmt.h"

extern const struct stmt_set db_ledger_set;

/* The folder: flags new votes (review_scan()); *flagged votes held. */
int db_review_scan(struct db *db, struct arena *a, long long *flagged);

/* {"events","chains","problems":[{chain,seq,kind,vote_id,problem}]} */
int db_ledger_verify(struct db *db, struct arena *a, const char **json);

/* The public digests: the last limit days and today's running one. */
int db_ledger_digests(struct db *db, struct arena *a, const char *limit,
                      const char **json);

/* A contest's fraud rules as a JSON list. */
int db_fraud_rules(struct db *db, struct arena *a, const char *contest,
                   const char **json);

/*
 * Sets rule of contest; enabled "true"/"false" or NULL, the numbers
 * decimal text or NULL (kept).  Outcomes ok, invalid_field.
 */
int db_fraud_rule_set(struct db *db, struct arena *a, const char *contest,
                      const struct db_actor *by, const char *rule,
                      const char *enabled, const char *min_votes,
                      const char *window, const char *age,
                      struct db_answer *out);

/* The held votes of a contest by entry and rule, the rules, the totals. */
int db_review_list(struct db *db, struct arena *a, const char *contest,
                   const char **json);

/*
 * Confirms (void 0) or voids (1) held votes: those of ids (a JSON list)
 * or, ids NULL, of entry (or the whole contest), with a reason.
 */
int db_review_decide(struct db *db, struct arena *a, const char *contest,
                     const struct db_actor *by, const char *ids,
                     const char *entry, int void_, const char *reason,
                     struct db_answer *out);

/* The entrant's view: their entries' held/voided counts and appeals. */
int db_review_mine(struct db *db, struct arena *a, const char *account,
                   const char **json);

/* An appeal about entry (the caller's); outcomes ok, no_entry. */
int db_appeal_file(struct db *db, struct arena *a, const struct db_actor *by,
                   const char *entry, const char *message,
                   struct db_answer *out);

/* The appeals, open ones only when open is "true". */
int db_appeals(struct db *db, struct arena *a, const char *open,
               const char **json);

/* Answers appeal id; outcomes ok, no_appeal, already_answered. */
int db_appeal_answer(struct db *db, struct arena *a, const char *id,
                     const struct db_actor *by, const char *answer,
                     struct db_answer *out);

#endif
