/*
 * fuzz_exif.c: libFuzzer target for image_exif_parse(), the TIFF/IFD walker
 * run on the EXIF block of every upload.  It checks the parser's promises:
 * orientation always 1..8, strings NUL-terminated and printable ASCII.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_str(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap), i;

	if (n == cap)
		abort();
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_exif x;
	int               rc = image_exif_parse(data, size, &x);

	if (rc != 0 && rc != -1)
		abort();
	if (x.orientation < 1 || x.orientation > 8)
		abort();
	check_str(x.make, sizeof(x.make));
	check_str(x.model, sizeof(x.model));
	check_str(x.datetime, sizeof(x.datetime));
	return 0;
}
