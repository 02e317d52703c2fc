/*
 * cookie.h: parser for the Cookie request header ("a=1; b=2").  Bounded,
 * tolerant of the odd cookies other software may set on the same domain,
 * but never of control characters.
 */
#ifndef NETDEP_COOKIE_H
#define NETDEP_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "kv.h"

struct arena;

#define COOKIE_MAX_LEN   ((size_t)8 * 1024) /* whole header, bytes */
#define COOKIE_MAX_PAIRS 64                 /* pairs kept */
#define COOKIE_MAX_NAME  128                /* one name, bytes */
#define COOKIE_MAX_VALUE ((size_t)4 * 1024) /* one value, bytes */

#define COOKIE_OK     0
#define COOKIE_EBAD   (-1) /* a control character (or DEL) in the header */
#define COOKIE_ELIMIT (-2) /* over a COOKIE_MAX_* limit */
#define COOKIE_ENOMEM (-3) /* the arena is exhausted */

/*
 * Parses buf[0..len), the value of a Cookie header, as pairs separated by
 * ';'.  Spaces and tabs around names, '=' and values are trimmed; a value
 * in double quotes loses them (RFC 6265 cookie-value).  No percent or
 * other decoding is done.  A segment without '=', with an empty name or
 * with a name that is not an RFC 7230 token is skipped, not an error: it
 * is someone else's cookie.  Values may hold any byte but controls, DEL
 * and ';' (8-bit bytes pass: check your own cookie's value yourself).
 * Refused: any control byte but HT, or DEL, anywhere (COOKIE_EBAD); more
 * than COOKIE_MAX_LEN bytes, more than COOKIE_MAX_PAIRS kept pairs, or a
 * name or value over its limit (COOKIE_ELIMIT).  Duplicate names are all
 * returned in order; browsers send the most specific path first, so
 * kv_find() (first match) picks the right one.
 *
 * On COOKIE_OK, *out is an arena array of *n pairs (NULL and 0 when
 * none); strings are NUL-terminated arena copies.  On error *out and *n
 * are NULL and 0.  buf may be NULL when len is 0.
 */
int cookie_parse(struct arena *a, const uint8_t *buf, size_t len,
                 struct kv **out, size_t *n);

#endif
