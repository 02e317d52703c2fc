/*
 * admin_unit.c: `netdep-admin unit ...`, the unit tree from the command
 * line (issue 15): import a CSV file (all of it or nothing), export the
 * tree as the same CSV, list the free-text unit names not mapped yet and
 * map one to a node.  The same data layer and SQL functions as the web
 * admin's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../csv.h"
#include "../db_unit.h"
#include "../unitcsv.h"
#include "../valid.h"
#include "admin.h"

/* The largest file `unit import` reads (a whole country's tree fits). */
#define UNIT_FILE_MAX (64L * 1024 * 1024)

static const struct db_actor unit_actor = {NULL, "netdep-admin", NULL};

/* Reads path whole into a new buffer (*len bytes); NULL after reporting. */
static char *
unit_read_file(const char *path, size_t *len)
{
	FILE  *f = fopen(path, "rb");
	char  *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL) {
		admin_fail("cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			char *t;

			if (cap >= (size_t)UNIT_FILE_MAX) {
				admin_fail("%s is larger than 64 MB", path);
				break;
			}
			cap = cap ? cap * 2 : 65536;
			if ((t = realloc(buf, cap)) == NULL) {
				admin_fail("out of memory reading %s", path);
				break;
			}
			buf = t;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				admin_fail("cannot read %s", path);
				break;
			}
			fclose(f);
			*len = n;
			return buf;
		}
	}
	fclose(f);
	free(buf);
	return NULL;
}

/* Prints each bad line as FILE:LINE: message on standard error. */
static void
unit_print_errors(const char *path, json_t *errors)
{
	size_t  i;
	json_t *e;

	json_array_foreach(errors, i, e)
	{
		fprintf(
		    stderr, "%s:%lld: %s\n", path,
		    (long long)json_integer_value(json_object_get(e, "line")),
		    json_string_value(json_object_get(e, "message")));
	}
	fprintf(stderr,
	        "netdep-admin: %zu bad line(s) in %s; nothing was changed\n",
	        json_array_size(errors), path);
}

/* Runs the import of the parsed rows in one transaction. */
static int
unit_import_rows(const char *path, json_t *rows)
{
	struct admin_run run = {0};
	const char      *json = NULL;
	char            *text = json_dumps(rows, JSON_COMPACT);
	json_t          *ans = NULL, *errors;
	int              rc = ADMIN_EXIT_FAIL;

	if (text == NULL) {
		admin_fail("out of memory");
		return ADMIN_EXIT_FAIL;
	}
	if (admin_start(&run, 0) == 0 &&
	    db_unit_import(run.db, &run.a, text, &unit_actor, &json) == DB_OK &&
	    (ans = json_loads(json, 0, NULL)) != NULL) {
		errors = json_object_get(ans, "errors");
		if (json_array_size(errors) > 0)
			unit_print_errors(path, errors);
		else
			rc = ADMIN_EXIT_OK;
	}
	free(text);
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK)
		printf("units: %lld created, %lld updated, %lld unchanged\n",
		       (long long)json_integer_value(
		           json_object_get(ans, "created")),
		       (long long)json_integer_value(
		           json_object_get(ans, "updated")),
		       (long long)json_integer_value(
		           json_object_get(ans, "unchanged")));
	json_decref(ans);
	arena_free(&run.a);
	return rc;
}

int
admin_unit_import(int argc, char **argv)
{
	json_t *rows, *errors;
	char   *buf;
	size_t  len = 0;
	int     rc;

	if (argc != 1)
		return admin_usage("unit import needs one FILE.csv");
	if ((buf = unit_read_file(argv[0], &len)) == NULL)
		return ADMIN_EXIT_FAIL;
	rc = unitcsv_parse(buf, len, &rows, &errors);
	free(buf);
	if (rc != 0) {
		admin_fail("out of memory reading %s", argv[0]);
		return ADMIN_EXIT_FAIL;
	}
	if (json_array_size(errors) > 0) {
		unit_print_errors(argv[0], errors);
		rc = ADMIN_EXIT_FAIL;
	} else {
		rc = unit_import_rows(argv[0], rows);
	}
	json_decref(rows);
	json_decref(errors);
	return rc;
}

static const char *const unit_head[DB_UNIT_EXPORT_COLS] = {
    "code",       "name",     "short_name", "kind",    "parent",
    "valid_from", "valid_to", "successors", "members", "members_as_of",
};

int
admin_unit_export(int argc, char **argv)
{
	struct admin_run run = {0};
	struct db_table  t = {0};
	struct csv       c;
	FILE            *out = stdout;
	int              rc = ADMIN_EXIT_FAIL;

	if (argc > 1)
		return admin_usage("unit export takes at most a FILE");
	if (admin_start(&run, 1) == 0 &&
	    db_unit_export(run.db, &run.a, &t) >= 0)
		rc = ADMIN_EXIT_OK;
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK) {
		csv_init(&c, &run.a);
		csv_rows(&c, unit_head, 1, DB_UNIT_EXPORT_COLS);
		csv_rows(&c, t.cells, t.nrows, t.ncols);
		if (argc == 1 && (out = fopen(argv[0], "wb")) == NULL) {
			admin_fail("cannot write %s: %s", argv[0],
			           strerror(errno));
			rc = ADMIN_EXIT_FAIL;
		} else if (c.err || fwrite(c.buf, 1, c.len, out) != c.len ||
		           (out != stdout ? fclose(out) : fflush(out)) != 0) {
			admin_fail("cannot write the export");
			rc = ADMIN_EXIT_FAIL;
		}
	}
	arena_free(&run.a);
	return rc;
}

int
admin_unit_unmapped(int argc, char **argv)
{
	struct admin_run run = {0};
	const char      *json = NULL;
	json_t          *list = NULL, *e;
	size_t           i;
	int              rc = ADMIN_EXIT_FAIL;

	(void)argv;
	if (argc != 0)
		return admin_usage("unit unmapped takes no arguments");
	if (admin_start(&run, 1) == 0 &&
	    db_unit_unmapped(run.db, &run.a, &json) == DB_OK &&
	    (list = json_loads(json, 0, NULL)) != NULL)
		rc = ADMIN_EXIT_OK;
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK) {
		printf("name\taccounts\tentries\n");
		json_array_foreach(list, i, e)
		{
			printf("%s\t%lld\t%lld\n",
			       json_string_value(json_object_get(e, "name")),
			       (long long)json_integer_value(
			           json_object_get(e, "accounts")),
			       (long long)json_integer_value(
			           json_object_get(e, "entries")));
		}
	}
	json_decref(list);
	arena_free(&run.a);
	return rc;
}

int
admin_unit_map(int argc, char **argv)
{
	struct admin_run run = {0};
	struct db_answer ans = {0};
	int              rc = ADMIN_EXIT_FAIL;

	if (argc != 2)
		return admin_usage("unit map needs a NAME and a unit CODE");
	if (!valid_line(argv[0], strlen(argv[0]), 1, 200) ||
	    !valid_line(argv[1], strlen(argv[1]), 1, 64))
		return admin_usage("unit map: NAME is 1-200 characters, CODE "
		                   "a unit's code");
	if (admin_start(&run, 0) == 0 &&
	    db_unit_map(run.db, &run.a, argv[0], argv[1], &unit_actor, &ans) ==
	        DB_OK) {
		if (strcmp(ans.outcome, "ok") == 0)
			rc = ADMIN_EXIT_OK;
		else if (strcmp(ans.outcome, "no_unit") == 0)
			admin_fail("no unit has the code %s", argv[1]);
		else
			admin_fail("no account or entry carries the unmapped "
			           "unit name \"%s\"",
			           argv[0]);
	}
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK)
		printf("mapped \"%s\" to %s: %s (accounts entries)\n", argv[0],
		       argv[1], ans.detail ? ans.detail : "");
	arena_free(&run.a);
	return rc;
}
