/*
 * admin_user.c: the account commands of netdep-admin: user create, user
 * password, user list, grant and revoke.  Every change is written to the
 * audit log in the same transaction; a role change ends the account's
 * sessions, so the user logs in again and gets a fresh one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../password.h"
#include "../valid.h"
#include "admin.h"
#include "admin_args.h"

#define USERNAME_RULE                                                          \
	"3 to 32 letters, digits, '_', '.' or '-', starting with a letter "    \
	"or digit"

/* Options of user create, in the order of the table below. */
enum uopt {
	UOPT_DISPLAY_NAME,
	UOPT_UNIT,
	UOPT_DISTRICT,
	UOPT_EMAIL,
	UOPT_PHONE,
	UOPT__MAX
};

static const char *const uopt_names[UOPT__MAX] = {
    "display-name", /* UOPT_DISPLAY_NAME */
    "unit",         /* UOPT_UNIT */
    "district",     /* UOPT_DISTRICT */
    "email",        /* UOPT_EMAIL */
    "phone",        /* UOPT_PHONE */
};

/* Options of grant and revoke. */
enum gopt { GOPT_CONTEST, GOPT__MAX };

static const char *const gopt_names[GOPT__MAX] = {
    "contest", /* GOPT_CONTEST */
};

/* Returns 1 when s is a well-formed username, else reports and 0. */
static int
username_ok(const char *s)
{
	if (valid_username(s, strlen(s)))
		return 1;
	admin_usage("'%s' is not a valid username: " USERNAME_RULE, s);
	return 0;
}

/*
 * Looks the account up whatever the case of name.  Returns 1 with its id
 * (and stored spelling when spelled is not NULL), 0 when there is none
 * (reported), -1 on error (reported).
 */
static int
find_account(struct admin_run *run, const char *name, const char **id,
             const char **spelled)
{
	const char     *p[1] = {name};
	struct adm_rows rs;

	if (admin_db_run(run->db, &run->a, ADM_ACCOUNT_FIND, p, &rs) != ADM_OK)
		return -1;
	if (rs.nrows == 0) {
		admin_fail("user '%s' does not exist", name);
		return 0;
	}
	*id = admin_db_val(&rs, 0, 0);
	if (spelled != NULL)
		*spelled = admin_db_val(&rs, 0, 1);
	return 1;
}

/*
 * Ends every session of the account.  Returns the number ended, or -1
 * (reported).
 */
static int
end_sessions(struct admin_run *run, const char *account_id)
{
	const char     *p[1] = {account_id};
	struct adm_rows rs;

	if (admin_db_run(run->db, &run->a, ADM_SESSIONS_END, p, &rs) != ADM_OK)
		return -1;
	return (int)strtol(
	    admin_db_val(&rs, 0, 0) ? admin_db_val(&rs, 0, 0) : "0", NULL, 10);
}

/* Serialises obj (and releases it) into arena text; NULL on failure. */
static char *
json_text(struct admin_run *run, json_t *obj)
{
	char *s, *copy = NULL;

	if (obj == NULL)
		return NULL;
	s = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (s != NULL)
		copy = arena_strdup(&run->a, s);
	free(s);
	if (copy == NULL)
		admin_fail("out of memory");
	return copy;
}

int
admin_user_create(int argc, char **argv)
{
	const char      *opt[UOPT__MAX] = {NULL};
	const char      *pos[1], *username, *display, *unit, *district;
	const char      *email, *phone, *id = NULL, *existing, *after;
	char             err[256], pw[ADMIN_PASSWORD_MAX + 2];
	char             hash[PASSWORD_HASH_MAX];
	size_t           npos, pwlen;
	struct admin_run run = {0};
	struct adm_rows  rs;
	int              rc = ADMIN_EXIT_FAIL, st;

	if (!admin_args_parse(argc, argv, uopt_names, UOPT__MAX, opt, pos, 1,
	                      &npos, err, sizeof(err)))
		return admin_usage("user create: %s", err);
	if (npos != 1)
		return admin_usage("user create needs a USERNAME");
	username = pos[0];
	if (!username_ok(username))
		return ADMIN_EXIT_USAGE;
	display =
	    opt[UOPT_DISPLAY_NAME] != NULL ? opt[UOPT_DISPLAY_NAME] : username;
	unit = opt[UOPT_UNIT] != NULL ? opt[UOPT_UNIT] : "";
	district = opt[UOPT_DISTRICT] != NULL ? opt[UOPT_DISTRICT] : "";
	email = opt[UOPT_EMAIL] != NULL && opt[UOPT_EMAIL][0] != '\0'
	            ? opt[UOPT_EMAIL]
	            : NULL;
	phone = opt[UOPT_PHONE] != NULL && opt[UOPT_PHONE][0] != '\0'
	            ? opt[UOPT_PHONE]
	            : NULL;
	if (!valid_line(display, strlen(display), 1, 80))
		return admin_usage("--display-name must be 1 to 80 "
		                   "characters of text on one line");
	if (!valid_line(unit, strlen(unit), 0, 120))
		return admin_usage("--unit must be at most 120 characters of "
		                   "text on one line");
	if (!valid_line(district, strlen(district), 0, 120))
		return admin_usage("--district must be at most 120 characters "
		                   "of text on one line");
	if (email != NULL && !valid_email(email, strlen(email)))
		return admin_usage("--email '%s' is not an e-mail address",
		                   email);
	if (phone != NULL && !valid_phone(phone, strlen(phone)))
		return admin_usage("--phone '%s' is not a phone number "
		                   "(digits, optional leading '+')",
		                   phone);

	/* Hash before the transaction: argon2id takes a while. */
	if (admin_read_password(pw, &pwlen) != 0)
		return ADMIN_EXIT_USAGE;
	if (sodium_init() < 0 || password_hash(pw, pwlen, hash) != 0) {
		sodium_memzero(pw, sizeof(pw));
		admin_fail("cannot hash the password (out of memory?)");
		return ADMIN_EXIT_FAIL;
	}
	sodium_memzero(pw, sizeof(pw));

	if (admin_start(&run, 0) != 0)
		goto out;
	{
		const char *p[7] = {username, display, unit, district,
		                    email,    phone,   hash};

		st = admin_db_run(run.db, &run.a, ADM_ACCOUNT_INSERT, p, &rs);
	}
	if (st == ADM_NONE) {
		admin_fail("the database refused the account: %s", rs.message);
		goto out;
	}
	if (st != ADM_OK)
		goto out;
	if (rs.nrows == 0) {
		/* Taken in some spelling: say which one. */
		if (find_account(&run, username, &id, &existing) == 1 &&
		    strcmp(existing, username) != 0)
			admin_fail("username '%s' is taken (as '%s'; usernames "
			           "ignore case)",
			           username, existing);
		else
			admin_fail("username '%s' is taken", username);
		goto out;
	}
	id = admin_db_val(&rs, 0, 0);
	after = json_text(&run, json_pack("{s:s, s:s, s:s, s:s}", "username",
	                                  username, "display_name", display,
	                                  "unit", unit, "district", district));
	if (after == NULL || admin_audit(&run, "account.create", "account", id,
	                                 NULL, NULL, after) != 0)
		goto out;
	rc = ADMIN_EXIT_OK;
out:
	sodium_memzero(hash, sizeof(hash));
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK)
		printf("created user '%s' (id %s)\n", username, id);
	arena_free(&run.a);
	return rc;
}

int
admin_user_password(int argc, char **argv)
{
	const char      *pos[1], *id = NULL, *spelled = NULL, *after;
	char             err[256], pw[ADMIN_PASSWORD_MAX + 2];
	char             hash[PASSWORD_HASH_MAX];
	size_t           npos, pwlen;
	struct admin_run run = {0};
	struct adm_rows  rs;
	int              rc = ADMIN_EXIT_FAIL, ended = 0, st;

	if (!admin_args_parse(argc, argv, NULL, 0, NULL, pos, 1, &npos, err,
	                      sizeof(err)))
		return admin_usage("user password: %s", err);
	if (npos != 1)
		return admin_usage("user password needs a USERNAME");
	if (!username_ok(pos[0]))
		return ADMIN_EXIT_USAGE;
	if (admin_read_password(pw, &pwlen) != 0)
		return ADMIN_EXIT_USAGE;
	if (sodium_init() < 0 || password_hash(pw, pwlen, hash) != 0) {
		sodium_memzero(pw, sizeof(pw));
		admin_fail("cannot hash the password (out of memory?)");
		return ADMIN_EXIT_FAIL;
	}
	sodium_memzero(pw, sizeof(pw));

	if (admin_start(&run, 0) != 0 ||
	    find_account(&run, pos[0], &id, &spelled) != 1)
		goto out;
	{
		const char *p[2] = {id, hash};

		st = admin_db_run(run.db, &run.a, ADM_ACCOUNT_PASSWORD, p, &rs);
	}
	if (st == ADM_NONE)
		admin_fail("the database refused the password: %s", rs.message);
	if (st != ADM_OK)
		goto out;
	/* Whoever knew the old password is logged out everywhere. */
	if ((ended = end_sessions(&run, id)) < 0)
		goto out;
	after = json_text(&run, json_pack("{s:s, s:i}", "username", spelled,
	                                  "sessions_ended", ended));
	if (after == NULL || admin_audit(&run, "account.password", "account",
	                                 id, NULL, NULL, after) != 0)
		goto out;
	rc = ADMIN_EXIT_OK;
out:
	sodium_memzero(hash, sizeof(hash));
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK)
		printf("changed the password of '%s' (%d session%s ended)\n",
		       spelled, ended, ended == 1 ? "" : "s");
	arena_free(&run.a);
	return rc;
}

int
admin_user_list(int argc, char **argv)
{
	const char      *pos[1];
	char             err[256];
	size_t           npos;
	struct admin_run run = {0};
	struct adm_rows  rs;
	int              rc = ADMIN_EXIT_FAIL, r, c;

	if (!admin_args_parse(argc, argv, NULL, 0, NULL, pos, 0, &npos, err,
	                      sizeof(err)))
		return admin_usage("user list: %s", err);
	if (admin_start(&run, 1) != 0 ||
	    admin_db_run(run.db, &run.a, ADM_ACCOUNT_LIST, NULL, &rs) != ADM_OK)
		goto out;
	printf("username\tdisplay_name\tunit\tdistrict\troles\tstatus\t"
	       "created_at\n");
	for (r = 0; r < rs.nrows; r++)
		for (c = 0; c < rs.ncols; c++) {
			const char *v = admin_db_val(&rs, r, c);

			printf("%s%c", v != NULL ? v : "",
			       c + 1 < rs.ncols ? '\t' : '\n');
		}
	rc = ADMIN_EXIT_OK;
out:
	rc = admin_finish(&run, rc);
	arena_free(&run.a);
	return rc;
}

/*
 * grant and revoke: ROLE USERNAME [--contest SLUG].  Both are idempotent:
 * granting a role held already, or revoking one not held, changes nothing
 * and succeeds.
 */
static int
role_change(int argc, char **argv, int grant)
{
	const char      *verb = grant ? "grant" : "revoke";
	const char      *opt[GOPT__MAX] = {NULL};
	const char      *pos[2], *role, *slug, *id, *spelled = NULL;
	const char      *contest_id = NULL, *json;
	char             err[256], scope[160];
	size_t           npos;
	struct admin_run run = {0};
	struct adm_rows  rs;
	int              rc = ADMIN_EXIT_FAIL, changed = 0, ended = 0;

	if (!admin_args_parse(argc, argv, gopt_names, GOPT__MAX, opt, pos, 2,
	                      &npos, err, sizeof(err)))
		return admin_usage("%s: %s", verb, err);
	if (npos != 2)
		return admin_usage("%s needs a ROLE (judge or admin) and a "
		                   "USERNAME",
		                   verb);
	role = pos[0];
	if (strcmp(role, "judge") != 0 && strcmp(role, "admin") != 0)
		return admin_usage("unknown role '%s': use judge or admin",
		                   role);
	if (!username_ok(pos[1]))
		return ADMIN_EXIT_USAGE;
	slug = opt[GOPT_CONTEST];
	if (slug != NULL && !valid_slug(slug, strlen(slug)))
		return admin_usage("'%s' is not a contest slug (lowercase "
		                   "letters, digits and '-', 2 to 64)",
		                   slug);
	/*
	 * The site treats any admin row as authority over every contest
	 * (is_judge_of), so a contest-bound admin would be a trap.  revoke
	 * still accepts one, to clean up a row made by hand.
	 */
	if (grant && slug != NULL && strcmp(role, "admin") == 0)
		return admin_usage("admin is granted for every contest; "
		                   "--contest applies to judge only");
	if (slug != NULL)
		(void)snprintf(scope, sizeof(scope), "contest '%s'", slug);
	else
		(void)snprintf(scope, sizeof(scope), "every contest");

	if (admin_start(&run, 0) != 0 ||
	    find_account(&run, pos[1], &id, &spelled) != 1)
		goto out;
	if (slug != NULL) {
		const char *p[1] = {slug};

		if (admin_db_run(run.db, &run.a, ADM_CONTEST_LOCK, p, &rs) !=
		    ADM_OK)
			goto out;
		if (rs.nrows == 0) {
			admin_fail("contest '%s' does not exist", slug);
			goto out;
		}
		contest_id = admin_db_val(&rs, 0, 0);
	}
	{
		const char *p[3] = {id, role, contest_id};

		if (admin_db_run(run.db, &run.a,
		                 grant ? ADM_ROLE_GRANT : ADM_ROLE_REVOKE, p,
		                 &rs) != ADM_OK) {
			if (rs.message != NULL)
				admin_fail("the database refused: %s",
				           rs.message);
			goto out;
		}
	}
	changed = rs.nrows > 0;
	if (changed) {
		/* STYLE 18: a role change gets the user a fresh session. */
		if ((ended = end_sessions(&run, id)) < 0)
			goto out;
		json = json_text(&run,
		                 json_pack("{s:s, s:s, s:s?, s:i}", "username",
		                           spelled, "role", role, "contest",
		                           slug, "sessions_ended", ended));
		if (json == NULL ||
		    admin_audit(&run, grant ? "role.grant" : "role.revoke",
		                "account", id, contest_id, grant ? NULL : json,
		                grant ? json : NULL) != 0)
			goto out;
	}
	rc = ADMIN_EXIT_OK;
out:
	rc = admin_finish(&run, rc);
	if (rc != ADMIN_EXIT_OK)
		goto done;
	if (!changed)
		printf("'%s' %s %s on %s; nothing changed\n", spelled,
		       grant ? "already has" : "does not have", role, scope);
	else
		printf("%s %s on %s %s '%s' (%d session%s ended)\n",
		       grant ? "granted" : "revoked", role, scope,
		       grant ? "to" : "from", spelled, ended,
		       ended == 1 ? "" : "s");
done:
	arena_free(&run.a);
	return rc;
}

int
admin_grant(int argc, char **argv)
{
	return role_change(argc, argv, 1);
}

int
admin_revoke(int argc, char **argv)
{
	return role_change(argc, argv, 0);
}
