/*
 * test_multipart.c: table-driven tests of the multipart/form-data parser
 * (cgi/multipart.c): the Content-Type boundary, delimiters and CRLF,
 * part headers, quoting, duplicates, limits and multipart_fields().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "multipart.h"
#include "unit.h"

#define S(x) x, sizeof(x) - 1

#define CT "multipart/form-data; boundary=XyZ"
#define D  "--XyZ"

struct mcase {
	const char *ctype;
	const char *body;
	size_t      len;
	int         rc;
	const char *want; /* "[name|filename|type|data]" per part */
};

/* Renders parts; a NULL filename or type prints as "-". */
static void
render(const struct mpart *p, size_t n, char *buf, size_t size)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < size; i++) {
		int w = snprintf(buf + off, size - off, "[%s|%s|%s|%.*s]",
		                 p[i].name, p[i].filename ? p[i].filename : "-",
		                 p[i].content_type ? p[i].content_type : "-",
		                 (int)p[i].len, (const char *)p[i].data);

		if (w < 0)
			return;
		off += (size_t)w;
	}
}

static void
test_table(void)
{
	static const struct mcase t[] = {
	    /* 0: the usual browser body. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n"
	         "N\xc3\xa9t \xc4\x91\xe1\xba\xb9p\r\n" D "\r\n"
	         "Content-Disposition: form-data; name=\"photo\"; "
	         "filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
	         "\xff\xd8\xff\r\n\r\n--Xy\r\n" D "--\r\n"),
	     MULTIPART_OK,
	     "[title|-|-|N\xc3\xa9t \xc4\x91\xe1\xba\xb9p]"
	     "[photo|a.jpg|image/jpeg|\xff\xd8\xff\r\n\r\n--Xy]"},
	    /* 1: preamble and epilogue. */
	    {CT,
	     S("preamble\r\n" D "\r\nContent-Disposition: form-data; name=a"
	       "\r\n\r\n1\r\n" D "--\r\nepilogue " D "garbage"),
	     MULTIPART_OK, "[a|-|-|1]"},
	    /* 2: empty body part, no CRLF after close delimiter. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n" D
	         "--"),
	     MULTIPART_OK, "[a|-|-|]"},
	    /* 3: no parts at all. */
	    {CT, S(D "--\r\n"), MULTIPART_OK, ""},
	    /* 4: transport padding after the boundary. */
	    {CT,
	     S(D " \t\r\nContent-Disposition: form-data; name=a\r\n\r\n"
	         "x\r\n" D "--"),
	     MULTIPART_OK, "[a|-|-|x]"},
	    /* 5: case-insensitive header and parameter names, OWS. */
	    {CT,
	     S(D "\r\ncontent-disposition:FORM-DATA;NAME=\"a\" ; "
	         "FileName=\"b c.png\"\r\nCONTENT-TYPE:  image/png  \r\n"
	         "X-Other: ignored\r\n\r\nx\r\n" D "--"),
	     MULTIPART_OK, "[a|b c.png|image/png|x]"},
	    /* 6: backslash escapes, filename*, empty filename. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=\"q\\\"x\"; "
	         "filename*=UTF-8''x.jpg; filename=\"\"\r\n\r\n\r\n" D "--"),
	     MULTIPART_OK, "[q\"x||-|]"},
	    /* 7: Vietnamese UTF-8 file name, RLM in a name. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=\"\xe2\x80\x8fn\"; "
	         "filename=\"\xe1\xba\xa2nh \xc4\x91\xe1\xba\xb9p.jpg\"\r\n"
	         "\r\nz\r\n" D "--"),
	     MULTIPART_OK,
	     "[\xe2\x80\x8fn|\xe1\xba\xa2nh \xc4\x91\xe1\xba\xb9p.jpg|-|z]"},
	    /* 8: Content-Transfer-Encoding binary is fine. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\r\n"
	         "Content-Transfer-Encoding: Binary\r\n\r\nx\r\n" D "--"),
	     MULTIPART_OK, "[a|-|-|x]"},
	    /* 9: quoted boundary with bchars and a space. */
	    {"multipart/form-data; charset=utf-8; boundary=\"a'()+_,-./:=? b\"",
	     S("--a'()+_,-./:=? b\r\nContent-Disposition: form-data; name=a"
	       "\r\n\r\nv\r\n--a'()+_,-./:=? b--"),
	     MULTIPART_OK, "[a|-|-|v]"},
	    /* 10: LF inside data is data. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\r\n\r\n"
	         "l1\nl2\n" D "\n\r\n" D "--"),
	     MULTIPART_OK, "[a|-|-|l1\nl2\n--XyZ\n]"},

	    /* Malformed bodies. */
	    /* 11: no closing delimiter. */
	    {CT, S(D "\r\nContent-Disposition: form-data; name=a\r\n\r\nx"),
	     MULTIPART_EBAD, NULL},
	    /* 12: closing delimiter missing after a full part. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n" D),
	     MULTIPART_EBAD, NULL},
	    /* 13: bare LF line ends. */
	    {CT, S(D "\nContent-Disposition: form-data; name=a\n\nx\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 14: bare LF inside the headers. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\n\r\n\r\nx\r\n" D
	         "--"),
	     MULTIPART_EBAD, NULL},
	    /* 15: no boundary anywhere. */
	    {CT, S("hello"), MULTIPART_EBAD, NULL},
	    /* 16: empty body. */
	    {CT, S(""), MULTIPART_EBAD, NULL},
	    /* 17: no Content-Disposition. */
	    {CT, S(D "\r\nContent-Type: text/plain\r\n\r\nx\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 18: not form-data. */
	    {CT,
	     S(D "\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n" D
	         "--"),
	     MULTIPART_EBAD, NULL},
	    /* 19: no name. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; filename=a\r\n\r\n"
	         "x\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 20: empty name. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n"
	         "x\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 21: name given twice in one header. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a; name=b\r\n"
	         "\r\nx\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 22: two Content-Disposition headers. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\r\n"
	         "Content-Disposition: form-data; name=b\r\n\r\nx\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 23: duplicate field names across parts. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n" D
	         "\r\nContent-Disposition: form-data; name=a\r\n\r\n2\r\n" D
	         "--"),
	     MULTIPART_EBAD, NULL},
	    /* 24: unterminated quoted string. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=\"a\r\n\r\n"
	         "x\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 25: invalid UTF-8 in the file name (overlong). */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a; "
	         "filename=\"\xc0\xaf.jpg\"\r\n\r\nx\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 26: surrogate in the name. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=\"\xed\xa0\x80\""
	         "\r\n\r\nx\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 27: folded header line. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\n"
	         "x\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 28: header without a colon. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\r\nBogus\r\n"
	         "\r\nx\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 29: NUL in a header. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\0\r\n\r\n"
	         "x\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 30: base64 transfer encoding. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\r\n"
	         "Content-Transfer-Encoding: base64\r\n\r\neA==\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 31: the boundary followed by other text. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n" D
	         "X\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 32: boundary not followed by CRLF. */
	    {CT,
	     S(D "Content-Disposition: form-data; name=a\r\n\r\nx\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 33: headers never end. */
	    {CT, S(D "\r\nContent-Disposition: form-data; name=a\r\n"),
	     MULTIPART_EBAD, NULL},
	    /* 34: two Content-Type headers. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\r\n"
	         "Content-Type: a/b\r\nContent-Type: c/d\r\n\r\nx\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 35: 8-bit byte in the part's Content-Type. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=a\r\n"
	         "Content-Type: image/\xc3\xa9\r\n\r\nx\r\n" D "--"),
	     MULTIPART_EBAD, NULL},
	    /* 36: junk after the disposition value. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data name=a\r\n\r\nx\r\n" D
	         "--"),
	     MULTIPART_EBAD, NULL},
	    /* 37: a missing value. */
	    {CT,
	     S(D "\r\nContent-Disposition: form-data; name=\r\n\r\nx\r\n" D
	         "--"),
	     MULTIPART_EBAD, NULL},
	    /* 38: empty header block (no disposition). */
	    {CT, S(D "\r\n\r\nx\r\n" D "--"), MULTIPART_EBAD, NULL},

	    /* Content-Type header problems. */
	    {NULL, S(D "--"), MULTIPART_EBAD, NULL},                  /* 39 */
	    {"", S(D "--"), MULTIPART_EBAD, NULL},                    /* 40 */
	    {"multipart/form-data", S(D "--"), MULTIPART_EBAD, NULL}, /* 41 */
	    {"multipart/mixed; boundary=XyZ", S(D "--"), MULTIPART_EBAD,
	     NULL}, /* 42 */
	    {"application/x-www-form-urlencoded", S(D "--"), MULTIPART_EBAD,
	     NULL}, /* 43 */
	    {"multipart/form-data; boundary=", S("----"), MULTIPART_EBAD,
	     NULL}, /* 44 */
	    {"multipart/form-data; boundary=\"\"", S("----"), MULTIPART_EBAD,
	     NULL}, /* 45 */
	    {"multipart/form-data; boundary=\"ab \"", S("--ab --"),
	     MULTIPART_EBAD, NULL}, /* 46: ends with a space */
	    {"multipart/form-data; boundary=a!b", S("--a!b--"), MULTIPART_EBAD,
	     NULL}, /* 47: '!' is not a bchar */
	    {"multipart/form-data; boundary=XyZ; boundary=XyZ", S(D "--"),
	     MULTIPART_EBAD, NULL}, /* 48: twice */
	    {"multipart/form-data; boundary = XyZ", S(D "--"), MULTIPART_EBAD,
	     NULL}, /* 49 */
	    {"multipart/form-data; boundary=\"XyZ", S(D "--"), MULTIPART_EBAD,
	     NULL}, /* 50 */
	    {"multipart/form-data-x; boundary=XyZ", S(D "--"), MULTIPART_EBAD,
	     NULL}, /* 51 */
	    /* 52: case and spacing in the header, trailing ';'. */
	    {" Multipart/Form-Data ;BOUNDARY=XyZ;", S(D "--"), MULTIPART_OK,
	     ""},
	    /* 53: the boundary is case-sensitive. */
	    {"multipart/form-data; boundary=xyz", S(D "--"), MULTIPART_EBAD,
	     NULL},
	    /* 54: a 70-character boundary. */
	    {"multipart/form-data; boundary="
	     "01234567890123456789012345678901234567890123456789012345678901234"
	     "56789",
	     S("--"
	       "012345678901234567890123456789012345678901234567890123456789012"
	       "3"
	       "456789--"),
	     MULTIPART_OK, ""},
	    /* 55: a 71-character boundary. */
	    {"multipart/form-data; boundary="
	     "01234567890123456789012345678901234567890123456789012345678901234"
	     "567890",
	     S("--"
	       "01234567890123456789012345678901234567890123456789012345678901"
	       "234567890--"),
	     MULTIPART_EBAD, NULL},
	};
	struct arena a;
	char         buf[1024];
	size_t       i;

	arena_init(&a, 0);
	for (i = 0; i < UNIT_NELEM(t); i++) {
		struct mpart *p = (struct mpart *)1;
		size_t        n = 99;
		uint8_t      *body;
		int           rc;

		/* A private copy so ASan sees any read past len. */
		body = malloc(t[i].len ? t[i].len : 1);
		if (!UNIT_CHECK(body != NULL, "malloc"))
			continue;
		memcpy(body, t[i].body, t[i].len);
		rc = multipart_parse(&a, t[i].ctype, body, t[i].len, &p, &n);
		UNIT_CHECK(rc == t[i].rc, "row %zu: rc %d want %d", i, rc,
		           t[i].rc);
		if (rc != MULTIPART_OK)
			UNIT_CHECK(p == NULL && n == 0, "row %zu: out reset",
			           i);
		else if (t[i].want != NULL) {
			render(p, n, buf, sizeof(buf));
			UNIT_CHECK(strcmp(buf, t[i].want) == 0,
			           "row %zu: got %s want %s", i, buf,
			           t[i].want);
			UNIT_CHECK(n > 0 || p == NULL, "row %zu: NULL if none",
			           i);
		}
		free(body);
		arena_reset(&a);
	}
	arena_free(&a);
}

/* Appends a simple text part named f<i> to buf at *off. */
static void
add_part(char *buf, size_t size, size_t *off, size_t i)
{
	*off += (size_t)snprintf(buf + *off, size - *off,
	                         D "\r\nContent-Disposition: form-data; "
	                           "name=\"f%zu\"\r\n\r\nv%zu\r\n",
	                         i, i);
}

static void
test_limits(void)
{
	static char   buf[64 * 1024];
	struct arena  a;
	struct mpart *p;
	size_t        n, i, off, hdr;
	int           rc;

	arena_init(&a, 0);

	/* MULTIPART_MAX_PARTS parts pass, one more is over the limit. */
	for (i = 0, off = 0; i < MULTIPART_MAX_PARTS; i++)
		add_part(buf, sizeof(buf), &off, i);
	memcpy(buf + off, D "--", 7);
	rc = multipart_parse(&a, CT, (const uint8_t *)buf, off + 7, &p, &n);
	UNIT_CHECK(rc == MULTIPART_OK && n == MULTIPART_MAX_PARTS,
	           "max parts: rc %d", rc);
	UNIT_CHECK(multipart_find(p, n, "f15") == &p[15], "find f15");
	UNIT_CHECK(multipart_find(p, n, "f16") == NULL, "find f16");
	add_part(buf, sizeof(buf), &off, MULTIPART_MAX_PARTS);
	memcpy(buf + off, D "--", 7);
	rc = multipart_parse(&a, CT, (const uint8_t *)buf, off + 7, &p, &n);
	UNIT_CHECK_INT(rc, MULTIPART_ELIMIT, "max parts + 1");

	/* Header bytes per part: exactly the limit, then one more. */
	for (hdr = MULTIPART_MAX_HEADER; hdr <= MULTIPART_MAX_HEADER + 1;
	     hdr++) {
		static const char cd[] =
		    "Content-Disposition: form-data; name=a\r\nX: ";
		size_t fill = hdr - (sizeof(cd) - 1) - 2 - 2;

		off = (size_t)snprintf(buf, sizeof(buf), D "\r\n%s", cd);
		memset(buf + off, 'y', fill);
		off += fill;
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		                        "\r\n\r\nv\r\n" D "--");
		rc = multipart_parse(&a, CT, (const uint8_t *)buf, off, &p, &n);
		if (hdr == MULTIPART_MAX_HEADER)
			UNIT_CHECK(rc == MULTIPART_OK && n == 1,
			           "header at limit: rc %d", rc);
		else
			UNIT_CHECK_INT(rc, MULTIPART_ELIMIT,
			               "header over limit");
	}
	/* A header line that never ends, longer than the limit. */
	off = (size_t)snprintf(buf, sizeof(buf), D "\r\nX: ");
	memset(buf + off, 'y', MULTIPART_MAX_HEADER + 10);
	off += MULTIPART_MAX_HEADER + 10;
	rc = multipart_parse(&a, CT, (const uint8_t *)buf, off, &p, &n);
	UNIT_CHECK_INT(rc, MULTIPART_ELIMIT, "endless header line");

	/* Name length. */
	off = (size_t)snprintf(buf, sizeof(buf),
	                       D "\r\nContent-Disposition: form-data; name=");
	memset(buf + off, 'n', MULTIPART_MAX_NAME);
	off += MULTIPART_MAX_NAME;
	off += (size_t)snprintf(buf + off, sizeof(buf) - off,
	                        "\r\n\r\nv\r\n" D "--");
	rc = multipart_parse(&a, CT, (const uint8_t *)buf, off, &p, &n);
	UNIT_CHECK(rc == MULTIPART_OK &&
	               strlen(p[0].name) == MULTIPART_MAX_NAME,
	           "name at limit");
	off = (size_t)snprintf(buf, sizeof(buf),
	                       D "\r\nContent-Disposition: form-data; name=");
	memset(buf + off, 'n', MULTIPART_MAX_NAME + 1);
	off += MULTIPART_MAX_NAME + 1;
	off += (size_t)snprintf(buf + off, sizeof(buf) - off,
	                        "\r\n\r\nv\r\n" D "--");
	rc = multipart_parse(&a, CT, (const uint8_t *)buf, off, &p, &n);
	UNIT_CHECK_INT(rc, MULTIPART_ELIMIT, "name over limit");

	/* A Content-Type request header that is too long. */
	memset(buf, ' ', MULTIPART_MAX_CTYPE + 1);
	memcpy(buf, CT, sizeof(CT) - 1);
	buf[MULTIPART_MAX_CTYPE + 1] = '\0';
	rc = multipart_parse(&a, buf, (const uint8_t *)D "--", 7, &p, &n);
	UNIT_CHECK_INT(rc, MULTIPART_EBAD, "content type too long");
	buf[MULTIPART_MAX_CTYPE] = '\0';
	rc = multipart_parse(&a, buf, (const uint8_t *)D "--", 7, &p, &n);
	UNIT_CHECK_INT(rc, MULTIPART_OK, "content type at limit");

	rc = multipart_parse(&a, CT, NULL, 0, &p, &n);
	UNIT_CHECK_INT(rc, MULTIPART_EBAD, "NULL body");
	arena_free(&a);

	arena_init(&a, 64);
	rc = multipart_parse(&a, CT,
	                     (const uint8_t *)D
	                     "\r\nContent-Disposition: "
	                     "form-data; name=a\r\n\r\n\r\n" D "--",
	                     60, &p, &n);
	UNIT_CHECK_INT(rc, MULTIPART_ENOMEM, "arena exhausted");
	arena_free(&a);
}

static void
test_fields(void)
{
	static const char body[] =
	    D "\r\nContent-Disposition: form-data; name=title\r\n\r\n"
	      "Nh\xe1\xbb\xaf"
	      "ng\r\n" D "\r\n"
	      "Content-Disposition: form-data; name=photo; filename=x.png\r\n"
	      "\r\n\x89PNG\xff\x00\r\n" D "\r\n"
	      "Content-Disposition: form-data; name=caption\r\n\r\n"
	      "a\r\nb\r\n" D "--\r\n";
	static const char bad[] =
	    D "\r\nContent-Disposition: form-data; name=title\r\n\r\n"
	      "\xed\xa0\x80\r\n" D "--";
	static char   big[MULTIPART_MAX_FIELD + 200];
	struct arena  a;
	struct mpart *p;
	struct kv    *kv;
	size_t        n, nkv, off;
	int           rc;

	arena_init(&a, 0);
	rc = multipart_parse(&a, CT, (const uint8_t *)body, sizeof(body) - 1,
	                     &p, &n);
	UNIT_CHECK(rc == MULTIPART_OK && n == 3, "fields body: rc %d", rc);
	if (rc == MULTIPART_OK) {
		UNIT_CHECK(p[1].len == 6 &&
		               memcmp(p[1].data, "\x89PNG\xff\0", 6) == 0,
		           "binary data with NUL");
		UNIT_CHECK(p[1].data > (const uint8_t *)body &&
		               p[1].data < (const uint8_t *)body + sizeof(body),
		           "data points into the body");
		rc = multipart_fields(&a, p, n, &kv, &nkv);
		UNIT_CHECK(rc == MULTIPART_OK && nkv == 2, "fields: rc %d", rc);
		UNIT_CHECK(nkv == 2 && strcmp(kv[0].key, "title") == 0 &&
		               strcmp(kv[0].val, "Nh\xe1\xbb\xafng") == 0 &&
		               strcmp(kv[1].key, "caption") == 0 &&
		               kv[1].vallen == 4 &&
		               strcmp(kv[1].val, "a\r\nb") == 0,
		           "field values");
		UNIT_CHECK(kv_find(kv, nkv, "photo") == NULL,
		           "file part is not a field");
	}
	rc = multipart_parse(&a, CT, (const uint8_t *)bad, sizeof(bad) - 1, &p,
	                     &n);
	UNIT_CHECK(rc == MULTIPART_OK, "surrogate data parses");
	rc = multipart_fields(&a, p, n, &kv, &nkv);
	UNIT_CHECK(rc == MULTIPART_EBAD && kv == NULL && nkv == 0,
	           "surrogate field refused");

	off = (size_t)snprintf(big, sizeof(big),
	                       D "\r\nContent-Disposition: form-data; "
	                         "name=c\r\n\r\n");
	memset(big + off, 'x', MULTIPART_MAX_FIELD + 1);
	off += MULTIPART_MAX_FIELD + 1;
	memcpy(big + off, "\r\n" D "--", 9);
	off += 9;
	rc = multipart_parse(&a, CT, (const uint8_t *)big, off, &p, &n);
	UNIT_CHECK(rc == MULTIPART_OK, "big field parses");
	rc = multipart_fields(&a, p, n, &kv, &nkv);
	UNIT_CHECK_INT(rc, MULTIPART_ELIMIT, "big field over limit");
	p[0].len--;
	rc = multipart_fields(&a, p, n, &kv, &nkv);
	UNIT_CHECK(rc == MULTIPART_OK && kv[0].vallen == MULTIPART_MAX_FIELD,
	           "field at limit");
	rc = multipart_fields(&a, NULL, 0, &kv, &nkv);
	UNIT_CHECK(rc == MULTIPART_OK && kv == NULL && nkv == 0, "no parts");
	arena_free(&a);
}

int
main(void)
{
	test_table();
	test_limits();
	test_fields();
	return unit_report();
}
