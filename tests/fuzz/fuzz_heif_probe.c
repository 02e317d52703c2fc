/*
 * fuzz_heif_probe.c: libFuzzer target for heif_probe(), the HEIF box
 * parser that reads every HEIC and AVIF upload before libheif may (type,
 * ispe, clap, irot, iloc extents).  It checks the probe's promises on OK:
 * a HEIC or AVIF type, a stored and a shown size both non-zero, the shown
 * one no larger in pixels than the stored one (a crop can only shrink),
 * and, through image_probe(), that the limits hold.  Seeds: the samples
 * of tests/data/heif/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "heif.h"
#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct image_limits lim = {20000, 100000000, 1};
	struct image_info                info = {0};
	enum image_result                r;

	if (!heif_sniff(data, size))
		return 0;
	r = heif_probe(data, size, &info);
	if (image_result_message(r) == NULL)
		abort();
	if (r == IMAGE_OK) {
		if (info.type != IMAGE_HEIC && info.type != IMAGE_AVIF)
			abort();
		if (info.width == 0 || info.height == 0 ||
		    info.oriented_width == 0 || info.oriented_height == 0)
			abort();
		if ((uint64_t)info.oriented_width * info.oriented_height >
		    (uint64_t)info.width * info.height)
			abort();
	}
	r = image_probe(data, size, &lim, &info);
	if (r == IMAGE_OK && (info.width > 20000 || info.height > 20000 ||
	                      (uint64_t)info.width * info.height > 100000000u))
		abort();
	return 0;
}
