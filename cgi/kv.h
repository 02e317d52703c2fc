/*
 * kv.h: the key/value pair that the form, cookie and multipart parsers
 * hand to the field table in valid.h.  Keys and values live in the request
 * arena, are NUL-terminated for convenience and never contain a NUL byte,
 * but callers should use the lengths.
 */
#ifndef NETDEP_KV_H
#define NETDEP_KV_H

#include <stddef.h>
#include <string.h>

struct kv {
	const char *key;    /* decoded, NUL-terminated, no NUL inside */
	size_t      keylen; /* bytes, without the terminator */
	const char *val;    /* decoded, NUL-terminated, no NUL inside */
	size_t      vallen; /* bytes, without the terminator */
};

/*
 * Returns the first pair of kv[0..n) whose key is exactly the C string key,
 * or NULL.  Parsers keep the input order, so "first" is well defined; the
 * field table (valid_kv) refuses a declared field given more than once.
 */
static inline const struct kv *
kv_find(const struct kv *kv, size_t n, const char *key)
{
	size_t klen = strlen(key);
	size_t i;

	for (i = 0; i < n; i++)
		if (kv[i].keylen == klen && memcmp(kv[i].key, key, klen) == 0)
			return &kv[i];
	return NULL;
}

#endif
