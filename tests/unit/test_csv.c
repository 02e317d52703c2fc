/*
 * test_csv.c: table-driven tests of the CSV writer (cgi/csv.c): RFC 4180
 * quoting, the formula-injection guard, numbers left alone, Vietnamese
 * text, the byte-order mark and growth past the first buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "csv.h"
#include "unit.h"

struct ccase {
	const char *in;   /* NULL: an empty cell */
	const char *want; /* the cell as written */
};

static void
test_cells(struct arena *a)
{
	static const struct ccase t[] = {
	    {NULL, ""},
	    {"", ""},
	    {"plain", "plain"},
	    {"a,b", "\"a,b\""},
	    {"say \"hi\"", "\"say \"\"hi\"\"\""},
	    {"\"", "\"\"\"\""},
	    {"two\nlines", "\"two\nlines\""},
	    {"cr\r\nlf", "\"cr\r\nlf\""},
	    {"=1+1", "'=1+1"},
	    {"+84 912", "'+84 912"},
	    {"-cmd", "'-cmd"},
	    {"@SUM(A1)", "'@SUM(A1)"},
	    {"=HYPERLINK(\"http://x\",\"y\")",
	     "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
	    {"\tx", "'\tx"},
	    {"-1", "-1"},
	    {"-1.5", "-1.5"},
	    {"7.25", "7.25"},
	    {"-", "'-"},
	    {"-1.", "'-1."},
	    {"a=b", "a=b"},
	    {"Ảnh đẹp, Thanh niên", "\"Ảnh đẹp, Thanh niên\""},
	    {"Nội dung", "Nội dung"},
	};

	for (size_t i = 0; i < UNIT_NELEM(t); i++) {
		struct csv c;
		char       want[256];

		csv_init(&c, a);
		csv_cell(&c, t[i].in);
		snprintf(want, sizeof(want), "\xEF\xBB\xBF%s", t[i].want);
		UNIT_CHECK(c.err == 0, "case %zu: error", i);
		UNIT_CHECK(c.len == strlen(want) &&
		               memcmp(c.buf, want, c.len) == 0,
		           "case %zu (%s): got [%.*s] want [%s]", i,
		           t[i].in ? t[i].in : "NULL", (int)c.len, c.buf, want);
	}
}

static void
test_rows(struct arena *a)
{
	static const char *const vals[] = {"id", "title", NULL,
	                                   "1",  "a,b",   "=x"};
	const char *want = "\xEF\xBB\xBFid,title,\r\n1,\"a,b\",'=x\r\n";
	struct csv  c;

	csv_init(&c, a);
	csv_rows(&c, vals, 2, 3);
	UNIT_CHECK(c.len == strlen(want) && memcmp(c.buf, want, c.len) == 0,
	           "rows: got [%.*s]", (int)c.len, c.buf);
}

static void
test_growth(struct arena *a)
{
	struct csv c;
	size_t     n = 0;

	csv_init(&c, a);
	for (int i = 0; i < 5000; i++) {
		csv_cell(&c, "Giải Nhất");
		csv_cell(&c, "x\"y");
		csv_row_end(&c);
	}
	n = 3 + 5000 * (strlen("Giải Nhất") + 1 + strlen("\"x\"\"y\"") + 2);
	UNIT_CHECK(c.err == 0, "growth: error");
	UNIT_CHECK_INT(c.len, n, "growth: length");
	UNIT_CHECK(memcmp(c.buf + c.len - 2, "\r\n", 2) == 0, "growth: end");
}

/* A sink that appends to a growing copy and records the largest piece. */
struct sink {
	char  *buf;
	size_t len, cap, biggest;
	int    calls, fail_after;
};

static int
sink_put(void *ctx, const char *buf, size_t len)
{
	struct sink *k = ctx;

	if (k->fail_after > 0 && ++k->calls > k->fail_after)
		return -1;
	if (k->len + len > k->cap) {
		k->cap = (k->len + len) * 2;
		k->buf = realloc(k->buf, k->cap);
		if (k->buf == NULL)
			return -1;
	}
	memcpy(k->buf + k->len, buf, len);
	k->len += len;
	if (len > k->biggest)
		k->biggest = len;
	return 0;
}

/*
 * A streamed document is byte for byte the document built whole, sent
 * in pieces no larger than its buffer, and the arena grows by that
 * buffer only, whatever the length; a failing sink stops it.
 */
static void
test_stream(void)
{
	struct arena whole, streamed;
	struct csv   w, s;
	struct sink  k = {0};
	const char  *row[3] = {"=cmd", "Nguyễn Văn \"A\", Hà Nội", NULL};
	char         n[24]; /* row[2]: outlives both loops */
	size_t       used;

	arena_init(&whole, 256u << 20);
	arena_init(&streamed, 256u << 20);
	csv_init(&w, &whole);
	csv_init_stream(&s, &streamed, sink_put, &k);
	used = streamed.used;
	for (int i = 0; i < 100000; i++) {
		snprintf(n, sizeof(n), "%d", i);
		row[2] = n;
		csv_rows(&w, row, 1, 3);
		csv_rows(&s, row, 1, 3);
	}
	UNIT_CHECK(csv_flush(&s) == 0 && !w.err, "both documents built");
	UNIT_CHECK(k.len == w.len && k.buf != NULL &&
	               memcmp(k.buf, w.buf, w.len) == 0,
	           "streamed = whole (%zu and %zu bytes)", k.len, w.len);
	UNIT_CHECK(w.len > 40 * (size_t)CSV_STREAM_BUF &&
	               k.biggest <= CSV_STREAM_BUF,
	           "pieces of at most the buffer (largest %zu)", k.biggest);
	UNIT_CHECK(streamed.used == used,
	           "the stream's arena did not grow (%zu -> %zu)", used,
	           streamed.used);
	free(k.buf);
	memset(&k, 0, sizeof(k));
	k.fail_after = 2;
	csv_init_stream(&s, &streamed, sink_put, &k);
	for (int i = 0; i < 100000 && !s.err; i++)
		csv_rows(&s, row, 1, 3);
	UNIT_CHECK(s.err && csv_flush(&s) != 0,
	           "a failing sink stops the document");
	free(k.buf);
	arena_free(&whole);
	arena_free(&streamed);
}

static void
test_is_number(void)
{
	static const struct {
		const char *s;
		int         want;
	} t[] = {{"0", 1},   {"-0", 1}, {"12.5", 1}, {"-3", 1},
	         {"", 0},    {"-", 0},  {"1.", 0},   {".5", 0},
	         {"1e3", 0}, {"+1", 0}, {"1,5", 0},  {NULL, 0}};

	for (size_t i = 0; i < UNIT_NELEM(t); i++)
		UNIT_CHECK_INT(csv_is_number(t[i].s), t[i].want,
		               t[i].s ? t[i].s : "NULL");
}

int
main(void)
{
	struct arena a;

	arena_init(&a, 64u << 20);
	test_cells(&a);
	test_rows(&a);
	test_growth(&a);
	test_stream();
	test_is_number();
	arena_free(&a);
	return unit_report();
}
