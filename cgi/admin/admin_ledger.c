/*
 * admin_ledger.c: `netdep-admin ledger|fraud-rules|review|appeals` (issue
 * 16): verify the vote ledger, read the published digests, set a
 * contest's fraud rules, confirm or void the votes held for review, and
 * answer appeals.  The same data layer and SQL functions as the web
 * pages', audited as 'netdep-admin'.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../db_contest.h"
#include "../db_ledger.h"
#include "../valid.h"
#include "admin.h"
#include "admin_args.h"

static const struct db_actor ledger_actor = {NULL, "netdep-admin", NULL};

/* Prints JSON text json on stdout; the exit code. */
static int
print_json(const char *json)
{
	return puts(json) == EOF || fflush(stdout) != 0 ? ADMIN_EXIT_FAIL
	                                                : ADMIN_EXIT_OK;
}

/*
 * Prints what ledger verify found: "ok: ..." or one line per broken link;
 * ADMIN_EXIT_OK only when nothing is broken.
 */
static int
verify_report(const char *json)
{
	json_t *root = json_loads(json, 0, NULL), *probs, *p;
	size_t  i;
	int     rc = ADMIN_EXIT_FAIL;

	if (root == NULL) {
		admin_fail("ledger verify: unreadable answer");
		return ADMIN_EXIT_FAIL;
	}
	probs = json_object_get(root, "problems");
	if (json_array_size(probs) == 0) {
		printf("ok: %lld events in %lld chains, every link holds\n",
		       json_integer_value(json_object_get(root, "events")),
		       json_integer_value(json_object_get(root, "chains")));
		rc = ADMIN_EXIT_OK;
	}
	json_array_foreach(probs, i, p)
	{
		json_t *ch = json_object_get(p, "chain");

		if (json_is_integer(ch))
			printf(
			    "broken: chain %lld seq %lld event %s vote %lld: "
			    "%s\n",
			    json_integer_value(ch),
			    json_integer_value(json_object_get(p, "seq")),
			    json_string_value(json_object_get(p, "kind")),
			    json_integer_value(json_object_get(p, "vote_id")),
			    json_string_value(json_object_get(p, "problem")));
		else
			printf(
			    "broken: vote %lld: %s\n",
			    json_integer_value(json_object_get(p, "vote_id")),
			    json_string_value(json_object_get(p, "problem")));
	}
	json_decref(root);
	if (fflush(stdout) != 0)
		rc = ADMIN_EXIT_FAIL;
	return rc;
}

/* ledger verify | ledger digest [--days N] */
int
admin_ledger(int argc, char **argv)
{
	static const char *const names[1] = {"days"};
	const char              *opt[1] = {NULL}, *pos[1], *json = NULL;
	char                     err[256];
	size_t                   npos;
	struct admin_run         run = {0};
	long long                n;
	int                      verify, rc = ADMIN_EXIT_FAIL, db_rc;

	if (!admin_args_parse(argc, argv, names, 1, opt, pos, 1, &npos, err,
	                      sizeof(err)))
		return admin_usage("ledger: %s", err);
	if (npos != 1 ||
	    (strcmp(pos[0], "verify") != 0 && strcmp(pos[0], "digest") != 0))
		return admin_usage("ledger verify | ledger digest [--days N]");
	verify = strcmp(pos[0], "verify") == 0;
	if (opt[0] != NULL &&
	    (verify || !valid_int(opt[0], strlen(opt[0]), 1, 366, &n)))
		return admin_usage("--days is 1 to 366 (digest only)");
	if (admin_start(&run, 1) == 0) {
		db_rc = verify
		            ? db_ledger_verify(run.db, &run.a, &json)
		            : db_ledger_digests(run.db, &run.a,
		                                opt[0] ? opt[0] : "30", &json);
		if (db_rc == DB_OK)
			rc = ADMIN_EXIT_OK;
	}
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK)
		rc = verify ? verify_report(json) : print_json(json);
	arena_free(&run.a);
	return rc;
}

/* The id of contest slug in *id; 0, or -1 after reporting. */
static int
contest_id(struct admin_run *run, const char *slug, const char **id)
{
	struct contest_access jc;
	int rc = db_contest_access(run->db, &run->a, slug, NULL, &jc);

	if (rc == DB_NONE)
		admin_fail("no contest %s", slug);
	if (rc != DB_OK)
		return -1;
	*id = jc.id;
	return 0;
}

/*
 * Reports a write function's answer: 0 with the body printed, or -1 after
 * printing its outcome.
 */
static int
answer_report(int rc, const struct db_answer *ans)
{
	if (rc != DB_OK)
		return -1;
	if (strcmp(ans->outcome, "ok") != 0) {
		admin_fail("refused: %s%s%s", ans->outcome,
		           ans->detail ? " " : "",
		           ans->detail ? ans->detail : "");
		return -1;
	}
	return print_json(ans->body) == ADMIN_EXIT_OK ? 0 : -1;
}

enum ropt {
	ROPT_ENABLED, /* ROPT_ENABLED */
	ROPT_MIN,     /* ROPT_MIN */
	ROPT_WINDOW,  /* ROPT_WINDOW */
	ROPT_AGE,     /* ROPT_AGE */
	ROPT__MAX
};

static const char *const ropt_names[ROPT__MAX] = {
    "enabled", "min-votes", "window-minutes", "max-age-hours"};
static const long long ropt_min[ROPT__MAX] = {0, 2, 1, 1};
static const long long ropt_max[ROPT__MAX] = {0, 100000, 10080, 8760};

/*
 * fraud-rules show SLUG
 * fraud-rules set SLUG RULE [--enabled yes|no] [--min-votes N]
 *                 [--window-minutes N] [--max-age-hours N]
 */
int
admin_fraud_rules(int argc, char **argv)
{
	const char      *opt[ROPT__MAX] = {0}, *pos[3], *json = NULL, *id;
	const char      *enabled = NULL;
	char             err[256];
	size_t           npos;
	struct admin_run run = {0};
	struct db_answer ans;
	long long        n;
	int              set, rc = ADMIN_EXIT_FAIL;

	if (!admin_args_parse(argc, argv, ropt_names, ROPT__MAX, opt, pos, 3,
	                      &npos, err, sizeof(err)))
		return admin_usage("fraud-rules: %s", err);
	set = npos == 3 && strcmp(pos[0], "set") == 0;
	if (!set && !(npos == 2 && strcmp(pos[0], "show") == 0))
		return admin_usage("fraud-rules show SLUG | fraud-rules set "
		                   "SLUG RULE [--OPTION VALUE ...]");
	if (opt[ROPT_ENABLED] != NULL) {
		if (strcmp(opt[ROPT_ENABLED], "yes") == 0)
			enabled = "true";
		else if (strcmp(opt[ROPT_ENABLED], "no") == 0)
			enabled = "false";
		else
			return admin_usage("--enabled is yes or no");
	}
	for (int i = ROPT_MIN; i < ROPT__MAX; i++)
		if (opt[i] != NULL && !valid_int(opt[i], strlen(opt[i]),
		                                 ropt_min[i], ropt_max[i], &n))
			return admin_usage("--%s is %lld to %lld",
			                   ropt_names[i], ropt_min[i],
			                   ropt_max[i]);
	if (admin_start(&run, !set) == 0 &&
	    contest_id(&run, pos[1], &id) == 0) {
		if (!set) {
			if (db_fraud_rules(run.db, &run.a, id, &json) == DB_OK)
				rc = print_json(json);
		} else if (answer_report(db_fraud_rule_set(
		                             run.db, &run.a, id, &ledger_actor,
		                             pos[2], enabled, opt[ROPT_MIN],
		                             opt[ROPT_WINDOW], opt[ROPT_AGE],
		                             &ans),
		                         &ans) == 0) {
			rc = ADMIN_EXIT_OK;
		}
	}
	rc = admin_finish(&run, rc);
	arena_free(&run.a);
	return rc;
}

/*
 * review list SLUG
 * review confirm|void SLUG --reason TEXT [--entry ID]
 */
int
admin_review(int argc, char **argv)
{
	static const char *const names[2] = {"reason", "entry"};
	const char              *opt[2] = {NULL, NULL}, *pos[2], *json = NULL;
	const char              *id;
	char                     err[256];
	size_t                   npos;
	struct admin_run         run = {0};
	struct db_answer         ans;
	long long                n;
	int                      list, void_, rc = ADMIN_EXIT_FAIL;

	if (!admin_args_parse(argc, argv, names, 2, opt, pos, 2, &npos, err,
	                      sizeof(err)))
		return admin_usage("review: %s", err);
	if (npos != 2)
		return admin_usage("review list|confirm|void SLUG ...");
	list = strcmp(pos[0], "list") == 0;
	void_ = strcmp(pos[0], "void") == 0;
	if (!list && !void_ && strcmp(pos[0], "confirm") != 0)
		return admin_usage("review list|confirm|void SLUG ...");
	if (!list && (opt[0] == NULL || opt[0][0] == '\0'))
		return admin_usage("review %s needs --reason TEXT", pos[0]);
	if (opt[1] != NULL &&
	    !valid_int(opt[1], strlen(opt[1]), 1, 9007199254740991LL, &n))
		return admin_usage("--entry is an entry id");
	if (admin_start(&run, list) == 0 &&
	    contest_id(&run, pos[1], &id) == 0) {
		if (list) {
			if (db_review_list(run.db, &run.a, id, &json) == DB_OK)
				rc = print_json(json);
		} else if (answer_report(db_review_decide(
		                             run.db, &run.a, id, &ledger_actor,
		                             NULL, opt[1], void_, opt[0], &ans),
		                         &ans) == 0) {
			rc = ADMIN_EXIT_OK;
		}
	}
	rc = admin_finish(&run, rc);
	arena_free(&run.a);
	return rc;
}

/* appeals list [--open yes] | appeals answer ID TEXT */
int
admin_appeals(int argc, char **argv)
{
	static const char *const names[1] = {"open"};
	const char              *opt[1] = {NULL}, *pos[3], *json = NULL;
	char                     err[256];
	size_t                   npos;
	struct admin_run         run = {0};
	struct db_answer         ans;
	long long                n;
	int                      list, rc = ADMIN_EXIT_FAIL;

	if (!admin_args_parse(argc, argv, names, 1, opt, pos, 3, &npos, err,
	                      sizeof(err)))
		return admin_usage("appeals: %s", err);
	list = npos == 1 && strcmp(pos[0], "list") == 0;
	if (!list &&
	    !(npos == 3 && strcmp(pos[0], "answer") == 0 &&
	      valid_int(pos[1], strlen(pos[1]), 1, 9007199254740991LL, &n)))
		return admin_usage("appeals list [--open yes] | appeals answer "
		                   "ID TEXT");
	if (admin_start(&run, list) == 0) {
		if (list) {
			if (db_appeals(run.db, &run.a,
			               opt[0] && strcmp(opt[0], "yes") == 0
			                   ? "true"
			                   : "false",
			               &json) == DB_OK)
				rc = print_json(json);
		} else if (answer_report(db_appeal_answer(run.db, &run.a,
		                                          pos[1], &ledger_actor,
		                                          pos[2], &ans),
		                         &ans) == 0) {
			rc = ADMIN_EXIT_OK;
		}
	}
	rc = admin_finish(&run, rc);
	arena_free(&run.a);
	return rc;
}
