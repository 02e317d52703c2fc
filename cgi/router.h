/*
 * router.h: the route table and the checks its flags stand for.  Unknown
 * paths get 404, known paths with another method 405, and every flag is
 * enforced here so no handler has to repeat it.
 */
#ifndef NETDEP_ROUTER_H
#define NETDEP_ROUTER_H

#include "req.h"

#define R_AUTH  0x01u /* a logged-in account (else 401) */
#define R_CSRF  0x02u /* X-CSRF-Token matches the session (else 403) */
#define R_JUDGE 0x04u /* judge of some contest or admin (else 403) */
#define R_ADMIN 0x08u /* admin (else 403) */
#define R_JSON  0x10u /* body must be application/json (else 415) */
/* The answer does not depend on who asks, or the handler calls
 * router_session() when it does: no session lookup per request.  Not with
 * R_AUTH, R_CSRF, R_JUDGE or R_ADMIN. */
#define R_LAZY 0x40u
/* The photo upload: its body may be as large as cfg->max_upload; every
 * other route takes at most cfg->max_json (nginx has the same split). */
#define R_UPLOAD 0x80u
/* The vote (issue 19): with R_AUTH and R_CSRF, whose checks it moves
 * into the handler's one statement (vote_cast_batch()) when the request
 * has a well-formed session cookie and an X-CSRF-Token header; without
 * either, R_AUTH and R_CSRF are checked here as for any route. */
#define R_BATCH 0x100u

/*
 * Routes r, enforces the flags and runs the handler.  Returns the status
 * sent.  Always answers, whatever goes wrong.
 */
int router_dispatch(struct req *r);

/*
 * The body limit of the route r->method and r->path name, in bytes:
 * cfg->max_upload for an R_UPLOAD route, cfg->max_json for every other
 * one (and for a path no route matches); *upload says which.  Called
 * before the body is read.
 */
size_t router_body_limit(struct req *r, int *upload);

/*
 * Loads the session of an R_LAZY route into r->user (NULL when there is
 * none).  Returns 0, or the status of the error it answered (503 when
 * the database is gone, 500 otherwise).
 */
int router_session(struct req *r);

/* The number of routes, and route i's pattern and method (for /metrics);
 * NULL past the end.  A request's route is r->route (-1: none). */
int         router_nroutes(void);
const char *router_route(int i, const char **method);

#endif
