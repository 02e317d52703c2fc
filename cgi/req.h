/*
 * req.h: one HTTP request as the handlers see it.  req.c turns the
 * FastCGI parameters and body into this structure (everything in the
 * request's arena); handlers read it and answer through resp.h.  Handlers
 * never touch FastCGI or libpq themselves.
 */
#ifndef NETDEP_REQ_H
#define NETDEP_REQ_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "kv.h"

struct boards;
struct config;
struct db;
struct store;

enum http_method {
	METHOD_GET,    /* METHOD_GET */
	METHOD_HEAD,   /* METHOD_HEAD */
	METHOD_POST,   /* METHOD_POST */
	METHOD_PUT,    /* METHOD_PUT */
	METHOD_PATCH,  /* METHOD_PATCH */
	METHOD_DELETE, /* METHOD_DELETE */
	METHOD__MAX
};

extern const char *const http_method_names[METHOD__MAX];

#define REQ_MAX_SEGS 8
/* A request id: nginx's $request_id (32 hex digits), or our own. */
#define REQ_ID_LEN 32

/* The logged-in account, loaded from the session cookie by the router. */
struct user {
	long long   id;
	const char *username;
	const char *display_name;
	const char *unit;
	const char *unit_code;  /* the picked node, NULL when unmapped */
	const char *csrf;       /* the session's CSRF token */
	const char *roles_json; /* [{"role":..,"contest":slug|null},..] */
	const char *created_at;
	int         is_admin; /* admin of every contest */
	int         is_judge; /* judge of at least one contest (or admin) */
};

/* The session cookie's name (resp.c sets it, req.c reads it). */
#define REQ_SESSION_COOKIE "netdep_session"

struct req {
	struct arena        *a;
	struct db           *db;
	const struct store  *store;  /* the media store, set by the worker */
	struct boards       *boards; /* the worker's board cache, or NULL */
	const struct config *cfg;
	void                *fcgi; /* FCGX_Request *, for req.c/resp.c only */

	char             id[REQ_ID_LEN + 1]; /* request id: hex digits */
	enum http_method method;
	const char      *path;  /* raw path, without the query */
	const char      *query; /* raw query string, "" when none */
	struct kv       *args;  /* decoded query parameters */
	size_t           nargs;
	const char      *content_type; /* NULL when absent */
	const uint8_t   *body;         /* CONTENT_LENGTH bytes */
	size_t           body_len;
	struct kv       *cookies;
	size_t           ncookies;
	/* The session cookie's value as nginx saw it, or NULL (req.c). */
	const char *session_cookie;
	const char *remote_addr;
	const char *user_agent; /* "" when absent */
	const char *csrf_header;
	const char *idem_key;
	const char *pow_proof; /* X-Altcha: a solved challenge (issue 16) */
	const char *if_none_match;

	/* Filled by the router. */
	const char  *seg[REQ_MAX_SEGS]; /* path segments matched by '*' */
	size_t       nseg;
	long long    id_param;     /* the segment matched by '#' */
	int          route;        /* index in the route table, -1: none */
	struct user *user;         /* NULL when not logged in */
	const char  *session_hash; /* hex SHA-256 of the cookie's token */
	/* Whom the request acted for, for its log line: the session's
	 * account (auth.c), or the voter a vote's statement found (h_vote.c,
	 * whose session is not loaded); 0 when nobody. */
	long long account;

	/* Response bookkeeping, owned by resp.c. */
	int         status;
	size_t      bytes_out;
	int         answered;
	const char *headers[16]; /* extra header lines, "Name: value" */
	size_t      nheaders;
	const char *error_code; /* for the log line */
};

/*
 * Fills r from the FastCGI request fcgi (an FCGX_Request *): parameters,
 * query and cookies, not the body (its limit depends on the route: see
 * req_read_body()).  Returns 0, or an HTTP status (400, 405, 414, 500)
 * for a request that cannot be parsed; r stays usable for sending that
 * error.
 */
int req_load(struct req *r, void *fcgi, struct arena *a, struct db *db,
             const struct config *cfg);

/*
 * Reads the body of a loaded request into r->body and r->body_len (in
 * r's arena).  CONTENT_LENGTH is checked against limit before a byte is
 * read, and no more than that is ever read.  Returns 0, 413 when the
 * body is larger than limit (or its length is not a number), or 400 when
 * the client went away mid-body.
 */
int req_read_body(struct req *r, size_t limit);

/* The query parameter key, or NULL. */
const struct kv *req_arg(const struct req *r, const char *key);

/* The cookie name, or NULL. */
const struct kv *req_cookie(const struct req *r, const char *name);

#endif
