/*
 * db_jury.h: the data layer of judging: moderation, scores, the jury
 * board, results and prizes, the fraud report and voiding, the audit log
 * and the CSV exports.  Reads come back as JSON PostgreSQL built; writes
 * go through the functions of sql/functions/050_jury.sql and answer a
 * domain outcome (db_answer).  Ids are decimal text the caller checked.
 * Tri-state returns (db.h); results live in the arena given.
 */
#ifndef NETDEP_DB_JURY_H
#define NETDEP_DB_JURY_H

#include "db.h"

/* --- moderation ------------------------------------------------------ */

/* The pending entries judge uid may decide, of contest slug or all. */
int db_mod_queue(struct db *db, struct arena *a, const char *uid,
                 const char *slug, const char **json);

/* An entry as a moderator finds it. */
struct mod_info {
	const char *status;     /* pending, approved, rejected, withdrawn */
	const char *decided_by; /* display name of who decided, or NULL */
	const char *token;      /* its media token */
	int         own;        /* the caller is its author */
	int         judge;      /* the caller judges its contest */
	int         conflict;   /* conflict of interest (own unit) */
};

/* DB_NONE: no such entry. */
int db_mod_info(struct db *db, struct arena *a, const char *entry,
                const char *uid, struct mod_info *out);

/* Why a rule of the schema refused a decision (db_mod_decide's *coi). */
enum mod_refused {
	MOD_REFUSED_NONE,     /* MOD_REFUSED_NONE: it was no longer pending */
	MOD_REFUSED_COI,      /* MOD_REFUSED_COI: conflict of interest */
	MOD_REFUSED_GUARDIAN, /* MOD_REFUSED_GUARDIAN: under 16, no guardian */
	MOD_REFUSED__MAX
};

/*
 * Decides a pending entry (status approved or rejected, reason for a
 * rejection) inside the caller's transaction.  DB_OK with *contest; or
 * DB_NONE: *coi (enum mod_refused) says which rule refused it, or 0 when
 * the entry was no longer pending.
 */
int db_mod_decide(struct db *db, struct arena *a, const char *entry,
                  const char *uid, const char *status, const char *reason,
                  const char **contest, int *coi);

/* The caller's moderation progress in a contest. */
int db_mod_progress(struct db *db, struct arena *a, const char *contest,
                    const char *uid, const char **json);

/* The decisions of a contest, newest first, limit of them before id. */
int db_mod_history(struct db *db, struct arena *a, const char *contest,
                   const char *limit, const char *before, const char **json);

/* One row of the audit log, in the caller's transaction. */
int db_audit_write(struct db *db, struct arena *a, const struct db_actor *by,
                   const char *action, const char *type, const char *target,
                   const char *contest, const char *before, const char *after);

/* The audit log as JSON: of a contest (or all), limit rows before id. */
int db_audit_list(struct db *db, struct arena *a, const char *slug,
                  const char *limit, const char *before, const char **json);

/* --- scores and rankings --------------------------------------------- */

/* The entries of a contest judge uid scores, with their own marks. */
int db_jury_entries(struct db *db, struct arena *a, const char *contest,
                    const char *uid, const char **json);

/*
 * Scores entry for the actor: scores a JSON object {criterion: number},
 * comment or NULL.  Outcomes: ok, no_entry, forbidden, own_entry,
 * conflict_of_interest, not_approved, results_published, no_criteria,
 * criteria_mismatch, score_out_of_range.
 */
int db_scores_put(struct db *db, struct arena *a, const char *entry,
                  const struct db_actor *by, const char *scores,
                  const char *comment, struct db_answer *out);

/* The scores of an entry as uid may see them (ok, no_entry,
 * results_not_published). */
int db_scores_get(struct db *db, struct arena *a, const char *entry,
                  const char *uid, struct db_answer *out);

/* Each judge's progress in a contest. */
int db_judges_progress(struct db *db, struct arena *a, const char *contest,
                       const char **json);

/* Filters of the jury and combined boards; NULL is no filter. */
struct jury_board {
	const char *by; /* "jury" or "combined" */
	const char *category, *unit, *unit_code;
	const char *limit;
};

int db_jury_board(struct db *db, struct arena *a, const char *contest,
                  const struct jury_board *q, const char **json);

/* The results of a contest (ranks, prizes). */
int db_results(struct db *db, struct arena *a, const char *contest,
               const char **json);

/* Sets the prizes (JSON [{entry_id, prize}]); outcomes ok,
 * prize_not_approved, not_most_voted, prize_taken. */
int db_prizes_set(struct db *db, struct arena *a, const char *contest,
                  const struct db_actor *by, const char *prizes,
                  struct db_answer *out);

/* Publishes the results; outcomes ok, already_published. */
int db_results_publish(struct db *db, struct arena *a, const char *contest,
                       const struct db_actor *by, struct db_answer *out);

/* --- fraud ------------------------------------------------------------- */

int db_fraud_report(struct db *db, struct arena *a, const char *contest,
                    const char **json);

/*
 * Voids (restore 0) or restores the votes of account or of the vote ids
 * (JSON list), with a reason; outcomes ok, no_account.
 */
int db_votes_void(struct db *db, struct arena *a, const char *contest,
                  const struct db_actor *by, const char *account,
                  const char *ids, const char *reason, int restore,
                  struct db_answer *out);

/* --- exports ----------------------------------------------------------- */

enum jury_export {
	EXPORT_RESULTS, /* EXPORT_RESULTS */
	EXPORT_ENTRIES, /* EXPORT_ENTRIES */
	EXPORT_VOTES,   /* EXPORT_VOTES */
	EXPORT__MAX
};

/*
 * An export streams: its rows go one by one to a sink's row(), after
 * start() (db.h db_stream(), which says what each returns), so a CSV of
 * any size holds one row in the worker.
 */
struct db_sink {
	int (*start)(void *ctx, int ncols);
	db_row_fn row;
	void     *ctx;
	int       started; /* set: start() ran, the answer has begun */
};

/*
 * The rows of an export of a contest, in the order of its CSV head; the
 * votes' client addresses only when addresses is set (admins), else a
 * keyed hash of their /24.
 */
int db_export(struct db *db, enum jury_export which, const char *contest,
              int addresses, struct db_sink *sink);

/* The audit log of a contest (or all) for its CSV. */
int db_audit_export(struct db *db, const char *slug, struct db_sink *sink);

/*
 * The version of a contest's results: a hash of everything its published
 * results and results.csv are computed from (results_version() in
 * sql/functions/050_jury.sql), read in one cheap query, for their ETag.
 */
int db_results_version(struct db *db, struct arena *a, const char *contest,
                       const char **version);

extern const struct stmt_set db_jury_set;

#endif
