/*
 * heif.h: HEIC and AVIF, the formats phones save (HEIF containers, ISO/IEC
 * 23008-12, with HEVC or AV1 pictures).  heif_probe() is a small strict
 * parser of the container's boxes that learns the type, the stored size
 * (the primary item's `ispe`) and the displayed size (after its `clap`
 * and `irot`) without decoding, so the pixel budget is checked before any
 * codec sees the file.  heif_decode() hands the bytes to libheif (libde265
 * for HEVC, dav1d or libaom for AV1), which applies the rotation and
 * mirror (`irot`, `imir`); it runs only inside the decode sandbox
 * (decode.c).  image.c calls both; nothing else should.
 */
#ifndef NETDEP_HEIF_H
#define NETDEP_HEIF_H

#include <stddef.h>
#include <stdint.h>

#include <gd.h>

#include "image.h"

/* True when buf starts with an ISO-BMFF `ftyp` box (any brand). */
int heif_sniff(const uint8_t *buf, size_t len);

/*
 * Reads buf[0..len) (heif_sniff() true) as a HEIF file: the brands say
 * which family it is, the primary item's type, `ispe`, `clap`, `irot` and
 * `imir` what it shows.  Fills type, width, height (the stored `ispe`),
 * oriented_width, oriented_height (after crop and rotation) and has_alpha
 * of *out; leaves the EXIF fields alone (the HEIF transforms, never an
 * EXIF orientation, say how to show the picture).  Returns IMAGE_OK,
 * IMAGE_ERR_UNSUPPORTED (another ISO-BMFF file: MP4, JPEG 2000...),
 * IMAGE_ERR_ANIMATED (an image sequence: brands msf1, hevc, hevx, avis),
 * IMAGE_ERR_VARIANT (layered HEVC, heim/heis; an item type we do not
 * decode), IMAGE_ERR_TOO_LARGE (an item larger than the primary image: a
 * tile or an alpha plane that would decode past the budget), or
 * IMAGE_ERR_CORRUPT (a box that overruns its parent or the file, a
 * missing or duplicate required box).  Pure: no allocation, no I/O.
 */
enum image_result heif_probe(const uint8_t *buf, size_t len,
                             struct image_info *out);

/*
 * Decodes the primary image of buf[0..len) (heif_probe() said IMAGE_OK
 * and filled info) with libheif, single-threaded, transforms applied, to
 * 8 bits per channel, into a new truecolor gdImage of oriented_width x
 * oriented_height divided by the largest of 1, 2, 4, 8 that keeps it at
 * least need_w x need_h (pixels averaged; 0 x 0: full size).  Returns
 * IMAGE_OK, IMAGE_ERR_DECODE (damaged or truncated data, a size other
 * than the probe's), IMAGE_ERR_VARIANT (a feature libheif lacks) or
 * IMAGE_ERR_NOMEM.
 */
enum image_result heif_decode(const uint8_t *buf, size_t len,
                              const struct image_info *info, uint32_t need_w,
                              uint32_t need_h, gdImagePtr *out);

/*
 * Initialises libheif (its codec plugins) while the process may still
 * open files: the decode sandbox calls it before its filter.
 */
void heif_preload(void);

/*
 * Opens libheif (dlopen, no initialisation): 0, or -1 when it is missing
 * (a HEIC or AVIF then decodes to IMAGE_ERR_VARIANT).  The master calls it
 * before forking so that no child pays for loading the codecs.
 */
int heif_load(void);

#endif
