/*
 * resp.c: status line, headers and body through FastCGI.  Handlers call
 * these once per request; a second answer is a bug and is dropped with a
 * log line rather than corrupting the stream.
 */
#include "resp.h"

#include <fcgiapp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "outcome.h"

/* API answers are data, never documents: forbid everything. */
static const char api_headers[] =
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: strict-origin-when-cross-origin\r\n";

/* Server-rendered pages load the site's own CSS, JS and images. */
static const char page_headers[] =
    "Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: strict-origin-when-cross-origin\r\n";

const char *
resp_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 411:
		return "Length Required";
	case 413:
		return "Payload Too Large";
	case 414:
		return "URI Too Long";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	case 507:
		return "Insufficient Storage";
	default:
		return "Unknown";
	}
}

void
resp_header(struct req *r, const char *name, const char *value)
{
	const char *line;

	if (r->nheaders >= sizeof(r->headers) / sizeof(r->headers[0])) {
		log_msg("error", "req=%s too many headers, dropped %s", r->id,
		        name);
		return;
	}
	/* A value never holds CR or LF: callers pass our own values. */
	if (strpbrk(value, "\r\n") != NULL)
		return;
	if ((line = arena_printf(r->a, "%s: %s\r\n", name, value)) != NULL)
		r->headers[r->nheaders++] = line;
}

void
resp_cache_this_second(struct req *r)
{
	char at[24];

	snprintf(at, sizeof(at), "@%lld", (long long)time(NULL));
	resp_header(r, "X-Accel-Expires", at);
}

int
resp_has_header(const struct req *r, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < r->nheaders; i++)
		if (strncmp(r->headers[i], name, n) == 0 &&
		    r->headers[i][n] == ':')
			return 1;
	return 0;
}

void
resp_session_cookie(struct req *r, const char *token, long max_age)
{
	const char *v = arena_printf(
	    r->a, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
	    REQ_SESSION_COOKIE, token ? token : "", token ? max_age : 0L,
	    r->cfg->secure_cookie ? "; Secure" : "");

	if (v != NULL)
		resp_header(r, "Set-Cookie", v);
}

/* Writes the head and body; the only function that touches r->fcgi. */
static int
resp_send(struct req *r, int status, const char *ctype, const char *security,
          const char *cache, const void *body, size_t len)
{
	FCGX_Request *f = r->fcgi;
	const char   *head;
	int           has_cache = 0;

	if (r->answered) {
		log_msg("error", "req=%s answered twice (%d after %d)", r->id,
		        status, r->status);
		return r->status;
	}
	r->answered = 1;
	r->status = status;
	for (size_t i = 0; i < r->nheaders; i++)
		if (strncmp(r->headers[i], "Cache-Control:", 14) == 0)
			has_cache = 1;
	/* libfcgi's own printf knows no %zu: format here, then write. */
	head = arena_printf(r->a, "Status: %d %s\r\n%s%s%s%s%s%s", status,
	                    resp_reason(status), security ? security : "",
	                    ctype ? "Content-Type: " : "", ctype ? ctype : "",
	                    ctype ? "\r\n" : "",
	                    has_cache || !cache ? "" : "Cache-Control: ",
	                    has_cache || !cache ? "" : cache);
	if (head == NULL || FCGX_PutS(head, f->out) < 0)
		return status;
	if (!has_cache && cache != NULL)
		FCGX_PutS("\r\n", f->out);
	for (size_t i = 0; i < r->nheaders; i++)
		/* nginx keeps any answer that says how long: only a 200 may
		 * (resp_cache_this_second(), even if an error came after). */
		if (status == 200 ||
		    strncmp(r->headers[i], "X-Accel-Expires:", 16) != 0)
			FCGX_PutS(r->headers[i], f->out);
	/* An accel answer has no body of ours: nginx sends the file. */
	if (status != 204 && status != 304 && (body != NULL || ctype == NULL)) {
		char cl[48];

		snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n", len);
		FCGX_PutS(cl, f->out);
	}
	FCGX_PutS("\r\n", f->out);
	if (len > 0 && r->method != METHOD_HEAD && status != 204 &&
	    status != 304) {
		const char *p = body;

		while (len > 0) {
			int chunk = len > 1 << 20 ? 1 << 20 : (int)len;

			if (FCGX_PutStr(p, chunk, f->out) < 0)
				break;
			p += chunk;
			len -= (size_t)chunk;
			r->bytes_out += (size_t)chunk;
		}
	}
	return status;
}

int
resp_json(struct req *r, int status, json_t *body)
{
	char *text;
	int   rc;

	if (body == NULL)
		return resp_error(r, 500, "internal",
		                  "The server could not build the answer.");
	text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(body);
	if (text == NULL)
		return resp_error(r, 500, "internal",
		                  "The server could not build the answer.");
	rc = resp_send(r, status, "application/json", api_headers, "no-store",
	               text, strlen(text));
	free(text);
	return rc;
}

int
resp_error(struct req *r, int status, const char *code, const char *fmt, ...)
{
	char    msg[512];
	va_list ap;
	json_t *body;
	char   *text;
	int     rc;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->error_code = code;
	body =
	    json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
	text = body ? json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(body);
	if (text == NULL)
		return resp_send(r, 500, "text/plain", api_headers, "no-store",
		                 "internal error\n", 15);
	rc = resp_send(r, status, "application/json", api_headers, "no-store",
	               text, strlen(text));
	free(text);
	return rc;
}

int
resp_empty(struct req *r, int status)
{
	return resp_send(r, status, NULL, api_headers, "no-store", NULL, 0);
}

int
resp_html(struct req *r, int status, const char *html, size_t len)
{
	return resp_send(r, status, "text/html; charset=utf-8", page_headers,
	                 "no-cache", html, len);
}

int
resp_bytes(struct req *r, int status, const char *ctype,
           const char *disposition, const void *buf, size_t len)
{
	if (disposition != NULL)
		resp_header(r, "Content-Disposition", disposition);
	return resp_send(r, status, ctype, api_headers, "no-store", buf, len);
}

int
resp_stream_begin(struct req *r, int status, const char *ctype,
                  const char *disposition)
{
	if (disposition != NULL)
		resp_header(r, "Content-Disposition", disposition);
	/* No body given and a type: resp_send() writes no Content-Length. */
	return resp_send(r, status, ctype, api_headers, "no-store", NULL, 0);
}

int
resp_stream_write(struct req *r, const void *buf, size_t len)
{
	FCGX_Request *f = r->fcgi;

	if (r->method == METHOD_HEAD || len == 0)
		return 0;
	if (len > INT_MAX || FCGX_PutStr(buf, (int)len, f->out) < 0)
		return -1;
	r->bytes_out += len;
	return 0;
}

void
resp_stream_abort(struct req *r)
{
	FCGX_Request *f = r->fcgi;

	log_msg("error", "req=%s answer cut off after %zu bytes", r->id,
	        r->bytes_out);
	/* Closes the socket without FCGI_END_REQUEST: nginx reports an
	 * upstream that closed early and does not finish the chunked body.
	 * FCGX_Finish_r() then finds nothing left to close. */
	FCGX_Free(f, 1);
}

int
resp_accel(struct req *r, const char *internal_uri, const char *ctype,
           const char *disposition)
{
	resp_header(r, "X-Accel-Redirect", internal_uri);
	if (disposition != NULL)
		resp_header(r, "Content-Disposition", disposition);
	/* nginx streams the file and its internal location adds the cache
	 * and security headers; ours would be sent twice. */
	return resp_send(r, 200, ctype, NULL, NULL, NULL, 0);
}

int
resp_db_error(struct req *r, int rc)
{
	if (rc == DB_LOST)
		return resp_unavailable(r);
	return resp_error(r, 500, "internal",
	                  "The server failed; the error is logged as %s.",
	                  r->id);
}
