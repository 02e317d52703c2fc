/*
 * arena.c: the per-request bump allocator.  Blocks grow geometrically; a
 * request larger than a block gets a block of its own.  The first block is
 * kept across requests so a worker in steady state does not grow.
 */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_MIN ((size_t)64 * 1024)
#define ARENA_ALIGN     ((size_t)16)

struct arena_block {
	struct arena_block *prev;
	size_t              size; /* usable bytes after the header */
	size_t              off;  /* next free byte */
	/* data follows, aligned by the allocation size of the header */
	max_align_t data[];
};

void
arena_init(struct arena *a, size_t limit)
{
	a->head = NULL;
	a->used = 0;
	a->limit = limit;
}

static struct arena_block *
arena_block_new(size_t want)
{
	struct arena_block *b;
	size_t              size = ARENA_BLOCK_MIN;

	while (size < want) {
		if (size > SIZE_MAX / 2)
			return NULL;
		size *= 2;
	}
	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	if ((b = malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	b->prev = NULL;
	b->size = size;
	b->off = 0;
	return b;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t              need, off;
	void               *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	need = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (a->limit != 0 && (need > a->limit || a->used > a->limit - need))
		return NULL;
	if (b == NULL || b->size - b->off < need) {
		struct arena_block *nb = arena_block_new(need);

		if (nb == NULL)
			return NULL;
		nb->prev = b;
		a->head = b = nb;
	}
	off = b->off;
	b->off += need;
	a->used += need;
	p = (unsigned char *)b->data + off;
	memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	int     len;
	char   *p;

	va_copy(cp, ap);
	len = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (len < 0 || (p = arena_alloc(a, (size_t)len + 1)) == NULL)
		return NULL;
	(void)vsnprintf(p, (size_t)len + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char   *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void
arena_reset(struct arena *a)
{
	struct arena_block *b = a->head;

	if (b == NULL)
		return;
	/* Keep the oldest block, which is the first one ever allocated. */
	while (b->prev != NULL) {
		struct arena_block *prev = b->prev;

		free(b);
		b = prev;
	}
	b->off = 0;
	a->head = b;
	a->used = 0;
}

void
arena_free(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b != NULL) {
		struct arena_block *prev = b->prev;

		free(b);
		b = prev;
	}
	a->head = NULL;
	a->used = 0;
}
