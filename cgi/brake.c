/*
 * brake.c: the proof of work's key and answers, and the hash slots
 * (brake.h).
 */
#include "brake.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "outcome.h"
#include "resp.h"
#include "slots.h"
#include "store.h"
#include "valid.h"

static struct slots hash_slots = SLOTS_INIT(STORE_HASH_SLOTS, 0);

/*
 * The proof of work's HMAC key: one for every worker and host, kept in
 * the database (server_keys), read once per process.
 */
static int
pow_key(struct req *r, unsigned char key[POW_KEY_BYTES])
{
	static unsigned char cached[POW_KEY_BYTES];
	static int           have;
	unsigned char        cand[POW_KEY_BYTES];
	char                 hex[2 * POW_KEY_BYTES + 1];
	const char          *got;
	size_t               n;
	int                  rc;

	if (!have) {
		randombytes_buf(cand, sizeof(cand));
		sodium_bin2hex(hex, sizeof(hex), cand, sizeof(cand));
		sodium_memzero(cand, sizeof(cand));
		rc = db_server_key(r->db, r->a, "pow", hex, &got);
		sodium_memzero(hex, sizeof(hex));
		if (rc != DB_OK)
			return rc;
		if (sodium_hex2bin(cached, sizeof(cached), got, strlen(got),
		                   NULL, &n, NULL) != 0 ||
		    n != sizeof(cached))
			return DB_ERR;
		have = 1;
	}
	memcpy(key, cached, POW_KEY_BYTES);
	return DB_OK;
}

int
brake_pow_read(struct req *r, const struct valid_value *v,
               struct brake_pow *out)
{
	unsigned char key[POW_KEY_BYTES];
	int           rc;

	memset(out, 0, sizeof(*out));
	if (!v->present)
		return DB_OK;
	if ((rc = pow_key(r, key)) != DB_OK)
		return rc;
	if (pow_verify(key, v->s, v->len, r->cfg->pow_max_number, time(NULL),
	               &out->proof_raw) == 0) {
		sodium_bin2hex(out->sig_hex, sizeof(out->sig_hex),
		               out->proof_raw.sig, sizeof(out->proof_raw.sig));
		out->proof.sig_hex = out->sig_hex;
		out->proof.expires = out->proof_raw.expires;
		out->have = 1;
	} else
		log_msg("info", "req=%s proof of work refused", r->id);
	sodium_memzero(key, sizeof(key));
	return DB_OK;
}

const struct auth_pow *
brake_pow_proof(const struct brake_pow *p)
{
	return p->have ? &p->proof : NULL;
}

/* A new challenge object, or NULL after answering the error. */
static json_t *
challenge_new(struct req *r, int *answered)
{
	unsigned char key[POW_KEY_BYTES];
	json_t       *c;
	int           rc;

	*answered = 0;
	if ((rc = pow_key(r, key)) != DB_OK) {
		*answered = resp_db_error(r, rc);
		return NULL;
	}
	c = pow_challenge(key, r->cfg->pow_max_number, time(NULL));
	sodium_memzero(key, sizeof(key));
	if (c == NULL)
		*answered = resp_error(r, 500, "internal", "Out of memory.");
	return c;
}

int
brake_refuse(struct req *r, const char *op, const struct auth_gate *g)
{
	const struct outcome *o = outcome_find(op, g->outcome);
	json_t               *c;
	char                  secs[16];
	int                   answered;

	log_event("warn", "throttle", r->id, "what", op, "outcome", g->outcome,
	          "client", r->remote_addr, NULL);

	if (strcmp(g->outcome, "challenge") == 0 && o != NULL) {
		if ((c = challenge_new(r, &answered)) == NULL)
			return answered;
		resp_header(r, "Cache-Control", "no-store");
		return resp_json(r, o->status,
		                 json_pack("{s:{s:s,s:s,s:o}}", "error", "code",
		                           o->code ? o->code : o->name,
		                           "message", o->message, "challenge",
		                           c));
	}
	snprintf(secs, sizeof(secs), "%d",
	         g->retry_after > 0 ? g->retry_after : 1);
	resp_header(r, "Retry-After", secs);
	return resp_outcome(r, op, g->outcome, NULL);
}

int
brake_challenge(struct req *r)
{
	json_t *c;
	int     answered;

	if ((c = challenge_new(r, &answered)) == NULL)
		return answered;
	resp_header(r, "Cache-Control", "no-store");
	return resp_json(r, 200, json_pack("{s:o}", "challenge", c));
}

int
brake_hash_take(struct req *r, int *slotp)
{
	int slot;

	hash_slots.n = r->cfg->hash_slots;
	slot = slots_take(&hash_slots, r->store->tmp_fd, r->cfg->hash_wait_ms);
	*slotp = slot;
	if (slot >= 0)
		return 0;
	if (slot == -2)
		log_msg("error", "req=%s hash slots: %s/%s cannot be locked",
		        r->id, r->cfg->media, "tmp/" STORE_HASH_SLOTS);
	else
		log_msg("warn", "req=%s every hash slot busy for %u ms", r->id,
		        r->cfg->hash_wait_ms);
	resp_header(r, "Retry-After", "1");
	return resp_outcome(r, NULL, "hash_busy", NULL);
}

void
brake_hash_give(int slot)
{
	slots_give(&hash_slots, slot);
}
