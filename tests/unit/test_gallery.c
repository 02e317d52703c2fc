/*
 * test_gallery.c: the gallery's cursors and shuffled walk (cgi/gallery.c):
 * every cursor reads back as written, any other text is refused, and the
 * walk of every seed covers the key space exactly once.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "gallery.h"
#include "unit.h"

static void
test_round_trip(void)
{
	struct gallery_segment plan[GALLERY_SEGMENTS];
	struct gallery_cursor  in[4], out;
	char                   text[GALLERY_CURSOR_MAX];

	gallery_shuffle_plan(12345, plan);
	in[0] = (struct gallery_cursor){.sort = GALLERY_NEW, .id = 1};
	in[1] = (struct gallery_cursor){
	    .sort = GALLERY_VOTES, .id = 9007199254740991LL, .votes = 0};
	in[2] = (struct gallery_cursor){
	    .sort = GALLERY_VOTES, .id = 42, .votes = 123456789};
	in[3] = (struct gallery_cursor){.sort = GALLERY_SHUFFLE,
	                                .id = 77,
	                                .seed = 12345,
	                                .seg = 5,
	                                .key = plan[5].lo};
	for (size_t i = 0; i < UNIT_NELEM(in); i++) {
		gallery_cursor_encode(&in[i], text, sizeof(text));
		UNIT_CHECK(
		    strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
		                 "nopqrstuvwxyz0123456789-_") == strlen(text) &&
		        text[0] != '\0',
		    "cursor %zu is base64url: %s", i, text);
		if (!UNIT_CHECK(
		        gallery_cursor_decode(text, strlen(text), &out) == 0,
		        "cursor %zu reads back: %s", i, text))
			continue;
		UNIT_CHECK(out.sort == in[i].sort && out.id == in[i].id &&
		               out.votes == in[i].votes &&
		               out.seed == in[i].seed && out.seg == in[i].seg &&
		               out.key == in[i].key,
		           "cursor %zu: same values", i);
	}
}

/* base64url of plain, as a cursor would be written. */
static void
b64(const char *plain, char *out, size_t len)
{
	sodium_bin2base64(out, len, (const unsigned char *)plain, strlen(plain),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void
test_refused(void)
{
	struct gallery_segment plan[GALLERY_SEGMENTS];
	struct gallery_cursor  c;
	char                   text[200], plain[120];
	static const char     *bad_plain[] = {"",
	                                      "n",
	                                      "n0",
	                                      "n-1",
	                                      "n01",
	                                      "n1.",
	                                      "n1.2",
	                                      "x1",
	                                      "v1",
	                                      "v1.0",
	                                      "v-1.5",
	                                      "v1.5.6",
	                                      "s1.0.0",
	                                      "s2147483648.0.0.1",
	                                      "s1.128.0.1",
	                                      "n99999999999999999999",
	                                      "n9007199254740992",
	                                      " n1",
	                                      "n1 ",
	                                      "v01.5",
	                                      "v1.05"};
	static const char *bad_text[] = {"",      "bjE=", "bjE!", "bj E", "b",
	                                 "bjE\n", "@@@@", "bjE/", "bjE+"};

	for (size_t i = 0; i < UNIT_NELEM(bad_plain); i++) {
		b64(bad_plain[i], text, sizeof(text));
		UNIT_CHECK(gallery_cursor_decode(text, strlen(text), &c) != 0,
		           "plain \"%s\" refused", bad_plain[i]);
	}
	for (size_t i = 0; i < UNIT_NELEM(bad_text); i++)
		UNIT_CHECK(gallery_cursor_decode(bad_text[i],
		                                 strlen(bad_text[i]), &c) != 0,
		           "text \"%s\" refused", bad_text[i]);
	/* A shuffle key outside its segment of that seed's walk. */
	gallery_shuffle_plan(7, plan);
	snprintf(plain, sizeof(plain), "s7.3.%lld.1",
	         (long long)(plan[3].hi == GALLERY_KEY_SPAN ? plan[3].lo - 1
	                                                    : plan[3].hi));
	b64(plain, text, sizeof(text));
	UNIT_CHECK(gallery_cursor_decode(text, strlen(text), &c) != 0,
	           "key outside its segment refused: %s", plain);
	/* Too long, and a NUL inside. */
	memset(text, 'A', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	UNIT_CHECK(gallery_cursor_decode(text, strlen(text), &c) != 0,
	           "a long cursor is refused");
	UNIT_CHECK(gallery_cursor_decode("bjE\0", 4, &c) != 0,
	           "a NUL is refused");
	b64("n1", text, sizeof(text));
	UNIT_CHECK(gallery_cursor_decode(text, strlen(text), &c) == 0 &&
	               c.sort == GALLERY_NEW && c.id == 1,
	           "n1 is a cursor (%s)", text);
}

static int
by_lo(const void *a, const void *b)
{
	const struct gallery_segment *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void
test_walk(void)
{
	struct gallery_segment plan[GALLERY_SEGMENTS], s[GALLERY_SEGMENTS];
	struct gallery_segment other[GALLERY_SEGMENTS];
	int                    differ = 0;

	for (long long seed = 0; seed < 200; seed++) {
		long long covered = 0, at = 0;
		int       ok = 1;

		gallery_shuffle_plan(seed * 10007, plan);
		memcpy(s, plan, sizeof(s));
		/* Empty segments (a pivot at a bucket's start) are fine. */
		qsort(s, GALLERY_SEGMENTS, sizeof(s[0]), by_lo);
		for (int i = 0; i < GALLERY_SEGMENTS; i++) {
			if (s[i].hi < s[i].lo)
				ok = 0;
			if (s[i].hi == s[i].lo)
				continue;
			if (s[i].lo != at)
				ok = 0;
			at = s[i].hi;
			covered += s[i].hi - s[i].lo;
		}
		UNIT_CHECK(ok && covered == GALLERY_KEY_SPAN &&
		               at == GALLERY_KEY_SPAN,
		           "seed %lld: the walk covers [0, 2^31) once", seed);
		/* Each bucket: from its pivot to its end, then its start. */
		for (int i = 0; i < GALLERY_SEGMENTS; i += 2)
			ok &= plan[i + 1].hi == plan[i].lo &&
			      (plan[i].hi - plan[i + 1].lo) ==
			          GALLERY_KEY_SPAN / GALLERY_BUCKETS;
		UNIT_CHECK(ok, "seed %lld: buckets wrap at their pivot", seed);
		gallery_shuffle_plan(seed * 10007, other);
		UNIT_CHECK(memcmp(plan, other, sizeof(plan)) == 0,
		           "seed %lld: the same walk twice", seed);
		gallery_shuffle_plan(seed * 10007 + 1, other);
		differ += memcmp(plan, other, sizeof(plan)) != 0 &&
		          plan[0].lo != other[0].lo;
	}
	UNIT_CHECK_INT(differ, 200, "neighbouring seeds start elsewhere");
}

int
main(void)
{
	test_round_trip();
	test_refused();
	test_walk();
	return unit_report();
}
