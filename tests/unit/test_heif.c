/*
 * test_heif.c: tests of cgi/heif.c, the HEIC/AVIF probe and decode.  The
 * samples of tests/data/heif/ (made by its make_samples.py from Debian's
 * encoders) check the probe's verdicts and geometry, and, decoded in this
 * process, that libheif applies irot and imir exactly as the probe
 * predicts (the rotated samples carry the very HEVC bitstream of
 * plain.heic, so pixels must map one to one); byte edits of them check
 * the strict parser (brands, item types, boxes that overrun, a tile
 * larger than its grid, every truncation); the derivatives carry none of
 * the EXIF, GPS or XMP the samples hold.
 */
#include <dlfcn.h>
#include <gd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heif.h"
#include "image.h"
#include "unit.h"

#ifndef NETDEP_TESTDATA_DIR
#define NETDEP_TESTDATA_DIR "tests/data"
#endif

static char                      testdata[1024];
static const struct image_limits lim_small = {30000, 100000000, 1};

static uint8_t *
slurp(const char *rel, size_t *len)
{
	char     path[2048];
	FILE    *f;
	uint8_t *b = NULL;
	long     n;

	snprintf(path, sizeof(path), "%s/heif/%s", testdata, rel);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n)) != NULL)
		*len = fread(b, 1, (size_t)n, f);
	fclose(f);
	return b;
}

/* ---- the samples --------------------------------------------------------- */

static void
test_samples(void)
{
	static const struct {
		const char       *file;
		enum image_result r;
		enum image_type   type;
		uint32_t          w, h, ow, oh;
		int               alpha;
	} cases[] = {
	    {"plain.heic", IMAGE_OK, IMAGE_HEIC, 360, 240, 360, 240, 0},
	    {"tenbit.heic", IMAGE_OK, IMAGE_HEIC, 360, 240, 360, 240, 0},
	    {"rot90.heic", IMAGE_OK, IMAGE_HEIC, 360, 240, 240, 360, 0},
	    {"mirror.heic", IMAGE_OK, IMAGE_HEIC, 360, 240, 360, 240, 0},
	    {"rot270-mirror.heic", IMAGE_OK, IMAGE_HEIC, 360, 240, 240, 360, 0},
	    {"grid.heic", IMAGE_OK, IMAGE_HEIC, 500, 380, 500, 380, 0},
	    {"clap-rot90.heic", IMAGE_OK, IMAGE_HEIC, 360, 240, 200, 300, 0},
	    {"plain.avif", IMAGE_OK, IMAGE_AVIF, 360, 240, 360, 240, 0},
	    {"tenbit.avif", IMAGE_OK, IMAGE_AVIF, 360, 240, 360, 240, 0},
	    {"rot90.avif", IMAGE_OK, IMAGE_AVIF, 360, 240, 240, 360, 0},
	    {"mirror.avif", IMAGE_OK, IMAGE_AVIF, 360, 240, 360, 240, 0},
	    {"grid.avif", IMAGE_OK, IMAGE_AVIF, 360, 240, 360, 240, 0},
	    {"alpha.avif", IMAGE_OK, IMAGE_AVIF, 360, 240, 360, 240, 1},
	    {"bomb-ispe.heic", IMAGE_ERR_TOO_LARGE, IMAGE_JPEG, 0, 0, 0, 0, 0},
	    {"truncated.heic", IMAGE_ERR_CORRUPT, IMAGE_JPEG, 0, 0, 0, 0, 0},
	    {"sequence.avif", IMAGE_ERR_ANIMATED, IMAGE_JPEG, 0, 0, 0, 0, 0},
	};

	for (size_t i = 0; i < UNIT_NELEM(cases); i++) {
		struct image_info info;
		size_t            n = 0;
		uint8_t          *b = slurp(cases[i].file, &n);
		enum image_result r;

		if (!UNIT_CHECK(b != NULL, "read %s", cases[i].file))
			continue;
		r = image_probe(b, n, &lim_small, &info);
		UNIT_CHECK(r == cases[i].r, "%s: probe %s, want %s",
		           cases[i].file, image_result_message(r),
		           image_result_message(cases[i].r));
		if (r == IMAGE_OK) {
			UNIT_CHECK_INT(info.type, cases[i].type, cases[i].file);
			UNIT_CHECK(info.width == cases[i].w &&
			               info.height == cases[i].h &&
			               info.oriented_width == cases[i].ow &&
			               info.oriented_height == cases[i].oh,
			           "%s: %ux%u shown %ux%u", cases[i].file,
			           info.width, info.height, info.oriented_width,
			           info.oriented_height);
			UNIT_CHECK_INT(info.has_alpha, cases[i].alpha,
			               cases[i].file);
			UNIT_CHECK_INT(info.exif.orientation, 1, cases[i].file);
		}
		free(b);
	}
}

/* The bomb's ispe claims 100000 x 100000: the probe reports it so, the
 * limits refuse it, and the derive refuses it even without them, never
 * reaching libheif. */
static void
test_bomb_size(void)
{
	struct image_info   info;
	struct image_derivs d;
	size_t              n = 0;
	uint8_t            *b = slurp("bomb-ispe.heic", &n);

	if (!UNIT_CHECK(b != NULL, "read bomb"))
		return;
	memset(&info, 0, sizeof(info));
	UNIT_CHECK(heif_probe(b, n, &info) == IMAGE_OK &&
	               info.width == 100000 && info.height == 100000,
	           "bomb: the probe reads %ux%u", info.width, info.height);
	UNIT_CHECK(image_probe(b, n, &lim_small, &info) == IMAGE_ERR_TOO_LARGE,
	           "bomb: refused by the limits");
	UNIT_CHECK(image_probe(b, n, NULL, &info) == IMAGE_OK &&
	               image_derive(b, n, &info, &d) == IMAGE_ERR_TOO_LARGE,
	           "bomb: refused by the derive without limits");
	free(b);
}

/* The Exif item gives the judges camera and date taken; its orientation
 * never adds to irot. */
static void
test_exif_item(void)
{
	static const char *files[] = {"plain.heic", "plain.avif"};

	for (size_t i = 0; i < UNIT_NELEM(files); i++) {
		struct image_info info;
		size_t            n = 0;
		uint8_t          *b = slurp(files[i], &n);

		if (!UNIT_CHECK(b != NULL, "read %s", files[i]))
			continue;
		if (UNIT_CHECK(image_probe(b, n, &lim_small, &info) == IMAGE_OK,
		               "%s: probe", files[i]))
			UNIT_CHECK(
			    info.has_exif &&
			        strcmp(info.exif.make, "TestPhone") == 0 &&
			        strcmp(info.exif.model, "NetdepCam") == 0 &&
			        strcmp(info.exif.datetime,
			               "2026:03:26 08:30:00") == 0 &&
			        info.exif.orientation == 1,
			    "%s: exif %d make '%s' model '%s' date '%s'",
			    files[i], info.has_exif, info.exif.make,
			    info.exif.model, info.exif.datetime);
		free(b);
	}
}

/* ---- byte edits ------------------------------------------------------------
 */

/* The first occurrence of the 4 bytes s in b, or NULL. */
static uint8_t *
find4(uint8_t *b, size_t n, const char *s)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (memcmp(b + i, s, 4) == 0)
			return b + i;
	return NULL;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
test_edits(void)
{
	static const struct {
		const char       *file, *what, *at; /* at: a 4cc to find */
		int               off;              /* from that 4cc */
		const char       *bytes;            /* 4 bytes written */
		enum image_result r;
	} cases[] = {
	    /* Brands: the major brand decides. */
	    {"plain.heic", "heim", "ftyp", 4, "heim", IMAGE_ERR_VARIANT},
	    {"plain.heic", "heis", "ftyp", 4, "heis", IMAGE_ERR_VARIANT},
	    {"plain.heic", "msf1", "ftyp", 4, "msf1", IMAGE_ERR_ANIMATED},
	    {"plain.heic", "hevc", "ftyp", 4, "hevc", IMAGE_ERR_ANIMATED},
	    {"plain.avif", "avis", "ftyp", 4, "avis", IMAGE_ERR_ANIMATED},
	    {"plain.heic", "mp42", "ftyp", 4, "mp42", IMAGE_ERR_UNSUPPORTED},
	    {"plain.heic", "jp2", "ftyp", 4, "jp2 ", IMAGE_ERR_UNSUPPORTED},
	    /* mif1 with heic among the compatible brands: a HEIC. */
	    {"plain.heic", "mif1", "ftyp", 4, "mif1", IMAGE_OK},
	    {"plain.heic", "heix", "ftyp", 4, "heix", IMAGE_OK},
	    /* An HEVC item in a file that says AVIF, and the reverse. */
	    {"plain.heic", "avif+hvc1", "ftyp", 4, "avif", IMAGE_ERR_CORRUPT},
	    {"plain.avif", "heic+av01", "ftyp", 4, "heic", IMAGE_ERR_CORRUPT},
	    /* Item types we do not decode. */
	    {"plain.heic", "jpeg item", "hvc1", 0, "jpeg", IMAGE_ERR_VARIANT},
	    {"plain.heic", "unci item", "hvc1", 0, "unci", IMAGE_ERR_VARIANT},
	    /* Not an image file's handler. */
	    {"plain.heic", "hdlr vide", "pict", 0, "vide",
	     IMAGE_ERR_UNSUPPORTED},
	    /* No ispe on the primary item. */
	    {"plain.heic", "no ispe", "ispe", 0, "xspe", IMAGE_ERR_CORRUPT},
	    /* No pitm, iinf, iloc: required. */
	    {"plain.heic", "no pitm", "pitm", 0, "xitm", IMAGE_ERR_CORRUPT},
	    {"plain.heic", "no iinf", "iinf", 0, "xinf", IMAGE_ERR_CORRUPT},
	    {"plain.heic", "no iloc", "iloc", 0, "xloc", IMAGE_ERR_CORRUPT},
	    /* The meta box overruns the file. */
	    {"plain.heic", "meta overrun", "meta", -4, "\x7f\0\0\0",
	     IMAGE_ERR_CORRUPT},
	    /* ftyp: a size that is not 16 + 4n. */
	    {"plain.heic", "ftyp size", "ftyp", -4, "\0\0\0\x1a",
	     IMAGE_ERR_CORRUPT},
	    /* A 100000-wide grid: the limits refuse it. */
	    {"grid.heic", "grid bomb", "ispe", 8, "\0\x01\x86\xa0",
	     IMAGE_ERR_TOO_LARGE},
	};

	for (size_t i = 0; i < UNIT_NELEM(cases); i++) {
		struct image_info info;
		size_t            n = 0;
		uint8_t          *b = slurp(cases[i].file, &n), *p;
		enum image_result r;

		if (!UNIT_CHECK(b != NULL, "read %s", cases[i].file))
			continue;
		p = find4(b, n, cases[i].at);
		if (UNIT_CHECK(p != NULL, "%s: no %s", cases[i].what,
		               cases[i].at)) {
			memcpy(p + cases[i].off, cases[i].bytes, 4);
			r = image_probe(b, n, &lim_small, &info);
			UNIT_CHECK(r == cases[i].r, "%s: %s, want %s",
			           cases[i].what, image_result_message(r),
			           image_result_message(cases[i].r));
		}
		free(b);
	}
}

/* A grid's tile ispe: the second ispe of grid.heic, moved past 16. */
static void
test_tile_ispe(void)
{
	struct image_info info;
	size_t            n = 0;
	uint8_t          *b = slurp("grid.heic", &n), *p;

	if (!UNIT_CHECK(b != NULL, "read grid"))
		return;
	p = find4(b, n, "ispe");
	p = p != NULL ? find4(p + 4, n - (size_t)(p + 4 - b), "ispe") : NULL;
	if (UNIT_CHECK(p != NULL, "grid: a second ispe")) {
		put32(p + 8, 4000); /* the tile 4000 x 192: over 500 x 380 */
		UNIT_CHECK(heif_probe(b, n, &info) == IMAGE_ERR_TOO_LARGE,
		           "a tile larger than its grid is refused");
	}
	free(b);
}

/* Every prefix of a file is refused, none crashes; every byte flipped
 * gives an answer with a message (the fuzz target does more). */
static void
test_truncations(void)
{
	static const char *files[] = {"plain.heic", "grid.heic", "plain.avif",
	                              "alpha.avif"};

	for (size_t f = 0; f < UNIT_NELEM(files); f++) {
		struct image_info info;
		size_t            n = 0, bad = 0;
		uint8_t          *b = slurp(files[f], &n);

		if (!UNIT_CHECK(b != NULL, "read %s", files[f]))
			continue;
		for (size_t k = 0; k < n; k++)
			if (image_probe(b, k, &lim_small, &info) == IMAGE_OK)
				bad++;
		UNIT_CHECK(bad == 0, "%s: %zu prefixes accepted", files[f],
		           bad);
		UNIT_CHECK(image_probe(b, n, &lim_small, &info) == IMAGE_OK,
		           "%s: whole", files[f]);
		free(b);
	}
}

/* ---- decoding: transforms ---------------------------------------------- */

static gdImagePtr
decode(const char *rel)
{
	struct image_info info;
	gdImagePtr        im = NULL;
	size_t            n = 0;
	uint8_t          *b = slurp(rel, &n);
	enum image_result r;

	if (b == NULL)
		return NULL;
	if (image_probe(b, n, &lim_small, &info) == IMAGE_OK &&
	    (r = heif_decode(b, n, &info, 0, 0, &im)) != IMAGE_OK)
		UNIT_CHECK(0, "%s: decode %s", rel, image_result_message(r));
	free(b);
	return im;
}

/* Destroys im unless it is NULL. */
static void
drop(gdImagePtr im)
{
	if (im != NULL)
		gdImageDestroy(im);
}

/* Pixels of b equal a's through map (exactly: one bitstream). */
enum map { MAP_SAME, MAP_ROT90_CCW, MAP_FLIP_TB, MAP_TRANSPOSE };

static int
same_mapped(gdImagePtr a, gdImagePtr b, enum map m)
{
	int W = gdImageSX(a), H = gdImageSY(a), bad = 0;

	for (int y = 0; y < gdImageSY(b); y++)
		for (int x = 0; x < gdImageSX(b); x++) {
			int sx = x, sy = y;
			if (m == MAP_ROT90_CCW) {
				sx = W - 1 - y;
				sy = x;
			} else if (m == MAP_FLIP_TB) {
				sy = H - 1 - y;
			} else if (m == MAP_TRANSPOSE) {
				sx = y;
				sy = x;
			}
			if (b->tpixels[y][x] != a->tpixels[sy][sx])
				bad++;
		}
	return bad;
}

static void
test_transforms(void)
{
	gdImagePtr plain = decode("plain.heic"), r90 = decode("rot90.heic");
	gdImagePtr mir = decode("mirror.heic");
	gdImagePtr tr = decode("rot270-mirror.heic");

	if (!UNIT_CHECK(plain && r90 && mir && tr, "decoded the four"))
		goto out;
	UNIT_CHECK(gdImageSX(r90) == 240 && gdImageSY(r90) == 360,
	           "rot90 is 240x360");
	/* irot 1: 90 degrees anticlockwise. */
	UNIT_CHECK_INT(same_mapped(plain, r90, MAP_ROT90_CCW), 0,
	               "rot90.heic pixels off a 90-degree turn");
	/* imir 0 (libheif 1.15, as libavif): top and bottom swap. */
	UNIT_CHECK_INT(same_mapped(plain, mir, MAP_FLIP_TB), 0,
	               "mirror.heic pixels off a vertical flip");
	UNIT_CHECK(same_mapped(plain, mir, MAP_SAME) != 0,
	           "the mirror is not the identity");
	/* irot 3 then imir 1: 90 degrees clockwise, then left-right: the
	 * transpose. */
	UNIT_CHECK_INT(same_mapped(plain, tr, MAP_TRANSPOSE), 0,
	               "rot270-mirror.heic pixels off a transpose");
out:
	drop(plain);
	drop(r90);
	drop(mir);
	drop(tr);
}

/* Asked for less, the decode averages 2x2 (or 4x4...) blocks. */
static void
test_shrink(void)
{
	struct image_info info;
	gdImagePtr        full = NULL, half = NULL, eighth = NULL;
	size_t            n = 0;
	uint8_t          *b = slurp("plain.heic", &n);
	int               bad = 0;

	if (!UNIT_CHECK(b != NULL &&
	                    image_probe(b, n, &lim_small, &info) == IMAGE_OK,
	                "plain.heic"))
		goto out;
	if (!UNIT_CHECK(heif_decode(b, n, &info, 0, 0, &full) == IMAGE_OK &&
	                    heif_decode(b, n, &info, 180, 100, &half) ==
	                        IMAGE_OK &&
	                    heif_decode(b, n, &info, 1, 1, &eighth) == IMAGE_OK,
	                "three decodes"))
		goto out;
	UNIT_CHECK(gdImageSX(full) == 360 && gdImageSY(half) == 120 &&
	               gdImageSX(half) == 180 && gdImageSX(eighth) == 45 &&
	               gdImageSY(eighth) == 30,
	           "sizes %dx%d, %dx%d, %dx%d", gdImageSX(full),
	           gdImageSY(full), gdImageSX(half), gdImageSY(half),
	           gdImageSX(eighth), gdImageSY(eighth));
	/* 180 x 100 asks for no less than half: 2 x 2 blocks, averaged. */
	for (int y = 0; y < gdImageSY(half); y++)
		for (int x = 0; x < gdImageSX(half); x++) {
			int p[4] = {full->tpixels[2 * y][2 * x],
			            full->tpixels[2 * y][2 * x + 1],
			            full->tpixels[2 * y + 1][2 * x],
			            full->tpixels[2 * y + 1][2 * x + 1]};
			int g = 0, q = half->tpixels[y][x];

			for (int i = 0; i < 4; i++)
				g += gdTrueColorGetGreen(p[i]);
			if (abs((g + 2) / 4 - gdTrueColorGetGreen(q)) > 0)
				bad++;
		}
	UNIT_CHECK_INT(bad, 0, "half-size pixels off the 2x2 average");
out:
	drop(full);
	drop(half);
	drop(eighth);
	free(b);
}

/* 10-bit files come out 8-bit; alpha stays; grids are whole. */
static void
test_decode_kinds(void)
{
	gdImagePtr a = decode("alpha.avif"), g = decode("grid.heic");
	gdImagePtr t = decode("tenbit.heic"), t2 = decode("tenbit.avif");
	gdImagePtr c = decode("clap-rot90.heic");

	if (UNIT_CHECK(a != NULL, "alpha.avif decodes")) {
		/* alpha 128 of 255: gd's 0..127 scale, 127 transparent. */
		int al = gdTrueColorGetAlpha(a->tpixels[10][10]);
		UNIT_CHECK(al >= 60 && al <= 66, "alpha.avif alpha %d", al);
		gdImageDestroy(a);
	}
	if (UNIT_CHECK(g != NULL, "grid.heic decodes")) {
		UNIT_CHECK(gdImageSX(g) == 500 && gdImageSY(g) == 380,
		           "grid 500x380");
		gdImageDestroy(g);
	}
	/* Cropped by clap, then turned: libheif agrees with the probe. */
	if (UNIT_CHECK(c != NULL, "clap-rot90.heic decodes")) {
		UNIT_CHECK(gdImageSX(c) == 200 && gdImageSY(c) == 300,
		           "clap-rot90 %dx%d", gdImageSX(c), gdImageSY(c));
		gdImageDestroy(c);
	}
	UNIT_CHECK(t != NULL && t2 != NULL, "10-bit HEIC and AVIF decode");
	drop(t);
	drop(t2);
}

/* ---- derivatives: nothing of the metadata ------------------------------ */

static int
has(const struct image_blob *bl, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; bl->data != NULL && i + k <= bl->len; i++)
		if (memcmp(bl->data + i, s, k) == 0)
			return 1;
	return 0;
}

static void
test_derivs_clean(void)
{
	static const char *files[] = {"plain.heic", "plain.avif", "rot90.heic",
	                              "alpha.avif"};
	/* What make_samples.py wrote into the EXIF and XMP. */
	static const char *marks[] = {"Exif",         "NetdepCam",
	                              "TestPhone",    "Nguyen Van A",
	                              "ns.adobe.com", "GPS"};

	for (size_t f = 0; f < UNIT_NELEM(files); f++) {
		struct image_info   info;
		struct image_derivs d;
		size_t              n = 0;
		uint8_t            *b = slurp(files[f], &n);

		if (!UNIT_CHECK(b != NULL, "read %s", files[f]))
			continue;
		if (image_probe(b, n, &lim_small, &info) != IMAGE_OK ||
		    !UNIT_CHECK(image_derive(b, n, &info, &d) == IMAGE_OK,
		                "%s: derive", files[f])) {
			free(b);
			continue;
		}
		/* The sample really holds them (heif-enc, avifenc copy). */
		if (f < 2)
			UNIT_CHECK(find4(b, n, "Netd") != NULL,
			           "%s: the sample carries its EXIF", files[f]);
		for (int k = 0; k < IMAGE_DERIV__MAX; k++) {
			UNIT_CHECK(d.blob[k].len > 0, "%s: derivative %d",
			           files[f], k);
			for (size_t m = 0; m < UNIT_NELEM(marks); m++)
				UNIT_CHECK(!has(&d.blob[k], marks[m]),
				           "%s: derivative %d carries \"%s\"",
				           files[f], k, marks[m]);
		}
		if (strcmp(files[f], "rot90.heic") == 0)
			UNIT_CHECK(d.blob[IMAGE_DERIV_T400_JPEG].height >
			               d.blob[IMAGE_DERIV_T400_JPEG].width,
			           "rot90: the thumbnail is taller than wide");
		image_derivs_free(&d);
		free(b);
	}
}

/* libheif is opened at its first use (heif_load), never at a process's
 * start: a JPEG's whole path leaves it unloaded (its codecs cost ~9 ms of
 * CPU at every start of netdep-thumb when it was linked). */
static int
heif_mapped(void)
{
	void *h = dlopen("libheif.so.1", RTLD_NOW | RTLD_NOLOAD);

	if (h != NULL)
		dlclose(h);
	return h != NULL;
}

static void
test_lazy_load(void)
{
	struct image_info   info;
	struct image_derivs d;
	size_t              n = 0;
	uint8_t *b = slurp("../libjpeg-turbo/testimages/testorig.jpg", &n);

	UNIT_CHECK(!heif_mapped(), "libheif loaded at start");
	if (UNIT_CHECK(b != NULL, "read testorig.jpg") &&
	    UNIT_CHECK(image_probe(b, n, NULL, &info) == IMAGE_OK,
	               "testorig.jpg: probe") &&
	    UNIT_CHECK(image_derive(b, n, &info, &d) == IMAGE_OK,
	               "testorig.jpg: derive"))
		image_derivs_free(&d);
	UNIT_CHECK(!heif_mapped(), "a JPEG's derivatives loaded libheif");
	UNIT_CHECK(heif_load() == 0 && heif_mapped(), "heif_load");
	UNIT_CHECK(heif_load() == 0, "heif_load twice");
	free(b);
}

int
main(void)
{
	const char *env = getenv("NETDEP_TESTDATA");

	image_init();
	snprintf(testdata, sizeof(testdata), "%s",
	         env != NULL && env[0] != '\0' ? env : NETDEP_TESTDATA_DIR);
	test_lazy_load(); /* first: before anything decodes a HEIC */
	test_samples();
	test_bomb_size();
	test_exif_item();
	test_edits();
	test_tile_ispe();
	test_truncations();
	test_transforms();
	test_shrink();
	test_decode_kinds();
	test_derivs_clean();
	return unit_report();
}
