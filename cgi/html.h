/*
 * html.h: the one HTML escaper, and a small builder for server-rendered
 * pages.  Every piece of user text that reaches HTML goes through
 * html_esc(), which escapes all of & < > " ' so a value is safe in text
 * and in quoted attributes alike.
 */
#ifndef NETDEP_HTML_H
#define NETDEP_HTML_H

#include <stddef.h>

#include "arena.h"

struct html {
	struct arena *a;
	char         *buf;
	size_t        len;
	size_t        cap;
	int           failed; /* out of memory: the page must not be sent */
};

void html_init(struct html *h, struct arena *a);

/* Appends trusted markup (a literal of ours) verbatim. */
void html_raw(struct html *h, const char *s);

/* Appends user text escaped for text and quoted attribute contexts. */
void html_esc(struct html *h, const char *s);

/* Appends printf output (numbers, our own literals) verbatim. */
void html_printf(struct html *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
