/*
 * test_valid.c: table-driven tests of the pure validators in cgi/valid.c
 * and of the field table valid_kv().  Each table row is one input and the
 * expected verdict; strings carry explicit lengths so NUL bytes can be
 * tested.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "valid.h"

/* A string literal with its length (embedded NULs included). */
#define S(x) x, sizeof(x) - 1

struct tcase {
	const char *s;
	size_t      len;
	int         want;
};

static void
test_utf8(void)
{
	static const struct tcase t[] = {
	    {S(""), 1},
	    {S("abc"), 1},
	    {S("N\xc3\xa9t \xc4\x91\xe1\xba\xb9p \xc4\x91o\xc3\xa0n "
	       "vi\xc3\xaan"),
	     1},                                /* Nét đẹp đoàn viên */
	    {S("\xe2\x80\x8f"), 1},             /* RLM U+200F */
	    {S("\xf0\x9f\x93\xb7"), 1},         /* U+1F4F7 camera */
	    {S("\xf4\x8f\xbf\xbf"), 1},         /* U+10FFFF */
	    {S("\xed\x9f\xbf"), 1},             /* U+D7FF */
	    {S("\xee\x80\x80"), 1},             /* U+E000 */
	    {S("\xc2\x80"), 1},                 /* U+0080 */
	    {S("\xdf\xbf"), 1},                 /* U+07FF */
	    {S("\xe0\xa0\x80"), 1},             /* U+0800 */
	    {S("\xf0\x90\x80\x80"), 1},         /* U+10000 */
	    {S("\xef\xbf\xbf"), 1},             /* U+FFFF (noncharacter) */
	    {S("a\0b"), 0},                     /* NUL */
	    {S("\0"), 0},                       /* NUL alone */
	    {S("\xc0\x80"), 0},                 /* overlong NUL */
	    {S("\xc1\xbf"), 0},                 /* overlong */
	    {S("\xe0\x80\xaf"), 0},             /* overlong '/' */
	    {S("\xe0\x9f\xbf"), 0},             /* overlong U+07FF */
	    {S("\xf0\x8f\xbf\xbf"), 0},         /* overlong U+FFFF */
	    {S("\xed\xa0\x80"), 0},             /* surrogate U+D800 */
	    {S("\xed\xbf\xbf"), 0},             /* surrogate U+DFFF */
	    {S("\xed\xa0\xbd\xed\xb2\xa9"), 0}, /* CESU-8 pair */
	    {S("\xf4\x90\x80\x80"), 0},         /* U+110000 */
	    {S("\xf5\x80\x80\x80"), 0},
	    {S("\xf8\x88\x80\x80\x80"), 0}, /* 5-byte form */
	    {S("\xff"), 0},
	    {S("\xfe"), 0},
	    {S("\x80"), 0},             /* lone continuation */
	    {S("a\xbf"), 0},            /* continuation after ASCII */
	    {S("\xc3"), 0},             /* truncated 2-byte */
	    {S("\xe1\xba"), 0},         /* truncated 3-byte */
	    {S("\xf0\x9f\x93"), 0},     /* truncated 4-byte */
	    {S("\xc3\x28"), 0},         /* bad continuation */
	    {S("\xe1\x28\xa1"), 0},     /* bad continuation */
	    {S("\xf0\x9f\x28\xb7"), 0}, /* bad continuation */
	    {S("\xc3\xa9\xc3"), 0},     /* truncated at the end */
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(t); i++)
		UNIT_CHECK(valid_utf8((const uint8_t *)t[i].s, t[i].len) ==
		               t[i].want,
		           "valid_utf8 row %zu", i);
	UNIT_CHECK(valid_utf8(NULL, 0) == 1, "valid_utf8(NULL, 0)");
}

static void
test_username(void)
{
	static const struct tcase t[] = {
	    {S("abc"), 1},
	    {S("Abc_1.2-3"), 1},
	    {S("0ab"), 1},
	    {S("a2345678901234567890123456789012"), 1}, /* 32 */
	    {S("a234567890123456789012345678901234"), 0},
	    {S("a234567890123456789012345678901"), 1},   /* 31 */
	    {S("a2345678901234567890123456789012x"), 0}, /* 33 */
	    {S("ab"), 0},
	    {S(""), 0},
	    {S("_ab"), 0},
	    {S(".ab"), 0},
	    {S("-ab"), 0},
	    {S("ab c"), 0},
	    {S("ab@c"), 0},
	    {S("ab\0c"), 0},
	    {S("\xc4\x91oan"), 0}, /* đoan: not ASCII */
	    {S("abc\n"), 0},
	    {S("a.."), 1},
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(t); i++)
		UNIT_CHECK(valid_username(t[i].s, t[i].len) == t[i].want,
		           "valid_username row %zu \"%s\"", i, t[i].s);
}

static void
test_password(void)
{
	static const struct tcase t[] = {
	    {S("12345678"), 1},
	    {S("1234567"), 0},
	    {S("m\xe1\xba\xadt kh\xe1\xba\xa9u"), 1}, /* mật khẩu */
	    {S("pass\0word"), 0},
	    {S("password\xc0\x80"), 0},
	    {S("        "), 1}, /* spaces are the user's choice */
	    {S(""), 0},
	};
	char   big[130];
	size_t i;

	for (i = 0; i < UNIT_NELEM(t); i++)
		UNIT_CHECK(valid_password(t[i].s, t[i].len) == t[i].want,
		           "valid_password row %zu", i);
	memset(big, 'x', sizeof(big));
	UNIT_CHECK(valid_password(big, 128) == 1, "password 128");
	UNIT_CHECK(valid_password(big, 129) == 0, "password 129");
}

struct linecase {
	const char *s;
	size_t      len;
	size_t      min, max;
	int         want;
};

static void
test_line(void)
{
	static const struct linecase t[] = {
	    {S("Nguy\xe1\xbb\x85n V\xc4\x83n A"), 1, 80, 1}, /* Nguyễn Văn A */
	    {S("N\xc3\xa9t \xc4\x91\xe1\xba\xb9p \xc4\x91o\xc3\xa0n "
	       "vi\xc3\xaan"),
	     1, 17, 1}, /* 17 code points exactly */
	    {S("N\xc3\xa9t \xc4\x91\xe1\xba\xb9p \xc4\x91o\xc3\xa0n "
	       "vi\xc3\xaan"),
	     1, 16, 0},
	    {S("N\xc3\xa9t \xc4\x91\xe1\xba\xb9p \xc4\x91o\xc3\xa0n "
	       "vi\xc3\xaan"),
	     18, 80, 0},
	    /* Decomposed "é" (e + U+0301) is two code points. */
	    {S("e\xcc\x81"), 2, 2, 1},
	    {S(""), 0, 120, 1},
	    {S(""), 1, 80, 0},
	    {S(" "), 1, 80, 0},
	    {S("   "), 0, 120, 1},                 /* min 0: blanks are fine */
	    {S("\xc2\xa0\xe3\x80\x80"), 1, 80, 0}, /* NBSP, ideographic sp */
	    {S("\xe3\x85\xa4"), 1, 80, 0},         /* U+3164 Hangul filler */
	    {S("\xe2\x80\x8b\xe2\x80\x8f"), 1, 80, 0}, /* ZWSP + RLM only */
	    {S("\xe2\x80\x8f\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"), 1, 80,
	     1}, /* RLM then Hebrew "shalom": marks allowed */
	    {S("abc\xe2\x80\xae"
	       "def"),
	     0, 80, 0},                                    /* RLO override */
	    {S("abc\xe2\x80\xaa"), 0, 80, 0},              /* LRE */
	    {S("abc\xe2\x81\xa6x\xe2\x81\xa9"), 0, 80, 0}, /* LRI..PDI */
	    {S("a\xe2\x80\xa8"
	       "b"),
	     0, 80, 0}, /* LINE SEPARATOR */
	    {S("a\tb"), 0, 80, 0},
	    {S("a\nb"), 0, 80, 0},
	    {S("a\rb"), 0, 80, 0},
	    {S("a\x7f"), 0, 80, 0},     /* DEL */
	    {S("a\xc2\x85"), 0, 80, 0}, /* NEL, C1 */
	    {S("a\xc2\x9f"), 0, 80, 0}, /* C1 */
	    {S("a\xc2\xa0"), 0, 80, 1}, /* NBSP is not a control */
	    {S("a\0"), 0, 80, 0},
	    {S("a\x1b[31m"), 0, 80, 0}, /* ANSI escape */
	    {S("\xed\xa0\x80"), 0, 80, 0},
	    {S("\xf0\x9f\x93\xb7"), 1, 1, 1}, /* one emoji, one char */
	    {S("\xe2\x80\x8d"), 0, 1, 1},     /* ZWJ alone is fine if min 0 */
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(t); i++)
		UNIT_CHECK(valid_line(t[i].s, t[i].len, t[i].min, t[i].max) ==
		               t[i].want,
		           "valid_line row %zu", i);
}

static void
test_block(void)
{
	static const struct linecase t[] = {
	    {S("line one\nline two"), 0, 2000, 1},
	    {S("line one\r\nline two"), 0, 2000, 1},
	    {S("a\r\nb"), 0, 3, 1}, /* \r\n counts as one */
	    {S("a\r\nb"), 0, 2, 0},
	    {S("a\rb"), 0, 2000, 0}, /* bare CR */
	    {S("a\r"), 0, 2000, 0},
	    {S("col\tcol"), 0, 2000, 1},
	    {S(""), 0, 2000, 1},
	    {S("\n\n\n"), 0, 2000, 1},
	    {S("a\x0b"), 0, 2000, 0}, /* VT */
	    {S("a\x0c"), 0, 2000, 0}, /* FF */
	    {S("a\0b"), 0, 2000, 0},
	    {S("a\x7f"), 0, 2000, 0},
	    {S("a\xc2\x85"), 0, 2000, 0},
	    {S("a\xe2\x80\xa9"), 0, 2000, 0},
	    {S("a\xe2\x80\xae"), 0, 2000, 0},
	    {S("\xc0\x8a"), 0, 2000, 0}, /* overlong LF */
	    {S("\xe1\xbb\x87"), 0, 1, 1},
	};
	char   big[2002 * 3];
	size_t i;

	for (i = 0; i < UNIT_NELEM(t); i++)
		UNIT_CHECK(valid_block(t[i].s, t[i].len, t[i].max) == t[i].want,
		           "valid_block row %zu", i);
	/* 2000 three-byte characters "ệ" pass, 2001 do not. */
	for (i = 0; i < 2001; i++)
		memcpy(big + 3 * i, "\xe1\xbb\x87", 3);
	UNIT_CHECK(valid_block(big, 2000 * 3, 2000) == 1, "block 2000 chars");
	UNIT_CHECK(valid_block(big, 2001 * 3, 2000) == 0, "block 2001 chars");
	UNIT_CHECK(valid_block(big, 2000 * 3 - 1, 2000) == 0, "block cut");
}

static void
test_slug(void)
{
	static const struct tcase t[] = {
	    {S("ab"), 1},
	    {S("net-dep-2025"), 1},
	    {S("a-b"), 1},
	    {S("a--b"), 1},
	    {S("0a"), 1},
	    {S("a"), 0},
	    {S(""), 0},
	    {S("-ab"), 0},
	    {S("ab-"), 0},
	    {S("Ab"), 0},
	    {S("a_b"), 0},
	    {S("a b"), 0},
	    {S("a.b"), 0},
	    {S("ab/"), 0},
	    {S("\xc4\x91"
	       "a"),
	     0},
	    {S("a123456789012345678901234567890123456789012345678901234567890"
	       "12z"),
	     1}, /* 64 */
	    {S("a123456789012345678901234567890123456789012345678901234567890"
	       "123z"),
	     0}, /* 65 */
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(t); i++)
		UNIT_CHECK(valid_slug(t[i].s, t[i].len) == t[i].want,
		           "valid_slug row %zu \"%s\"", i, t[i].s);
}

struct intcase {
	const char *s;
	size_t      len;
	long long   min, max;
	int         want;
	long long   val;
};

static void
test_int(void)
{
	static const struct intcase t[] = {
	    {S("0"), 0, 10, 1, 0},
	    {S("7"), 0, 10, 1, 7},
	    {S("10"), 0, 10, 1, 10},
	    {S("11"), 0, 10, 0, 0},
	    {S("-1"), 0, 10, 0, 0},
	    {S("-1"), -5, 10, 1, -1},
	    {S("-5"), -5, 10, 1, -5},
	    {S("-6"), -5, 10, 0, 0},
	    {S("-0"), -5, 10, 0, 0},
	    {S("00"), 0, 10, 0, 0},
	    {S("07"), 0, 10, 0, 0},
	    {S("+7"), 0, 10, 0, 0},
	    {S(" 7"), 0, 10, 0, 0},
	    {S("7 "), 0, 10, 0, 0},
	    {S(""), 0, 10, 0, 0},
	    {S("-"), -10, 10, 0, 0},
	    {S("1e3"), 0, 10000, 0, 0},
	    {S("0x10"), 0, 10000, 0, 0},
	    {S("1.0"), 0, 10, 0, 0},
	    {S("7\0"), 0, 10, 0, 0},
	    {S("9223372036854775807"), LLONG_MIN, LLONG_MAX, 1, LLONG_MAX},
	    {S("9223372036854775808"), LLONG_MIN, LLONG_MAX, 0, 0},
	    {S("-9223372036854775808"), LLONG_MIN, LLONG_MAX, 1, LLONG_MIN},
	    {S("-9223372036854775809"), LLONG_MIN, LLONG_MAX, 0, 0},
	    {S("99999999999999999999999"), LLONG_MIN, LLONG_MAX, 0, 0},
	    {S("18446744073709551616"), LLONG_MIN, LLONG_MAX, 0, 0},
	    {S("\xd9\xa3"), 0, 10, 0, 0}, /* Arabic-Indic three */
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(t); i++) {
		long long v = 424242;
		int r = valid_int(t[i].s, t[i].len, t[i].min, t[i].max, &v);

		UNIT_CHECK(r == t[i].want, "valid_int row %zu \"%s\"", i,
		           t[i].s);
		if (r && t[i].want)
			UNIT_CHECK_INT(v, t[i].val, t[i].s);
		if (!r)
			UNIT_CHECK_INT(v, 424242, "out untouched on failure");
	}
	UNIT_CHECK(valid_int("5", 1, 0, 9, NULL) == 1, "valid_int NULL out");
}

static void
test_id_list(void)
{
	static const struct {
		const char *s;
		size_t      len;
		int         want;
		const char *out;
	} t[] = {
	    {S("1"), 1, "{1}"},
	    {S("1,22,333"), 3, "{1,22,333}"},
	    {S("9223372036854775807"), 1, "{9223372036854775807}"},
	    {S(""), 0, NULL},
	    {S("0"), 0, NULL},
	    {S("-1"), 0, NULL},
	    {S("01"), 0, NULL},
	    {S("1,"), 0, NULL},
	    {S(",1"), 0, NULL},
	    {S("1,,2"), 0, NULL},
	    {S("1, 2"), 0, NULL},
	    {S("1;2"), 0, NULL},
	    {S("9223372036854775808"), 0, NULL},
	    {S("1,2,3,4"), 0, NULL}, /* more than max (3) */
	    {S("1}"), 0, NULL},
	};
	char out[64];

	for (size_t i = 0; i < UNIT_NELEM(t); i++) {
		int r = valid_id_list(t[i].s, t[i].len, 3, out, sizeof(out));

		UNIT_CHECK_INT(r, t[i].want, t[i].s);
		if (r > 0)
			UNIT_CHECK(strcmp(out, t[i].out) == 0,
			           "id list %s -> %s", t[i].s, out);
	}
	/* out too short for the literal */
	UNIT_CHECK_INT(valid_id_list("1,2", 3, 3, out, 5), 0, "short out");
}

static void
test_email(void)
{
	static const struct tcase t[] = {
	    {S("a@b.vn"), 1},
	    {S("nguyen.van.a+tag@gmail.com"), 1},
	    {S("x@sub.domain-1.edu.vn"), 1},
	    {S("a@b"), 0},
	    {S("@b.vn"), 0},
	    {S("a@"), 0},
	    {S("a@@b.vn"), 0},
	    {S("a@b@c.vn"), 0},
	    {S("a b@c.vn"), 0},
	    {S("a@b .vn"), 0},
	    {S("a@.b.vn"), 0},
	    {S("a@b..vn"), 0},
	    {S("a@b.vn."), 0},
	    {S("a@-b.vn"), 0},
	    {S("a@b-.vn"), 0},
	    {S("a@b_c.vn"), 0},
	    {S("a<b>@c.vn"), 0},
	    {S("\"a\"@c.vn"), 0},
	    {S("a@c.vn\n"), 0},
	    {S("a\0@c.vn"), 0},
	    {S("\xc4\x91@c.vn"), 0},
	    {S(""), 0},
	    {S("a123456789012345678901234567890123456789012345678901234567890"
	       "123@b.vn"),
	     1}, /* local part 64 */
	    {S("a123456789012345678901234567890123456789012345678901234567890"
	       "1234@b.vn"),
	     0}, /* local part 65 */
	};
	char   big[300];
	size_t i;

	for (i = 0; i < UNIT_NELEM(t); i++)
		UNIT_CHECK(valid_email(t[i].s, t[i].len) == t[i].want,
		           "valid_email row %zu", i);
	/* 254 bytes total passes, 255 does not: a@ + labels of 50. */
	memcpy(big, "a@", 2);
	for (i = 2; i < sizeof(big); i++)
		big[i] = (i % 51 == 0) ? '.' : 'b';
	big[253] = 'c';
	big[254] = 'c';
	UNIT_CHECK(valid_email(big, 254) == 1, "email 254");
	UNIT_CHECK(valid_email(big, 255) == 0, "email 255");
}

static void
test_phone(void)
{
	static const struct tcase t[] = {
	    {S("0912345678"), 1},
	    {S("+84912345678"), 1},
	    {S("+84 912-345-678"), 1},
	    {S("0912 345 678"), 1},
	    {S("123456"), 1},
	    {S("12345"), 0},
	    {S("12345678901234567890"), 1},
	    {S("123456789012345678901"), 0},
	    {S("+"), 0},
	    {S(""), 0},
	    {S("++84912345678"), 0},
	    {S("84+912345678"), 0},
	    {S("+ 84912345678"), 0},
	    {S(" 0912345678"), 0},
	    {S("0912345678 "), 0},
	    {S("0912--345678"), 0},
	    {S("0912 -345678"), 0},
	    {S("(028) 38234567"), 0},
	    {S("0912.345.678"), 0},
	    {S("09123a5678"), 0},
	    {S("0912345678\0"), 0},
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(t); i++)
		UNIT_CHECK(valid_phone(t[i].s, t[i].len) == t[i].want,
		           "valid_phone row %zu \"%s\"", i, t[i].s);
}

static void
test_timestamp(void)
{
	static const struct intcase t[] = {
	    {S("1970-01-01T00:00Z"), 0, 0, 1, 0},
	    {S("1970-01-01T07:00"), 0, 0, 1, 0}, /* Vietnam time */
	    {S("1970-01-01 07:00:00"), 0, 0, 1, 0},
	    {S("1970-01-01T00:00:00+00:00"), 0, 0, 1, 0},
	    {S("1970-01-01T00:00:00-00:00"), 0, 0, 1, 0},
	    {S("2025-03-01T08:00"), 0, 0, 1, 1740790800},
	    {S("2025-03-01T01:00Z"), 0, 0, 1, 1740790800},
	    {S("2025-03-01T08:00:00+07:00"), 0, 0, 1, 1740790800},
	    {S("2025-02-28T20:00:00-05:00"), 0, 0, 1, 1740790800},
	    {S("2000-02-29T00:00Z"), 0, 0, 1, 951782400},
	    {S("2024-02-29T12:34:56Z"), 0, 0, 1, 1709210096},
	    {S("1969-12-31T23:59:59Z"), 0, 0, 1, -1},
	    {S("2038-01-19T03:14:08Z"), 0, 0, 1, 2147483648LL},
	    {S("9999-12-31T23:59:59Z"), 0, 0, 1, 253402300799LL},
	    {S("0001-01-01T00:00Z"), 0, 0, 1, -62135596800LL},
	    {S("2025-02-29T00:00Z"), 0, 0, 0, 0},
	    {S("1900-02-29T00:00Z"), 0, 0, 0, 0},
	    {S("2025-02-30T00:00"), 0, 0, 0, 0},
	    {S("2025-04-31T00:00"), 0, 0, 0, 0},
	    {S("2025-13-01T00:00"), 0, 0, 0, 0},
	    {S("2025-00-01T00:00"), 0, 0, 0, 0},
	    {S("2025-01-00T00:00"), 0, 0, 0, 0},
	    {S("0000-01-01T00:00"), 0, 0, 0, 0},
	    {S("2025-01-01T24:00"), 0, 0, 0, 0},
	    {S("2025-01-01T23:60"), 0, 0, 0, 0},
	    {S("2025-01-01T23:59:60Z"), 0, 0, 0, 0},
	    {S("2025-01-01"), 0, 0, 0, 0},
	    {S("2025-01-01T"), 0, 0, 0, 0},
	    {S("2025-01-01T1:00"), 0, 0, 0, 0},
	    {S("2025-1-01T01:00"), 0, 0, 0, 0},
	    {S("2025-01-01t01:00"), 0, 0, 0, 0},
	    {S("2025-01-01  01:00"), 0, 0, 0, 0},
	    {S("2025-01-01T01:00z"), 0, 0, 0, 0},
	    {S("2025-01-01T01:00:0Z"), 0, 0, 0, 0},
	    {S("2025-01-01T01:00:00.5Z"), 0, 0, 0, 0},
	    {S("2025-01-01T01:00+0700"), 0, 0, 0, 0},
	    {S("2025-01-01T01:00+07"), 0, 0, 0, 0},
	    {S("2025-01-01T01:00+24:00"), 0, 0, 0, 0},
	    {S("2025-01-01T01:00+07:60"), 0, 0, 0, 0},
	    {S("2025-01-01T01:00Z "), 0, 0, 0, 0},
	    {S(" 2025-01-01T01:00Z"), 0, 0, 0, 0},
	    {S("2025-01-01T01:00ZZ"), 0, 0, 0, 0},
	    {S("2025-01-01T01:00:"), 0, 0, 0, 0},
	    {S("+2025-01-01T01:00"), 0, 0, 0, 0},
	    {S("2025-01-01T01:00\0"), 0, 0, 0, 0},
	    {S(""), 0, 0, 0, 0},
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(t); i++) {
		long long v = 0;
		int       r = valid_timestamp(t[i].s, t[i].len, &v);

		UNIT_CHECK(r == t[i].want, "valid_timestamp row %zu \"%s\"", i,
		           t[i].s);
		if (r && t[i].want)
			UNIT_CHECK_INT(v, t[i].val, t[i].s);
	}
}

/* The field table as a handler would declare it. */
enum field {
	FIELD_TITLE,
	FIELD_CAPTION,
	FIELD_LIMIT,
	FIELD_SORT,
	FIELD_FROM,
	FIELD__MAX
};

static const char *const sorts[] = {"new", "votes", NULL};

static const struct valid_field fields[FIELD__MAX] = {
    {"title", valid_f_line, 1, 120, VALID_REQUIRED, NULL}, /* FIELD_TITLE */
    {"caption", valid_f_block, 0, 2000, 0, NULL},          /* FIELD_CAPTION */
    {"limit", valid_f_int, 1, 100, 0, NULL},               /* FIELD_LIMIT */
    {"sort", valid_f_choice, 0, 0, 0, sorts},              /* FIELD_SORT */
    {"from", valid_f_timestamp, 0, 0, 0, NULL},            /* FIELD_FROM */
};

#define KV(k, v)                                                               \
	{                                                                      \
		k, sizeof(k) - 1, v, sizeof(v) - 1                             \
	}

struct kvcase {
	struct kv   kv[6];
	size_t      n;
	int         want;
	const char *field;  /* expected failing field, or NULL */
	const char *reason; /* expected reason, or NULL to skip */
};

static void
test_kv(void)
{
	static const struct kvcase t[] = {
	    {{KV("title", "N\xc3\xa9t \xc4\x91\xe1\xba\xb9p")},
	     1,
	     1,
	     NULL,
	     NULL},
	    {{KV("caption", "x")}, 1, 0, "title", "is required"},
	    {{KV("title", "")}, 1, 0, "title", "is required"},
	    {{KV("title", "  ")}, 1, 0, "title", "is blank"},
	    {{KV("title", "a\x01")}, 1, 0, "title", NULL},
	    {{KV("title", "a"), KV("title", "b")},
	     2,
	     0,
	     "title",
	     "is given more than once"},
	    {{KV("title", "a"), KV("limit", "0")},
	     2,
	     0,
	     "limit",
	     "is out of range"},
	    {{KV("title", "a"), KV("limit", "abc")},
	     2,
	     0,
	     "limit",
	     "is not a whole number"},
	    {{KV("title", "a"), KV("limit", "")}, 2, 1, NULL, NULL},
	    {{KV("title", "a"), KV("sort", "old")}, 2, 0, "sort", NULL},
	    {{KV("title", "a"), KV("from", "2025-02-30T00:00")},
	     2,
	     0,
	     "from",
	     NULL},
	    {{KV("title", "a"), KV("unknown", "\x01"), KV("_", "123")},
	     3,
	     1,
	     NULL,
	     NULL},
	    /* The first failure in table order wins, not in input order. */
	    {{KV("limit", "x"), KV("title", "")}, 2, 0, "title", NULL},
	};
	struct valid_value out[FIELD__MAX];
	struct valid_error err;
	size_t             i;

	for (i = 0; i < UNIT_NELEM(t); i++) {
		int r =
		    valid_kv(fields, FIELD__MAX, t[i].kv, t[i].n, out, &err);

		UNIT_CHECK(r == t[i].want, "valid_kv row %zu", i);
		if (t[i].field == NULL)
			UNIT_CHECK(err.field == NULL, "valid_kv row %zu field",
			           i);
		else
			UNIT_CHECK(err.field != NULL &&
			               strcmp(err.field, t[i].field) == 0,
			           "valid_kv row %zu field %s", i,
			           err.field ? err.field : "(null)");
		if (t[i].reason != NULL)
			UNIT_CHECK(err.reason != NULL &&
			               strcmp(err.reason, t[i].reason) == 0,
			           "valid_kv row %zu reason %s", i,
			           err.reason ? err.reason : "(null)");
		if (!r)
			UNIT_CHECK(err.reason != NULL, "row %zu has reason", i);
	}

	/* Typed values of a full, valid set. */
	{
		static const struct kv kv[] = {
		    KV("from", "2025-03-01T08:00"),
		    KV("sort", "votes"),
		    KV("limit", "20"),
		    KV("title", "Tu\xe1\xbb\x95i tr\xe1\xba\xbb"),
		};
		int r = valid_kv(fields, FIELD__MAX, kv, 4, out, NULL);

		UNIT_CHECK(r == 1, "full set");
		UNIT_CHECK(out[FIELD_TITLE].present &&
		               out[FIELD_TITLE].len == 12 &&
		               strcmp(out[FIELD_TITLE].s, kv[3].val) == 0,
		           "title value");
		UNIT_CHECK(!out[FIELD_CAPTION].present &&
		               out[FIELD_CAPTION].len == 0 &&
		               strcmp(out[FIELD_CAPTION].s, "") == 0,
		           "caption absent");
		UNIT_CHECK_INT(out[FIELD_LIMIT].i, 20, "limit");
		UNIT_CHECK_INT(out[FIELD_SORT].i, 1, "sort index");
		UNIT_CHECK_INT(out[FIELD_FROM].i, 1740790800, "from epoch");
		UNIT_CHECK(out[FIELD_FROM].present, "from present");
	}
	UNIT_CHECK(valid_kv(fields, FIELD__MAX, NULL, 0, out, NULL) == 0,
	           "no pairs: title required");
	UNIT_CHECK(kv_find(NULL, 0, "x") == NULL, "kv_find on nothing");
}

/* Who may read /metrics (NETDEP_METRICS_ALLOW). */
static void
test_addr_in(void)
{
	static const struct {
		const char *list, *addr;
		int         want;
	} t[] = {
	    {"127.0.0.0/8, ::1", "127.0.0.1", 1},
	    {"127.0.0.0/8, ::1", "127.64.3.9", 1},
	    {"127.0.0.0/8, ::1", "::1", 1},
	    {"127.0.0.0/8, ::1", "::2", 0},
	    {"127.0.0.0/8, ::1", "128.0.0.1", 0},
	    {"127.0.0.0/8, ::1", "203.0.113.7", 0},
	    {"127.0.0.1/32", "127.0.0.1", 1},
	    {"127.0.0.1/32", "127.0.0.2", 0},
	    {"127.0.0.1", "127.0.0.1", 1}, /* no /bits: one address */
	    {"10.0.0.0/8,192.168.1.0/24", "192.168.1.200", 1},
	    {"10.0.0.0/8,192.168.1.0/24", "192.168.2.1", 0},
	    {"10.1.2.0/23", "10.1.3.255", 1}, /* a prefix off a byte */
	    {"10.1.2.0/23", "10.1.4.0", 0},
	    {"0.0.0.0/0", "198.51.100.1", 1},
	    {"0.0.0.0/0", "2001:db8::1", 0}, /* families never mix */
	    {"2001:db8::/32", "2001:db8:ffff::1", 1},
	    {"2001:db8::/32", "2001:db9::1", 0},
	    {"127.0.0.0/8", "::ffff:127.0.0.1", 1}, /* IPv4-mapped */
	    {"127.0.0.0/8", "", 0},
	    {"127.0.0.0/8", "127.0.0.1 ", 0},
	    {"127.0.0.0/8", "localhost", 0},
	    {"127.0.0.0/33", "127.0.0.1", 0}, /* a bad block never matches */
	    {"127.0.0.0/x", "127.0.0.1", 0},
	    {"", "127.0.0.1", 0},
	};

	for (size_t i = 0; i < UNIT_NELEM(t); i++)
		UNIT_CHECK(valid_addr_in(t[i].list, t[i].addr) == t[i].want,
		           "valid_addr_in(\"%s\", \"%s\") != %d", t[i].list,
		           t[i].addr, t[i].want);
	UNIT_CHECK(valid_addr_in(NULL, "127.0.0.1") == 0, "NULL list");
}

int
main(void)
{
	test_utf8();
	test_username();
	test_password();
	test_line();
	test_block();
	test_slug();
	test_int();
	test_id_list();
	test_email();
	test_phone();
	test_timestamp();
	test_kv();
	test_addr_in();
	return unit_report();
}
