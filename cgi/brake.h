/*
 * brake.h: what stands between an attacker and the password hashes
 * (issue 12; README, Security).  Log-in and registration ask the
 * database's gates (sql/functions/070_security.sql) first: a per-account
 * back-off from one address, a proof of work when an address or an
 * account name is used more than people do, registration limits per /24
 * and on the whole site.  Only then is a hash computed, in one of
 * NETDEP_HASH_SLOTS machine-wide slots, so never more than that many
 * times 64 MiB is spent on hashing at once.
 */
#ifndef NETDEP_BRAKE_H
#define NETDEP_BRAKE_H

#include "db_account.h"
#include "pow.h"

struct req;
struct valid_value;

/* A client's proof of work, once checked. */
struct brake_pow {
	struct pow_proof proof_raw; /* as pow_verify filled it */
	struct auth_pow  proof;     /* what the gate spends */
	char             sig_hex[2 * 32 + 1];
	int              have; /* 1: a valid proof was sent */
};

/*
 * Checks the "altcha" field v (absent, or base64 of a solved challenge)
 * into *out; a proof that does not verify counts as none, so the gate
 * asks for a fresh one.  Returns DB_OK or a database error.
 */
int brake_pow_read(struct req *r, const struct valid_value *v,
                   struct brake_pow *out);

/* The proof the gate should spend, or NULL. */
const struct auth_pow *brake_pow_proof(const struct brake_pow *p);

/*
 * Answers a gate's refusal (g->outcome not "ok") for operation op
 * ("login", "register"): 429 with Retry-After for backoff and busy, 403
 * challenge_required with a new challenge in the error object
 * ({"error": {"code", "message", "challenge"}}) for challenge.
 */
int brake_refuse(struct req *r, const char *op, const struct auth_gate *g);

/* GET /api/v1/challenge: a fresh challenge, for a form to solve early. */
int brake_challenge(struct req *r);

/*
 * Takes a hash slot into *slot, waiting up to NETDEP_HASH_WAIT_MS.
 * Returns 0, or the status written after answering 503 busy with
 * Retry-After.
 */
int brake_hash_take(struct req *r, int *slot);

void brake_hash_give(int slot);

#endif
