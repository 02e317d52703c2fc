/*
 * input.c: the two body encodings we accept, normalised to kv pairs, and
 * the one place that turns a failed validation into a 400.
 */
#include "input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form.h"
#include "resp.h"
#include "text.h"

#define INPUT_MAX_JSON_FIELDS 32

static int
ctype_is(const char *ctype, const char *want)
{
	size_t n = strlen(want);

	return ctype != NULL && strncasecmp(ctype, want, n) == 0 &&
	       (ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ');
}

int
input_scalar(struct req *r, const char *key, json_t *v, struct arena *a,
             const char **s, size_t *len)
{
	char num[64];

	*s = NULL;
	*len = 0;
	if (json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*s = json_string_value(v);
		*len = json_string_length(v);
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		         json_integer_value(v));
		*len = strlen(num);
		*s = arena_strndup(a, num, *len);
	} else if (json_is_boolean(v)) {
		*s = json_is_true(v) ? "true" : "false";
		*len = strlen(*s);
	} else {
		return resp_error(r, 400, "bad_field",
		                  "Field %.64s must be a string or a whole "
		                  "number.",
		                  key);
	}
	if (*s == NULL)
		return resp_error(r, 500, "internal", "Out of memory.");
	/* jansson allows \u0000 inside strings; our fields never do. */
	if (memchr(*s, '\0', *len) != NULL)
		return resp_error(r, 400, "bad_field",
		                  "Field %.64s contains a NUL character.", key);
	return 0;
}

static int
input_json(struct req *r, struct kv **out, size_t *n)
{
	json_error_t err;
	json_t      *root, *v;
	const char  *key, *s;
	char        *v8;
	struct kv   *kv = NULL;
	size_t       i = 0, len;
	int          rc = 0, trc;

	root = json_loadb((const char *)r->body, r->body_len,
	                  JSON_REJECT_DUPLICATES, &err);
	if (root == NULL || !json_is_object(root))
		rc = resp_error(r, 400, "bad_json",
		                "The body is not a JSON object.");
	else if (json_object_size(root) > INPUT_MAX_JSON_FIELDS)
		rc = resp_error(r, 400, "bad_json", "Too many fields.");
	else if ((kv = arena_alloc(r->a, (json_object_size(root) + 1) *
	                                     sizeof(*kv))) == NULL)
		rc = resp_error(r, 500, "internal", "Out of memory.");
	if (rc != 0)
		goto out;
	json_object_foreach(root, key, v)
	{
		if ((rc = input_scalar(r, key, v, r->a, &s, &len)) != 0)
			goto out;
		if (s == NULL)
			continue; /* null: absent */
		kv[i].key = arena_strdup(r->a, key);
		kv[i].keylen = strlen(key);
		/* A copy in the arena, in NFC (text.h); jansson checked the
		 * UTF-8 and input_scalar() the NUL. */
		v8 = arena_strndup(r->a, s, len);
		trc = v8 == NULL
		          ? TEXT_ENOMEM
		          : text_nfc(r->a, v8, len, &kv[i].val, &kv[i].vallen);
		if (trc == TEXT_EBAD) {
			rc = resp_error(r, 400, "bad_field",
			                "Field %.64s is not valid UTF-8.", key);
			goto out;
		}
		if (trc != TEXT_OK || kv[i].key == NULL) {
			rc = resp_error(r, 500, "internal", "Out of memory.");
			goto out;
		}
		i++;
	}
	*out = kv;
	*n = i;
out:
	json_decref(root);
	return rc;
}

int
input_body(struct req *r, struct kv **kv, size_t *n)
{
	*kv = NULL;
	*n = 0;
	if (ctype_is(r->content_type, "application/json"))
		return input_json(r, kv, n);
	if (ctype_is(r->content_type, "application/x-www-form-urlencoded")) {
		int rc = form_parse(r->a, r->body, r->body_len, kv, n);

		if (rc == FORM_OK)
			return 0;
		if (rc == FORM_ELIMIT)
			return resp_error(r, 413, "too_large",
			                  "The form is too large.");
		return resp_error(r, 400, "bad_form",
		                  "The form is not valid urlencoded UTF-8.");
	}
	return resp_error(r, 415, "unsupported_media_type",
	                  "Send the body as application/json.");
}

int
input_check(struct req *r, const struct valid_field *fields, size_t nfields,
            const struct kv *kv, size_t n, struct valid_value *out)
{
	struct valid_error err;

	if (valid_kv(fields, nfields, kv, n, out, &err))
		return 0;
	return resp_error(r, 400, "invalid_field", "Field %s %s.", err.field,
	                  err.reason);
}

int
input_args(struct req *r, const struct valid_field *fields, size_t nfields,
           struct valid_value *out)
{
	return input_check(r, fields, nfields, r->args, r->nargs, out);
}

json_t *
input_db_json(const char *text)
{
	if (text == NULL)
		return NULL;
	return json_loads(text, 0, NULL);
}

char *
input_json_text(struct arena *a, json_t *v)
{
	char *text, *copy;

	if (v == NULL)
		return NULL;
	text = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	if (text == NULL)
		return NULL;
	copy = arena_strdup(a, text);
	free(text);
	return copy;
}
