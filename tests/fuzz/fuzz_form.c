/*
 * fuzz_form.c: libFuzzer target for the urlencoded parser.  Every input
 * gets a fresh arena; parsed pairs are checked for the parser's promises
 * (NUL-terminated, no inner NUL, valid UTF-8) and then fed to a field table
 * that uses every valid_f_* check, so the validators are fuzzed too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "form.h"
#include "valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const choices[] = {"new", "votes", NULL};

static const struct valid_field fields[] = {
    {"l", valid_f_line, 1, 80, VALID_REQUIRED, NULL},
    {"b", valid_f_block, 0, 2000, 0, NULL},
    {"u", valid_f_username, 0, 0, 0, NULL},
    {"p", valid_f_password, 0, 0, 0, NULL},
    {"s", valid_f_slug, 0, 0, 0, NULL},
    {"e", valid_f_email, 0, 0, 0, NULL},
    {"f", valid_f_phone, 0, 0, 0, NULL},
    {"i", valid_f_int, -1000, 1000, 0, NULL},
    {"t", valid_f_timestamp, 0, 0, 0, NULL},
    {"c", valid_f_choice, 0, 0, 0, choices},
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct valid_value out[NFIELDS];
	struct valid_error err;
	struct arena       a;
	struct kv         *kv;
	size_t             n, i;

	arena_init(&a, 0);
	if (form_parse(&a, data, size, &kv, &n) == FORM_OK) {
		for (i = 0; i < n; i++) {
			if (strlen(kv[i].key) != kv[i].keylen ||
			    strlen(kv[i].val) != kv[i].vallen ||
			    kv[i].keylen == 0 || kv[i].keylen > FORM_MAX_KEY ||
			    kv[i].vallen > FORM_MAX_VALUE ||
			    !valid_utf8((const uint8_t *)kv[i].val,
			                kv[i].vallen))
				abort();
		}
		if (valid_kv(fields, NFIELDS, kv, n, out, &err) == 0 &&
		    (err.field == NULL || err.reason == NULL))
			abort();
	}
	arena_free(&a);
	return 0;
}
