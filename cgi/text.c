/*
 * text.c: NFC on the way in (text.h), with libunistring's u8_normalize.
 * ASCII, most of what arrives, is NFC by definition and returns at once.
 */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

#include "arena.h"
#include "valid.h"

static int
text_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

int
text_nfc(struct arena *a, const char *s, size_t len, const char **out,
         size_t *outlen)
{
	uint8_t *n;
	size_t   nlen = 0;
	char    *copy;

	*out = NULL;
	*outlen = 0;
	if (len > 0 && !valid_utf8((const uint8_t *)s, len))
		return TEXT_EBAD;
	if (text_ascii(s, len)) {
		*out = s;
		*outlen = len;
		return TEXT_OK;
	}
	n = u8_normalize(UNINORM_NFC, (const uint8_t *)s, len, NULL, &nlen);
	if (n == NULL)
		return TEXT_ENOMEM; /* the input is valid: only ENOMEM is left
		                     */
	if (nlen == len && memcmp(n, s, len) == 0) {
		free(n);
		*out = s;
		*outlen = len;
		return TEXT_OK;
	}
	copy = arena_strndup(a, (const char *)n, nlen);
	free(n);
	if (copy == NULL)
		return TEXT_ENOMEM;
	*out = copy;
	*outlen = nlen;
	return TEXT_OK;
}

int
text_is_nfc(const char *s, size_t len)
{
	uint8_t *n;
	size_t   nlen = 0;
	int      same;

	if (len > 0 && !valid_utf8((const uint8_t *)s, len))
		return 0;
	if (text_ascii(s, len))
		return 1;
	n = u8_normalize(UNINORM_NFC, (const uint8_t *)s, len, NULL, &nlen);
	if (n == NULL)
		return 0;
	same = nlen == len && memcmp(n, s, len) == 0;
	free(n);
	return same;
}

const char *
text_f_query(const char *s, size_t len, const struct valid_field *f,
             struct valid_value *out)
{
	const char *why = valid_f_line(s, len, f, out);

	if (why != NULL)
		return why;
	return text_is_nfc(s, len) ? NULL : "is not in Unicode NFC";
}
