/*
 * test_core.c: table-driven tests of the small core modules: the arena,
 * the HTML escaper, log escaping, the environment configuration and the
 * array literals of db.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "html.h"
#include "log.h"
#include "unit.h"

static void
test_arena(void)
{
	struct arena a;
	char        *p, *big;
	size_t       i;

	arena_init(&a, 0);
	p = arena_strdup(&a, "Nét đẹp");
	UNIT_CHECK(p != NULL && strcmp(p, "Nét đẹp") == 0, "strdup");
	UNIT_CHECK(((uintptr_t)arena_alloc(&a, 3) & 15) == 0, "aligned");
	big = arena_alloc(&a, 1 << 20); /* larger than a block */
	UNIT_CHECK(big != NULL, "big allocation");
	for (i = 0; i < (1 << 20) && big[i] == 0; i++)
		;
	UNIT_CHECK_INT(i, 1 << 20, "big allocation is zeroed");
	p = arena_printf(&a, "%d-%s", 42, "x");
	UNIT_CHECK(p != NULL && strcmp(p, "42-x") == 0, "printf");
	arena_reset(&a);
	UNIT_CHECK_INT(a.used, 0, "reset empties");
	UNIT_CHECK(a.head != NULL, "reset keeps a block for the next request");
	arena_free(&a);

	arena_init(&a, 1000);
	UNIT_CHECK(arena_alloc(&a, 900) != NULL, "under the limit");
	UNIT_CHECK(arena_alloc(&a, 200) == NULL, "over the limit refused");
	UNIT_CHECK(arena_alloc(&a, SIZE_MAX) == NULL, "SIZE_MAX refused");
	arena_free(&a);
}

static void
test_html(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"", ""},
	    {"plain", "plain"},
	    {"<script>alert(1)</script>",
	     "&lt;script&gt;alert(1)&lt;/script&gt;"},
	    {"a & b", "a &amp; b"},
	    {"\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;"},
	    {"&amp;", "&amp;amp;"},
	    {"Nét đẹp <đoàn viên>", "Nét đẹp &lt;đoàn viên&gt;"},
	    {"\xe2\x80\x8f"
	     "rtl",
	     "\xe2\x80\x8f"
	     "rtl"},
	    {"x\" onerror=\"y", "x&quot; onerror=&quot;y"},
	};
	struct arena a;

	arena_init(&a, 0);
	for (size_t i = 0; i < UNIT_NELEM(cases); i++) {
		struct html h;

		html_init(&h, &a);
		html_raw(&h, "[");
		html_esc(&h, cases[i].in);
		html_raw(&h, "]");
		UNIT_CHECK(!h.failed && h.len == strlen(cases[i].want) + 2 &&
		               memcmp(h.buf + 1, cases[i].want,
		                      strlen(cases[i].want)) == 0,
		           "html_esc case %zu: got %s", i, h.buf ? h.buf : "");
	}
	arena_free(&a);
}

static void
test_log_escape(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"GET /a", "GET /a"},
	    {"x\nforged line", "x\\u000aforged line"},
	    {"tab\tand\r", "tab\\u0009and\\u000d"},
	    {"quote\" back\\", "quote\\\" back\\\\"},
	    {"đ", "đ"},
	};
	char buf[64];

	for (size_t i = 0; i < UNIT_NELEM(cases); i++) {
		log_escape(buf, sizeof(buf), cases[i].in, strlen(cases[i].in));
		UNIT_CHECK(strcmp(buf, cases[i].want) == 0,
		           "log_escape case %zu: got %s", i, buf);
	}
	/* Truncation never splits an escape or overflows. */
	log_escape(buf, 8, "\n\n\n", 3);
	UNIT_CHECK(strcmp(buf, "\\u000a") == 0, "truncated: %s", buf);
	log_escape(buf, 6, "\n\n\n", 3);
	UNIT_CHECK(strcmp(buf, "") == 0, "truncated: %s", buf);
}

static void
test_config(void)
{
	static const struct {
		const char *var, *val;
		int         ok;
	} cases[] = {
	    {"NETDEP_WORKERS", "4", 1},
	    {"NETDEP_WORKERS", "0", 0},
	    {"NETDEP_WORKERS", "4x", 0},
	    {"NETDEP_WORKERS", "99999", 0},
	    {"NETDEP_SOCKET_MODE", "0600", 1},
	    {"NETDEP_SOCKET_MODE", "0777", 0},
	    {"NETDEP_MAX_JSON", "-1", 0},
	    {"NETDEP_SITE_URL", "https://anh.example.vn", 1},
	    {"NETDEP_SITE_URL", "ftp://x", 0},
	};
	struct config cfg;

	for (size_t i = 0; i < UNIT_NELEM(cases); i++) {
		int rc;

		setenv(cases[i].var, cases[i].val, 1);
		rc = config_load(&cfg);
		UNIT_CHECK((rc == 0) == cases[i].ok, "config %s=%s: rc %d",
		           cases[i].var, cases[i].val, rc);
		unsetenv(cases[i].var);
	}
	setenv("NETDEP_SITE_URL", "https://anh.example.vn", 1);
	UNIT_CHECK(config_load(&cfg) == 0 && cfg.secure_cookie == 1,
	           "https site sets Secure cookies");
	unsetenv("NETDEP_SITE_URL");
	UNIT_CHECK(config_load(&cfg) == 0 && cfg.secure_cookie == 0 &&
	               cfg.workers >= 2,
	           "defaults");
}

/* db_array: quoted and escaped elements, NULL, numbers, the empty array. */
static void
test_db_array(void)
{
	struct arena    a;
	struct db_array x = {0}, none = {0}, big = {0};
	const char     *lit;
	int             bad = 0;

	arena_init(&a, 0);
	bad |= db_array_add(&a, &x, "ab");
	bad |= db_array_add(&a, &x, NULL);
	bad |= db_array_add(&a, &x, "q\"b\\,{}");
	bad |= db_array_add(&a, &x, "");
	bad |= db_array_add_int(&a, &x, -9223372036854775807LL - 1);
	lit = db_array_end(&a, &x);
	UNIT_CHECK(bad == 0 && lit != NULL &&
	               strcmp(lit, "{\"ab\",NULL,\"q\\\"b\\\\,{}\",\"\","
	                           "\"-9223372036854775808\"}") == 0,
	           "elements: %s", lit ? lit : "(null)");
	lit = db_array_end(&a, &none);
	UNIT_CHECK(lit != NULL && strcmp(lit, "{}") == 0, "empty: %s",
	           lit ? lit : "(null)");
	/* Grows past its first block, element by element. */
	for (int i = 0; i < 1000; i++)
		bad |= db_array_add_int(&a, &big, i);
	lit = db_array_end(&a, &big);
	UNIT_CHECK(bad == 0 && lit != NULL &&
	               strncmp(lit, "{\"0\",\"1\",", 9) == 0 &&
	               strcmp(lit + strlen(lit) - 7, ",\"999\"}") == 0,
	           "grown: %.20s", lit ? lit : "(null)");
	arena_free(&a);
}

int
main(void)
{
	test_arena();
	test_html();
	test_log_escape();
	test_config();
	test_db_array();
	return unit_report();
}
