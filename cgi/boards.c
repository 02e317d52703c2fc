/*
 * boards.c: the worker's leaderboard cache (see boards.h).  A fixed array
 * of slots searched linearly: 64 string compares cost less than the
 * FastCGI read of the request, and nothing here grows.
 */
#include "boards.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct boards {
	double       max_age_ms;
	double       hold_ms;
	struct board slot[BOARDS_SLOTS];
};

struct boards *
boards_new(double max_age_ms, double hold_ms)
{
	struct boards *bs = calloc(1, sizeof(*bs));

	if (bs != NULL) {
		bs->max_age_ms = max_age_ms > 0 ? max_age_ms : 0;
		bs->hold_ms = hold_ms > 0 ? hold_ms : 0;
	}
	return bs;
}

static void
board_clear(struct board *b)
{
	free(b->key);
	free(b->body);
	memset(b, 0, sizeof(*b));
}

void
boards_free(struct boards *bs)
{
	if (bs == NULL)
		return;
	for (size_t i = 0; i < BOARDS_SLOTS; i++)
		board_clear(&bs->slot[i]);
	free(bs);
}

/* May b be served at now_ms under generation gen? */
static int
board_fresh(const struct boards *bs, const struct board *b, unsigned long gen,
            double now_ms)
{
	double age = now_ms - b->born_ms;

	return b->key != NULL && age >= 0 && age < bs->max_age_ms &&
	       (b->gen == gen || age < bs->hold_ms);
}

const struct board *
boards_get(struct boards *bs, const char *key, unsigned long gen, double now_ms)
{
	if (bs == NULL)
		return NULL;
	for (size_t i = 0; i < BOARDS_SLOTS; i++) {
		struct board *b = &bs->slot[i];

		if (b->key == NULL || strcmp(b->key, key) != 0)
			continue;
		if (board_fresh(bs, b, gen, now_ms))
			return b;
		board_clear(b); /* stale: give the memory back now */
		return NULL;
	}
	return NULL;
}

/* The slot for key: its own, else an empty or stale one, else the
 * oldest. */
static struct board *
boards_slot(struct boards *bs, const char *key, unsigned long gen,
            double now_ms)
{
	struct board *oldest = &bs->slot[0], *free_slot = NULL;

	for (size_t i = 0; i < BOARDS_SLOTS; i++) {
		struct board *b = &bs->slot[i];

		if (b->key != NULL && strcmp(b->key, key) == 0)
			return b;
		if (free_slot == NULL && !board_fresh(bs, b, gen, now_ms))
			free_slot = b;
		if (b->born_ms < oldest->born_ms)
			oldest = b;
	}
	return free_slot != NULL ? free_slot : oldest;
}

static void
board_fill(struct board *b, unsigned long gen, double now_ms, char *body,
           size_t len, const char *last_modified)
{
	unsigned char h[16];
	char          hex[2 * sizeof(h) + 1];

	crypto_generichash(h, sizeof(h), (const unsigned char *)body, len, NULL,
	                   0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	memcpy(b->etag, "W/\"", 3);
	memcpy(b->etag + 3, hex, 2 * sizeof(h));
	memcpy(b->etag + 3 + 2 * sizeof(h), "\"", 2);
	b->last_modified[0] = '\0';
	if (last_modified != NULL &&
	    strlen(last_modified) < sizeof(b->last_modified))
		memcpy(b->last_modified, last_modified,
		       strlen(last_modified) + 1);
	b->body = body;
	b->len = len;
	b->gen = gen;
	b->born_ms = now_ms;
}

const struct board *
boards_put(struct boards *bs, const char *key, unsigned long gen, double now_ms,
           char *body, size_t len, const char *last_modified, struct board *tmp)
{
	struct board *b;
	char         *k;

	memset(tmp, 0, sizeof(*tmp));
	if (bs == NULL || bs->max_age_ms <= 0 || len > BOARDS_MAX_BODY ||
	    (k = strdup(key)) == NULL) {
		board_fill(tmp, gen, now_ms, body, len, last_modified);
		return tmp;
	}
	b = boards_slot(bs, key, gen, now_ms);
	board_clear(b);
	b->key = k;
	board_fill(b, gen, now_ms, body, len, last_modified);
	return b;
}

size_t
boards_count(const struct boards *bs)
{
	size_t n = 0;

	if (bs == NULL)
		return 0;
	for (size_t i = 0; i < BOARDS_SLOTS; i++)
		n += bs->slot[i].key != NULL;
	return n;
}
