/*
 * fuzz_text.c: libFuzzer target for the NFC normaliser (cgi/text.c),
 * which every text field passes on its way in.  Any bytes: invalid UTF-8
 * is refused (the callers' 400), valid input comes out as valid UTF-8 in
 * NFC, and normalising that again changes nothing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "text.h"
#include "valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	const char  *out, *again;
	size_t       n, m;
	int          rc;

	arena_init(&a, 1 << 20);
	rc = text_nfc(&a, (const char *)data, size, &out, &n);
	if (rc == TEXT_EBAD) {
		if (valid_utf8(data, size))
			abort(); /* refused valid input */
	} else if (rc == TEXT_OK) {
		if (!valid_utf8((const uint8_t *)out, n) ||
		    !text_is_nfc(out, n))
			abort();
		if (text_nfc(&a, out, n, &again, &m) != TEXT_OK ||
		    again != out || m != n)
			abort(); /* NFC is not idempotent */
	}
	arena_free(&a);
	return 0;
}
