/*
 * fuzz_image_probe.c: libFuzzer target for image_probe(), the header parser
 * that runs on every upload before any decoder.  It checks the probe's
 * promises on OK (dimensions within the limits, orientation 1..8,
 * NUL-terminated EXIF strings) and that every result has a message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct image_limits lim = {20000, 100000000, 1};
	struct image_info                info;
	enum image_result                r;

	r = image_probe(data, size, &lim, &info);
	if (image_result_message(r) == NULL)
		abort();
	if (r != IMAGE_OK)
		return 0;
	if (info.width == 0 || info.height == 0 || info.width > 20000 ||
	    info.height > 20000 ||
	    (uint64_t)info.width * info.height > 100000000u)
		abort();
	if (info.exif.orientation < 1 || info.exif.orientation > 8)
		abort();
	if (memchr(info.exif.make, '\0', sizeof(info.exif.make)) == NULL ||
	    memchr(info.exif.model, '\0', sizeof(info.exif.model)) == NULL ||
	    memchr(info.exif.datetime, '\0', sizeof(info.exif.datetime)) ==
	        NULL)
		abort();
	if (info.type == IMAGE_JPEG &&
	    (info.jpeg_scans == 0 || info.jpeg_scans > 100))
		abort();
	return 0;
}
