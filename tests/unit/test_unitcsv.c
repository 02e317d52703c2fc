/*
 * test_unitcsv.c: the unit CSV reader (unitcsv.c, issue 15): what
 * spreadsheets save (a BOM, semicolons, CRLF, quotes across lines), the
 * header's names and aliases, and each bad line reported with its number.
 */
#include <string.h>

#include "unit.h"
#include "unitcsv.h"

/* The rows (as compact JSON) and the lines of the errors of doc. */
static void
parse(const char *doc, char *rows, size_t rcap, char *lines, size_t lcap)
{
	json_t *r = NULL, *e = NULL, *x;
	char   *t;
	size_t  i, n = 0;

	UNIT_CHECK(unitcsv_parse(doc, strlen(doc), &r, &e) == 0, "parse %s",
	           doc);
	t = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(rows, rcap, "%s", t ? t : "");
	free(t);
	lines[0] = '\0';
	json_array_foreach(e, i, x)
	{
		n += (size_t)snprintf(
		    lines + n, lcap - n, "%s%lld", i ? "," : "",
		    (long long)json_integer_value(json_object_get(x, "line")));
		if (n >= lcap)
			break;
	}
	json_decref(r);
	json_decref(e);
}

struct ucase {
	const char *doc;
	const char *rows;  /* compact JSON, keys sorted */
	const char *lines; /* the bad lines, "" when none */
};

static const struct ucase cases[] = {
    /* Excel in Vietnam: BOM, semicolons, CRLF; a quoted cell with a ";". */
    {"\xEF\xBB\xBF"
     "code;name;kind\r\nhp;\"Thành đoàn; Hải Phòng\";city\r\n",
     "[{\"code\":\"hp\",\"kind\":\"city\",\"line\":2,\"name\":\"Thành "
     "đoàn; Hải Phòng\"}]",
     ""},
    /* Commas, LF, aliases and spaces in the header, a blank line. */
    {"Code, Tên ,loai,Parent Code\nx1,\"A \"\"B\"\"\",ward,hp\n\n,,,\n",
     "[{\"code\":\"x1\",\"kind\":\"ward\",\"line\":2,\"name\":\"A "
     "\\\"B\\\"\",\"parent\":\"hp\"}]",
     ""},
    /* A quoted cell across lines: the record keeps its first line. */
    {"code,name,kind\nx1,\"Dòng\nhai\",ward\nx2,B,branch\n",
     "[{\"code\":\"x1\",\"kind\":\"ward\",\"line\":2,\"name\":\"Dòng\\nhai\"},"
     "{\"code\":\"x2\",\"kind\":\"branch\",\"line\":4,\"name\":\"B\"}]",
     ""},
    /* Bad lines: too many cells (3), junk after a quote (4), an
     * unclosed quote at the end (5); the good ones still parse. */
    {"code,name,kind\nx1,A,ward\nx2,B,ward,extra\nx3,\"C\"x,ward\n"
     "x4,\"D,ward\n",
     "[{\"code\":\"x1\",\"kind\":\"ward\",\"line\":2,\"name\":\"A\"}]",
     "3,4,5"},
    /* Invalid UTF-8 on line 2. */
    {"code,name,kind\nx1,\xC3\x28,ward\n", "[]", "2"},
    /* Headers: an unknown column, a missing required one, empty file. */
    {"code,name,kind,colour\n", "[]", "1"},
    {"code,name\nx,y\n", "[]", "1"},
    {"", "[]", "1"},
};

int
main(void)
{
	char rows[1024], lines[256];

	for (size_t i = 0; i < UNIT_NELEM(cases); i++) {
		parse(cases[i].doc, rows, sizeof(rows), lines, sizeof(lines));
		UNIT_CHECK(strcmp(rows, cases[i].rows) == 0,
		           "case %zu rows: %s", i, rows);
		UNIT_CHECK(strcmp(lines, cases[i].lines) == 0,
		           "case %zu lines: %s", i, lines);
	}
	return unit_report();
}
