/*
 * resp.h: the one place that writes a response.  Every answer carries the
 * security headers; JSON goes through jansson; errors have the shape
 * {"error":{"code":"...","message":"..."}}.  Each function returns the
 * HTTP status it sent, so a handler can end with `return resp_...(...)`.
 */
#ifndef NETDEP_RESP_H
#define NETDEP_RESP_H

#include <jansson.h>
#include <stddef.h>

#include "req.h"

/* Queues an extra header line for the coming response (arena copy). */
void resp_header(struct req *r, const char *name, const char *value);

/*
 * Lets nginx keep this anonymous 200 for the rest of this second of the
 * clock, then ask a worker again: "X-Accel-Expires: @<this second>"
 * (nginx drops the header from what it sends on).  nginx's own
 * "fastcgi_cache_valid 1s" counts whole seconds and kept a copy 1 to 2 s.
 * Any other status goes without it (resp_send()): nginx would keep any
 * answer carrying it.
 */
void resp_cache_this_second(struct req *r);

/* 1 when a header called name (case as given) is queued. */
int resp_has_header(const struct req *r, const char *name);

/*
 * Queues the session cookie: token set with max_age seconds, or cleared
 * when token is NULL.  HttpOnly; SameSite=Lax; Path=/; Secure on https.
 */
void resp_session_cookie(struct req *r, const char *token, long max_age);

/* Sends body (reference stolen; NULL means 500) as JSON with status. */
int resp_json(struct req *r, int status, json_t *body);

/*
 * Sends the error shape with a machine code ("not_found") and a message a
 * person can act on (printf format).
 */
int resp_error(struct req *r, int status, const char *code, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));

/* Sends a status without a body (204, 304). */
int resp_empty(struct req *r, int status);

/* Sends text/html; charset=utf-8 (already escaped by html.c). */
int resp_html(struct req *r, int status, const char *html, size_t len);

/*
 * Sends bytes with a content type (e.g. a CSV export) and an optional
 * Content-Disposition value.
 */
int resp_bytes(struct req *r, int status, const char *ctype,
               const char *disposition, const void *buf, size_t len);

/*
 * A streamed answer of unknown length (an export): resp_stream_begin()
 * sends the head without Content-Length (nginx sends the body chunked),
 * resp_stream_write() a piece of the body (0, or -1 once the client is
 * gone).  resp_stream_abort() ends the connection without ending the
 * answer, so a failure after the head reaches the client as a cut-off
 * transfer, never as a complete-looking short file.
 */
int  resp_stream_begin(struct req *r, int status, const char *ctype,
                       const char *disposition);
int  resp_stream_write(struct req *r, const void *buf, size_t len);
void resp_stream_abort(struct req *r);

/*
 * Lets nginx send a private file: X-Accel-Redirect to an internal
 * location, with the exact Content-Type and an optional disposition.
 */
int resp_accel(struct req *r, const char *internal_uri, const char *ctype,
               const char *disposition);

/*
 * Answers a failed database call: 503 when the connection was lost (the
 * outcome of a write is unknown: the client may retry), else 500.
 */
int resp_db_error(struct req *r, int rc);

/* The reason phrase of status, for the Status line and error pages. */
const char *resp_reason(int status);

#endif
