/*
 * text.h: one spelling per text (issue 15).  Vietnamese reaches the
 * server precomposed and decomposed ("Hoà" as U+00E0, or as "a" and the
 * combining grave U+0300: a Mac, a file name, a Windows keyboard set to
 * composite Unicode), so every text that enters through form.c, input.c
 * (JSON) and multipart.c is brought to Unicode NFC here, with GNU
 * libunistring (Debian's libunistring-dev), before any validator, handler
 * or statement sees it: one name is one string in the database.
 */
#ifndef NETDEP_TEXT_H
#define NETDEP_TEXT_H

#include <stddef.h>

struct arena;

#define TEXT_OK     0
#define TEXT_EBAD   (-1) /* not valid UTF-8 (or a NUL): answer 400 */
#define TEXT_ENOMEM (-2) /* out of memory: answer 500 */

/*
 * s[0..len) (valid UTF-8 is checked here: strict, no NUL) in NFC:
 * *out is s itself when it is NFC already (always for ASCII, without
 * any work), else a NUL-terminated copy in a; *outlen its bytes.  NFC
 * may make a text longer in bytes (rarely: a few composition exclusions),
 * so limits are checked on what this returns.  On error *out is NULL.
 */
int text_nfc(struct arena *a, const char *s, size_t len, const char **out,
             size_t *outlen);

/* 1 if s[0..len) is valid UTF-8 in NFC, else 0. */
int text_is_nfc(const char *s, size_t len);

/* The longest search query, in characters. */
#define SEARCH_Q_MAX 100

struct valid_field;
struct valid_value;

/*
 * A field-table check (valid.h) for a search query: one line of
 * f->min..f->max characters (valid_f_line) and NFC.  The input layer
 * made it NFC already; this says so where the query is declared, and
 * refuses a caller that bypassed it.
 */
const char *text_f_query(const char *s, size_t len, const struct valid_field *f,
                         struct valid_value *out);

#endif
