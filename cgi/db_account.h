/*
 * db_account.h: the data layer of accounts and sessions, for the server
 * and for netdep-admin.  Every function returns the tri-state of db.h;
 * what it fills points into the arena it was given.
 */
#ifndef NETDEP_DB_ACCOUNT_H
#define NETDEP_DB_ACCOUNT_H

#include <stdint.h>

#include "db.h"
#include "req.h"

/* A new account, its fields checked by the caller. */
struct account_new {
	const char *username;
	const char *display_name;
	const char *unit;    /* the unit's name, "" when none */
	const char *unit_id; /* the picked node (decimal), NULL: unmapped */
	const char *email;   /* NULL when none */
	const char *phone;   /* NULL when none */
	const char *password_hash;
	int         organiser_made; /* made with netdep-admin */
	const char *birth_year;     /* decimal, NULL when not stated */
	/* Registration through the site: the consents to the rules and
	 * publication (current versions) are recorded with the account,
	 * from this address; NULL for an account an organiser made. */
	const char *consent_ip;
};

/* Why an account was not created. */
enum account_refusal {
	ACCOUNT_TAKEN,   /* the username exists, in any case */
	ACCOUNT_INVALID, /* a rule of the table refused a field */
};

/*
 * Creates an account: DB_OK and *id, or DB_NONE with *why.  The check
 * of the username runs in the insert itself, so a race cannot give two
 * accounts one name.
 */
int db_account_create(struct db *db, struct arena *a,
                      const struct account_new *in, int64_t *id,
                      enum account_refusal *why);

/* An enabled account's id and password hash, for a log-in. */
struct account_cred {
	int64_t     id;
	const char *password_hash;
};

/* DB_NONE: no enabled account of that username (any case). */
int db_account_cred(struct db *db, struct arena *a, const char *username,
                    struct account_cred *out);

/*
 * The account and roles of the live session whose token hash (hex) is
 * hash.  DB_NONE: no such session, expired, or the account is disabled.
 */
/*
 * The live session of token hash (hex): not expired and used within
 * idle_hours; marks it used (at most once per sixtieth of idle_hours).
 */
int db_session_get(struct db *db, struct arena *a, const char *hash,
                   int idle_hours, struct user *out);

/* A new session of account id for days, from address ip. */
int db_session_insert(struct db *db, struct arena *a, const char *hash,
                      int64_t account, const char *csrf, int days,
                      const char *ip);

/* Ends the session whose token hash is hash (none is fine). */
int db_session_delete(struct db *db, struct arena *a, const char *hash);

/* Removes the expired sessions of account id. */
int db_session_purge(struct db *db, struct arena *a, int64_t account);

/* What netdep-admin does to accounts (ids are decimal text). */

/* The account named username in any case: DB_NONE when there is none. */
int db_account_find(struct db *db, struct arena *a, const char *username,
                    const char **id, const char **spelled);

/* Sets the password hash of account id. */
int db_account_password(struct db *db, struct arena *a, const char *id,
                        const char *hash);

/* Every account for `user list`: username, display name, unit, unit code,
 * roles, status, created (in that order). */
int db_account_list(struct db *db, struct arena *a, struct db_table *out);

/* Ends every session of account id; *ended says how many. */
int db_account_sessions_end(struct db *db, struct arena *a, const char *id,
                            int *ended);

/*
 * Grants (grant 1) or revokes role of account id, for contest (decimal,
 * or NULL: every contest); *changed is 0 when it was already so.
 */
int db_role_change(struct db *db, struct arena *a, const char *id,
                   const char *role, const char *contest, int grant,
                   int *changed);

/* What a brake says of an attempt (sql/functions/070_security.sql). */
struct auth_gate {
	const char *outcome;     /* ok, backoff, challenge, busy */
	int         retry_after; /* seconds, for backoff and busy */
};

/* A verified proof of work (pow.h), as the database spends it. */
struct auth_pow {
	const char *sig_hex; /* its signature, hex */
	long long   expires; /* unix seconds */
};

/*
 * May a log-in to name from ip go on to the password check?  pow is a
 * verified proof or NULL; src_free and name_free are the thresholds of
 * NETDEP_LOGIN_SOURCE_FREE and NETDEP_LOGIN_CHALLENGE_FAILURES.
 */
int db_login_gate(struct db *db, struct arena *a, const char *name,
                  const char *ip, const struct auth_pow *pow, int src_free,
                  int name_free, struct auth_gate *out);

/* A failed log-in; *wait_s is the back-off it starts (0: none yet). */
int db_login_failed(struct db *db, struct arena *a, const char *name,
                    const char *ip, int free_failures, int max_s, int *wait_s);

/* A successful log-in clears its back-off from that address. */
int db_login_succeeded(struct db *db, struct arena *a, const char *name,
                       const char *ip);

/* May a registration from ip go on?  The thresholds of NETDEP_REG_*. */
int db_register_gate(struct db *db, struct arena *a, const char *ip,
                     const struct auth_pow *pow, int src_free, int src_max,
                     int all_max, struct auth_gate *out);

/*
 * The shared key of purpose (hex, 32 bytes), candidate_hex becoming it
 * if it has none yet.
 */
int db_server_key(struct db *db, struct arena *a, const char *purpose,
                  const char *candidate_hex, const char **key_hex);

/* Ends idle and expired sessions, old counters and spent proofs. */
int db_security_purge(struct db *db, struct arena *a, int idle_hours,
                      long long *removed);

/*
 * Disables (bans) or enables account id; *changed is 0 when it already
 * was.  Its sessions end with the change (a trigger).
 */
int db_account_disable(struct db *db, struct arena *a, const char *id,
                       int disable, int *changed);

extern const struct stmt_set db_account_set;

#endif
