/*
 * form.h: strict parser for application/x-www-form-urlencoded bodies and
 * URL query strings.  Pairs come out decoded, checked as UTF-8 and copied
 * into the request arena, in input order.
 */
#ifndef NETDEP_FORM_H
#define NETDEP_FORM_H

#include <stddef.h>
#include <stdint.h>

#include "kv.h"

struct arena;

#define FORM_MAX_LEN   ((size_t)64 * 1024) /* encoded input, bytes */
#define FORM_MAX_PAIRS 64                  /* pairs, empty ones excluded */
#define FORM_MAX_KEY   64                  /* decoded key, bytes */
#define FORM_MAX_VALUE ((size_t)16 * 1024) /* decoded value, bytes */

#define FORM_OK     0
#define FORM_EBAD   (-1) /* malformed: answer 400 */
#define FORM_ELIMIT (-2) /* over a FORM_MAX_* limit: answer 413 (or 400) */
#define FORM_ENOMEM (-3) /* the arena is exhausted: answer 500 */

/*
 * Parses buf[0..len) as "k=v&k2=v2".  '+' decodes to a space and "%xy" to
 * the byte 0xXY (hex in either case).  Refused as FORM_EBAD: a '%' not
 * followed by two hex digits, "%00", a raw byte outside 0x21..0x7E (so raw
 * spaces, controls and 8-bit bytes; browsers always encode them), an empty
 * key ("=v"), and a key or value that is not valid UTF-8 once decoded.
 * Empty segments ("a=1&&b=2", a trailing '&') are skipped, as browsers do;
 * a segment without '=' is a key with an empty value.  Duplicate keys are
 * all returned, in order (valid_kv refuses a declared field given twice).
 *
 * On FORM_OK, *out is an arena array of *n pairs (NULL and 0 when there
 * are none), every string NUL-terminated; all of it belongs to the arena.
 * On error *out and *n are NULL and 0.  buf may be NULL when len is 0.
 */
int form_parse(struct arena *a, const uint8_t *buf, size_t len, struct kv **out,
               size_t *n);

#endif
