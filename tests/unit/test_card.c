/*
 * test_card.c: the share card (cgi/image.c, issue 17).  It is 1200x630;
 * the photo is full-bleed whatever its shape (the four corners of the
 * card are the photo's, not a band or a ground); the bottom is darkened
 * for the text; the contest's name and the entry's number sit on the
 * brand red; the title, author and call to action are drawn, Vietnamese
 * with its marks (not the font's "missing" box).
 */
#include <gd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "unit.h"

/* The card's text as an upload draws it. */
static const struct image_card_text full = {
    .contest = "Nét đẹp đoàn viên, thanh niên 2026",
    .number = "123",
    .title = "Ấn tượng",
    .author = "Nguyễn Thị Hà",
    .host = "netdep.example.vn"};

/*
 * A w x h JPEG in four flat quadrants: red top left, green top right,
 * blue bottom left, yellow bottom right.  gdFree'd by the caller.
 */
static uint8_t *
quad_jpeg(int w, int h, int *len)
{
	gdImagePtr im = gdImageCreateTrueColor(w, h);
	void      *p;

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			im->tpixels[y][x] =
			    y < h / 2 ? (x < w / 2 ? gdTrueColor(230, 20, 20)
			                           : gdTrueColor(20, 230, 20))
			              : (x < w / 2 ? gdTrueColor(20, 20, 230)
			                           : gdTrueColor(230, 230, 20));
	p = gdImageJpegPtr(im, len, 92);
	gdImageDestroy(im);
	return p;
}

/* A w x h JPEG of one colour. */
static uint8_t *
flat_jpeg(int w, int h, int rgb, int *len)
{
	gdImagePtr im = gdImageCreateTrueColor(w, h);
	void      *p;

	gdImageFilledRectangle(im, 0, 0, w - 1, h - 1, rgb);
	p = gdImageJpegPtr(im, len, 92);
	gdImageDestroy(im);
	return p;
}

/* The card of jpg with text t (NULL: none), decoded back; NULL on error. */
static gdImagePtr
card_of(const uint8_t *jpg, int len, const struct image_card_text *t)
{
	struct image_info   info;
	struct image_derivs d;
	gdImagePtr          im = NULL;

	if (!UNIT_CHECK(image_probe(jpg, (size_t)len, NULL, &info) == IMAGE_OK,
	                "probe"))
		return NULL;
	if (!UNIT_CHECK(
	        image_derive_card(jpg, (size_t)len, &info,
	                          IMAGE_DERIV_BIT(IMAGE_DERIV_CARD_JPEG), t,
	                          &d) == IMAGE_OK,
	        "derive the card"))
		return NULL;
	UNIT_CHECK_INT(d.blob[IMAGE_DERIV_CARD_JPEG].width, IMAGE_CARD_WIDTH,
	               "card width");
	UNIT_CHECK_INT(d.blob[IMAGE_DERIV_CARD_JPEG].height, IMAGE_CARD_HEIGHT,
	               "card height");
	im = gdImageCreateFromJpegPtr((int)d.blob[IMAGE_DERIV_CARD_JPEG].len,
	                              d.blob[IMAGE_DERIV_CARD_JPEG].data);
	image_derivs_free(&d);
	if (UNIT_CHECK(im != NULL, "the card is a JPEG"))
		UNIT_CHECK(gdImageSX(im) == IMAGE_CARD_WIDTH &&
		               gdImageSY(im) == IMAGE_CARD_HEIGHT,
		           "decoded card is %dx%d", gdImageSX(im),
		           gdImageSY(im));
	return im;
}

static void
drop(gdImagePtr im)
{
	if (im != NULL)
		gdImageDestroy(im);
}

/* Channel c (0 red, 1 green, 2 blue) of a pixel. */
static int
chan(gdImagePtr im, int x, int y, int c)
{
	int p = gdImageGetTrueColorPixel(im, x, y);

	return c == 0   ? gdTrueColorGetRed(p)
	       : c == 1 ? gdTrueColorGetGreen(p)
	                : gdTrueColorGetBlue(p);
}

/* The pixel's strongest channels are exactly those in mask (bit c): each
 * of them beats each other channel by a clear margin. */
static int
dominant(gdImagePtr im, int x, int y, unsigned mask)
{
	for (int a = 0; a < 3; a++)
		for (int b = 0; b < 3; b++)
			if ((mask & (1u << a)) && !(mask & (1u << b)) &&
			    chan(im, x, y, a) < chan(im, x, y, b) + 15)
				return 0;
	return 1;
}

/* Sum of |a-b| of the three channels over a rectangle of two cards. */
static long
diff(gdImagePtr a, gdImagePtr b, int x0, int y0, int x1, int y1)
{
	long sum = 0;

	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			for (int c = 0; c < 3; c++)
				sum += labs((long)chan(a, x, y, c) -
				            chan(b, x, y, c));
	return sum;
}

/* Every shape of photo covers the whole card, with or without text. */
static void
test_full_bleed(void)
{
	static const int sizes[][2] = {
	    {1600, 1200}, /* 4:3 landscape */
	    {900, 1600},  /* portrait */
	    {3000, 600},  /* panorama */
	    {640, 480},   /* smaller than the card: enlarged */
	    {1200, 630},  /* the card's own shape */
	};

	for (size_t i = 0; i < UNIT_NELEM(sizes); i++) {
		int        len, w = sizes[i][0], h = sizes[i][1];
		uint8_t   *jpg = quad_jpeg(w, h, &len);
		gdImagePtr im;

		for (int text = 0; text < 2; text++) {
			if ((im = card_of(jpg, len, text ? &full : NULL)) ==
			    NULL)
				continue;
			/* Top corners: the photo as it is. */
			UNIT_CHECK(dominant(im, 1, 1, 1u) &&
			               chan(im, 1, 1, 0) > 180,
			           "%dx%d text %d: top left is the photo's red",
			           w, h, text);
			UNIT_CHECK(dominant(im, 1198, 1, 2u) &&
			               chan(im, 1198, 1, 1) > 180,
			           "%dx%d text %d: top right is the photo's "
			           "green",
			           w, h, text);
			/* Bottom corners: the photo under the gradient. */
			UNIT_CHECK(dominant(im, 1, 628, 4u),
			           "%dx%d text %d: bottom left is the photo's "
			           "blue (%d,%d,%d)",
			           w, h, text, chan(im, 1, 628, 0),
			           chan(im, 1, 628, 1), chan(im, 1, 628, 2));
			UNIT_CHECK(dominant(im, 1198, 628, 3u),
			           "%dx%d text %d: bottom right is the photo's "
			           "yellow (%d,%d,%d)",
			           w, h, text, chan(im, 1198, 628, 0),
			           chan(im, 1198, 628, 1),
			           chan(im, 1198, 628, 2));
			gdImageDestroy(im);
		}
		gdFree(jpg);
	}
}

/* A white photo: clear at the top, dark at the bottom (the gradient). */
static void
test_gradient(void)
{
	int      len;
	uint8_t *jpg = flat_jpeg(1600, 1000, gdTrueColor(255, 255, 255), &len);
	gdImagePtr im = card_of(jpg, len, NULL);

	if (im != NULL) {
		UNIT_CHECK(chan(im, 600, 100, 1) > 245, "top stays white: %d",
		           chan(im, 600, 100, 1));
		UNIT_CHECK(chan(im, 600, 620, 1) < 60,
		           "bottom darkened for the text: %d",
		           chan(im, 600, 620, 1));
		UNIT_CHECK(chan(im, 600, 400, 1) < chan(im, 600, 200, 1) &&
		               chan(im, 600, 560, 1) < chan(im, 600, 400, 1),
		           "darker towards the bottom");
		gdImageDestroy(im);
	}
	gdFree(jpg);
}

/*
 * The text: the labels on the brand red (#b50d29), the title, the author
 * and the call to action drawn where they belong, Vietnamese with its
 * marks.  A grey photo, so that only the text differs between cards.
 */
static void
test_text(void)
{
	/* U+0378 is unassigned: DejaVu draws its "missing glyph" box. */
	static const char *missing = "\xcd\xb8\xcd\xb8 \xcd\xb8\xcd\xb8\xcd\xb8"
	                             "\xcd\xb8\xcd\xb8";
	struct image_card_text t = full, bare = full, box = full, none = {0};
	int                    len;
	uint8_t *jpg = flat_jpeg(1600, 1000, gdTrueColor(128, 128, 128), &len);
	gdImagePtr a = card_of(jpg, len, &t), n = card_of(jpg, len, &none), b,
	           x;

	bare.title = "An tuong";
	box.title = missing;
	b = card_of(jpg, len, &bare);
	x = card_of(jpg, len, &box);
	if (a != NULL && n != NULL && b != NULL && x != NULL) {
		/* The contest's label at the top left, the number's above
		 * the title: the brand red around their text. */
		UNIT_CHECK(dominant(a, 52, 44, 1u) && chan(a, 52, 44, 0) > 150,
		           "contest label is red: %d,%d,%d", chan(a, 52, 44, 0),
		           chan(a, 52, 44, 1), chan(a, 52, 44, 2));
		UNIT_CHECK(dominant(a, 52, 418, 1u) &&
		               chan(a, 52, 418, 0) > 150,
		           "number label is red");
		UNIT_CHECK(!dominant(n, 52, 44, 1u) &&
		               !dominant(n, 52, 418, 1u),
		           "no text, no labels");
		/* Each line of text is there. */
		UNIT_CHECK(diff(a, n, 48, 40, 1152, 86) > 200000,
		           "contest name drawn");
		UNIT_CHECK(diff(a, n, 48, 414, 300, 460) > 100000,
		           "number drawn");
		UNIT_CHECK(diff(a, n, 48, 470, 1152, 540) > 200000,
		           "title drawn (fonts-dejavu-core installed?)");
		UNIT_CHECK(diff(a, n, 48, 560, 600, 600) > 100000,
		           "author drawn");
		UNIT_CHECK(diff(a, n, 700, 560, 1152, 605) > 100000,
		           "call to action drawn at the right");
		/* Vietnamese is not the missing-glyph box, and its marks are
		 * drawn: "Ấn tượng" is not "An tuong". */
		UNIT_CHECK(diff(a, x, 48, 470, 1152, 540) > 200000,
		           "Vietnamese differs from missing glyphs");
		UNIT_CHECK(diff(a, b, 48, 470, 1152, 540) > 60000,
		           "diacritics drawn: %ld",
		           diff(a, b, 48, 470, 1152, 540));
		/* The marks over the capital A reach above the plain one. */
		UNIT_CHECK(diff(a, b, 48, 460, 100, 482) > 5000,
		           "the circumflex and acute above A drawn");
	}
	drop(a);
	drop(n);
	drop(b);
	drop(x);
	gdFree(jpg);
}

/* A title far too long for the card is shortened, never drawn past the
 * right margin (the call to action keeps its place too). */
static void
test_long_text(void)
{
	char                   longt[400];
	struct image_card_text t = full, none = {0};
	int                    len;
	uint8_t *jpg = flat_jpeg(1600, 1000, gdTrueColor(128, 128, 128), &len);
	gdImagePtr a, n;

	memset(longt, 'W', sizeof(longt) - 1);
	longt[sizeof(longt) - 1] = '\0';
	t.title = longt;
	t.author = longt;
	a = card_of(jpg, len, &t);
	n = card_of(jpg, len, &none);
	if (a != NULL && n != NULL) {
		UNIT_CHECK(diff(a, n, 1160, 440, 1200, 610) < 20000,
		           "nothing drawn in the right margin: %ld",
		           diff(a, n, 1160, 440, 1200, 610));
		UNIT_CHECK(diff(a, n, 48, 470, 1152, 540) > 200000,
		           "the long title drawn, shortened");
	}
	drop(a);
	drop(n);
	gdFree(jpg);
}

int
main(void)
{
	image_init();
	UNIT_CHECK(image_fonts_load() == 2, "both card fonts load");
	test_full_bleed();
	test_gradient();
	test_text();
	test_long_text();
	return unit_report();
}
