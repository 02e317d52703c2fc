/*
 * fuzz_cookie.c: libFuzzer target for the Cookie header parser.  Every
 * input gets a fresh arena; kept pairs are checked against the parser's
 * promises (lengths, limits, no control bytes).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct kv   *kv;
	size_t       n, i, j;

	arena_init(&a, 0);
	if (cookie_parse(&a, data, size, &kv, &n) == COOKIE_OK) {
		if (n > COOKIE_MAX_PAIRS)
			abort();
		for (i = 0; i < n; i++) {
			if (strlen(kv[i].key) != kv[i].keylen ||
			    strlen(kv[i].val) != kv[i].vallen ||
			    kv[i].keylen == 0 ||
			    kv[i].keylen > COOKIE_MAX_NAME ||
			    kv[i].vallen > COOKIE_MAX_VALUE)
				abort();
			for (j = 0; j < kv[i].vallen; j++)
				if ((uint8_t)kv[i].val[j] < 0x20 &&
				    kv[i].val[j] != '\t')
					abort();
			if (kv_find(kv, n, kv[i].key) == NULL)
				abort();
		}
	}
	arena_free(&a);
	return 0;
}
