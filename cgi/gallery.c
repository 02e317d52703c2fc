/*
 * gallery.c: cursors and the shuffled walk of the gallery (gallery.h).
 * A cursor is base64url of "n<id>", "v<votes>.<id>" or
 * "s<seed>.<segment>.<key>.<id>"; decoding re-encodes what it read and
 * refuses any text that differs, so exactly one text names each position.
 * A cursor is not signed: every value it can hold is a legitimate place to
 * start a page, and a page from any place costs the same.
 */
#include "gallery.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define BUCKET_SPAN (GALLERY_KEY_SPAN / GALLERY_BUCKETS)
/* The largest id or count a cursor carries (bigint, and JSON-safe). */
#define CURSOR_NUM_MAX 9007199254740991LL

void
gallery_cursor_encode(const struct gallery_cursor *c, char *out, size_t outlen)
{
	char plain[80];
	int  n;

	switch (c->sort) {
	case GALLERY_VOTES:
		n = snprintf(plain, sizeof(plain), "v%lld.%lld",
		             (long long)c->votes, (long long)c->id);
		break;
	case GALLERY_SHUFFLE:
		n = snprintf(plain, sizeof(plain), "s%lld.%d.%lld.%lld",
		             (long long)c->seed, c->seg, (long long)c->key,
		             (long long)c->id);
		break;
	default:
		n = snprintf(plain, sizeof(plain), "n%lld", (long long)c->id);
		break;
	}
	if (n < 0 || (size_t)n >= sizeof(plain) ||
	    sodium_base64_ENCODED_LEN(
	        (size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING) > outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return;
	}
	sodium_bin2base64(out, outlen, (const unsigned char *)plain, (size_t)n,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Reads a decimal in [lo, hi] ending at a '.' or the end; -1 if not. */
static int
cursor_num(const char **p, long long lo, long long hi, long long *out)
{
	const char *s = *p;
	long long   v = 0;
	int         digits = 0;

	while (*s >= '0' && *s <= '9') {
		if (v > (CURSOR_NUM_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
		s++;
		digits++;
	}
	if (digits == 0 || (*s != '.' && *s != '\0') || v < lo || v > hi)
		return -1;
	*out = v;
	*p = *s == '.' ? s + 1 : s;
	return 0;
}

/* Parses the plain text of a cursor into c; 0 or -1. */
static int
cursor_parse(const char *p, struct gallery_cursor *c)
{
	long long v[4];
	int       want, i;

	memset(c, 0, sizeof(*c));
	switch (*p++) {
	case 'n':
		c->sort = GALLERY_NEW;
		want = 1;
		break;
	case 'v':
		c->sort = GALLERY_VOTES;
		want = 2;
		break;
	case 's':
		c->sort = GALLERY_SHUFFLE;
		want = 4;
		break;
	default:
		return -1;
	}
	for (i = 0; i < want; i++)
		if (*p == '\0' || cursor_num(&p, 0, CURSOR_NUM_MAX, &v[i]) != 0)
			return -1;
	if (*p != '\0' || v[want - 1] < 1)
		return -1;
	c->id = v[want - 1];
	if (c->sort == GALLERY_VOTES)
		c->votes = v[0];
	if (c->sort == GALLERY_SHUFFLE) {
		struct gallery_segment plan[GALLERY_SEGMENTS];

		if (v[0] >= GALLERY_KEY_SPAN || v[1] >= GALLERY_SEGMENTS)
			return -1;
		c->seed = v[0];
		c->seg = (int)v[1];
		c->key = v[2];
		/* The key lies in its segment of that seed's walk. */
		gallery_shuffle_plan(c->seed, plan);
		if (c->key < plan[c->seg].lo || c->key >= plan[c->seg].hi)
			return -1;
	}
	return 0;
}

int
gallery_cursor_decode(const char *s, size_t len, struct gallery_cursor *c)
{
	unsigned char plain[80];
	char          again[GALLERY_CURSOR_MAX];
	size_t        n;

	if (s == NULL || len == 0 || len >= GALLERY_CURSOR_MAX)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (strchr(
		        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		        "0123456789-_",
		        s[i]) == NULL ||
		    s[i] == '\0')
			return -1;
	if (sodium_base642bin(plain, sizeof(plain) - 1, s, len, NULL, &n, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	plain[n] = '\0';
	if (memchr(plain, '\0', n) != NULL ||
	    cursor_parse((const char *)plain, c) != 0)
		return -1;
	/* One text per position: leading zeros and the like are refused. */
	gallery_cursor_encode(c, again, sizeof(again));
	return strlen(again) == len && memcmp(again, s, len) == 0 ? 0 : -1;
}

/* splitmix64's finaliser: a well-mixed 64-bit function of x. */
static uint64_t
mix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

void
gallery_shuffle_plan(int64_t seed, struct gallery_segment *plan)
{
	uint64_t rank[GALLERY_BUCKETS];
	int      order[GALLERY_BUCKETS];

	for (int b = 0; b < GALLERY_BUCKETS; b++) {
		rank[b] = mix64((uint64_t)seed << 8 | (uint64_t)b);
		order[b] = b;
	}
	/* 64 buckets: an insertion sort by rank (ties by bucket). */
	for (int i = 1; i < GALLERY_BUCKETS; i++) {
		int k = order[i], j = i - 1;

		while (j >= 0 &&
		       (rank[order[j]] > rank[k] ||
		        (rank[order[j]] == rank[k] && order[j] > k))) {
			order[j + 1] = order[j];
			j--;
		}
		order[j + 1] = k;
	}
	for (int i = 0; i < GALLERY_BUCKETS; i++) {
		int64_t lo = (int64_t)order[i] * BUCKET_SPAN;
		int64_t hi = lo + BUCKET_SPAN;
		int64_t pivot =
		    lo +
		    (int64_t)(mix64(((uint64_t)seed << 8 | (uint64_t)order[i]) ^
		                    0x5bd1e995ULL << 40) %
		              (uint64_t)BUCKET_SPAN);

		plan[2 * i] = (struct gallery_segment){pivot, hi};
		plan[2 * i + 1] = (struct gallery_segment){lo, pivot};
	}
}
