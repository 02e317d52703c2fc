/*
 * gallery.h: the gallery's keyset pages.  A page starts after the last
 * entry of the page before, named by an opaque cursor (base64url of the
 * sort and that entry's sort key), so every page is an index range scan
 * of at most a page of rows, however deep the visitor goes: there is no
 * OFFSET to skip.
 *
 * The shuffled order costs the same.  Every entry gets a random
 * shuffle_key in [0, 2^31) when it is inserted (migration 010), indexed
 * per contest.  A visitor's seed does not re-sort the contest: it picks
 * an order of GALLERY_BUCKETS equal key ranges (buckets) and, in each, a
 * pivot where the walk starts and wraps.  The walk is GALLERY_SEGMENTS
 * key ranges, each read in index order, so a page reads its rows from at
 * most GALLERY_SEGMENTS index descents plus the page itself.  Different
 * seeds give different bucket orders and pivots, so every entry has the
 * same chance to be on anyone's first page; within a bucket the cyclic
 * order is the same for everyone (a display order, not a secret).
 *
 * Nothing here touches the database or allocates.
 */
#ifndef NETDEP_GALLERY_H
#define NETDEP_GALLERY_H

#include <stddef.h>
#include <stdint.h>

#define GALLERY_BUCKETS  64
#define GALLERY_SEGMENTS (2 * GALLERY_BUCKETS)
/* shuffle_key is in [0, GALLERY_KEY_SPAN) (sql/migrations/010). */
#define GALLERY_KEY_SPAN 2147483648LL
/* The longest cursor text, NUL included. */
#define GALLERY_CURSOR_MAX 96

enum gallery_sort {
	GALLERY_NEW,     /* newest first: id descending */
	GALLERY_VOTES,   /* most votes first, ties oldest first */
	GALLERY_SHUFFLE, /* the walk of a seed */
	GALLERY__MAX
};

/* Where a page ends: the last entry shown and its sort key. */
struct gallery_cursor {
	enum gallery_sort sort;
	int64_t           id;    /* the entry, >= 1 */
	int64_t           votes; /* GALLERY_VOTES: its count */
	int64_t           seed;  /* GALLERY_SHUFFLE: the walk */
	int               seg;   /* GALLERY_SHUFFLE: its segment, 0-based */
	int64_t           key;   /* GALLERY_SHUFFLE: its shuffle_key */
};

/* A key range [lo, hi) of the walk. */
struct gallery_segment {
	int64_t lo, hi;
};

/* Writes the cursor text (base64url, no padding) into out. */
void gallery_cursor_encode(const struct gallery_cursor *c, char *out,
                           size_t outlen);

/*
 * Reads a cursor that gallery_cursor_encode() wrote: any other text,
 * including a re-encoding of the same values, a number out of range or a
 * shuffle key outside its segment, is refused.  0, or -1.
 */
int gallery_cursor_decode(const char *s, size_t len, struct gallery_cursor *c);

/* The walk of seed (0 .. 2^31-1): GALLERY_SEGMENTS ranges in order. */
void gallery_shuffle_plan(int64_t seed, struct gallery_segment *plan);

#endif
