/*
 * db_ledger.c: the vote ledger, the review of flagged votes, fraud rules
 * and appeals (issue 16).  Every decision is a function of
 * sql/functions/110_ledger.sql; this module only names them.
 */
#include "db_ledger.h"

enum ledger_q {
	Q_REVIEW_SCAN,    /* Q_REVIEW_SCAN */
	Q_LEDGER_VERIFY,  /* Q_LEDGER_VERIFY */
	Q_LEDGER_DIGESTS, /* Q_LEDGER_DIGESTS */
	Q_RULES,          /* Q_RULES */
	Q_RULE_SET,       /* Q_RULE_SET */
	Q_REVIEW_LIST,    /* Q_REVIEW_LIST */
	Q_REVIEW_DECIDE,  /* Q_REVIEW_DECIDE */
	Q_REVIEW_MINE,    /* Q_REVIEW_MINE */
	Q_APPEAL_FILE,    /* Q_APPEAL_FILE */
	Q_APPEALS,        /* Q_APPEALS */
	Q_APPEAL_ANSWER,  /* Q_APPEAL_ANSWER */
	Q__MAX
};

/* Columns of Q_REVIEW_SCAN. */
enum scan_col {
	SCAN_FLAGGED, /* SCAN_FLAGGED */
	SCAN__MAX
};

static const struct stmt q[Q__MAX] = {
    [Q_REVIEW_SCAN] = {"review_scan", "SELECT flagged FROM review_scan()", 0,
                       SCAN__MAX},
    [Q_LEDGER_VERIFY] = {"ledger_verify",
                         "SELECT jsonb_build_object('events', (SELECT "
                         "count(*) FROM ledger_links()), 'chains', (SELECT "
                         "count(DISTINCT chain) FROM ledger_links()), "
                         "'problems', coalesce((SELECT jsonb_agg(to_jsonb(x)) "
                         "FROM ledger_verify() x), '[]'))",
                         0, DB_JSON__MAX},
    [Q_LEDGER_DIGESTS] = {"ledger_digests",
                          "SELECT ledger_digests_json($1::int)", 1,
                          DB_JSON__MAX},
    [Q_RULES] = {"fraud_rules", "SELECT vote_guards_json($1)", 1, DB_JSON__MAX},
    [Q_RULE_SET] = {"fraud_rule_set",
                    "SELECT outcome, detail, body FROM fraud_rule_set($1, $2, "
                    "$3, $4, $5, $6::boolean, $7::int, $8::int, $9::int)",
                    9, DB_ANS__MAX},
    [Q_REVIEW_LIST] = {"review_list", "SELECT review_list($1)", 1,
                       DB_JSON__MAX},
    [Q_REVIEW_DECIDE] = {"review_decide",
                         "SELECT outcome, detail, body FROM review_decide($1, "
                         "$2, $3, $4, $5::jsonb, $6, $7::boolean, $8)",
                         8, DB_ANS__MAX},
    [Q_REVIEW_MINE] = {"review_mine", "SELECT review_mine($1)", 1,
                       DB_JSON__MAX},
    [Q_APPEAL_FILE] = {"appeal_file",
                       "SELECT outcome, detail, body FROM appeal_file($1, $2, "
                       "$3, $4, $5)",
                       5, DB_ANS__MAX},
    [Q_APPEALS] = {"appeals", "SELECT appeals_queue($1::boolean)", 1,
                   DB_JSON__MAX},
    [Q_APPEAL_ANSWER] = {"appeal_answer",
                         "SELECT outcome, detail, body FROM appeal_answer($1, "
                         "$2, $3, $4, $5)",
                         5, DB_ANS__MAX},
};

const struct stmt_set db_ledger_set = {"db_ledger", q, Q__MAX};

int
db_review_scan(struct db *db, struct arena *a, long long *flagged)
{
	struct rows rs;
	int         rc = db_exec(db, a, &q[Q_REVIEW_SCAN], NULL, &rs);

	*flagged = rc == DB_OK ? rows_ll(&rs, 0, SCAN_FLAGGED, 0) : 0;
	return rc;
}

int
db_ledger_verify(struct db *db, struct arena *a, const char **json)
{
	return db_json(db, a, &q[Q_LEDGER_VERIFY], NULL, json);
}

DB_READ_JSON1(db_ledger_digests, &q[Q_LEDGER_DIGESTS], limit)
DB_READ_JSON1(db_fraud_rules, &q[Q_RULES], contest)
DB_READ_JSON1(db_review_list, &q[Q_REVIEW_LIST], contest)
DB_READ_JSON1(db_review_mine, &q[Q_REVIEW_MINE], account)
DB_READ_JSON1(db_appeals, &q[Q_APPEALS], open)

int
db_fraud_rule_set(struct db *db, struct arena *a, const char *contest,
                  const struct db_actor *by, const char *rule,
                  const char *enabled, const char *min_votes,
                  const char *window, const char *age, struct db_answer *out)
{
	return db_answer(db, a, &q[Q_RULE_SET],
	                 (const char *[]){contest, by->id, by->name, by->ip,
	                                  rule, enabled, min_votes, window,
	                                  age},
	                 out);
}

int
db_review_decide(struct db *db, struct arena *a, const char *contest,
                 const struct db_actor *by, const char *ids, const char *entry,
                 int void_, const char *reason, struct db_answer *out)
{
	return db_answer(db, a, &q[Q_REVIEW_DECIDE],
	                 (const char *[]){contest, by->id, by->name, by->ip,
	                                  ids, entry, void_ ? "true" : "false",
	                                  reason},
	                 out);
}

int
db_appeal_file(struct db *db, struct arena *a, const struct db_actor *by,
               const char *entry, const char *message, struct db_answer *out)
{
	return db_answer(
	    db, a, &q[Q_APPEAL_FILE],
	    (const char *[]){by->id, by->name, by->ip, entry, message}, out);
}

int
db_appeal_answer(struct db *db, struct arena *a, const char *id,
                 const struct db_actor *by, const char *answer,
                 struct db_answer *out)
{
	return db_answer(db, a, &q[Q_APPEAL_ANSWER],
	                 (const char *[]){id, by->id, by->name, by->ip, answer},
	                 out);
}
