/*
 * test_text.c: one spelling per text (cgi/text.c): NFC on the way in,
 * through the normaliser itself and through form_parse(), which every
 * query string and urlencoded body passes.
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "form.h"
#include "text.h"
#include "unit.h"
#include "valid.h"

#define S(x) x, sizeof(x) - 1

struct tcase {
	const char *in;
	size_t      len;
	int         rc;
	const char *want; /* NFC, when rc == TEXT_OK */
};

static void
test_nfc(void)
{
	static const struct tcase t[] = {
	    {S(""), TEXT_OK, ""},
	    {S("abc 123"), TEXT_OK, "abc 123"},
	    /* "Hoà" decomposed (a + U+0300) and precomposed (U+00E0). */
	    {S("Hoa\xcc\x80"), TEXT_OK, "Ho\xc3\xa0"},
	    {S("Ho\xc3\xa0"), TEXT_OK, "Ho\xc3\xa0"},
	    /* "Nguyễn": e + U+0302 + U+0303 -> U+1EC5. */
	    {S("Nguye\xcc\x82\xcc\x83n"), TEXT_OK, "Nguy\xe1\xbb\x85n"},
	    /* U+212A KELVIN SIGN is canonically "K". */
	    {S("\xe2\x84\xaaim"), TEXT_OK, "Kim"},
	    /* "đ" has no decomposition: unchanged. */
	    {S("\xc4\x91"), TEXT_OK, "\xc4\x91"},
	    {S("\xff"), TEXT_EBAD, NULL},
	    {S("a\xc3"), TEXT_EBAD, NULL},
	    {S("a\0b"), TEXT_EBAD, NULL},
	    {S("\xed\xa0\x80"), TEXT_EBAD, NULL}, /* a surrogate */
	};
	struct arena a;

	arena_init(&a, 1 << 16);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *out = "x";
		size_t      n = 99;
		int         rc = text_nfc(&a, t[i].in, t[i].len, &out, &n);

		UNIT_CHECK(rc == t[i].rc, "case %zu: rc %d", i, rc);
		if (t[i].rc != TEXT_OK) {
			UNIT_CHECK(out == NULL, "case %zu: out on error", i);
			continue;
		}
		UNIT_CHECK(n == strlen(t[i].want) &&
		               memcmp(out, t[i].want, n) == 0,
		           "case %zu: %.*s", i, (int)n, out);
		UNIT_CHECK(text_is_nfc(out, n), "case %zu: result is NFC", i);
		/* NFC twice is NFC once, and NFC input comes back as is. */
		{
			const char *again;
			size_t      m;

			UNIT_CHECK(text_nfc(&a, out, n, &again, &m) ==
			                   TEXT_OK &&
			               again == out && m == n,
			           "case %zu: idempotent", i);
		}
	}
	UNIT_CHECK(!text_is_nfc(S("Hoa\xcc\x80")), "decomposed is not NFC");
	UNIT_CHECK(!text_is_nfc(S("\xff")), "invalid is not NFC");
	arena_free(&a);
}

static void
test_form_is_nfc(void)
{
	struct arena a;
	struct kv   *kv;
	size_t       n;

	arena_init(&a, 1 << 16);
	/* q=Hoa%CC%80 decodes to "Hoa" + U+0300 and comes out as "Hoà". */
	UNIT_CHECK(form_parse(&a, (const uint8_t *)"q=Hoa%CC%80&k%CC%81=1", 21,
	                      &kv, &n) == FORM_OK &&
	               n == 2 && strcmp(kv[0].val, "Ho\xc3\xa0") == 0 &&
	               kv[0].vallen == 4 && strcmp(kv[1].key, "k\xcc\x81") != 0,
	           "form values and keys in NFC");
	UNIT_CHECK(form_parse(&a, (const uint8_t *)"q=%FF", 5, &kv, &n) ==
	               FORM_EBAD,
	           "invalid UTF-8 still refused");
	arena_free(&a);
}

static void
test_query_check(void)
{
	static const struct valid_field f = {"q", text_f_query, 1, SEARCH_Q_MAX,
	                                     0,   NULL};
	struct valid_value              v;
	char                            longq[SEARCH_Q_MAX + 2];

	memset(longq, 'a', sizeof(longq) - 1);
	longq[sizeof(longq) - 1] = '\0';
	UNIT_CHECK(text_f_query(S("nguyen thi ha"), &f, &v) == NULL, "ok");
	UNIT_CHECK(text_f_query(S("Ho\xc3\xa0"), &f, &v) == NULL, "NFC ok");
	UNIT_CHECK(text_f_query(S("Hoa\xcc\x80"), &f, &v) != NULL,
	           "decomposed refused");
	UNIT_CHECK(text_f_query(longq, strlen(longq), &f, &v) != NULL,
	           "too long refused");
	UNIT_CHECK(text_f_query(S("a\tb"), &f, &v) != NULL, "tab refused");
}

int
main(void)
{
	test_nfc();
	test_form_is_nfc();
	test_query_check();
	return unit_report();
}
