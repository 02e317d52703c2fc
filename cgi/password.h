/*
 * password.h: argon2id password hashing through libsodium, shared by the
 * workers (log in, register) and the admin tool (user create).
 */
#ifndef NETDEP_PASSWORD_H
#define NETDEP_PASSWORD_H

#include <stddef.h>

/* Size of a buffer that holds an encoded hash, NUL included. */
#define PASSWORD_HASH_MAX 128

/*
 * Sets the cost of new hashes (argon2id passes and memory in KiB, from
 * NETDEP_PASSWORD_OPS / NETDEP_PASSWORD_MEM_KB); until called, libsodium's
 * interactive level.  Verification reads the cost from the stored hash,
 * so changing it never locks anyone out.
 */
void password_configure(unsigned ops, unsigned mem_kb);

/*
 * Hashes len bytes of pw into out (PASSWORD_HASH_MAX bytes) as an encoded
 * "$argon2id$..." string.  Returns 0, or -1 when memory is short.
 * Call sodium_init() once before.
 */
int password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX]);

/*
 * Returns 1 when pw matches the encoded hash, 0 when it does not or the
 * hash is malformed.
 */
int password_verify(const char *hash, const char *pw, size_t len);

/*
 * Burns the time of one verification: called when the account does not
 * exist, so a log-in answer's timing does not tell which usernames exist.
 */
void password_burn(const char *pw, size_t len);

#endif
