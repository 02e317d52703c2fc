/*
 * test_form.c: table-driven tests of the urlencoded parser (cgi/form.c).
 * Each row gives an input, the expected return code and, on success, the
 * pairs rendered as "[key]=[value]" one after another.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "form.h"
#include "unit.h"
#include "unit_kv.h"

#define S(x) x, sizeof(x) - 1

struct fcase {
	const char *in;
	size_t      len;
	int         rc;
	const char *want; /* rendered pairs when rc == FORM_OK */
};

static void
test_table(void)
{
	static const struct fcase t[] = {
	    {S(""), FORM_OK, ""},
	    {S("a=1"), FORM_OK, "[a]=[1]"},
	    {S("a=1&b=2"), FORM_OK, "[a]=[1][b]=[2]"},
	    {S("a=&b="), FORM_OK, "[a]=[][b]=[]"},
	    {S("flag"), FORM_OK, "[flag]=[]"},
	    {S("a=1&&b=2&"), FORM_OK, "[a]=[1][b]=[2]"},
	    {S("&"), FORM_OK, ""},
	    {S("&&&"), FORM_OK, ""},
	    {S("a=b=c"), FORM_OK, "[a]=[b=c]"},
	    {S("a=1&a=2"), FORM_OK, "[a]=[1][a]=[2]"},
	    {S("q=hello+world"), FORM_OK, "[q]=[hello world]"},
	    {S("q=a%2Bb"), FORM_OK, "[q]=[a+b]"},
	    {S("q=%26%3D%25"), FORM_OK, "[q]=[&=%]"},
	    {S("q=%7e%7E"), FORM_OK, "[q]=[~~]"},
	    {S("my+key=v"), FORM_OK, "[my key]=[v]"},
	    {S("%61=1"), FORM_OK, "[a]=[1]"},
	    {S("title=N%C3%A9t+%C4%91%E1%BA%B9p+%C4%91o%C3%A0n+vi%C3%AAn"),
	     FORM_OK,
	     "[title]=[N\xc3\xa9t \xc4\x91\xe1\xba\xb9p \xc4\x91o\xc3"
	     "\xa0n vi\xc3\xaan]"},
	    {S("c=line1%0D%0Aline2"), FORM_OK, "[c]=[line1\r\nline2]"},
	    {S("rlm=%E2%80%8F"), FORM_OK, "[rlm]=[\xe2\x80\x8f]"},
	    {S("e=%F0%9F%93%B7"), FORM_OK, "[e]=[\xf0\x9f\x93\xb7]"},
	    /* Malformed escapes. */
	    {S("a=%"), FORM_EBAD, NULL},
	    {S("a=%4"), FORM_EBAD, NULL},
	    {S("a=%4g"), FORM_EBAD, NULL},
	    {S("a=%g4"), FORM_EBAD, NULL},
	    {S("a=%%41"), FORM_EBAD, NULL},
	    {S("a=%00"), FORM_EBAD, NULL},
	    {S("%00=a"), FORM_EBAD, NULL},
	    {S("a%=1"), FORM_EBAD, NULL},
	    /* Invalid UTF-8 after decoding. */
	    {S("a=%C0%80"), FORM_EBAD, NULL},
	    {S("a=%ED%A0%80"), FORM_EBAD, NULL},
	    {S("a=%F4%90%80%80"), FORM_EBAD, NULL},
	    {S("a=%C3"), FORM_EBAD, NULL},
	    {S("a=%FF"), FORM_EBAD, NULL},
	    {S("a=%80"), FORM_EBAD, NULL},
	    {S("%C3%28=1"), FORM_EBAD, NULL},
	    /* Raw bytes that a browser would have encoded. */
	    {S("a=b c"), FORM_EBAD, NULL},
	    {S("a=\xc3\xa9"), FORM_EBAD, NULL},
	    {S("a=1\n"), FORM_EBAD, NULL},
	    {S("a=1\r\n"), FORM_EBAD, NULL},
	    {S("a=\0"), FORM_EBAD, NULL},
	    {S("a=\x7f"), FORM_EBAD, NULL},
	    {S("a=\t"), FORM_EBAD, NULL},
	    /* Empty keys. */
	    {S("=1"), FORM_EBAD, NULL},
	    {S("a=1&=2"), FORM_EBAD, NULL},
	    {S("="), FORM_EBAD, NULL},
	};
	struct arena a;
	char         buf[512];
	size_t       i;

	arena_init(&a, 0);
	for (i = 0; i < UNIT_NELEM(t); i++) {
		struct kv *kv = (struct kv *)1;
		size_t     n = 99;
		int        rc =
		    form_parse(&a, (const uint8_t *)t[i].in, t[i].len, &kv, &n);

		UNIT_CHECK(rc == t[i].rc, "row %zu \"%s\": rc %d want %d", i,
		           t[i].in, rc, t[i].rc);
		if (rc != FORM_OK) {
			UNIT_CHECK(kv == NULL && n == 0, "row %zu: out reset",
			           i);
			continue;
		}
		if (t[i].want == NULL)
			continue;
		unit_render_kv(kv, n, buf, sizeof(buf));
		UNIT_CHECK(strcmp(buf, t[i].want) == 0,
		           "row %zu: got %s want %s", i, buf, t[i].want);
		if (n == 0)
			UNIT_CHECK(kv == NULL, "row %zu: NULL when empty", i);
		arena_reset(&a);
	}
	arena_free(&a);
}

/* Builds "k0=v&k1=v&..." with count pairs into buf. */
static size_t
make_pairs(char *buf, size_t size, size_t count)
{
	size_t i, off = 0;

	for (i = 0; i < count; i++) {
		int w = snprintf(buf + off, size - off, "%sk%zu=v",
		                 i ? "&" : "", i);

		off += (size_t)w;
	}
	return off;
}

static void
test_limits(void)
{
	static char  buf[FORM_MAX_LEN + 2];
	struct arena a;
	struct kv   *kv;
	size_t       n, len;
	int          rc;

	arena_init(&a, 0);

	len = make_pairs(buf, sizeof(buf), FORM_MAX_PAIRS);
	rc = form_parse(&a, (const uint8_t *)buf, len, &kv, &n);
	UNIT_CHECK(rc == FORM_OK && n == FORM_MAX_PAIRS, "max pairs: rc %d",
	           rc);
	len = make_pairs(buf, sizeof(buf), FORM_MAX_PAIRS + 1);
	rc = form_parse(&a, (const uint8_t *)buf, len, &kv, &n);
	UNIT_CHECK_INT(rc, FORM_ELIMIT, "max pairs + 1");

	/* Empty segments do not count as pairs. */
	len = make_pairs(buf, sizeof(buf), FORM_MAX_PAIRS);
	memset(buf + len, '&', 100);
	rc = form_parse(&a, (const uint8_t *)buf, len + 100, &kv, &n);
	UNIT_CHECK_INT(rc, FORM_OK, "trailing empty segments");

	/* Key length, counted after decoding. */
	memset(buf, 'k', FORM_MAX_KEY);
	buf[FORM_MAX_KEY] = '=';
	rc = form_parse(&a, (const uint8_t *)buf, FORM_MAX_KEY + 1, &kv, &n);
	UNIT_CHECK(rc == FORM_OK && n == 1 && kv[0].keylen == FORM_MAX_KEY,
	           "key at limit");
	memset(buf, 'k', FORM_MAX_KEY + 1);
	buf[FORM_MAX_KEY + 1] = '=';
	rc = form_parse(&a, (const uint8_t *)buf, FORM_MAX_KEY + 2, &kv, &n);
	UNIT_CHECK_INT(rc, FORM_ELIMIT, "key over limit");
	/* 64 escaped bytes are 192 input bytes but a 64-byte key. */
	for (len = 0; len < FORM_MAX_KEY * 3; len += 3)
		memcpy(buf + len, "%41", 3);
	rc = form_parse(&a, (const uint8_t *)buf, len, &kv, &n);
	UNIT_CHECK(rc == FORM_OK && n == 1 && kv[0].keylen == FORM_MAX_KEY,
	           "escaped key at limit");

	/* Value length, counted after decoding. */
	buf[0] = 'v';
	buf[1] = '=';
	memset(buf + 2, 'x', FORM_MAX_VALUE);
	rc = form_parse(&a, (const uint8_t *)buf, FORM_MAX_VALUE + 2, &kv, &n);
	UNIT_CHECK(rc == FORM_OK && kv[0].vallen == FORM_MAX_VALUE,
	           "value at limit");
	buf[FORM_MAX_VALUE + 2] = 'x';
	rc = form_parse(&a, (const uint8_t *)buf, FORM_MAX_VALUE + 3, &kv, &n);
	UNIT_CHECK_INT(rc, FORM_ELIMIT, "value over limit");

	/* Total input length. */
	memset(buf, '&', FORM_MAX_LEN + 1);
	rc = form_parse(&a, (const uint8_t *)buf, FORM_MAX_LEN, &kv, &n);
	UNIT_CHECK(rc == FORM_OK && n == 0, "input at limit");
	rc = form_parse(&a, (const uint8_t *)buf, FORM_MAX_LEN + 1, &kv, &n);
	UNIT_CHECK_INT(rc, FORM_ELIMIT, "input over limit");

	/* An arena too small to hold the result. */
	arena_free(&a);
	arena_init(&a, 64);
	rc = form_parse(&a, (const uint8_t *)"a=1", 3, &kv, &n);
	UNIT_CHECK_INT(rc, FORM_ENOMEM, "arena exhausted");
	arena_free(&a);

	/* The input is not read past len: a NUL-free buffer with no end. */
	arena_init(&a, 0);
	rc = form_parse(&a, (const uint8_t *)"a=%41", 4, &kv, &n);
	UNIT_CHECK_INT(rc, FORM_EBAD, "escape cut by len");
	rc = form_parse(&a, NULL, 0, &kv, &n);
	UNIT_CHECK(rc == FORM_OK && n == 0 && kv == NULL, "NULL, 0");
	rc = form_parse(&a, (const uint8_t *)"a=1&b=2&a=3", 11, &kv, &n);
	UNIT_CHECK(rc == FORM_OK && kv_find(kv, n, "a") == &kv[0] &&
	               kv_find(kv, n, "b") == &kv[1] &&
	               kv_find(kv, n, "c") == NULL &&
	               kv_find(kv, n, "") == NULL,
	           "kv_find");
	arena_free(&a);
}

int
main(void)
{
	test_table();
	test_limits();
	return unit_report();
}
