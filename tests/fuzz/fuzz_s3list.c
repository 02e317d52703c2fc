/*
 * fuzz_s3list.c: libFuzzer target for the ListObjectsV2 scanner.  Every
 * key it returns must be a media key and the page must hold its promises.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s3list.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct store_keys pg;
	char            next[S3LIST_TOKEN_MAX], tok[STORE_TOKEN_LEN + 1];
	char            sfx[STORE_SUFFIX_MAX + 1];
	enum store_area area;
	size_t          i;

	if (s3list_parse((const char *)data, size, &pg, next, sizeof(next)) !=
	    0)
		return 0;
	if (pg.n > STORE_KEYS_PAGE || strlen(next) >= sizeof(next) ||
	    (pg.truncated && next[0] == '\0'))
		abort();
	for (i = 0; i < pg.n; i++)
		if (store_key_parse(pg.key[i], &area, tok, sfx) != 0)
			abort();
	return 0;
}
