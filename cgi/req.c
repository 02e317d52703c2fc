/*
 * req.c: FastCGI parameters to struct req.  Sizes are bounded before any
 * read; the body is read only when CONTENT_LENGTH is a whole number within
 * the route's limit (nginx enforces the same limit per location in front
 * of us), so no request makes a worker hold more than that.
 */
#include "req.h"

#include <fcgiapp.h>
#include <sodium.h>
#include <string.h>

#include "config.h"
#include "cookie.h"
#include "form.h"
#include "valid.h"

#define REQ_MAX_PATH 2048

const char *const http_method_names[METHOD__MAX] = {
    "GET",    /* METHOD_GET */
    "HEAD",   /* METHOD_HEAD */
    "POST",   /* METHOD_POST */
    "PUT",    /* METHOD_PUT */
    "PATCH",  /* METHOD_PATCH */
    "DELETE", /* METHOD_DELETE */
};

static const char *
param(FCGX_Request *f, const char *name)
{
	return FCGX_GetParam(name, f->envp);
}

static int
req_id(struct req *r, FCGX_Request *f)
{
	static const char hex[] = "0123456789abcdef";
	const char       *nginx_id = param(f, "REQUEST_ID");
	unsigned char     raw[REQ_ID_LEN / 2];

	/* Prefer nginx's id so its access log, ours and PostgreSQL's
	 * application_name (db.c) name a request alike. */
	if (nginx_id != NULL && strlen(nginx_id) == REQ_ID_LEN &&
	    strspn(nginx_id, hex) == REQ_ID_LEN) {
		memcpy(r->id, nginx_id, REQ_ID_LEN + 1);
		return 0;
	}
	randombytes_buf(raw, sizeof(raw));
	for (size_t i = 0; i < sizeof(raw); i++) {
		r->id[2 * i] = hex[raw[i] >> 4];
		r->id[2 * i + 1] = hex[raw[i] & 15];
	}
	r->id[REQ_ID_LEN] = '\0';
	return 0;
}

int
req_load(struct req *r, void *fcgi, struct arena *a, struct db *db,
         const struct config *cfg)
{
	FCGX_Request *f = fcgi;
	const char   *m, *uri, *q, *v;
	size_t        plen;

	memset(r, 0, sizeof(*r));
	r->a = a;
	r->db = db;
	r->cfg = cfg;
	r->fcgi = f;
	r->status = 200;
	r->path = "/";
	r->query = "";
	r->user_agent = "";
	r->remote_addr = "127.0.0.1";
	r->route = -1;
	req_id(r, f);

	m = param(f, "REQUEST_METHOD");
	r->method = METHOD__MAX;
	for (int i = 0; m != NULL && i < METHOD__MAX; i++)
		if (strcmp(m, http_method_names[i]) == 0)
			r->method = (enum http_method)i;

	if ((v = param(f, "REMOTE_ADDR")) != NULL && *v != '\0')
		r->remote_addr = v;
	if ((v = param(f, "HTTP_USER_AGENT")) != NULL)
		r->user_agent = v;
	r->content_type = param(f, "CONTENT_TYPE");
	if (r->content_type != NULL && *r->content_type == '\0')
		r->content_type = NULL;
	r->csrf_header = param(f, "HTTP_X_CSRF_TOKEN");
	r->idem_key = param(f, "HTTP_IDEMPOTENCY_KEY");
	r->pow_proof = param(f, "HTTP_X_ALTCHA");
	r->if_none_match = param(f, "HTTP_IF_NONE_MATCH");

	uri = param(f, "REQUEST_URI");
	if (uri == NULL || *uri != '/')
		return 400;
	q = strchr(uri, '?');
	plen = q ? (size_t)(q - uri) : strlen(uri);
	if (plen > REQ_MAX_PATH)
		return 414;
	if ((r->path = arena_strndup(a, uri, plen)) == NULL)
		return 500;
	if (q != NULL) {
		r->query = q + 1;
		if (form_parse(a, (const uint8_t *)r->query, strlen(r->query),
		               &r->args, &r->nargs) != 0)
			return 400;
	}
	if ((v = param(f, "HTTP_COOKIE")) != NULL &&
	    cookie_parse(a, (const uint8_t *)v, strlen(v), &r->cookies,
	                 &r->ncookies) != 0) {
		/* A garbled cookie header is ignored, as browsers expect. */
		r->cookies = NULL;
		r->ncookies = 0;
	}
	/*
	 * The session: behind nginx, exactly the value its $cookie_ parse
	 * found (NETDEP_SESSION, present even when empty), so the cache's
	 * bypass and the worker can never disagree on whether a request
	 * has a session.  Spoken to directly (tests, tools), the first
	 * netdep_session of the header, as nginx would take it.
	 */
	if ((v = param(f, "NETDEP_SESSION")) != NULL)
		r->session_cookie = *v != '\0' ? v : NULL;
	else {
		const struct kv *c =
		    kv_find(r->cookies, r->ncookies, REQ_SESSION_COOKIE);

		r->session_cookie = c != NULL && c->vallen > 0 ? c->val : NULL;
	}
	if (r->method == METHOD__MAX)
		return 405;
	return 0;
}

int
req_read_body(struct req *r, size_t limit)
{
	FCGX_Request *f = r->fcgi;
	const char   *cl = param(f, "CONTENT_LENGTH");
	long long     n = 0;
	uint8_t      *buf;
	size_t        got = 0;

	if (cl == NULL || *cl == '\0') {
		/* nginx always sends a length for bodies it buffered. */
		r->body = (const uint8_t *)"";
		return 0;
	}
	/* Refused on the announced length, before a byte is read: a hostile
	 * body never reaches memory, let alone a parser. */
	if (!valid_int(cl, strlen(cl), 0, (long long)limit, &n))
		return 413;
	if ((buf = arena_alloc(r->a, (size_t)n + 1)) == NULL)
		return 413;
	while (got < (size_t)n) {
		size_t want = (size_t)n - got;
		int    chunk = want > 1 << 20 ? 1 << 20 : (int)want;
		int    rd = FCGX_GetStr((char *)buf + got, chunk, f->in);

		if (rd <= 0)
			return 400; /* the client went away mid-body */
		got += (size_t)rd;
	}
	r->body = buf;
	r->body_len = got;
	return 0;
}

const struct kv *
req_arg(const struct req *r, const char *key)
{
	return kv_find(r->args, r->nargs, key);
}

const struct kv *
req_cookie(const struct req *r, const char *name)
{
	return kv_find(r->cookies, r->ncookies, name);
}
