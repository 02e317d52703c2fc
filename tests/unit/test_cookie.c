/*
 * test_cookie.c: table-driven tests of the Cookie header parser
 * (cgi/cookie.c): spacing, quoting, skipped foreign cookies, control
 * characters and the limits.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cookie.h"
#include "unit.h"
#include "unit_kv.h"

#define S(x) x, sizeof(x) - 1

struct ccase {
	const char *in;
	size_t      len;
	int         rc;
	const char *want; /* "[name]=[value]" pairs when rc == COOKIE_OK */
};

static void
test_table(void)
{
	static const struct ccase t[] = {
	    {S(""), COOKIE_OK, ""},
	    {S("sid=abc"), COOKIE_OK, "[sid]=[abc]"},
	    {S("sid=abc; csrf=def"), COOKIE_OK, "[sid]=[abc][csrf]=[def]"},
	    {S("sid=abc;csrf=def"), COOKIE_OK, "[sid]=[abc][csrf]=[def]"},
	    {S("  sid = abc ;\tcsrf=def ; "), COOKIE_OK,
	     "[sid]=[abc][csrf]=[def]"},
	    {S("sid="), COOKIE_OK, "[sid]=[]"},
	    {S("sid=\"abc\""), COOKIE_OK, "[sid]=[abc]"},
	    {S("sid=\"\""), COOKIE_OK, "[sid]=[]"},
	    {S("sid=\""), COOKIE_OK, "[sid]=[\"]"},
	    {S("sid=a=b=c"), COOKIE_OK, "[sid]=[a=b=c]"},
	    {S("sid=YWJj+/=="), COOKIE_OK, "[sid]=[YWJj+/==]"},
	    {S("a=1; a=2"), COOKIE_OK, "[a]=[1][a]=[2]"},
	    {S("pref=hello world"), COOKIE_OK, "[pref]=[hello world]"},
	    {S("x=a,b"), COOKIE_OK, "[x]=[a,b]"},
	    {S("x=\xc4\x91"), COOKIE_OK, "[x]=[\xc4\x91]"},
	    {S(";;;"), COOKIE_OK, ""},
	    {S("sid=abc;;"), COOKIE_OK, "[sid]=[abc]"},
	    /* Foreign or broken segments are skipped. */
	    {S("novalue; sid=abc"), COOKIE_OK, "[sid]=[abc]"},
	    {S("=abc; sid=1"), COOKIE_OK, "[sid]=[1]"},
	    {S("a b=1; sid=1"), COOKIE_OK, "[sid]=[1]"},
	    {S("a(b)=1; sid=1"), COOKIE_OK, "[sid]=[1]"},
	    {S("\xc4\x91=1; sid=1"), COOKIE_OK, "[sid]=[1]"},
	    {S("__Host-sid=1"), COOKIE_OK, "[__Host-sid]=[1]"},
	    /* Control characters refuse the whole header. */
	    {S("sid=a\nb"), COOKIE_EBAD, NULL},
	    {S("sid=a\rb"), COOKIE_EBAD, NULL},
	    {S("sid=a\0b"), COOKIE_EBAD, NULL},
	    {S("sid=a\x7f"), COOKIE_EBAD, NULL},
	    {S("sid=a\x1b"), COOKIE_EBAD, NULL},
	    {S("s\x01id=a"), COOKIE_EBAD, NULL},
	    {S("other=\x01; sid=a"), COOKIE_EBAD, NULL},
	};
	struct arena a;
	char         buf[512];
	size_t       i;

	arena_init(&a, 0);
	for (i = 0; i < UNIT_NELEM(t); i++) {
		struct kv *kv = (struct kv *)1;
		size_t     n = 99;
		int        rc;

		rc = cookie_parse(&a, (const uint8_t *)t[i].in, t[i].len, &kv,
		                  &n);
		UNIT_CHECK(rc == t[i].rc, "row %zu: rc %d want %d", i, rc,
		           t[i].rc);
		if (rc != COOKIE_OK) {
			UNIT_CHECK(kv == NULL && n == 0, "row %zu: out reset",
			           i);
			continue;
		}
		unit_render_kv(kv, n, buf, sizeof(buf));
		UNIT_CHECK(strcmp(buf, t[i].want) == 0,
		           "row %zu: got %s want %s", i, buf, t[i].want);
		UNIT_CHECK(n > 0 || kv == NULL, "row %zu: NULL when empty", i);
		arena_reset(&a);
	}
	arena_free(&a);
}

static void
test_limits(void)
{
	static char  buf[COOKIE_MAX_LEN * 2];
	struct arena a;
	struct kv   *kv;
	size_t       n, i, off;
	int          rc;

	arena_init(&a, 0);

	/* COOKIE_MAX_PAIRS pairs pass, one more does not. */
	for (i = 0, off = 0; i < COOKIE_MAX_PAIRS + 1; i++) {
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		                        "%sc%zu=%zu", i ? "; " : "", i, i);
		rc = cookie_parse(&a, (const uint8_t *)buf, off, &kv, &n);
		if (i < COOKIE_MAX_PAIRS)
			UNIT_CHECK(rc == COOKIE_OK && n == i + 1,
			           "%zu pairs: rc %d", i + 1, rc);
		else
			UNIT_CHECK_INT(rc, COOKIE_ELIMIT, "pairs over limit");
	}
	/* Skipped segments do not count. */
	for (i = 0, off = 0; i < 200; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "x; ");
	off += (size_t)snprintf(buf + off, sizeof(buf) - off, "sid=1");
	rc = cookie_parse(&a, (const uint8_t *)buf, off, &kv, &n);
	UNIT_CHECK(rc == COOKIE_OK && n == 1, "skipped do not count");

	/* Whole header. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "sid=1", 5);
	rc = cookie_parse(&a, (const uint8_t *)buf, COOKIE_MAX_LEN, &kv, &n);
	UNIT_CHECK(rc == COOKIE_OK && n == 1 && kv[0].vallen == 1,
	           "header at limit");
	rc =
	    cookie_parse(&a, (const uint8_t *)buf, COOKIE_MAX_LEN + 1, &kv, &n);
	UNIT_CHECK_INT(rc, COOKIE_ELIMIT, "header over limit");

	/* Name and value. */
	memset(buf, 'n', COOKIE_MAX_NAME);
	buf[COOKIE_MAX_NAME] = '=';
	buf[COOKIE_MAX_NAME + 1] = 'v';
	rc = cookie_parse(&a, (const uint8_t *)buf, COOKIE_MAX_NAME + 2, &kv,
	                  &n);
	UNIT_CHECK(rc == COOKIE_OK && kv[0].keylen == COOKIE_MAX_NAME,
	           "name at limit");
	memset(buf, 'n', COOKIE_MAX_NAME + 1);
	buf[COOKIE_MAX_NAME + 1] = '=';
	rc = cookie_parse(&a, (const uint8_t *)buf, COOKIE_MAX_NAME + 2, &kv,
	                  &n);
	UNIT_CHECK_INT(rc, COOKIE_ELIMIT, "name over limit");
	memcpy(buf, "v=", 2);
	memset(buf + 2, 'x', COOKIE_MAX_VALUE + 1);
	rc = cookie_parse(&a, (const uint8_t *)buf, COOKIE_MAX_VALUE + 2, &kv,
	                  &n);
	UNIT_CHECK(rc == COOKIE_OK && kv[0].vallen == COOKIE_MAX_VALUE,
	           "value at limit");
	rc = cookie_parse(&a, (const uint8_t *)buf, COOKIE_MAX_VALUE + 3, &kv,
	                  &n);
	UNIT_CHECK_INT(rc, COOKIE_ELIMIT, "value over limit");

	rc = cookie_parse(&a, NULL, 0, &kv, &n);
	UNIT_CHECK(rc == COOKIE_OK && kv == NULL && n == 0, "NULL, 0");
	/* len is honoured: the ';' after it is never seen. */
	rc = cookie_parse(&a, (const uint8_t *)"sid=abc;x=1", 6, &kv, &n);
	UNIT_CHECK(rc == COOKIE_OK && n == 1 && kv[0].vallen == 2 &&
	               strcmp(kv[0].val, "ab") == 0,
	           "len honoured");
	rc =
	    cookie_parse(&a, (const uint8_t *)"b=1; sid=x; sid=y", 17, &kv, &n);
	UNIT_CHECK(rc == COOKIE_OK && kv_find(kv, n, "sid") == &kv[1],
	           "kv_find first sid");
	arena_free(&a);

	arena_init(&a, 64);
	rc = cookie_parse(&a, (const uint8_t *)"sid=1", 5, &kv, &n);
	UNIT_CHECK_INT(rc, COOKIE_ENOMEM, "arena exhausted");
	arena_free(&a);
}

int
main(void)
{
	test_table();
	test_limits();
	return unit_report();
}
