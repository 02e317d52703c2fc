/*
 * pow.c: ALTCHA-style proofs of work, made and checked with libsodium
 * (pow.h).
 */
#include "pow.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define HEX64 (2 * crypto_hash_sha256_BYTES)

/* hex(SHA-256(salt || decimal(number))) into out[HEX64 + 1]. */
static void
challenge_of(const char *salt, long long number, char out[HEX64 + 1])
{
	crypto_hash_sha256_state st;
	unsigned char            h[crypto_hash_sha256_BYTES];
	char                     num[24];
	int                      n = snprintf(num, sizeof(num), "%lld", number);

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)salt,
	                          strlen(salt));
	crypto_hash_sha256_update(&st, (const unsigned char *)num, (size_t)n);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, HEX64 + 1, h, sizeof(h));
}

/* The HMAC of a challenge's hex text, raw and as hex. */
static void
signature_of(const unsigned char key[POW_KEY_BYTES], const char *challenge,
             unsigned char raw[32], char hex[HEX64 + 1])
{
	crypto_auth_hmacsha256(raw, (const unsigned char *)challenge,
	                       strlen(challenge), key);
	sodium_bin2hex(hex, HEX64 + 1, raw, 32);
}

json_t *
pow_challenge(const unsigned char key[POW_KEY_BYTES], long maxnumber,
              long long now)
{
	unsigned char rnd[12], raw[32];
	char          salt[64], hexrnd[2 * sizeof(rnd) + 1];
	char          challenge[HEX64 + 1], sig[HEX64 + 1];
	long long     number;

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hexrnd, sizeof(hexrnd), rnd, sizeof(rnd));
	snprintf(salt, sizeof(salt), "%s?expires=%lld", hexrnd,
	         now + POW_TTL_S);
	number = (long long)randombytes_uniform((uint32_t)maxnumber + 1U);
	challenge_of(salt, number, challenge);
	signature_of(key, challenge, raw, sig);
	return json_pack("{s:s,s:s,s:I,s:s,s:s}", "algorithm", "SHA-256",
	                 "challenge", challenge, "maxnumber",
	                 (json_int_t)maxnumber, "salt", salt, "signature", sig);
}

/* A string member of o, of at most max bytes, or NULL. */
static const char *
member(json_t *o, const char *name, size_t max)
{
	json_t *v = json_object_get(o, name);

	if (!json_is_string(v) || json_string_length(v) > max)
		return NULL;
	return json_string_value(v);
}

/* 1 when s is exactly n lower-case hex digits. */
static int
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == n;
}

/*
 * The expiry in a salt of the server's own shape: 24 hex digits, then
 * "?expires=" and up to 12 digits.  -1 for any other salt.
 */
static long long
salt_expires(const char *salt)
{
	static const char tag[] = "?expires=";
	const char       *q = strchr(salt, '?'), *d;
	long long         t = 0;

	if (q == NULL || q - salt != 24 || strncmp(q, tag, sizeof(tag) - 1))
		return -1;
	for (d = q + sizeof(tag) - 1; *d >= '0' && *d <= '9'; d++) {
		if (d - q > 20)
			return -1;
		t = t * 10 + (*d - '0');
	}
	if (*d != '\0' || d == q + sizeof(tag) - 1)
		return -1;
	for (const char *h = salt; h < q; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return -1;
	return t;
}

int
pow_verify(const unsigned char key[POW_KEY_BYTES], const char *payload,
           size_t len, long maxnumber, long long now, struct pow_proof *proof)
{
	unsigned char raw[POW_MAX_TEXT], sigraw[32];
	char          want[HEX64 + 1], wantsig[HEX64 + 1];
	size_t        rawlen;
	json_t       *o, *num;
	const char   *alg, *challenge, *salt, *sig;
	long long     expires, number;
	int           rc = -1;

	if (len == 0 || len > POW_MAX_TEXT ||
	    sodium_base642bin(raw, sizeof(raw), payload, len, NULL, &rawlen,
	                      NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	o = json_loadb((const char *)raw, rawlen, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o))
		goto out;
	alg = member(o, "algorithm", 16);
	challenge = member(o, "challenge", HEX64);
	salt = member(o, "salt", 64);
	sig = member(o, "signature", HEX64);
	num = json_object_get(o, "number");
	if (alg == NULL || challenge == NULL || salt == NULL || sig == NULL ||
	    !json_is_integer(num) || strcmp(alg, "SHA-256") != 0 ||
	    !is_hex(challenge, HEX64) || !is_hex(sig, HEX64))
		goto out;
	number = json_integer_value(num);
	expires = salt_expires(salt);
	if (number < 0 || number > maxnumber || expires < now ||
	    expires > now + POW_TTL_S)
		goto out;
	challenge_of(salt, number, want);
	if (sodium_memcmp(want, challenge, HEX64) != 0)
		goto out;
	signature_of(key, challenge, sigraw, wantsig);
	if (sodium_memcmp(wantsig, sig, HEX64) != 0)
		goto out;
	memcpy(proof->sig, sigraw, sizeof(proof->sig));
	proof->expires = expires;
	rc = 0;
out:
	json_decref(o);
	sodium_memzero(raw, sizeof(raw));
	return rc;
}
