/*
 * valid.h: pure validators for every kind of request field, and a field
 * table (in the spirit of kcgi's kvalid) that checks a set of key/value
 * pairs once, so handlers see checked, typed values or a 400 with the name
 * of the first bad field and a short English reason.
 */
#ifndef NETDEP_VALID_H
#define NETDEP_VALID_H

#include <stddef.h>
#include <stdint.h>

#include "kv.h"

/*
 * Plain validators.  Each is pure (no allocation, no global state), reads
 * exactly len bytes of s (s need not be NUL-terminated and may be NULL when
 * len is 0) and returns 1 if the value is acceptable, 0 otherwise.
 */

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF, no
 * NUL byte. */
int valid_utf8(const uint8_t *s, size_t len);

/* ^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$ */
int valid_username(const char *s, size_t len);

/* 8..128 bytes of valid UTF-8 (so no NUL). */
int valid_password(const char *s, size_t len);

/*
 * Single-line human text of min_chars..max_chars code points.  Refused:
 * invalid UTF-8, C0 controls (tab included), DEL, C1 controls, U+2028 and
 * U+2029, and the bidi embedding/override/isolate controls U+202A..U+202E
 * and U+2066..U+2069 (they can reorder text around the field when it is
 * displayed); the marks LRM/RLM/ALM are allowed.  When min_chars > 0 the
 * text must also contain something other than white space and invisible
 * characters (so "   " or a lone U+3164 is not a display name).  Leading or
 * trailing spaces are not refused: trimming is the handler's choice.
 */
int valid_line(const char *s, size_t len, size_t min_chars, size_t max_chars);

/*
 * Multi-line text of at most max_chars code points: as valid_line, but
 * "\n", "\r\n" (counted as one character, like a textarea's maxlength) and
 * "\t" are allowed; a bare "\r" is refused.
 */
int valid_block(const char *s, size_t len, size_t max_chars);

/* ^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$ (so 2..64 bytes) */
#define VALID_SLUG_MIN 2
#define VALID_SLUG_MAX 64
int valid_slug(const char *s, size_t len);

/*
 * Whole-string decimal integer in [min, max]: an optional '-', then "0" or
 * a digit 1-9 followed by digits.  No spaces, no '+', no "-0", no leading
 * zeros; overflow is refused, not wrapped.  On success *out (if not NULL)
 * receives the value; on failure *out is untouched.
 */
int valid_int(const char *s, size_t len, long long min, long long max,
              long long *out);

/*
 * A list of 1..max positive ids "1,2,3" (each as valid_int with
 * [1, LLONG_MAX]), written as a PostgreSQL array literal "{1,2,3}" into
 * out (outlen >= len + 3).  Returns the number of ids, or 0 when the list
 * is empty, too long, or any element is not such an id.
 */
int valid_id_list(const char *s, size_t len, size_t max, char *out,
                  size_t outlen);

/*
 * Pragmatic e-mail address, at most 254 bytes: one '@'; a local part of
 * 1..64 printable ASCII bytes without spaces or any of "(),:;<>[\]; a
 * domain of dot-separated labels of [A-Za-z0-9-] with at least one dot.
 */
int valid_email(const char *s, size_t len);

/*
 * Phone number: an optional leading '+', then 6..20 digits; single spaces
 * or dashes may separate digits ("+84 912-345-678", "0912 345 678").
 */
int valid_phone(const char *s, size_t len);

/*
 * ISO 8601 time: YYYY-MM-DD, 'T' or one space, HH:MM, optional :SS, then
 * optional 'Z' or +HH:MM / -HH:MM.  A time without an offset is Vietnam
 * time (UTC+07:00).  The date is calendar-checked (no Feb 30, leap years
 * honoured); no leap second, no fraction, no date without a time.  Years
 * 0001..9999.  On success *epoch (if not NULL) receives seconds since
 * 1970-01-01T00:00Z (negative before 1970).
 */
int valid_timestamp(const char *s, size_t len, long long *epoch);

/*
 * 1 when the address addr (IPv4 or IPv6 text) lies in one of the CIDR
 * blocks of list (commas or spaces between them, "/bits" optional: the
 * form config.c's NETDEP_*_PROXIES / _ALLOW keys check), else 0.  An
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d) is compared as IPv4.  A
 * malformed addr or block never matches.
 */
int valid_addr_in(const char *list, const char *addr);

/*
 * Field table.  A handler declares its fields once, usually as an array
 * indexed by an enum ending in FIELD__MAX:
 *
 *	static const struct valid_field fields[FIELD__MAX] = {
 *		{ "title", valid_f_line, 1, 120, VALID_REQUIRED, NULL },
 *		{ "limit", valid_f_int, 1, 100, 0, NULL },
 *		{ "sort", valid_f_choice, 0, 0, 0, sort_choices },
 *	};
 *
 * and calls valid_kv() with the parsed pairs.
 */

#define VALID_REQUIRED 0x01u /* absent or empty value is an error */

struct valid_field;

/* What valid_kv() produces for each field of the table. */
struct valid_value {
	int         present; /* 1 if given with a non-empty value and checked */
	const char *s;       /* the checked bytes (NUL-terminated), or "" */
	size_t      len;     /* bytes of s */
	long long   i;       /* valid_f_int, valid_f_timestamp: the number;
	                        valid_f_choice: the index in choices */
};

/*
 * A check function returns NULL if s[0..len) is acceptable for field f
 * (and then may fill out->i), or a short static English reason such as
 * "is too long".  Handlers may write their own with the same signature.
 */
typedef const char *(*valid_check_fn)(const char *s, size_t len,
                                      const struct valid_field *f,
                                      struct valid_value       *out);

struct valid_field {
	const char        *name;    /* the key as sent by the client */
	valid_check_fn     check;   /* one of valid_f_* or the handler's own */
	long long          min;     /* text: characters; int: smallest value */
	long long          max;     /* text: characters; int: largest value */
	unsigned           flags;   /* VALID_REQUIRED */
	const char *const *choices; /* valid_f_choice: NULL-terminated list */
};

/* Check functions for tables, each wrapping the validator of that name. */
const char *valid_f_line(const char *, size_t, const struct valid_field *,
                         struct valid_value *); /* min..max characters */
const char *valid_f_block(const char *, size_t, const struct valid_field *,
                          struct valid_value *); /* 0..max characters */
const char *valid_f_username(const char *, size_t, const struct valid_field *,
                             struct valid_value *);
const char *valid_f_password(const char *, size_t, const struct valid_field *,
                             struct valid_value *);
const char *valid_f_slug(const char *, size_t, const struct valid_field *,
                         struct valid_value *);
const char *valid_f_email(const char *, size_t, const struct valid_field *,
                          struct valid_value *);
const char *valid_f_phone(const char *, size_t, const struct valid_field *,
                          struct valid_value *);
/* Standard base64 (with padding), min..max characters. */
const char *valid_f_base64(const char *, size_t, const struct valid_field *,
                           struct valid_value *);
const char *valid_f_int(const char *, size_t, const struct valid_field *,
                        struct valid_value *); /* min..max, sets out->i */
const char *valid_f_timestamp(const char *, size_t, const struct valid_field *,
                              struct valid_value *); /* sets out->i */
const char *valid_f_choice(const char *, size_t, const struct valid_field *,
                           struct valid_value *); /* sets out->i = index */

/* Where valid_kv() stopped. */
struct valid_error {
	const char *field;  /* the field's name, or NULL when all passed */
	const char *reason; /* static English text, e.g. "is required" */
};

/*
 * Checks the pairs kv[0..nkv) against fields[0..nfields), in table order.
 * For each field: given more than once is an error ("is given more than
 * once"); absent or with an empty value, it is an error if VALID_REQUIRED
 * ("is required") and otherwise left absent (present = 0, s = "", i = 0)
 * without calling its check; else its check decides.  Keys not in the
 * table are ignored.  out must have nfields entries and is filled in table
 * order; its strings point into kv (no copy, no allocation).
 *
 * Returns 1 if every field passed (err->field = NULL), or 0 with err set
 * to the first failing field in table order, so a handler can answer 400
 * with "field <err->field>: <err->reason>".  err may be NULL.
 */
int valid_kv(const struct valid_field *fields, size_t nfields,
             const struct kv *kv, size_t nkv, struct valid_value *out,
             struct valid_error *err);

#endif
