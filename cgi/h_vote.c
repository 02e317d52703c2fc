/*
 * h_vote.c: casting a vote.  Every rule is decided inside PostgreSQL by
 * vote_cast() in one statement (so in one transaction), with unique keys
 * and checked counters deciding races; this handler only maps the outcome
 * to HTTP.  The statement commits before the 201 is written (durably:
 * the server refuses to run with synchronous_commit off).
 *
 * Exactly once: an Idempotency-Key (8-64 of [A-Za-z0-9_-]) is stored with
 * the vote in the same transaction, keyed by (voter, key); a retry, even
 * one racing the first request, gets the first answer back, status and
 * body.  When the connection breaks mid-statement the outcome is unknown
 * and the answer is 503: the client retries with the same key.
 */
#include <sodium.h>
#include <string.h>

#include "db.h"
#include "handlers.h"
#include "input.h"
#include "resp.h"

#define IDEM_KEY_MIN 8
#define IDEM_KEY_MAX 64

/* Is k a well-formed Idempotency-Key? */
static int
vote_key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n < IDEM_KEY_MIN || n > IDEM_KEY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= 'a' && k[i] <= 'z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_' ||
		      k[i] == '-'))
			return 0;
	return 1;
}

int
h_vote_cast(struct req *r)
{
	unsigned char h[crypto_generichash_BYTES_MIN];
	char          ua_hex[2 * sizeof(h) + 1];
	char         *entry, *voter;
	const char   *reason;
	struct rows   rs;
	long long     status;
	int           rc;

	if (r->idem_key != NULL && !vote_key_ok(r->idem_key))
		return resp_error(r, 400, "invalid_idempotency_key",
		                  "The Idempotency-Key header must be 8 to 64 "
		                  "letters, digits, '-' or '_'.");
	crypto_generichash(h, sizeof(h), (const unsigned char *)r->user_agent,
	                   strlen(r->user_agent), NULL, 0);
	sodium_bin2hex(ua_hex, sizeof(ua_hex), h, sizeof(h));
	entry = arena_printf(r->a, "%lld", r->id_param);
	voter = arena_printf(r->a, "%lld", r->user->id);
	if (entry == NULL || voter == NULL)
		return resp_db_error(r, DB_ERR);
	rc = db_run(
	    r->db, r->a, STMT_VOTE_CAST,
	    (const char *[]){entry, voter, r->remote_addr, ua_hex, r->idem_key},
	    &rs);
	if (rc < 0)
		return resp_db_error(r, rc);
	status = rows_ll(&rs, 0, 0, 500);
	reason = rows_get(&rs, 0, 1) ? rows_get(&rs, 0, 1) : "";
	switch (status) {
	case 201:
		return resp_json(
		    r, 201,
		    json_pack("{s:I,s:I,s:I}", "entry_id",
		              (json_int_t)r->id_param, "vote_count",
		              (json_int_t)rows_ll(&rs, 0, 2, 0), "votes_left",
		              (json_int_t)rows_ll(&rs, 0, 3, 0)));
	case 422:
		return resp_error(r, 422, "idempotency_key_reused",
		                  "This Idempotency-Key was used for another "
		                  "entry; send a new key for a new vote.");
	case 404:
		return resp_error(r, 404, "no_entry", "There is no entry %lld.",
		                  r->id_param);
	case 409:
		return resp_error(
		    r, 409, "already_voted",
		    "You have already voted for this entry%s.",
		    strcmp(reason, "already_voted_today") == 0 ? " today" : "");
	case 429:
		return resp_error(r, 429, "budget_spent",
		                  "You have used all your votes for today; "
		                  "come back tomorrow.");
	case 403:
		if (strcmp(reason, "own_entry") == 0)
			return resp_error(
			    r, 403, "own_entry",
			    "You cannot vote for your own entry.");
		if (strcmp(reason, "voting_closed") == 0)
			return resp_error(r, 403, "voting_closed",
			                  "Voting is not open for this contest "
			                  "now.");
		return resp_error(r, 403, "not_approved",
		                  "This entry is not open for voting.");
	default:
		return resp_db_error(r, DB_ERR);
	}
}
