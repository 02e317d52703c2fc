/*
 * csv.c: RFC 4180 CSV into request memory.  Cells are quoted only when
 * they must be (comma, quote, CR or LF inside, or a guarded formula that
 * gained an apostrophe keeps its own rules); quotes are doubled.
 */
#include "csv.h"

#include <string.h>

#define CSV_BOM      "\xEF\xBB\xBF"
#define CSV_MIN_GROW 4096

int
csv_flush(struct csv *c)
{
	if (!c->err && c->sink != NULL && c->len > 0) {
		if (c->sink(c->ctx, c->buf, c->len) != 0)
			c->err = 1;
		c->len = 0;
	}
	return c->err ? -1 : 0;
}

/* A streamed document: fills the fixed buffer, sending it when full. */
static void
csv_put_stream(struct csv *c, const char *s, size_t n)
{
	while (n > 0 && !c->err) {
		size_t k = c->cap - c->len < n ? c->cap - c->len : n;

		memcpy(c->buf + c->len, s, k);
		c->len += k;
		s += k;
		n -= k;
		if (c->len == c->cap)
			(void)csv_flush(c);
	}
}

static void
csv_put(struct csv *c, const char *s, size_t n)
{
	if (c->err)
		return;
	if (c->sink != NULL) {
		csv_put_stream(c, s, n);
		return;
	}
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : CSV_MIN_GROW;
		char  *nb;

		while (cap < c->len + n) {
			if (cap > ((size_t)-1) / 2) {
				c->err = 1;
				return;
			}
			cap *= 2;
		}
		if ((nb = arena_alloc(c->a, cap)) == NULL) {
			c->err = 1;
			return;
		}
		if (c->len > 0)
			memcpy(nb, c->buf, c->len);
		c->buf = nb;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
}

void
csv_init(struct csv *c, struct arena *a)
{
	memset(c, 0, sizeof(*c));
	c->a = a;
	csv_put(c, CSV_BOM, strlen(CSV_BOM));
}

void
csv_init_stream(struct csv *c, struct arena *a, csv_sink sink, void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->a = a;
	c->sink = sink;
	c->ctx = ctx;
	c->cap = CSV_STREAM_BUF;
	if ((c->buf = arena_alloc(a, c->cap)) == NULL) {
		c->err = 1;
		return;
	}
	csv_put(c, CSV_BOM, strlen(CSV_BOM));
}

int
csv_is_number(const char *s)
{
	size_t i = 0, digits = 0;

	if (s == NULL)
		return 0;
	if (s[i] == '-')
		i++;
	for (; s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (digits == 0)
		return 0;
	if (s[i] == '.') {
		i++;
		digits = 0;
		for (; s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (digits == 0)
			return 0;
	}
	return s[i] == '\0';
}

void
csv_cell(struct csv *c, const char *s)
{
	int guard, quote;

	if (c->ncell++ > 0)
		csv_put(c, ",", 1);
	if (s == NULL || *s == '\0')
		return;
	/* Spreadsheets run a cell starting with one of these as a formula
	 * (OWASP "CSV injection"); numbers such as -1.5 stay numbers. */
	guard = strchr("=+-@\t\r", s[0]) != NULL && !csv_is_number(s);
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		csv_put(c, "\"", 1);
	if (guard)
		csv_put(c, "'", 1);
	for (const char *p = s; *p != '\0';) {
		const char *q = strchr(p, '"');
		size_t      n = q ? (size_t)(q - p) + 1 : strlen(p);

		csv_put(c, p, n);
		if (q != NULL)
			csv_put(c, "\"", 1);
		p += n;
	}
	if (quote)
		csv_put(c, "\"", 1);
}

void
csv_row_end(struct csv *c)
{
	csv_put(c, "\r\n", 2);
	c->ncell = 0;
}

void
csv_rows(struct csv *c, const char *const *vals, int n, int ncols)
{
	for (int r = 0; r < n; r++) {
		for (int k = 0; k < ncols; k++)
			csv_cell(c,
			         vals[(size_t)r * (size_t)ncols + (size_t)k]);
		csv_row_end(c);
	}
}
