/*
 * multipart.h: strict multipart/form-data (RFC 7578, RFC 2046) parser over
 * a request body already read into memory.  File bytes are not copied: a
 * part's data points into the body.
 */
#ifndef NETDEP_MULTIPART_H
#define NETDEP_MULTIPART_H

#include <stddef.h>
#include <stdint.h>

#include "kv.h"

struct arena;

#define MULTIPART_MAX_PARTS    16                  /* parts in one body */
#define MULTIPART_MAX_HEADER   ((size_t)8 * 1024)  /* header bytes, per part */
#define MULTIPART_MAX_NAME     64                  /* field name, bytes */
#define MULTIPART_MAX_FIELD    ((size_t)16 * 1024) /* multipart_fields value */
#define MULTIPART_MAX_CTYPE    1024 /* Content-Type request header, bytes */
#define MULTIPART_MAX_BOUNDARY 70   /* RFC 2046 */

#define MULTIPART_OK     0
#define MULTIPART_EBAD   (-1) /* malformed: answer 400 */
#define MULTIPART_ELIMIT (-2) /* over a MULTIPART_MAX_* limit: answer 413 */
#define MULTIPART_ENOMEM (-3) /* the arena is exhausted: answer 500 */

struct mpart {
	const char *name;         /* field name, UTF-8, never empty */
	const char *filename;     /* UTF-8 as sent (maybe ""), or NULL if
	                             the part had no filename parameter */
	const char *content_type; /* as sent (printable ASCII, trimmed),
	                             or NULL; never trust it */
	const uint8_t *data;      /* points INTO the body */
	size_t         len;       /* bytes of data */
};

/*
 * Parses body[0..len) according to content_type, the request's
 * Content-Type header (a C string): "multipart/form-data" (any case) with
 * a boundary parameter, token or quoted, of 1..70 RFC 2046 bchars.
 *
 * Decisions, all refused as MULTIPART_EBAD unless said otherwise:
 * - Line ends are CRLF only.  A bare LF or CR inside part headers is
 *   refused; inside data it is just data.  Every browser and curl send
 *   CRLF, and one line-end rule leaves no room for parser disagreements.
 * - A preamble before the first boundary and an epilogue after the close
 *   delimiter are allowed and ignored.  Spaces or tabs after a boundary
 *   (transport padding) are allowed.  A line that starts with the
 *   delimiter but continues otherwise is refused (the boundary must not
 *   occur in the content).  No close delimiter is refused.
 * - Each part needs exactly one Content-Disposition "form-data" with a
 *   name; filename is optional (filename* is ignored); values are tokens or
 *   quoted strings with backslash escapes; name and filename must be valid
 *   UTF-8.  At most one Content-Type; Content-Transfer-Encoding other than
 *   7bit, 8bit or binary is refused; other headers are ignored; folded
 *   header lines are refused.
 * - Two parts with the same name are refused: every field of the
 *   application is single-valued, so a repeat is an error or an attack.
 * - MULTIPART_ELIMIT: more than MULTIPART_MAX_PARTS parts, more than
 *   MULTIPART_MAX_HEADER header bytes in one part, a name longer than
 *   MULTIPART_MAX_NAME bytes.  The body size itself is bounded by the
 *   caller (CONTENT_LENGTH against the upload limit).
 *
 * On MULTIPART_OK, *parts is an arena array of *nparts parts (NULL and 0
 * for a body with none); names and types are arena strings, data points
 * into body, which must outlive them.  On error *parts and *nparts are NULL
 * and 0.  Nothing is allocated outside the arena.
 */
int multipart_parse(struct arena *a, const char *content_type,
                    const uint8_t *body, size_t len, struct mpart **parts,
                    size_t *nparts);

/* Returns the part named name (a C string) in p[0..n), or NULL. */
const struct mpart *multipart_find(const struct mpart *p, size_t n,
                                   const char *name);

/*
 * Copies the text fields (parts without a filename) of p[0..n) into an
 * arena kv array for valid_kv(); file parts are skipped.  A text field
 * must be valid UTF-8 (else MULTIPART_EBAD) of at most MULTIPART_MAX_FIELD
 * bytes (else MULTIPART_ELIMIT).  Returns MULTIPART_OK with *out (NULL if
 * none) and *nout set, or an error with them NULL and 0.
 */
int multipart_fields(struct arena *a, const struct mpart *p, size_t n,
                     struct kv **out, size_t *nout);

#endif
