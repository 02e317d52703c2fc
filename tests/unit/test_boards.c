/*
 * test_boards.c: the worker's leaderboard cache (cgi/boards.c): a board
 * is served only under the generation it was read in and within the age
 * cap; the ETag follows the bytes; the table stays at its slots however
 * many keys come; a disabled cache keeps nothing; oversized bodies are
 * answered but not kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boards.h"
#include "unit.h"

static char *
dup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		abort();
	return p;
}

/* Puts key with body s; returns what boards_put gave (tmp freed). */
static const struct board *
put(struct boards *bs, const char *key, unsigned long gen, double now,
    const char *s)
{
	struct board        tmp;
	const struct board *b = boards_put(bs, key, gen, now, dup(s), strlen(s),
	                                   "Mon, 23 Nov "
	                                   "2026 09:00:00 "
	                                   "GMT",
	                                   &tmp);

	if (b == &tmp) {
		free(tmp.body);
		return NULL;
	}
	return b;
}

static void
test_generation_and_age(void)
{
	struct boards      *bs = boards_new(1000, 0);
	const struct board *b;

	if (!UNIT_CHECK(bs != NULL, "boards_new"))
		return;
	UNIT_CHECK(boards_get(bs, "a", 1, 0) == NULL, "empty cache misses");
	b = put(bs, "a", 1, 100, "{\"x\":1}");
	UNIT_CHECK(b != NULL, "a board under the cap is kept");
	b = boards_get(bs, "a", 1, 500);
	if (UNIT_CHECK(b != NULL, "same generation, young: a hit")) {
		UNIT_CHECK(b->len == 7 && memcmp(b->body, "{\"x\":1}", 7) == 0,
		           "the bytes come back");
		UNIT_CHECK(strncmp(b->etag, "W/\"", 3) == 0 &&
		               strlen(b->etag) == 3 + 32 + 1 &&
		               b->etag[strlen(b->etag) - 1] == '"',
		           "weak ETag of 32 hex digits: %s", b->etag);
		UNIT_CHECK(strcmp(b->last_modified,
		                  "Mon, 23 Nov 2026 09:00:00 GMT") == 0,
		           "Last-Modified kept");
	}
	UNIT_CHECK(boards_get(bs, "b", 1, 500) == NULL, "another key misses");
	UNIT_CHECK(boards_get(bs, "a", 2, 500) == NULL,
	           "a notification (new generation) makes it stale");
	UNIT_CHECK_INT(boards_count(bs), 0, "a stale board is dropped");

	put(bs, "a", 2, 1000, "{\"x\":2}");
	UNIT_CHECK(boards_get(bs, "a", 2, 1999) != NULL, "999 ms old: a hit");
	UNIT_CHECK(boards_get(bs, "a", 2, 2000) == NULL,
	           "1000 ms old: past the age cap");
	put(bs, "a", 2, 3000, "{\"x\":3}");
	UNIT_CHECK(boards_get(bs, "a", 2, 2500) == NULL,
	           "a clock that went backwards does not serve it");
	boards_free(bs);
}

static void
test_hold(void)
{
	struct boards *bs = boards_new(1000, 300);

	if (!UNIT_CHECK(bs != NULL, "boards_new"))
		return;
	put(bs, "a", 1, 0, "{}");
	UNIT_CHECK(boards_get(bs, "a", 2, 299) != NULL,
	           "changed, but younger than the hold: still served");
	UNIT_CHECK(boards_get(bs, "a", 2, 300) == NULL,
	           "changed and as old as the hold: stale");
	put(bs, "b", 1, 0, "{}");
	UNIT_CHECK(boards_get(bs, "b", 1, 999) != NULL,
	           "unchanged: served up to the age cap");
	UNIT_CHECK(boards_get(bs, "b", 1, 1000) == NULL, "then stale");
	boards_free(bs);
}

static void
test_etag_follows_bytes(void)
{
	struct boards      *bs = boards_new(1000, 0);
	const struct board *b;
	char                e1[BOARDS_ETAG_MAX], e2[BOARDS_ETAG_MAX];

	if (!UNIT_CHECK(bs != NULL, "boards_new"))
		return;
	b = put(bs, "k", 1, 0, "{\"votes\":10}");
	snprintf(e1, sizeof(e1), "%s", b ? b->etag : "");
	b = put(bs, "k", 1, 0, "{\"votes\":11}");
	snprintf(e2, sizeof(e2), "%s", b ? b->etag : "");
	UNIT_CHECK(strcmp(e1, e2) != 0, "other bytes, other ETag");
	UNIT_CHECK_INT(boards_count(bs), 1, "a key replaces its own board");
	b = put(bs, "k", 1, 0, "{\"votes\":10}");
	UNIT_CHECK(b != NULL && strcmp(b->etag, e1) == 0,
	           "same bytes, same ETag (any worker)");
	boards_free(bs);
}

static void
test_bounded(void)
{
	struct boards      *bs = boards_new(1000, 0);
	const struct board *b;
	struct board        tmp;
	char                key[32];
	char               *big;

	if (!UNIT_CHECK(bs != NULL, "boards_new"))
		return;
	for (int i = 0; i < 10 * BOARDS_SLOTS; i++) {
		snprintf(key, sizeof(key), "key%d", i);
		put(bs, key, 1, (double)i, "{}");
	}
	UNIT_CHECK_INT(boards_count(bs), BOARDS_SLOTS,
	               "many keys: the table stays at its slots");
	snprintf(key, sizeof(key), "key%d", 10 * BOARDS_SLOTS - 1);
	UNIT_CHECK(boards_get(bs, key, 1, 10.0 * BOARDS_SLOTS) != NULL,
	           "the newest board is kept");
	UNIT_CHECK(boards_get(bs, "key0", 1, 10.0 * BOARDS_SLOTS) == NULL,
	           "the oldest went");

	/* Stale boards are replaced before fresh ones. */
	put(bs, "fresh", 2, 700, "{}");
	for (int i = 0; i < BOARDS_SLOTS - 1; i++) {
		snprintf(key, sizeof(key), "new%d", i);
		put(bs, key, 2, 701, "{}");
	}
	UNIT_CHECK(boards_get(bs, "fresh", 2, 702) != NULL,
	           "generation-1 boards went first, the fresh one stayed");

	big = calloc(1, BOARDS_MAX_BODY + 2);
	if (UNIT_CHECK(big != NULL, "alloc")) {
		memset(big, 'x', BOARDS_MAX_BODY + 1);
		b = boards_put(bs, "big", 2, 703, big, BOARDS_MAX_BODY + 1,
		               NULL, &tmp);
		UNIT_CHECK(b == &tmp && tmp.key == NULL &&
		               tmp.len == BOARDS_MAX_BODY + 1 &&
		               tmp.last_modified[0] == '\0',
		           "a body over the cap is answered, not kept");
		free(tmp.body);
		UNIT_CHECK(boards_get(bs, "big", 2, 704) == NULL,
		           "and not found later");
	}
	boards_free(bs);
}

static void
test_disabled(void)
{
	struct boards      *bs = boards_new(0, 0);
	const struct board *b;
	struct board        tmp;

	if (!UNIT_CHECK(bs != NULL, "boards_new"))
		return;
	b = boards_put(bs, "a", 1, 0, dup("{}"), 2, NULL, &tmp);
	UNIT_CHECK(b == &tmp && strlen(tmp.etag) == 36,
	           "off: the board is made (ETag) but not kept");
	free(tmp.body);
	UNIT_CHECK(boards_get(bs, "a", 1, 0) == NULL, "off: nothing kept");
	boards_free(bs);
	b = boards_put(NULL, "a", 1, 0, dup("{}"), 2, NULL, &tmp);
	UNIT_CHECK(b == &tmp, "no cache (out of memory at start): tmp");
	free(tmp.body);
	UNIT_CHECK(boards_get(NULL, "a", 1, 0) == NULL, "no cache: a miss");
	boards_free(NULL);
}

int
main(void)
{
	test_generation_and_age();
	test_hold();
	test_etag_follows_bytes();
	test_bounded();
	test_disabled();
	return unit_report();
}
