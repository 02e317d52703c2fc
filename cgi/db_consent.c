/*
 * db_consent.c: the statements of consent, minors and data rights
 * (db_consent.h).
 */
#include "db_consent.h"

#include "stmt.h"

enum consent_q {
	Q_TEXTS,      /* Q_TEXTS */
	Q_OF,         /* Q_OF */
	Q_UPLOAD,     /* Q_UPLOAD */
	Q_GUARDIAN,   /* Q_GUARDIAN */
	Q_BIRTH_YEAR, /* Q_BIRTH_YEAR */
	Q_DATA,       /* Q_DATA */
	Q_ERASE,      /* Q_ERASE */
	Q__MAX
};

/* The one column of Q_UPLOAD, Q_GUARDIAN, Q_BIRTH_YEAR and Q_ERASE. */
enum one_col {
	ONE_VALUE, /* ONE_VALUE */
	ONE__MAX
};

static const struct stmt q[Q__MAX] = {
    [Q_TEXTS] = {"consent_texts", "SELECT consent_current_json()", 0,
                 DB_JSON__MAX},
    [Q_OF] = {"consent_of", "SELECT account_consent_json($1::bigint)", 1,
              DB_JSON__MAX},
    [Q_UPLOAD] = {"consent_upload",
                  "SELECT consent_accept($1::bigint, ARRAY['rules', "
                  "'publication'], $2::bigint, $3)",
                  3, ONE__MAX},
    [Q_GUARDIAN] = {"consent_guardian",
                    "SELECT guardian_consent($1::bigint, $2, $3, $4)", 4,
                    ONE__MAX},
    [Q_BIRTH_YEAR] = {"consent_birth_year",
                      "SELECT 1 FROM account_birth_year_set($1::bigint, "
                      "$2::integer, $3)",
                      3, ONE__MAX},
    [Q_DATA] = {"account_data", "SELECT account_data($1::bigint)", 1,
                DB_JSON__MAX},
    [Q_ERASE] = {"account_erase",
                 "SELECT token FROM account_erase($1::bigint, $2)", 2,
                 ONE__MAX},
};

const struct stmt_set db_consent_set = {"db_consent", q, Q__MAX};

int
db_consent_texts(struct db *db, struct arena *a, const char **json)
{
	return db_json(db, a, &q[Q_TEXTS], NULL, json);
}

DB_READ_JSON1(db_consent_of, &q[Q_OF], account)

DB_READ_JSON1(db_account_data, &q[Q_DATA], account)

int
db_consent_upload(struct db *db, struct arena *a, const char *account,
                  const char *entry, const char *ip)
{
	struct rows rs;
	int         rc = db_exec(db, a, &q[Q_UPLOAD],
	                         (const char *[]){account, entry, ip}, &rs);

	/* Two texts are always there (migration 040): fewer is an error. */
	return rc == DB_OK && rows_ll(&rs, 0, ONE_VALUE, 0) < 2 ? DB_ERR : rc;
}

int
db_consent_guardian(struct db *db, struct arena *a, const char *account,
                    const char *name, const char *contact, const char *ip)
{
	struct rows rs;
	int         rc = db_exec(db, a, &q[Q_GUARDIAN],
	                         (const char *[]){account, name, contact, ip}, &rs);

	return rc == DB_OK && rows_ll(&rs, 0, ONE_VALUE, 0) < 1 ? DB_ERR : rc;
}

int
db_consent_birth_year(struct db *db, struct arena *a, const char *account,
                      const char *year, const char *ip)
{
	struct rows rs;

	return db_exec(db, a, &q[Q_BIRTH_YEAR],
	               (const char *[]){account, year, ip}, &rs);
}

int
db_account_erase(struct db *db, struct arena *a, const char *account,
                 const char *ip, struct db_table *tokens)
{
	return db_table(db, a, &q[Q_ERASE], (const char *[]){account, ip},
	                tokens);
}
