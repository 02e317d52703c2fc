/*
 * form.c: the urlencoded parser.  It makes one pass per segment: measure,
 * check limits, then decode into an arena copy and check the UTF-8 of the
 * result, so nothing is ever read past len or written past its buffer.
 */
#include "form.h"

#include <string.h>

#include "arena.h"
#include "text.h"
#include "valid.h"

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes s[0..len) into a fresh NUL-terminated arena string, in NFC (text.h),
 * whose length goes to *dlen.  Returns FORM_OK, FORM_EBAD, FORM_ELIMIT (decoded
 * length above max) or FORM_ENOMEM.
 */
static int
form_decode(struct arena *a, const uint8_t *s, size_t len, size_t max,
            const char **dst, size_t *dlen)
{
	size_t      i, j, out = 0;
	const char *nd;
	size_t      nlen;
	char       *d;

	/* Measure and check the syntax first, so the copy cannot fail. */
	for (i = 0; i < len; i++) {
		if (s[i] < 0x21 || s[i] > 0x7E)
			return FORM_EBAD;
		if (s[i] == '%') {
			int hi, lo;

			if (len - i < 3)
				return FORM_EBAD;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return FORM_EBAD;
			i += 2;
		}
		out++;
	}
	if (out > max)
		return FORM_ELIMIT;
	if ((d = arena_alloc(a, out + 1)) == NULL)
		return FORM_ENOMEM;
	for (i = 0, j = 0; i < len; i++, j++) {
		if (s[i] == '%') {
			d[j] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else if (s[i] == '+')
			d[j] = ' ';
		else
			d[j] = (char)s[i];
	}
	d[j] = '\0';
	/* Valid UTF-8 in NFC (text.h), within the limit once normalised. */
	switch (text_nfc(a, d, j, &nd, &nlen)) {
	case TEXT_OK:
		break;
	case TEXT_ENOMEM:
		return FORM_ENOMEM;
	default:
		return FORM_EBAD;
	}
	if (nlen > max)
		return FORM_ELIMIT;
	*dst = nd; /* d, or its NFC copy in the arena */
	*dlen = nlen;
	return FORM_OK;
}

int
form_parse(struct arena *a, const uint8_t *buf, size_t len, struct kv **out,
           size_t *n)
{
	struct kv *kv = NULL;
	size_t     count = 0, pos = 0;
	int        rc = FORM_OK;

	*out = NULL;
	*n = 0;
	if (len > FORM_MAX_LEN)
		return FORM_ELIMIT;
	while (pos < len) {
		const uint8_t *seg = buf + pos, *amp, *eq;
		size_t         seglen, klen;
		const char    *k, *v;
		size_t         kl, vl;

		amp = memchr(seg, '&', len - pos);
		seglen = amp != NULL ? (size_t)(amp - seg) : len - pos;
		pos += seglen + (amp != NULL);
		if (seglen == 0)
			continue;
		if (count == FORM_MAX_PAIRS) {
			rc = FORM_ELIMIT;
			goto out;
		}
		eq = memchr(seg, '=', seglen);
		klen = eq != NULL ? (size_t)(eq - seg) : seglen;
		if (klen == 0) {
			rc = FORM_EBAD;
			goto out;
		}
		if (kv == NULL &&
		    (kv = arena_alloc(a, FORM_MAX_PAIRS * sizeof(*kv))) ==
		        NULL) {
			rc = FORM_ENOMEM;
			goto out;
		}
		rc = form_decode(a, seg, klen, FORM_MAX_KEY, &k, &kl);
		if (rc != FORM_OK)
			goto out;
		if (eq != NULL)
			rc = form_decode(a, eq + 1, seglen - klen - 1,
			                 FORM_MAX_VALUE, &v, &vl);
		else
			rc = form_decode(a, seg, 0, FORM_MAX_VALUE, &v, &vl);
		if (rc != FORM_OK)
			goto out;
		kv[count].key = k;
		kv[count].keylen = kl;
		kv[count].val = v;
		kv[count].vallen = vl;
		count++;
	}
	if (count > 0) {
		*out = kv;
		*n = count;
	}
out:
	return rc;
}
