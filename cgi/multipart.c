/*
 * multipart.c: multipart/form-data parsing.  The boundary comes from the
 * Content-Type header; the body is walked with memchr/memcmp and explicit
 * lengths only (never C-string functions), part headers are parsed line by
 * line under a per-part byte limit, and data is returned in place.
 */
#include "multipart.h"

#include <string.h>

#include "arena.h"
#include "text.h"
#include "valid.h"

/* A value pulled out of a header: bytes and length, unescaped. */
struct mp_str {
	const uint8_t *s;
	size_t         len;
	int            set;
};

static int
is_ws(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* RFC 7230 tchar. */
static int
is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && memchr("!#$%&'*+-.^_`|~", c, 15) != NULL;
}

/* RFC 2046 bchars (space is allowed too, but not last). */
static int
is_bchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && memchr("'()+_,-./:=? ", c, 13) != NULL;
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/* Case-insensitive equality of s[0..n) and the lower-case literal lit. */
static int
ci_eq(const uint8_t *s, size_t n, const char *lit)
{
	size_t i;

	if (strlen(lit) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower(s[i]) != (uint8_t)lit[i])
			return 0;
	return 1;
}

/*
 * Finds needle (nlen >= 1) in hay[0..len), or NULL.  glibc hides memmem
 * behind _GNU_SOURCE, so this small memchr-driven search stands in; the
 * needle always starts with CR, a byte that is rare in most data.
 */
static const uint8_t *
mem_find(const uint8_t *hay, size_t len, const uint8_t *needle, size_t nlen)
{
	const uint8_t *p = hay, *end = hay + len;

	while ((size_t)(end - p) >= nlen &&
	       (p = memchr(p, needle[0], (size_t)(end - p) - nlen + 1)) !=
	           NULL) {
		if (memcmp(p + 1, needle + 1, nlen - 1) == 0)
			return p;
		p++;
	}
	return NULL;
}

static size_t
skip_ws(const uint8_t *s, size_t len, size_t i)
{
	while (i < len && is_ws(s[i]))
		i++;
	return i;
}

/*
 * Reads a token or a quoted-string at s[*i..len).  A quoted string is
 * unescaped into an arena copy; a token points into s.  Returns
 * MULTIPART_OK or an error; *i moves past the value.
 */
static int
read_value(struct arena *a, const uint8_t *s, size_t len, size_t *i,
           struct mp_str *v)
{
	size_t   j = *i, k, n = 0;
	uint8_t *d;

	if (j < len && s[j] == '"') {
		/* Measure, then copy without the quotes and backslashes. */
		for (k = j + 1; k < len && s[k] != '"'; k++, n++)
			if (s[k] == '\\' && ++k == len)
				return MULTIPART_EBAD;
		if (k == len)
			return MULTIPART_EBAD; /* no closing quote */
		if ((d = arena_alloc(a, n + 1)) == NULL)
			return MULTIPART_ENOMEM;
		for (k = j + 1, n = 0; s[k] != '"'; k++) {
			if (s[k] == '\\')
				k++;
			d[n++] = s[k];
		}
		v->s = d;
		v->len = n;
		*i = k + 1;
	} else {
		for (k = j; k < len && is_tchar(s[k]); k++)
			continue;
		if (k == j)
			return MULTIPART_EBAD;
		v->s = s + j;
		v->len = k - j;
		*i = k;
	}
	v->set = 1;
	return MULTIPART_OK;
}

/*
 * Walks the parameters "; name=value" of a header value from s[i..len).
 * For each, cb-free style: the caller passes the parameter names it wants
 * (lower case) and slots to fill; others are read and ignored.  A wanted
 * parameter given twice is malformed.
 */
static int
read_params(struct arena *a, const uint8_t *s, size_t len, size_t i,
            const char *const *want, struct mp_str *slot, size_t nwant)
{
	while ((i = skip_ws(s, len, i)) < len) {
		struct mp_str v = {NULL, 0, 0};
		size_t        ns, nl, w;
		int           rc;

		if (s[i] != ';')
			return MULTIPART_EBAD;
		i = skip_ws(s, len, i + 1);
		if (i == len)
			break; /* a trailing ';' is harmless */
		for (ns = i; i < len && is_tchar(s[i]); i++)
			continue;
		if ((nl = i - ns) == 0 || i == len || s[i] != '=')
			return MULTIPART_EBAD;
		i++;
		if ((rc = read_value(a, s, len, &i, &v)) != MULTIPART_OK)
			return rc;
		for (w = 0; w < nwant; w++) {
			if (!ci_eq(s + ns, nl, want[w]))
				continue;
			if (slot[w].set)
				return MULTIPART_EBAD;
			slot[w] = v;
		}
	}
	return MULTIPART_OK;
}

/* Extracts the boundary from the Content-Type header into b (71 bytes). */
static int
parse_ctype(struct arena *a, const char *ctype, uint8_t *b, size_t *blen)
{
	static const char *const want[] = {"boundary"};
	static const char        type[] = "multipart/form-data";
	const uint8_t           *s = (const uint8_t *)ctype;
	struct mp_str            bnd = {NULL, 0, 0};
	size_t                   len, i, tl = sizeof(type) - 1;
	int                      rc;

	if (ctype == NULL)
		return MULTIPART_EBAD;
	len = strnlen(ctype, MULTIPART_MAX_CTYPE + 1);
	if (len > MULTIPART_MAX_CTYPE)
		return MULTIPART_EBAD;
	i = skip_ws(s, len, 0);
	if (len - i < tl || !ci_eq(s + i, tl, type))
		return MULTIPART_EBAD;
	rc = read_params(a, s, len, i + tl, want, &bnd, 1);
	if (rc != MULTIPART_OK)
		return rc;
	if (!bnd.set || bnd.len == 0 || bnd.len > MULTIPART_MAX_BOUNDARY ||
	    bnd.s[bnd.len - 1] == ' ')
		return MULTIPART_EBAD;
	for (i = 0; i < bnd.len; i++)
		if (!is_bchar(bnd.s[i]))
			return MULTIPART_EBAD;
	memcpy(b, bnd.s, bnd.len);
	*blen = bnd.len;
	return MULTIPART_OK;
}

/* Copies v into a NUL-terminated arena string if it is valid UTF-8. */
static int
str_dup(struct arena *a, const struct mp_str *v, const char **out)
{
	if (!valid_utf8(v->s, v->len))
		return MULTIPART_EBAD;
	if ((*out = arena_strndup(a, (const char *)v->s, v->len)) == NULL)
		return MULTIPART_ENOMEM;
	return MULTIPART_OK;
}

/* Content-Disposition: form-data; name="x"[; filename="y"] */
static int
parse_disposition(struct arena *a, const uint8_t *s, size_t len,
                  struct mpart *p)
{
	static const char *const want[] = {"name", "filename"};
	struct mp_str            slot[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
	size_t                   i;
	int                      rc;

	for (i = 0; i < len && is_tchar(s[i]); i++)
		continue;
	if (!ci_eq(s, i, "form-data"))
		return MULTIPART_EBAD;
	if ((rc = read_params(a, s, len, i, want, slot, 2)) != MULTIPART_OK)
		return rc;
	if (!slot[0].set || slot[0].len == 0)
		return MULTIPART_EBAD;
	if (slot[0].len > MULTIPART_MAX_NAME)
		return MULTIPART_ELIMIT;
	if ((rc = str_dup(a, &slot[0], &p->name)) != MULTIPART_OK)
		return rc;
	if (slot[1].set)
		rc = str_dup(a, &slot[1], &p->filename);
	return rc;
}

/*
 * Parses the header lines of one part from body[*pos..len), up to and
 * including the empty line; *pos moves to the first data byte.  All of
 * these bytes, CRLFs and the empty line included, count against
 * MULTIPART_MAX_HEADER.
 */
static int
parse_headers(struct arena *a, const uint8_t *body, size_t len, size_t *pos,
              struct mpart *p)
{
	size_t start = *pos, i = *pos;
	int    seen_cd = 0, seen_ct = 0, rc;

	for (;;) {
		const uint8_t *line = body + i, *crlf;
		size_t         ll, window, k, nl;

		/* Look no further than the header budget allows. */
		window = MULTIPART_MAX_HEADER - (i - start);
		if (window > len - i)
			window = len - i;
		if ((crlf = mem_find(line, window, (const uint8_t *)"\r\n",
		                     2)) == NULL)
			return window == len - i ? MULTIPART_EBAD
			                         : MULTIPART_ELIMIT;
		ll = (size_t)(crlf - line);
		i += ll + 2;
		if (i - start > MULTIPART_MAX_HEADER)
			return MULTIPART_ELIMIT;
		if (ll == 0)
			break;
		for (k = 0; k < ll; k++)
			if ((line[k] < 0x20 && line[k] != '\t') ||
			    line[k] == 0x7F)
				return MULTIPART_EBAD; /* bare CR/LF, NUL... */
		for (nl = 0; nl < ll && is_tchar(line[nl]); nl++)
			continue;
		if (nl == 0 || nl == ll || line[nl] != ':')
			return MULTIPART_EBAD; /* includes folded lines */
		k = skip_ws(line, ll, nl + 1);
		while (ll > k && is_ws(line[ll - 1]))
			ll--;
		if (ci_eq(line, nl, "content-disposition")) {
			if (seen_cd++)
				return MULTIPART_EBAD;
			rc = parse_disposition(a, line + k, ll - k, p);
			if (rc != MULTIPART_OK)
				return rc;
		} else if (ci_eq(line, nl, "content-type")) {
			if (seen_ct++)
				return MULTIPART_EBAD;
			for (nl = k; nl < ll; nl++)
				if (line[nl] < 0x20 || line[nl] > 0x7E)
					return MULTIPART_EBAD;
			p->content_type =
			    arena_strndup(a, (const char *)line + k, ll - k);
			if (p->content_type == NULL)
				return MULTIPART_ENOMEM;
		} else if (ci_eq(line, nl, "content-transfer-encoding")) {
			if (!ci_eq(line + k, ll - k, "binary") &&
			    !ci_eq(line + k, ll - k, "8bit") &&
			    !ci_eq(line + k, ll - k, "7bit"))
				return MULTIPART_EBAD;
		}
	}
	if (!seen_cd)
		return MULTIPART_EBAD;
	*pos = i;
	return MULTIPART_OK;
}

/* A body being split: the delimiter "\r\n--boundary" and what is found. */
struct mp_state {
	struct arena  *a;
	const uint8_t *body;
	size_t         len;
	uint8_t        delim[4 + MULTIPART_MAX_BOUNDARY];
	size_t         dlen;
	struct mpart
	      *pt; /* MULTIPART_MAX_PARTS slots, taken at the first part */
	size_t count;
};

/*
 * Reads the part that starts at *pos, just after its delimiter's CRLF:
 * its headers, then its data up to the next delimiter, after which *pos
 * points at that delimiter's "--".  Returns MULTIPART_OK or an error.
 */
static int
mp_part(struct mp_state *m, size_t *pos)
{
	struct mpart  *p;
	const uint8_t *hit;
	size_t         ds;
	int            rc;

	if (m->count == MULTIPART_MAX_PARTS)
		return MULTIPART_ELIMIT;
	if (m->pt == NULL &&
	    (m->pt = arena_alloc(m->a, MULTIPART_MAX_PARTS * sizeof(*m->pt))) ==
	        NULL)
		return MULTIPART_ENOMEM;
	p = &m->pt[m->count];
	if ((rc = parse_headers(m->a, m->body, m->len, pos, p)) != MULTIPART_OK)
		return rc;
	for (size_t i = 0; i < m->count; i++)
		if (strcmp(m->pt[i].name, p->name) == 0)
			return MULTIPART_EBAD; /* duplicate field name */
	ds = *pos;
	hit = mem_find(m->body + ds, m->len - ds, m->delim, m->dlen);
	if (hit == NULL)
		return MULTIPART_EBAD; /* no closing boundary */
	p->data = m->body + ds;
	p->len = (size_t)(hit - m->body) - ds;
	*pos = (size_t)(hit - m->body) + 2;
	m->count++;
	return MULTIPART_OK;
}

int
multipart_parse(struct arena *a, const char *content_type, const uint8_t *body,
                size_t len, struct mpart **parts, size_t *nparts)
{
	struct mp_state m = {.a = a, .body = body, .len = len};
	const uint8_t  *hit;
	size_t          blen, pos;
	int             rc;

	*parts = NULL;
	*nparts = 0;
	memcpy(m.delim, "\r\n--", 4);
	if ((rc = parse_ctype(a, content_type, m.delim + 4, &blen)) !=
	    MULTIPART_OK)
		return rc;
	m.dlen = 4 + blen;
	if (body == NULL)
		return MULTIPART_EBAD;

	/* The first delimiter may open the body, without its CRLF. */
	if (len >= m.dlen - 2 && memcmp(body, m.delim + 2, m.dlen - 2) == 0)
		pos = 0;
	else if ((hit = mem_find(body, len, m.delim, m.dlen)) != NULL)
		pos = (size_t)(hit - body) + 2;
	else
		return MULTIPART_EBAD;

	for (;;) {
		/* body[pos] is "--boundary"; see what follows it. */
		pos += m.dlen - 2;
		if (len - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-')
			break; /* close delimiter; the epilogue is ignored */
		pos = skip_ws(body, len, pos);
		if (len - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n')
			return MULTIPART_EBAD;
		pos += 2;
		if ((rc = mp_part(&m, &pos)) != MULTIPART_OK)
			return rc;
	}
	if (m.count > 0) {
		*parts = m.pt;
		*nparts = m.count;
	}
	return MULTIPART_OK;
}

const struct mpart *
multipart_find(const struct mpart *p, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(p[i].name, name) == 0)
			return &p[i];
	return NULL;
}

int
multipart_fields(struct arena *a, const struct mpart *p, size_t n,
                 struct kv **out, size_t *nout)
{
	struct kv *kv = NULL;
	size_t     i, count = 0;
	int        rc = MULTIPART_OK;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < n; i++) {
		const char *nv;
		char       *v;
		size_t      nlen;
		int         trc;

		if (p[i].filename != NULL)
			continue;
		if (p[i].len > MULTIPART_MAX_FIELD) {
			rc = MULTIPART_ELIMIT;
			goto out;
		}
		if (kv == NULL &&
		    (kv = arena_alloc(a, n * sizeof(*kv))) == NULL) {
			rc = MULTIPART_ENOMEM;
			goto out;
		}
		/* A NUL-terminated copy, then valid UTF-8 in NFC (text.h). */
		v = arena_strndup(a, (const char *)p[i].data, p[i].len);
		if (v == NULL) {
			rc = MULTIPART_ENOMEM;
			goto out;
		}
		trc = text_nfc(a, v, p[i].len, &nv, &nlen);
		if (trc != TEXT_OK) {
			rc = trc == TEXT_ENOMEM ? MULTIPART_ENOMEM
			                        : MULTIPART_EBAD;
			goto out;
		}
		kv[count].key = p[i].name;
		kv[count].keylen = strlen(p[i].name);
		kv[count].val = nv;
		kv[count].vallen = nlen;
		count++;
	}
	if (count > 0) {
		*out = kv;
		*nout = count;
	}
out:
	return rc;
}
