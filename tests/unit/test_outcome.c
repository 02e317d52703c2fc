/*
 * test_outcome.c: cgi/outcome.c, the one table from a database function's
 * outcome to what a person sees: every refusal has a status of 4xx and a
 * message, operation rows win over general ones, unknown names are not
 * found, and API codes stay what clients know.
 */
#include <string.h>

#include "outcome.h"
#include "unit.h"

static void
test_known(void)
{
	static const struct {
		const char *op, *name, *code;
		int         status;
	} cases[] = {
	    {"vote", "counted", "counted", 201},
	    {"vote", "not_approved", "not_approved", 403},
	    {NULL, "not_approved", "not_approved", 409},
	    {"vote", "own_entry", "own_entry", 403},
	    {"vote", "already_voted_today", "already_voted", 409},
	    {"vote", "key_reused", "idempotency_key_reused", 422},
	    {"vote", "budget_spent", "budget_spent", 429},
	    {NULL, "no_entry", "no_entry", 404},
	    {NULL, "created", "created", 201},
	    {NULL, "ok", "ok", 200},
	    {NULL, "criteria_mismatch", "invalid_field", 400},
	    {NULL, "prize_not_approved", "not_approved", 409},
	    {NULL, "settings_invalid", "invalid_field", 400},
	    {NULL, "already_judge", "already_judge", 409},
	    {NULL, "not_judge", "not_judge", 404},
	    {NULL, "upload_quota", "upload_quota", 429},
	    {NULL, "media_purged", "media_purged", 410},
	    /* photos refused by their bytes: the codes clients knew */
	    {"upload", "image_unsupported", "unsupported_image", 415},
	    {"upload", "image_variant", "unsupported_image", 415},
	    {"upload", "image_animated", "unsupported_image", 415},
	    {"upload", "image_corrupt", "image_corrupt", 422},
	    {"upload", "image_decode", "image_corrupt", 422},
	    {"upload", "image_crashed", "image_corrupt", 422},
	    {"upload", "image_too_large", "image_too_large", 413},
	    {"upload", "image_too_small", "image_too_small", 422},
	    {"upload", "image_too_complex", "image_too_complex", 422},
	    {"upload", "image_limit", "image_too_complex", 422},
	};

	for (size_t i = 0; i < UNIT_NELEM(cases); i++) {
		const struct outcome *o =
		    outcome_find(cases[i].op, cases[i].name);
		const char *code;

		if (!UNIT_CHECK(o != NULL, "%s: found", cases[i].name))
			continue;
		code = o->code ? o->code : o->name;
		UNIT_CHECK(o->status == cases[i].status &&
		               strcmp(code, cases[i].code) == 0,
		           "%s/%s: %d %s", cases[i].op ? cases[i].op : "-",
		           cases[i].name, o->status, code);
	}
}

static void
test_refusals_have_messages(void)
{
	static const char *const names[] = {
	    "no_entry",
	    "no_contest",
	    "no_account",
	    "not_judge",
	    "voting_closed",
	    "upload_quota",
	    "media_purged",
	    "already_voted",
	    "forbidden",
	    "own_entry",
	    "conflict_of_interest",
	    "results_published",
	    "no_criteria",
	    "not_most_voted",
	    "prize_taken",
	    "already_published",
	    "slug_taken",
	    "category_exists",
	    "scores_exist",
	    "criteria_duplicate",
	    "score_out_of_range",
	    "results_not_published",
	};

	for (size_t i = 0; i < UNIT_NELEM(names); i++) {
		const struct outcome *o = outcome_find(NULL, names[i]);

		UNIT_CHECK(o != NULL && o->status >= 400 && o->status < 500 &&
		               o->message != NULL && o->message[0] != '\0' &&
		               !outcome_ok(names[i]),
		           "%s: a 4xx with a message", names[i]);
	}
}

static void
test_unknown(void)
{
	UNIT_CHECK(outcome_find(NULL, "no_such_outcome") == NULL,
	           "unknown name");
	UNIT_CHECK(outcome_find("vote", NULL) == NULL, "NULL name");
	UNIT_CHECK(outcome_status(NULL, "no_such_outcome") == 500,
	           "unknown status is 500");
	UNIT_CHECK(outcome_ok("ok") && outcome_ok("created") &&
	               outcome_ok("counted") && !outcome_ok("no_entry") &&
	               !outcome_ok(NULL),
	           "successes");
	/* An operation's own row does not leak to others. */
	UNIT_CHECK(outcome_find("score", "counted") == NULL,
	           "op rows stay with their op");
}

int
main(void)
{
	test_known();
	test_refusals_have_messages();
	test_unknown();
	return unit_report();
}
