/*
 * auth.c: session tokens and CSRF checks.  Tokens come from libsodium's
 * CSPRNG; comparisons of secrets run in constant time.
 */
#include "auth.h"

#include <sodium.h>
#include <string.h>

#include "config.h"
#include "db_account.h"
#include "resp.h"

#define AUTH_TOKEN_RAW 32
#define AUTH_TOKEN_B64 43 /* base64url of 32 bytes, no padding */

/* Hex SHA-256 of a cookie token, in the arena. */
static const char *
auth_token_hash(struct arena *a, const char *token, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char         *hex;

	if ((hex = arena_alloc(a, 2 * sizeof(h) + 1)) == NULL)
		return NULL;
	crypto_hash_sha256(h, (const unsigned char *)token, len);
	sodium_bin2hex(hex, 2 * sizeof(h) + 1, h, sizeof(h));
	return hex;
}

static int
auth_token_shape_ok(const char *s, size_t len)
{
	if (len != AUTH_TOKEN_B64)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* A new random token as base64url, in the arena. */
static char *
auth_token_new(struct arena *a)
{
	unsigned char raw[AUTH_TOKEN_RAW];
	char         *b64;

	if ((b64 = arena_alloc(a, AUTH_TOKEN_B64 + 1)) == NULL)
		return NULL;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(b64, AUTH_TOKEN_B64 + 1, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return b64;
}

/* Loads the session whose token hash is hash into r->user. */
static int
auth_fill(struct req *r, const char *hash)
{
	struct user *u;
	int          rc;

	r->user = NULL;
	if ((u = arena_alloc(r->a, sizeof(*u))) == NULL)
		return DB_ERR;
	rc = db_session_get(r->db, r->a, hash, r->cfg->session_idle_hours, u);
	if (rc == DB_NONE)
		return 0;
	if (rc < 0)
		return rc;
	r->user = u;
	r->account = u->id;
	return 0;
}

int
auth_hash(struct req *r)
{
	const char *c = r->session_cookie;
	size_t      len = c != NULL ? strlen(c) : 0;

	if (c == NULL || !auth_token_shape_ok(c, len))
		return 0;
	if ((r->session_hash = auth_token_hash(r->a, c, len)) == NULL)
		return DB_ERR;
	return 1;
}

int
auth_load(struct req *r)
{
	int rc = auth_hash(r);

	return rc == 1 ? auth_fill(r, r->session_hash) : rc;
}

int
auth_cookie_sent(const struct req *r)
{
	return r->session_cookie != NULL;
}

int
auth_anonymous(const struct req *r)
{
	return r->user == NULL && !auth_cookie_sent(r);
}

int
auth_refresh(struct req *r)
{
	if (r->session_hash == NULL) {
		r->user = NULL;
		return 0;
	}
	return auth_fill(r, r->session_hash);
}

int
auth_login(struct req *r, long long account_id, const char **csrf)
{
	char       *token, *csrf_tok;
	const char *hash;
	int         rc;

	/* Session fixation: whatever session came with the request ends. */
	if (r->session_hash != NULL) {
		if ((rc = db_session_delete(r->db, r->a, r->session_hash)) < 0)
			return rc;
	}
	if ((token = auth_token_new(r->a)) == NULL ||
	    (csrf_tok = auth_token_new(r->a)) == NULL ||
	    (hash = auth_token_hash(r->a, token, AUTH_TOKEN_B64)) == NULL)
		return DB_ERR;
	if ((rc = db_session_purge(r->db, r->a, account_id)) < 0)
		return rc;
	rc = db_session_insert(r->db, r->a, hash, account_id, csrf_tok,
	                       r->cfg->session_days, r->remote_addr);
	if (rc != DB_OK)
		return rc;
	resp_session_cookie(r, token, (long)r->cfg->session_days * 86400L);
	r->session_hash = hash;
	*csrf = csrf_tok;
	return DB_OK;
}

int
auth_logout(struct req *r)
{
	int rc = DB_OK;

	if (r->session_hash != NULL)
		rc = db_session_delete(r->db, r->a, r->session_hash);
	resp_session_cookie(r, NULL, 0);
	return rc < 0 ? rc : DB_OK;
}

int
auth_csrf_ok(const struct req *r)
{
	size_t n;

	if (r->user == NULL || r->user->csrf == NULL || r->csrf_header == NULL)
		return 0;
	n = strlen(r->user->csrf);
	if (strlen(r->csrf_header) != n)
		return 0;
	return sodium_memcmp(r->csrf_header, r->user->csrf, n) == 0;
}

int
auth_refuse_login(struct req *r)
{
	return resp_error(r, 401, "login_required", "Log in to do this.");
}

int
auth_refuse_csrf(struct req *r)
{
	return resp_error(r, 403, "csrf",
	                  "The X-CSRF-Token header is missing or does not "
	                  "match your session; reload the page.");
}
