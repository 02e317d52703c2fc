/*
 * s3list.c: reads the keys out of a ListObjectsV2 answer.  Works on a
 * length-bounded buffer (no NUL needed), copies values with their five
 * predefined entities decoded, and refuses anything that could make the
 * answer mean more than its bytes say (DOCTYPE, ENTITY, &#...;).
 */
#include "s3list.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* "2026-12-04T20:00:00.000Z" (the fraction optional) as epoch seconds;
 * -1 for anything else. */
static long long
iso_time(const char *s)
{
	struct tm   tm;
	const char *end;
	int         n = 0;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) < 20 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	end = s + n;
	if (*end == '.') {
		end++;
		if (*end < '0' || *end > '9')
			return -1;
		end += strspn(end, "0123456789");
	}
	if (strcmp(end, "Z") != 0 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_year < 1970)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

/* <Size> as a number; -1 when absent or not a plain decimal. */
static long long
size_of(const char *c, const char *ce)
{
	char      v[24];
	char     *end;
	long long n;

	if (element(c, ce, "<Size>", "</Size>", v, sizeof(v), NULL) != 1 ||
	    v[0] < '0' || v[0] > '9')
		return -1;
	n = strtoll(v, &end, 10);
	return *end == '\0' ? n : -1;
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
			char when[40];

			if (page->n == STORE_KEYS_PAGE) {
				errno = EINVAL;
				return -1;
			}
			/* Unknown (-1) when absent or malformed: a sweep
			 * never removes what it cannot age. */
			page->mtime[page->n] =
			    element(c, ce, "<LastModified>", "</LastModified>",
			            when, sizeof(when), NULL) == 1
			        ? iso_time(when)
			        : -1;
			page->size[page->n] = size_of(c, ce);
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
