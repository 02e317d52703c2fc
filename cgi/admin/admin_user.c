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

#include "../config.h"
#include "../db_account.h"
#include "../db_contest.h"
#include "../db_unit.h"
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
	UOPT_UNIT_CODE,
	UOPT_EMAIL,
	UOPT_PHONE,
	UOPT__MAX
};

static const char *const uopt_names[UOPT__MAX] = {
    "display-name", /* UOPT_DISPLAY_NAME */
    "unit",         /* UOPT_UNIT */
    "unit-code",    /* UOPT_UNIT_CODE */
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
	int rc = db_account_find(run->db, &run->a, name, id, spelled);

	if (rc < 0)
		return -1;
	if (rc == DB_NONE) {
		admin_fail("user '%s' does not exist", name);
		return 0;
	}
	return 1;
}

/*
 * Ends every session of the account.  Returns the number ended, or -1
 * (reported).
 */
static int
end_sessions(struct admin_run *run, const char *account_id)
{
	int ended;

	if (db_account_sessions_end(run->db, &run->a, account_id, &ended) !=
	    DB_OK)
		return -1;
	return ended;
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

/*
 * Reads the options of user create into *a (the account without its
 * hash).  Returns 0, or ADMIN_EXIT_USAGE after saying what is wrong.
 */
static int
user_options(int argc, char **argv, struct account_new *a)
{
	const char *opt[UOPT__MAX] = {NULL}, *pos[1];
	char        err[256];
	size_t      npos;

	if (!admin_args_parse(argc, argv, uopt_names, UOPT__MAX, opt, pos, 1,
	                      &npos, err, sizeof(err)))
		return admin_usage("user create: %s", err);
	if (npos != 1)
		return admin_usage("user create needs a USERNAME");
	if (!username_ok(pos[0]))
		return ADMIN_EXIT_USAGE;
	a->username = pos[0];
	a->display_name =
	    opt[UOPT_DISPLAY_NAME] ? opt[UOPT_DISPLAY_NAME] : pos[0];
	a->unit = opt[UOPT_UNIT] ? opt[UOPT_UNIT] : "";
	a->unit_id = opt[UOPT_UNIT_CODE]; /* a code until resolved */
	a->email =
	    opt[UOPT_EMAIL] && opt[UOPT_EMAIL][0] ? opt[UOPT_EMAIL] : NULL;
	a->phone =
	    opt[UOPT_PHONE] && opt[UOPT_PHONE][0] ? opt[UOPT_PHONE] : NULL;
	if (!valid_line(a->display_name, strlen(a->display_name), 1, 80))
		return admin_usage("--display-name must be 1 to 80 "
		                   "characters of text on one line");
	if (!valid_line(a->unit, strlen(a->unit), 0, 200))
		return admin_usage("--unit must be at most 200 characters of "
		                   "text on one line");
	if (a->unit_id != NULL &&
	    !valid_line(a->unit_id, strlen(a->unit_id), 1, 64))
		return admin_usage("--unit-code must be a unit's code");
	if (a->email != NULL && !valid_email(a->email, strlen(a->email)))
		return admin_usage("--email '%s' is not an e-mail address",
		                   a->email);
	if (a->phone != NULL && !valid_phone(a->phone, strlen(a->phone)))
		return admin_usage("--phone '%s' is not a phone number "
		                   "(digits, optional leading '+')",
		                   a->phone);
	return 0;
}

/*
 * Reads the password from standard input and hashes it into hash (the
 * password itself is wiped).  Returns 0 or an exit code (reported).
 */
static int
user_password_hash(char hash[PASSWORD_HASH_MAX])
{
	struct config cfg;
	char          pw[ADMIN_PASSWORD_MAX + 2];
	size_t        pwlen;
	int           rc = 0;

	/* The cost of new hashes is the server's (NETDEP_PASSWORD_*). */
	if (config_load(&cfg) != 0)
		return ADMIN_EXIT_USAGE;
	password_configure(cfg.password_ops, cfg.password_mem_kb);
	if (admin_read_password(pw, &pwlen) != 0)
		return ADMIN_EXIT_USAGE;
	if (sodium_init() < 0 || password_hash(pw, pwlen, hash) != 0) {
		admin_fail("cannot hash the password (out of memory?)");
		rc = ADMIN_EXIT_FAIL;
	}
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

/* Says why the account was not created: its name taken, in which case. */
static void
user_refused(struct admin_run *run, const char *username,
             enum account_refusal why)
{
	const char *id, *existing;

	if (why == ACCOUNT_INVALID)
		admin_fail("the database refused the account: a field breaks "
		           "a rule of the accounts table");
	else if (find_account(run, username, &id, &existing) == 1 &&
	         strcmp(existing, username) != 0)
		admin_fail("username '%s' is taken (as '%s'; usernames ignore "
		           "case)",
		           username, existing);
	else
		admin_fail("username '%s' is taken", username);
}

int
admin_user_create(int argc, char **argv)
{
	struct account_new   acc;
	char                 hash[PASSWORD_HASH_MAX];
	const char          *id = NULL, *after;
	struct admin_run     run = {0};
	enum account_refusal why;
	int64_t              nid = 0;
	int                  rc, st;

	/* Hash before the transaction: argon2id takes a while. */
	if ((rc = user_options(argc, argv, &acc)) != 0 ||
	    (rc = user_password_hash(hash)) != 0)
		return rc;
	acc.password_hash = hash;
	acc.organiser_made = 1; /* never slowed by the per-address brakes */
	rc = ADMIN_EXIT_FAIL;
	if (admin_start(&run, 0) != 0)
		goto out;
	if (acc.unit_id != NULL) { /* the code becomes the node */
		const char *code = acc.unit_id;

		st =
		    db_unit_pick(run.db, &run.a, code, &acc.unit_id, &acc.unit);
		if (st == DB_NONE)
			admin_fail(
			    "no unit has the code %s today (netdep-admin "
			    "unit export lists them)",
			    code);
		if (st != DB_OK)
			goto out;
	}
	st = db_account_create(run.db, &run.a, &acc, &nid, &why);
	if (st == DB_NONE)
		user_refused(&run, acc.username, why);
	if (st != DB_OK)
		goto out;
	id = arena_printf(&run.a, "%lld", (long long)nid);
	after = json_text(&run, json_pack("{s:s, s:s, s:s, s:s?}", "username",
	                                  acc.username, "display_name",
	                                  acc.display_name, "unit", acc.unit,
	                                  "unit_id", acc.unit_id));
	if (after == NULL || admin_audit(&run, "account.create", "account", id,
	                                 NULL, NULL, after) != 0)
		goto out;
	rc = ADMIN_EXIT_OK;
out:
	sodium_memzero(hash, sizeof(hash));
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK)
		printf("created user '%s' (id %s)\n", acc.username, id);
	arena_free(&run.a);
	return rc;
}

int
admin_user_password(int argc, char **argv)
{
	const char      *pos[1], *id = NULL, *spelled = NULL, *after;
	char             err[256];
	char             hash[PASSWORD_HASH_MAX];
	size_t           npos;
	struct admin_run run = {0};
	int              rc = ADMIN_EXIT_FAIL, ended = 0;

	if (!admin_args_parse(argc, argv, NULL, 0, NULL, pos, 1, &npos, err,
	                      sizeof(err)))
		return admin_usage("user password: %s", err);
	if (npos != 1)
		return admin_usage("user password needs a USERNAME");
	if (!username_ok(pos[0]))
		return ADMIN_EXIT_USAGE;
	if ((rc = user_password_hash(hash)) != 0)
		return rc;
	rc = ADMIN_EXIT_FAIL;
	if (admin_start(&run, 0) != 0 ||
	    find_account(&run, pos[0], &id, &spelled) != 1)
		goto out;
	/* Whoever knew the old password is logged out everywhere (the
	 * database's trigger would too; ending them first counts them). */
	if ((ended = end_sessions(&run, id)) < 0)
		goto out;
	if (db_account_password(run.db, &run.a, id, hash) != DB_OK)
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

/* user disable|enable USERNAME: a ban ends every session at once. */
static int
user_ban(int argc, char **argv, int disable)
{
	const char      *pos[1], *id = NULL, *spelled = NULL, *after;
	const char      *verb = disable ? "disable" : "enable";
	char             err[256];
	size_t           npos;
	struct admin_run run = {0};
	int              rc = ADMIN_EXIT_FAIL, ended = 0, changed = 0;

	if (!admin_args_parse(argc, argv, NULL, 0, NULL, pos, 1, &npos, err,
	                      sizeof(err)))
		return admin_usage("user %s: %s", verb, err);
	if (npos != 1)
		return admin_usage("user %s needs a USERNAME", verb);
	if (!username_ok(pos[0]))
		return ADMIN_EXIT_USAGE;
	if (admin_start(&run, 0) != 0 ||
	    find_account(&run, pos[0], &id, &spelled) != 1)
		goto out;
	if ((disable && (ended = end_sessions(&run, id)) < 0) ||
	    db_account_disable(run.db, &run.a, id, disable, &changed) != DB_OK)
		goto out;
	after = json_text(&run, json_pack("{s:s, s:b, s:i}", "username",
	                                  spelled, "disabled", disable,
	                                  "sessions_ended", ended));
	if (changed &&
	    (after == NULL ||
	     admin_audit(&run, disable ? "account.disable" : "account.enable",
	                 "account", id, NULL, NULL, after) != 0))
		goto out;
	rc = ADMIN_EXIT_OK;
out:
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK)
		printf(changed ? "%sd '%s' (%d session%s ended)\n"
		               : "'%s' was already %sd\n",
		       changed ? verb : spelled, changed ? spelled : verb,
		       ended, ended == 1 ? "" : "s");
	arena_free(&run.a);
	return rc;
}

int
admin_user_disable(int argc, char **argv)
{
	return user_ban(argc, argv, 1);
}

int
admin_user_enable(int argc, char **argv)
{
	return user_ban(argc, argv, 0);
}

int
admin_user_list(int argc, char **argv)
{
	return admin_list(
	    argc, argv, "user list",
	    "username\tdisplay_name\tunit\tunit_code\troles\tstatus\t"
	    "created_at\n",
	    db_account_list, "");
}

/*
 * grant and revoke: ROLE USERNAME [--contest SLUG].  Both are idempotent:
 * granting a role held already, or revoking one not held, changes nothing
 * and succeeds.
 */
/* A role change as the command line asks for it. */
struct role_req {
	int         grant;
	const char *verb, *role, *username;
	const char *slug; /* or NULL: every contest */
	char        scope[160];
};

/* Reads grant's or revoke's arguments; 0 or ADMIN_EXIT_USAGE (said). */
static int
role_options(int argc, char **argv, struct role_req *q)
{
	const char *opt[GOPT__MAX] = {NULL}, *pos[2];
	char        err[256];
	size_t      npos;

	if (!admin_args_parse(argc, argv, gopt_names, GOPT__MAX, opt, pos, 2,
	                      &npos, err, sizeof(err)))
		return admin_usage("%s: %s", q->verb, err);
	if (npos != 2)
		return admin_usage("%s needs a ROLE (judge or admin) and a "
		                   "USERNAME",
		                   q->verb);
	q->role = pos[0];
	q->username = pos[1];
	q->slug = opt[GOPT_CONTEST];
	if (strcmp(q->role, "judge") != 0 && strcmp(q->role, "admin") != 0)
		return admin_usage("unknown role '%s': use judge or admin",
		                   q->role);
	if (!username_ok(q->username))
		return ADMIN_EXIT_USAGE;
	if (q->slug != NULL && !valid_slug(q->slug, strlen(q->slug)))
		return admin_usage("'%s' is not a contest slug (lowercase "
		                   "letters, digits and '-', 2 to 64)",
		                   q->slug);
	/*
	 * The site treats any admin row as authority over every contest
	 * (is_judge_of), so a contest-bound admin would be a trap.  revoke
	 * still accepts one, to clean up a row made by hand.
	 */
	if (q->grant && q->slug != NULL && strcmp(q->role, "admin") == 0)
		return admin_usage("admin is granted for every contest; "
		                   "--contest applies to judge only");
	if (q->slug != NULL)
		(void)snprintf(q->scope, sizeof(q->scope), "contest '%s'",
		               q->slug);
	else
		(void)snprintf(q->scope, sizeof(q->scope), "every contest");
	return 0;
}

/*
 * Changes the role in run's transaction: *changed 0 when it was already
 * so; a change ends the account's sessions (*ended of them) and is
 * audited.  Returns 0, or -1 (reported).
 */
static int
role_apply(struct admin_run *run, const struct role_req *q, const char **who,
           int *changed, int *ended)
{
	struct contest_windows cw;
	const char            *id, *contest = NULL, *json;
	int                    st;

	if (find_account(run, q->username, &id, who) != 1)
		return -1;
	if (q->slug != NULL) {
		if ((st = db_contest_lock(run->db, &run->a, q->slug, &cw)) < 0)
			return -1;
		if (st == DB_NONE) {
			admin_fail("contest '%s' does not exist", q->slug);
			return -1;
		}
		contest = cw.id;
	}
	/* STYLE 18: a role change gets the user a fresh session.  Ended
	 * first, to count them (the roles trigger ends them anyway); a
	 * change that turns out to be none is rolled back whole. */
	if ((*ended = end_sessions(run, id)) < 0)
		return -1;
	st = db_role_change(run->db, &run->a, id, q->role, contest, q->grant,
	                    changed);
	if (st == DB_NONE)
		admin_fail("the database refused the role (a rule of the "
		           "roles table)");
	if (st != DB_OK)
		return -1;
	if (!*changed) {
		*ended = 0;
		db_rollback(run->db);
		return db_begin(run->db) == DB_OK ? 0 : -1;
	}
	json = json_text(run, json_pack("{s:s, s:s, s:s?, s:i}", "username",
	                                *who, "role", q->role, "contest",
	                                q->slug, "sessions_ended", *ended));
	if (json == NULL ||
	    admin_audit(run, q->grant ? "role.grant" : "role.revoke", "account",
	                id, contest, q->grant ? NULL : json,
	                q->grant ? json : NULL) != 0)
		return -1;
	return 0;
}

/*
 * grant and revoke: ROLE USERNAME [--contest SLUG].  Both are idempotent:
 * granting a role held already, or revoking one not held, changes nothing
 * and succeeds.
 */
static int
role_change(int argc, char **argv, int grant)
{
	struct role_req  q = {.grant = grant,
	                      .verb = grant ? "grant" : "revoke"};
	struct admin_run run = {0};
	const char      *who = NULL;
	int              rc, changed = 0, ended = 0;

	if ((rc = role_options(argc, argv, &q)) != 0)
		return rc;
	rc = ADMIN_EXIT_FAIL;
	if (admin_start(&run, 0) == 0 &&
	    role_apply(&run, &q, &who, &changed, &ended) == 0)
		rc = ADMIN_EXIT_OK;
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK && !changed)
		printf("'%s' %s %s on %s; nothing changed\n", who,
		       grant ? "already has" : "does not have", q.role,
		       q.scope);
	else if (rc == ADMIN_EXIT_OK)
		printf("%s %s on %s %s '%s' (%d session%s ended)\n",
		       grant ? "granted" : "revoked", q.role, q.scope,
		       grant ? "to" : "from", who, ended,
		       ended == 1 ? "" : "s");
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
