/*
 * input.h: request bodies and query strings to checked fields.  Whatever
 * the encoding (JSON object, urlencoded form, query string), fields end up
 * as kv pairs and pass the handler's valid_field table, so every field is
 * declared once with its validator.
 */
#ifndef NETDEP_INPUT_H
#define NETDEP_INPUT_H

#include <jansson.h>

#include "req.h"
#include "valid.h"

/*
 * Decodes the body of r into kv pairs: a JSON object (strings, numbers and
 * booleans as text; null as absent) or an urlencoded form.  Returns 0, or
 * sends a 400/413/415 error and returns its status.
 */
int input_body(struct req *r, struct kv **kv, size_t *n);

/*
 * Checks kv against the table; on failure sends 400 naming the field and
 * returns 400, else returns 0 with out filled (nfields entries).
 */
int input_check(struct req *r, const struct valid_field *fields, size_t nfields,
                const struct kv *kv, size_t n, struct valid_value *out);

/* Checks the query string against the table, like input_check. */
int input_args(struct req *r, const struct valid_field *fields, size_t nfields,
               struct valid_value *out);

/* Parses JSON text built by PostgreSQL; NULL when text is NULL/invalid. */
json_t *input_db_json(const char *text);

/*
 * Serialises v (reference stolen) into the arena as compact JSON text;
 * NULL on failure.  For JSON the database stores (audit before/after).
 */
char *input_json_text(struct arena *a, json_t *v);

/*
 * A scalar JSON value v of field key as text: a string as it is, a whole
 * number in decimal (copied into a), a boolean as "true"/"false"; JSON
 * null gives *s NULL (absent).  Returns 0, or sends 400 (another type, or
 * a NUL inside a string) or 500 and returns that status.
 */
int input_scalar(struct req *r, const char *key, json_t *v, struct arena *a,
                 const char **s, size_t *len);

#endif
