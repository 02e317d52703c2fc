/*
 * db_cert.c: the statements of certificates (db_cert.h).
 */
#include "db_cert.h"

#include <stdio.h>

#include "stmt.h"

enum cert_q {
	Q_FILL,     /* Q_FILL */
	Q_DUE,      /* Q_DUE */
	Q_MADE,     /* Q_MADE */
	Q_PUBLIC,   /* Q_PUBLIC */
	Q_OF,       /* Q_OF */
	Q_LIST,     /* Q_LIST */
	Q_SETTINGS, /* Q_SETTINGS */
	Q__MAX
};

enum one_col {
	ONE_VALUE, /* ONE_VALUE */
	ONE__MAX
};

/* Columns of Q_DUE, as certificates_due() answers them. */
enum due_col {
	DUE_CODE,      /* DUE_CODE */
	DUE_CONTEST,   /* DUE_CONTEST */
	DUE_ORGANISER, /* DUE_ORGANISER */
	DUE_LABEL,     /* DUE_LABEL */
	DUE_AUTHOR,    /* DUE_AUTHOR */
	DUE_UNIT,      /* DUE_UNIT */
	DUE_TITLE,     /* DUE_TITLE */
	DUE_NUMBER,    /* DUE_NUMBER */
	DUE_THUMB,     /* DUE_THUMB: the entry's media token */
	DUE_ISSUED,    /* DUE_ISSUED */
	DUE__MAX
};

enum list_col {
	LIST_CODE, /* LIST_CODE */
	LIST_STEM, /* LIST_STEM: <number>-<track>-<place> */
	LIST__MAX
};

static const struct stmt q[Q__MAX] = {
    [Q_FILL] = {"cert_fill", "SELECT certificates_fill()", 0, ONE__MAX},
    [Q_DUE] = {"cert_due", "SELECT * FROM certificates_due($1::integer)", 1,
               DUE__MAX},
    [Q_MADE] = {"cert_made", "SELECT 1 FROM certificate_made($1, $2::boolean)",
                2, ONE__MAX},
    [Q_PUBLIC] = {"cert_public", "SELECT certificate_public($1)", 1,
                  DB_JSON__MAX},
    [Q_OF] = {"cert_of", "SELECT account_certificates($1::bigint)", 1,
              DB_JSON__MAX},
    [Q_LIST] = {"cert_list",
                "SELECT k.code, e.number || '-' || k.track || '-' || "
                "k.place FROM certificates k JOIN entries e ON e.id = "
                "k.entry_id WHERE k.contest_id = $1::bigint AND k.status "
                "= 'ready' ORDER BY e.number, k.track",
                1, LIST__MAX},
    [Q_SETTINGS] = {"cert_settings",
                    "SELECT certificate_settings_set($1::bigint, $2, "
                    "$3::boolean, $4::bigint, $5, $6)",
                    6, DB_JSON__MAX},
};

const struct stmt_set db_cert_set = {"db_cert", q, Q__MAX};

int
db_cert_fill(struct db *db, struct arena *a, long long *queued)
{
	struct rows rs;
	int         rc = db_exec(db, a, &q[Q_FILL], NULL, &rs);

	*queued = rc == DB_OK ? rows_ll(&rs, 0, ONE_VALUE, 0) : 0;
	return rc;
}

int
db_cert_due(struct db *db, struct arena *a, int max, struct db_cert_due *out,
            int *n)
{
	struct rows rs;
	char        m[16];
	int         rc;

	*n = 0;
	snprintf(m, sizeof(m), "%d", max);
	rc = db_exec(db, a, &q[Q_DUE], (const char *[]){m}, &rs);
	if (rc != DB_OK)
		return rc;
	for (int i = 0; i < rs.nrows && i < max; i++) {
		out[i] = (struct db_cert_due){
		    .code = rows_str(&rs, i, DUE_CODE, ""),
		    .contest_title = rows_str(&rs, i, DUE_CONTEST, ""),
		    .organiser = rows_str(&rs, i, DUE_ORGANISER, ""),
		    .label = rows_str(&rs, i, DUE_LABEL, ""),
		    .author = rows_str(&rs, i, DUE_AUTHOR, ""),
		    .unit = rows_str(&rs, i, DUE_UNIT, ""),
		    .entry_title = rows_str(&rs, i, DUE_TITLE, ""),
		    .thumb_token = rows_str(&rs, i, DUE_THUMB, NULL),
		    .issued = rows_str(&rs, i, DUE_ISSUED, ""),
		    .entry_number = (int)rows_ll(&rs, i, DUE_NUMBER, 0)};
		(*n)++;
	}
	return DB_OK;
}

int
db_cert_made(struct db *db, struct arena *a, const char *code, int ok)
{
	struct rows rs;

	return db_exec(db, a, &q[Q_MADE],
	               (const char *[]){code, ok ? "true" : "false"}, &rs);
}

DB_READ_JSON1(db_cert_public, &q[Q_PUBLIC], code)

DB_READ_JSON1(db_cert_of, &q[Q_OF], account)

int
db_cert_list(struct db *db, struct arena *a, const char *contest,
             struct db_table *out)
{
	return db_table(db, a, &q[Q_LIST], (const char *[]){contest}, out);
}

int
db_cert_settings(struct db *db, struct arena *a, const char *contest,
                 const char *organiser, const char *all,
                 const struct db_actor *by, const char **json)
{
	return db_json(
	    db, a, &q[Q_SETTINGS],
	    (const char *[]){contest, organiser, all, by->id, by->name, by->ip},
	    json);
}
