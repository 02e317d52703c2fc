/*
 * h_vote.c: casting a vote.  Every rule is decided inside PostgreSQL by
 * vote_cast_batch() (sql/functions/030_votes.sql), the session and the
 * CSRF token included, in one statement with unique keys and checked
 * counts deciding races; this handler checks the request's shape, hands
 * the vote to its master's vote writer (vote_writer.h), which casts it
 * with the others that arrived meanwhile, and maps the outcome to HTTP
 * through outcome.c.  The batch commits before the 201 is written
 * (durably: the server refuses to run with synchronous_commit off).
 *
 * Exactly once: an Idempotency-Key (8-64 of [A-Za-z0-9_-]) is stored with
 * the vote in the same transaction, keyed by (voter, key); a retry, even
 * one racing the first request, gets the first answer back, status and
 * body.  When the connection breaks mid-statement the outcome is unknown
 * and the answer is 503: the client retries with the same key.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"

#include "brake.h"
#include "db_vote.h"
#include "handlers.h"
#include "input.h"
#include "metrics.h"
#include "outcome.h"
#include "reads.h"
#include "resp.h"
#include "valid.h"
#include "vote_writer.h"

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

/* Copies src into the fixed field dst; 0 when it does not fit. */
#define VOTE_FIELD(dst, src)                                                   \
	(snprintf((dst), sizeof(dst), "%s", (src)) < (int)sizeof(dst))

/*
 * The vote's fields, checked: the session's hash and the CSRF header
 * (router.c made sure both are there), the client's address, the agent's
 * hash, the key and a proof of work.  Returns 0, or the status answered.
 */
static int
vote_fill(struct req *r, struct vote_req *q)
{
	unsigned char h[crypto_generichash_BYTES_MIN];
	int           rc;

	memset(q, 0, sizeof(*q));
	q->entry = r->id_param;
	if (r->idem_key != NULL && !vote_key_ok(r->idem_key)) {
		metrics_vote(METRICS_VOTE_BAD_KEY);
		return resp_error(r, 400, "invalid_idempotency_key",
		                  "The Idempotency-Key header must be 8 to 64 "
		                  "letters, digits, '-' or '_'.");
	}
	/* A token too long to be a session's (43 characters) is sent as
	 * none: the statement answers csrf, or login_required first. */
	if (!VOTE_FIELD(q->csrf, r->csrf_header))
		q->csrf[0] = '\0';
	if (!VOTE_FIELD(q->token, r->session_hash) ||
	    !VOTE_FIELD(q->ip, r->remote_addr) ||
	    (r->idem_key != NULL && !VOTE_FIELD(q->key, r->idem_key)))
		return resp_error(r, 500, "internal",
		                  "The server could not read your vote.");
	crypto_generichash(h, sizeof(h), (const unsigned char *)r->user_agent,
	                   strlen(r->user_agent), NULL, 0);
	sodium_bin2hex(q->ua_hash, sizeof(q->ua_hash), h, sizeof(h));
	/*
	 * A proof of work in X-Altcha (a contest may ask one per vote,
	 * issue 16): checked here (two hashes and the key), spent once by
	 * the vote's statement only when the contest asks for it.  Without
	 * the header nothing is read.
	 */
	if (r->pow_proof != NULL && *r->pow_proof != '\0') {
		struct valid_value pv = {1, r->pow_proof, strlen(r->pow_proof),
		                         0};
		struct brake_pow   pow;

		if (pv.len > POW_MAX_TEXT)
			q->pow_bad = 1;
		else if ((rc = brake_pow_read(r, &pv, &pow)) != DB_OK)
			return resp_db_error(r, rc);
		else if (pow.have && VOTE_FIELD(q->pow_sig, pow.proof.sig_hex))
			q->pow_expires = pow.proof.expires;
		else
			q->pow_bad = 1;
	}
	return 0;
}

int
h_vote_cast(struct req *r)
{
	struct vote_req q;
	struct vote_ans a;
	int             rc, i, direct = 0;

	if ((rc = vote_fill(r, &q)) != 0)
		return rc;
	/* To the writer; without one (NETDEP_VOTE_BATCH=0), a batch of one
	 * on this worker's connection. */
	switch (vote_writer_cast(r->cfg, &q, &a)) {
	case VOTE_WRITER_ANSWERED:
		rc = a.rc;
		break;
	case VOTE_WRITER_LOST:
		rc = DB_LOST;
		break;
	default:
		rc = db_vote_cast_batch(r->db, r->a, r->cfg->session_idle_hours,
		                        1, &q, &a);
		direct = 1;
		break;
	}
	if (rc != DB_OK) {
		metrics_vote(METRICS_VOTE_DB_ERROR);
		return resp_db_error(r, rc);
	}
	r->account = a.voter; /* the log line's (main.c) */
	if (strcmp(a.outcome, "login_required") == 0)
		return auth_refuse_login(r);
	if (strcmp(a.outcome, "csrf") == 0)
		return auth_refuse_csrf(r);
	i = outcome_index("vote", a.outcome);
	metrics_vote(i >= 0 ? i : METRICS_VOTE_DB_ERROR);
	if (!outcome_ok(a.outcome))
		return resp_outcome(r, "vote", a.outcome, NULL);
	/* The voter's next reads show it. */
	if (direct)
		reads_mark(r);
	else if (a.lsn[0] != '\0')
		reads_mark_lsn(r, a.lsn);
	return resp_json(r, outcome_status("vote", a.outcome),
	                 json_pack("{s:I,s:I,s:I}", "entry_id",
	                           (json_int_t)r->id_param, "vote_count",
	                           (json_int_t)a.vote_count, "votes_left",
	                           (json_int_t)a.votes_left));
}
