/*
 * arena.h: per-request bump allocator.  Everything derived from one request
 * lives here and is released at once by arena_reset() after the response is
 * finished, so handlers never free individual strings.
 */
#ifndef NETDEP_ARENA_H
#define NETDEP_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;  /* current block, linked to older ones */
	size_t              used;  /* bytes handed out, for the log line */
	size_t              limit; /* refuse to grow past this (0 = no cap) */
};

/* Prepares an empty arena; limit caps total bytes (0 = none). */
void arena_init(struct arena *a, size_t limit);

/*
 * Returns n bytes aligned for any type, zeroed, or NULL when the limit is
 * reached or memory is exhausted.  The memory belongs to the arena.
 */
void *arena_alloc(struct arena *a, size_t n);

/* Copies n bytes of s and appends a NUL; NULL on failure. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);

/* printf into arena memory; NULL on failure. */
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/*
 * Releases everything but the first block, which is kept for the next
 * request so a steady worker does not call malloc at all.
 */
void arena_reset(struct arena *a);

/* Releases every block; the arena may be initialised again. */
void arena_free(struct arena *a);

#endif
