/*
 * fuzz_multipart.c: libFuzzer target for the multipart/form-data parser.
 * If the input has a '\n' within its first 200 bytes, the bytes before it
 * are the Content-Type header and the rest is the body; otherwise the
 * whole input is a body for the fixed boundary "XyZ".  Every input gets a
 * fresh arena; parts are checked to lie inside the body.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIXED_CTYPE "multipart/form-data; boundary=XyZ"
#define CTYPE_SCAN  200

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena   a;
	struct mpart  *p;
	struct kv     *kv;
	const uint8_t *body = data, *nl;
	char          *ctype = NULL;
	size_t         len = size, n, nkv, i;

	nl = memchr(data, '\n', size < CTYPE_SCAN ? size : CTYPE_SCAN);
	if (nl != NULL) {
		size_t cl = (size_t)(nl - data);

		if ((ctype = malloc(cl + 1)) == NULL)
			return 0;
		memcpy(ctype, data, cl);
		ctype[cl] = '\0';
		body = nl + 1;
		len = size - cl - 1;
	}
	arena_init(&a, 0);
	if (multipart_parse(&a, ctype != NULL ? ctype : FIXED_CTYPE, body, len,
	                    &p, &n) == MULTIPART_OK) {
		if (n > MULTIPART_MAX_PARTS)
			abort();
		for (i = 0; i < n; i++) {
			if (p[i].name == NULL || p[i].name[0] == '\0' ||
			    p[i].data < body || p[i].len > len ||
			    p[i].data + p[i].len > body + len)
				abort();
			if (multipart_find(p, n, p[i].name) != &p[i])
				abort(); /* names are unique */
		}
		if (multipart_fields(&a, p, n, &kv, &nkv) == MULTIPART_OK &&
		    nkv > n)
			abort();
	}
	arena_free(&a);
	free(ctype);
	return 0;
}
