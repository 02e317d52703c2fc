/*
 * html.c: a growable buffer in the request arena and the escaper.
 */
#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
html_init(struct html *h, struct arena *a)
{
	memset(h, 0, sizeof(*h));
	h->a = a;
}

static void
html_put(struct html *h, const char *s, size_t n)
{
	if (h->failed)
		return;
	if (h->len + n + 1 > h->cap) {
		size_t cap = h->cap ? h->cap : 4096;
		char  *nb;

		while (cap < h->len + n + 1)
			cap *= 2;
		if ((nb = arena_alloc(h->a, cap)) == NULL) {
			h->failed = 1;
			return;
		}
		if (h->len > 0)
			memcpy(nb, h->buf, h->len);
		h->buf = nb;
		h->cap = cap;
	}
	memcpy(h->buf + h->len, s, n);
	h->len += n;
	h->buf[h->len] = '\0';
}

void
html_raw(struct html *h, const char *s)
{
	html_put(h, s, strlen(s));
}

void
html_esc(struct html *h, const char *s)
{
	const char *run = s;

	for (; s != NULL && *s != '\0'; s++) {
		const char *rep;

		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		html_put(h, run, (size_t)(s - run));
		html_put(h, rep, strlen(rep));
		run = s + 1;
	}
	if (run != NULL)
		html_put(h, run, strlen(run));
}

void
html_printf(struct html *h, const char *fmt, ...)
{
	char    buf[1024];
	va_list ap;
	int     n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		h->failed = 1;
		return;
	}
	html_put(h, buf, (size_t)n);
}
