/*
 * s3list.c: reads the keys out of a ListObjectsV2 answer.  Works on a
 * length-bounded buffer (no NUL needed), copies values with their five
 * predefined entities decoded, and refuses anything that could make the
 * answer mean more than its bytes say (DOCTYPE, ENTITY, &#...;).
 */
#include "s3list.h"

#include <errno.h>
#include <string.h>

/* The first occurrence of needle (nlen bytes) in [p, end), or NULL. */
static const char *
find(const char *p, const char *end, const char *needle)
{
	size_t nlen = strlen(needle);

	while ((size_t)(end - p) >= nlen) {
		if (memcmp(p, needle, nlen) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* Decodes [p, end) into out (outsz bytes, NUL-terminated): 0 or -1. */
static int
text(const char *p, const char *end, char *out, size_t outsz)
{
	static const struct {
		const char *name;
		char        c;
	} ents[] = {{"&amp;", '&'},
	            {"&lt;", '<'},
	            {"&gt;", '>'},
	            {"&quot;", '"'},
	            {"&apos;", '\''}};
	size_t n = 0, i;

	while (p < end) {
		char c = *p;

		if (c == '<') {
			errno = EINVAL;
			return -1;
		}
		if (c == '&') {
			for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
				size_t l = strlen(ents[i].name);

				if ((size_t)(end - p) >= l &&
				    memcmp(p, ents[i].name, l) == 0)
					break;
			}
			if (i == sizeof(ents) / sizeof(ents[0])) {
				errno = EINVAL;
				return -1;
			}
			c = ents[i].c;
			p += strlen(ents[i].name);
		} else {
			p++;
		}
		if (n + 1 >= outsz) {
			errno = ENAMETOOLONG;
			return -1;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

/* The text of the first <tag>...</tag> in [p, end) into out; 1 found,
 * 0 not there, -1 malformed.  *after is set past the closing tag. */
static int
element(const char *p, const char *end, const char *open, const char *close,
        char *out, size_t outsz, const char **after)
{
	const char *s = find(p, end, open), *e;

	if (s == NULL)
		return 0;
	s += strlen(open);
	if ((e = find(s, end, close)) == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (text(s, e, out, outsz) < 0)
		return -1;
	if (after != NULL)
		*after = e + strlen(close);
	return 1;
}

int
s3list_parse(const char *xml, size_t len, struct store_keys *page, char *next,
             size_t ntsz)
{
	const char     *p = xml, *end = xml + len, *c, *ce;
	char            key[STORE_PATH_MAX], tok[STORE_TOKEN_LEN + 1];
	char            sfx[STORE_SUFFIX_MAX + 1], flag[8];
	enum store_area area;
	int             r;

	page->n = 0;
	page->truncated = 0;
	if (ntsz > 0)
		next[0] = '\0';
	if (find(xml, end, "<!") != NULL) {
		errno = EINVAL; /* DOCTYPE, ENTITY, CDATA: none expected */
		return -1;
	}
	while ((c = find(p, end, "<Contents>")) != NULL) {
		if ((ce = find(c, end, "</Contents>")) == NULL) {
			errno = EINVAL;
			return -1;
		}
		r = element(c, ce, "<Key>", "</Key>", key, sizeof(key), NULL);
		if (r < 0 && errno == ENAMETOOLONG)
			r = 0; /* too long to be ours: skip it */
		else if (r < 0)
			return -1;
		if (r == 1 && store_key_parse(key, &area, tok, sfx) == 0) {
			if (page->n == STORE_KEYS_PAGE) {
				errno = EINVAL;
				return -1;
			}
			/* Not read yet: a sweep never removes what it
			 * cannot age. */
			page->size[page->n] = page->mtime[page->n] = -1;
			memcpy(page->key[page->n++], key, strlen(key) + 1);
		}
		p = ce + strlen("</Contents>");
	}
	/* The flag and the token sit outside every <Contents>. */
	r = element(xml, end, "<IsTruncated>", "</IsTruncated>", flag,
	            sizeof(flag), NULL);
	if (r < 0)
		return -1;
	page->truncated = r == 1 && strcmp(flag, "true") == 0;
	r = element(xml, end, "<NextContinuationToken>",
	            "</NextContinuationToken>", next, ntsz, NULL);
	if (r < 0)
		return -1;
	if (page->truncated && (r == 0 || next[0] == '\0')) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}
