/*
 * auth.h: sessions and CSRF.  A session token is 32 random bytes sent to
 * the browser as base64url in an HttpOnly cookie; only its SHA-256 is
 * stored.  Each session has its own CSRF token that state-changing calls
 * must echo in the X-CSRF-Token header.
 */
#ifndef NETDEP_AUTH_H
#define NETDEP_AUTH_H

#include "req.h"

/*
 * Loads r->user from the session cookie, when there is a valid one.
 * Returns 0 (logged in or not), or the tri-state DB_LOST/DB_ERR of db.h
 * when the database could not tell.
 */
int auth_load(struct req *r);

/*
 * Sets r->session_hash from a well-formed session cookie, reading
 * nothing: for the vote, whose session is checked in the vote's own
 * statement (router.h, R_BATCH).  Returns 1 when there is one, 0 when
 * not, DB_ERR out of memory.
 */
int auth_hash(struct req *r);

/* Does the request carry a session cookie (checked or not)? */
int auth_cookie_sent(const struct req *r);

/*
 * May the answer be shared (nginx's cache, "Cache-Control: public")?
 * Only without a user and without a session cookie, which is what nginx's
 * cache bypass looks at.
 */
int auth_anonymous(const struct req *r);

/*
 * Reloads r->user from the current session (after a log-in): 0 or a db.h
 * error, as auth_load.
 */
int auth_refresh(struct req *r);

/*
 * Starts a session for account id: deletes the caller's current session
 * (a new token on every log-in), stores the new one, queues the cookie and
 * returns the CSRF token in *csrf.  Returns DB_OK or a db.h error.
 */
int auth_login(struct req *r, long long account_id, const char **csrf);

/* Ends the caller's session and clears the cookie.  Returns DB_OK or an
 * error of db.h. */
int auth_logout(struct req *r);

/* Returns 1 when the X-CSRF-Token header matches the session's token. */
int auth_csrf_ok(const struct req *r);

/* The answers to a request without a live session (401) and to one whose
 * X-CSRF-Token does not match it (403). */
int auth_refuse_login(struct req *r);
int auth_refuse_csrf(struct req *r);

#endif
