/*
 * csv.h: the one CSV writer (exports of results, entries, votes and the
 * audit log).  RFC 4180 quoting, CRLF line ends, UTF-8 with a byte-order
 * mark so spreadsheet programs read Vietnamese text correctly, and a guard
 * against formula injection: a cell that starts with = + - @ (or a tab or
 * carriage return) and is not a plain number gets a leading apostrophe.
 */
#ifndef NETDEP_CSV_H
#define NETDEP_CSV_H

#include <stddef.h>

#include "arena.h"

/* Where a streamed document goes: 0, or -1 to stop (the sink failed). */
typedef int (*csv_sink)(void *ctx, const char *buf, size_t len);

struct csv {
	struct arena *a;
	char    *buf; /* arena memory, grows by doubling (streamed: fixed) */
	size_t   len;
	size_t   cap;
	int      ncell; /* cells in the current row */
	int      err;   /* set when the arena ran out or the sink failed */
	csv_sink sink;  /* NULL: the whole document stays in buf */
	void    *ctx;
};

/* Starts a document in arena a with the UTF-8 byte-order mark. */
void csv_init(struct csv *c, struct arena *a);

/*
 * Starts a streamed document: the text goes to sink in pieces of at most
 * CSV_STREAM_BUF bytes, through one buffer of that size (from a), so a
 * document of any length holds that much memory.  csv_flush() sends the
 * rest.
 */
#define CSV_STREAM_BUF 65536
void csv_init_stream(struct csv *c, struct arena *a, csv_sink sink, void *ctx);

/* Sends what a streamed document holds; 0, or -1 (c->err). */
int csv_flush(struct csv *c);

/* Appends one cell to the current row; s NULL is an empty cell. */
void csv_cell(struct csv *c, const char *s);

/* Ends the current row with CRLF. */
void csv_row_end(struct csv *c);

/*
 * Appends n rows of ncols cells each from vals (row-major, NULL = empty):
 * the shape of struct rows in db.h.
 */
void csv_rows(struct csv *c, const char *const *vals, int n, int ncols);

/* 1 if s is a plain decimal number (-?digits[.digits]), else 0. */
int csv_is_number(const char *s);

#endif
