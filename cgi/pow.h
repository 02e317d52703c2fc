/*
 * pow.h: a self-hosted proof of work in ALTCHA's format, asked of a
 * client whose address or target account is being used more than people
 * do (h_account.c).  The server picks a random salt carrying its expiry
 * and a random number n <= maxnumber, and sends
 *   challenge = hex(SHA-256(salt || decimal(n)))
 *   signature = hex(HMAC-SHA-256(key, challenge))
 * without n; the client tries numbers until the hash matches (about
 * maxnumber / 2 hashes, a second or so in a phone's browser:
 * static/js/pow.js) and sends back base64(JSON {algorithm, challenge,
 * number, salt, signature}).  Checking costs the server two hashes and
 * no state; the database remembers spent signatures so each proof counts
 * once (login_gate, register_gate).
 */
#ifndef NETDEP_POW_H
#define NETDEP_POW_H

#include <jansson.h>

#define POW_KEY_BYTES 32
#define POW_TTL_S     600  /* a challenge is good for 10 minutes */
#define POW_MAX_TEXT  1024 /* longest payload accepted */

struct pow_proof {
	unsigned char sig[32]; /* the signature, the proof's identity */
	long long     expires; /* unix seconds, from the salt */
};

/*
 * A new challenge object {algorithm, challenge, maxnumber, salt,
 * signature} for now (unix seconds), or NULL without memory.
 */
json_t *pow_challenge(const unsigned char key[POW_KEY_BYTES], long maxnumber,
                      long long now);

/*
 * Checks a client's payload (len bytes of base64): well formed, signed
 * with key, not expired at now, its number within maxnumber and hashing
 * to the challenge.  Fills *proof and returns 0, or returns -1.
 */
int pow_verify(const unsigned char key[POW_KEY_BYTES], const char *payload,
               size_t len, long maxnumber, long long now,
               struct pow_proof *proof);

#endif
