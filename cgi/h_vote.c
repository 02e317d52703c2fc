/*
 * h_vote.c: casting a vote.  Every rule is decided inside PostgreSQL by
 * vote_cast() in one statement (so in one transaction), with unique keys
 * and checked counters deciding races; this handler only maps the outcome
 * to HTTP through outcome.c.  The statement commits before the 201 is written
 * (durably: the server refuses to run with synchronous_commit off).
 *
 * Exactly once: an Idempotency-Key (8-64 of [A-Za-z0-9_-]) is stored with
 * the vote in the same transaction, keyed by (voter, key); a retry, even
 * one racing the first request, gets the first answer back, status and
 * body.  When the connection breaks mid-statement the outcome is unknown
 * and the answer is 503: the client retries with the same key.
 */
#include <sodium.h>
#include <string.h>

#include "brake.h"
#include "db_vote.h"
#include "handlers.h"
#include "input.h"
#include "metrics.h"
#include "outcome.h"
#include "reads.h"
#include "resp.h"
#include "valid.h"

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
	unsigned char       h[crypto_generichash_BYTES_MIN];
	char                ua_hex[2 * sizeof(h) + 1];
	struct vote_cast_in in;
	struct vote_result  res;
	struct brake_pow    pow; /* in.pow_sig_hex points into it */
	int                 rc;

	if (r->idem_key != NULL && !vote_key_ok(r->idem_key)) {
		metrics_vote(METRICS_VOTE_BAD_KEY);
		return resp_error(r, 400, "invalid_idempotency_key",
		                  "The Idempotency-Key header must be 8 to 64 "
		                  "letters, digits, '-' or '_'.");
	}
	crypto_generichash(h, sizeof(h), (const unsigned char *)r->user_agent,
	                   strlen(r->user_agent), NULL, 0);
	sodium_bin2hex(ua_hex, sizeof(ua_hex), h, sizeof(h));
	in = (struct vote_cast_in){.entry = r->id_param,
	                           .voter = r->user->id,
	                           .ip = r->remote_addr,
	                           .ua_hash_hex = ua_hex,
	                           .idem_key = r->idem_key};
	/*
	 * A proof of work in X-Altcha (a contest may ask one per vote,
	 * issue 16): checked here (two hashes and the key), spent once by
	 * vote_cast() only when the contest asks for it.  Without the header
	 * nothing is read.
	 */
	if (r->pow_proof != NULL && *r->pow_proof != '\0') {
		struct valid_value pv = {1, r->pow_proof, strlen(r->pow_proof),
		                         0};

		if (pv.len > POW_MAX_TEXT)
			in.pow_bad = 1;
		else if ((rc = brake_pow_read(r, &pv, &pow)) != DB_OK)
			return resp_db_error(r, rc);
		else if (pow.have) {
			in.pow_sig_hex = pow.proof.sig_hex;
			in.pow_expires =
			    arena_printf(r->a, "%lld", pow.proof.expires);
		} else
			in.pow_bad = 1;
	}
	if ((rc = db_vote_cast(r->db, r->a, &in, &res)) != DB_OK) {
		metrics_vote(METRICS_VOTE_DB_ERROR);
		return resp_db_error(r, rc);
	}
	{
		int i = outcome_index("vote", res.outcome);

		metrics_vote(i >= 0 ? i : METRICS_VOTE_DB_ERROR);
	}
	if (!outcome_ok(res.outcome))
		return resp_outcome(r, "vote", res.outcome, NULL);
	reads_mark(r); /* the voter's next reads show it */
	return resp_json(r, outcome_status("vote", res.outcome),
	                 json_pack("{s:I,s:I,s:I}", "entry_id",
	                           (json_int_t)r->id_param, "vote_count",
	                           (json_int_t)res.vote_count, "votes_left",
	                           (json_int_t)res.votes_left));
}
