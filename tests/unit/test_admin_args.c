/*
 * test_admin_args.c: table-driven tests of netdep-admin's command-line
 * splitting (admin_args.c).  The admin tool's sources are not part of
 * libnetdep.a, so the one pure module under test is compiled in here.
 */
#include "../../cgi/admin/admin_args.c"

#include <string.h>

#include "unit.h"

static const char *const names[] = {"title", "vote-from", "categories"};
#define NNAMES UNIT_NELEM(names)

/* One command line and what admin_args_parse must make of it. */
struct parse_case {
	const char *argv[8]; /* NULL-terminated */
	int         ok;
	const char *want[NNAMES]; /* option values, NULL = absent */
	size_t      npos;
	const char *pos0;
	const char *err; /* substring of the message when !ok */
};

static const struct parse_case parse_cases[] = {
    {{"slug", NULL}, 1, {NULL, NULL, NULL}, 1, "slug", NULL},
    {{"slug", "--title", "T", NULL}, 1, {"T", NULL, NULL}, 1, "slug", NULL},
    {{"--title=T", "slug", NULL}, 1, {"T", NULL, NULL}, 1, "slug", NULL},
    {{"--title=", "slug", NULL}, 1, {"", NULL, NULL}, 1, "slug", NULL},
    {{"--title", "", "slug", NULL}, 1, {"", NULL, NULL}, 1, "slug", NULL},
    {{"--title", "--vote-from", NULL},
     1,
     {"--vote-from", NULL, NULL},
     0,
     NULL,
     NULL},
    {{"--title=a=b", "s", NULL}, 1, {"a=b", NULL, NULL}, 1, "s", NULL},
    {{"--", "--title", NULL}, 1, {NULL, NULL, NULL}, 1, "--title", NULL},
    {{"s", "--categories", "A,B", "--vote-from", "2026-01-01T00:00", NULL},
     1,
     {NULL, "2026-01-01T00:00", "A,B"},
     1,
     "s",
     NULL},
    {{"s", "--titles", "x", NULL},
     0,
     {NULL, NULL, NULL},
     0,
     NULL,
     "unknown option '--titles'"},
    {{"s", "--title", "a", "--title=b", NULL},
     0,
     {NULL, NULL, NULL},
     0,
     NULL,
     "more than once"},
    {{"s", "--title", NULL}, 0, {NULL, NULL, NULL}, 0, NULL, "needs a value"},
    {{"a", "b", NULL},
     0,
     {NULL, NULL, NULL},
     0,
     NULL,
     "unexpected argument 'b'"},
    {{"--vote", "x", NULL},
     0,
     {NULL, NULL, NULL},
     0,
     NULL,
     "unknown option '--vote'"},
};

static void
test_parse(void)
{
	size_t i, k, npos;
	int    argc, ok;
	char   err[128];

	for (i = 0; i < UNIT_NELEM(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		const char              *vals[NNAMES] = {NULL};
		const char              *pos[1] = {NULL};

		for (argc = 0; c->argv[argc] != NULL; argc++)
			;
		err[0] = '\0';
		ok = admin_args_parse(argc, (char *const *)c->argv, names,
		                      NNAMES, vals, pos, 1, &npos, err,
		                      sizeof(err));
		if (!UNIT_CHECK(ok == c->ok, "case %zu: ok %d, want %d (%s)", i,
		                ok, c->ok, err))
			continue;
		if (!ok) {
			UNIT_CHECK(strstr(err, c->err) != NULL,
			           "case %zu: message '%s' lacks '%s'", i, err,
			           c->err);
			continue;
		}
		UNIT_CHECK_INT(npos, c->npos, "positional count");
		if (c->pos0 != NULL)
			UNIT_CHECK(npos > 0 && strcmp(pos[0], c->pos0) == 0,
			           "case %zu: first argument", i);
		for (k = 0; k < NNAMES; k++)
			UNIT_CHECK((vals[k] == NULL && c->want[k] == NULL) ||
			               (vals[k] != NULL && c->want[k] != NULL &&
			                strcmp(vals[k], c->want[k]) == 0),
			           "case %zu: option %s is '%s', want '%s'", i,
			           names[k], vals[k] ? vals[k] : "(none)",
			           c->want[k] ? c->want[k] : "(none)");
	}
}

static const struct {
	const char *arg;
	int         ok;
	int         key; /* index in names when ok */
	const char *val;
} keyval_cases[] = {
    {"title=Hello", 1, 0, "Hello"},
    {"title=", 1, 0, ""},
    {"vote-from=2026-01-01T00:00", 1, 1, "2026-01-01T00:00"},
    {"categories=A=B,C", 1, 2, "A=B,C"},
    {"title", 0, 0, NULL},
    {"=x", 0, 0, NULL},
    {"Title=x", 0, 0, NULL},
    {"titl=x", 0, 0, NULL},
};

static void
test_keyval(void)
{
	size_t i;
	char   err[128];

	for (i = 0; i < UNIT_NELEM(keyval_cases); i++) {
		const char *vals[NNAMES] = {NULL};
		int         ok;

		ok = admin_args_keyval(keyval_cases[i].arg, names, NNAMES, vals,
		                       err, sizeof(err));
		if (!UNIT_CHECK(ok == keyval_cases[i].ok, "keyval '%s'",
		                keyval_cases[i].arg) ||
		    !ok)
			continue;
		UNIT_CHECK(vals[keyval_cases[i].key] != NULL &&
		               strcmp(vals[keyval_cases[i].key],
		                      keyval_cases[i].val) == 0,
		           "keyval '%s': value", keyval_cases[i].arg);
	}

	/* The same key twice is refused. */
	{
		const char *vals[NNAMES] = {NULL};

		UNIT_CHECK(admin_args_keyval("title=a", names, NNAMES, vals,
		                             err, sizeof(err)) == 1,
		           "first title");
		UNIT_CHECK(admin_args_keyval("title=b", names, NNAMES, vals,
		                             err, sizeof(err)) == 0 &&
		               strstr(err, "more than once") != NULL,
		           "second title refused");
		UNIT_CHECK(strcmp(vals[0], "a") == 0, "first value kept");
	}
}

int
main(void)
{
	test_parse();
	test_keyval();
	return unit_report();
}
