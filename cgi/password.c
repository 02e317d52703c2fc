/*
 * password.c: argon2id via libsodium's crypto_pwhash_str.  The cost is
 * libsodium's "interactive" level by default: about 64 MiB and tens of
 * milliseconds, which keeps log-in bursts of a contest evening affordable
 * on two cores.  The e2e stack lowers it (scripts/e2e.sh): its hundreds of
 * throwaway accounts spent minutes of the suite hashing.
 */
#include "password.h"

#include <sodium.h>
#include <string.h>

_Static_assert(PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES,
               "PASSWORD_HASH_MAX too small for libsodium");

static unsigned long long g_opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t             g_memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

void
password_configure(unsigned ops, unsigned mem_kb)
{
	g_opslimit = ops;
	g_memlimit = (size_t)mem_kb * 1024;
}

int
password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX])
{
	memset(out, 0, PASSWORD_HASH_MAX);
	if (crypto_pwhash_str_alg(out, pw, len, g_opslimit, g_memlimit,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	return 0;
}

int
password_verify(const char *hash, const char *pw, size_t len)
{
	if (strncmp(hash, "$argon2id$", 10) != 0)
		return 0;
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

void
password_burn(const char *pw, size_t len)
{
	char out[PASSWORD_HASH_MAX];

	(void)password_hash(pw, len, out);
	sodium_memzero(out, sizeof(out));
}
