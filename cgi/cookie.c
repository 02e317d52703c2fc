/*
 * cookie.c: the Cookie header parser.  One pass over the whole header
 * refuses control bytes; a second splits on ';' and copies the kept pairs
 * into the arena.
 */
#include "cookie.h"

#include <string.h>

#include "arena.h"

/* RFC 7230 tchar: the characters of a cookie name. */
static int
is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && memchr("!#$%&'*+-.^_`|~", c, 15) != NULL;
}

static int
is_ws(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Trims spaces and tabs from both ends of s[0..*len). */
static const uint8_t *
trim(const uint8_t *s, size_t *len)
{
	while (*len > 0 && is_ws(s[0])) {
		s++;
		(*len)--;
	}
	while (*len > 0 && is_ws(s[*len - 1]))
		(*len)--;
	return s;
}

int
cookie_parse(struct arena *a, const uint8_t *buf, size_t len, struct kv **out,
             size_t *n)
{
	struct kv *kv = NULL;
	size_t     i, pos = 0, count = 0;
	int        rc = COOKIE_OK;

	*out = NULL;
	*n = 0;
	if (len > COOKIE_MAX_LEN)
		return COOKIE_ELIMIT;
	for (i = 0; i < len; i++)
		if ((buf[i] < 0x20 && buf[i] != '\t') || buf[i] == 0x7F)
			return COOKIE_EBAD;
	while (pos < len) {
		const uint8_t *seg = buf + pos, *semi, *eq, *name, *val;
		size_t         seglen, nlen, vlen;
		char          *k, *v;

		semi = memchr(seg, ';', len - pos);
		seglen = semi != NULL ? (size_t)(semi - seg) : len - pos;
		pos += seglen + (semi != NULL);
		if ((eq = memchr(seg, '=', seglen)) == NULL)
			continue;
		nlen = (size_t)(eq - seg);
		name = trim(seg, &nlen);
		vlen = seglen - (size_t)(eq - seg) - 1;
		val = trim(eq + 1, &vlen);
		if (nlen == 0)
			continue;
		for (i = 0; i < nlen && is_tchar(name[i]); i++)
			continue;
		if (i < nlen)
			continue;
		if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
			val++;
			vlen -= 2;
		}
		if (nlen > COOKIE_MAX_NAME || vlen > COOKIE_MAX_VALUE ||
		    count == COOKIE_MAX_PAIRS) {
			rc = COOKIE_ELIMIT;
			goto out;
		}
		if (kv == NULL &&
		    (kv = arena_alloc(a, COOKIE_MAX_PAIRS * sizeof(*kv))) ==
		        NULL) {
			rc = COOKIE_ENOMEM;
			goto out;
		}
		k = arena_strndup(a, (const char *)name, nlen);
		v = arena_strndup(a, (const char *)val, vlen);
		if (k == NULL || v == NULL) {
			rc = COOKIE_ENOMEM;
			goto out;
		}
		kv[count].key = k;
		kv[count].keylen = nlen;
		kv[count].val = v;
		kv[count].vallen = vlen;
		count++;
	}
	if (count > 0) {
		*out = kv;
		*n = count;
	}
out:
	return rc;
}
