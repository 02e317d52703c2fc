/*
 * test_resample.c: the area resample (cgi/resample.c) against libgd's
 * gdImageCopyResampled, the filter it replaces: every channel of every
 * pixel within one level, on noise (the hardest case for rounding), with
 * and without transparency, down and up, at the derivatives' ratios and
 * at odd ones, whole and in two bands, and from a rectangle of the source
 * (the share card's crop).
 */
#include <gd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "resample.h"
#include "unit.h"

static uint32_t rng = 2463534242u;

static uint32_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* A w x h image of noise; alpha: random transparency (some fully). */
static gdImagePtr
noise(int w, int h, int alpha)
{
	gdImagePtr im = gdImageCreateTrueColor(w, h);

	if (im == NULL)
		return NULL;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint32_t r = next();
			int      a = 0;

			if (alpha)
				a = (r >> 24) % 4 == 0 ? gdAlphaMax
				                       : (int)((r >> 24) % 128);
			im->tpixels[y][x] = gdTrueColorAlpha(
			    (int)(r & 255), (int)((r >> 8) & 255),
			    (int)((r >> 16) & 255), a);
		}
	return im;
}

static gdImagePtr
blank(int w, int h)
{
	gdImagePtr im = gdImageCreateTrueColor(w, h);

	gdImageAlphaBlending(im, 0);
	gdImageSaveAlpha(im, 1);
	return im;
}

/* The largest difference of one channel between a and b; colour is not
 * compared where both are (nearly) fully transparent. */
static int
max_diff(gdImagePtr a, gdImagePtr b)
{
	int m = 0;

	for (int y = 0; y < gdImageSY(a); y++)
		for (int x = 0; x < gdImageSX(a); x++) {
			int p = a->tpixels[y][x], q = b->tpixels[y][x];
			int d[4] = {
			    gdTrueColorGetRed(p) - gdTrueColorGetRed(q),
			    gdTrueColorGetGreen(p) - gdTrueColorGetGreen(q),
			    gdTrueColorGetBlue(p) - gdTrueColorGetBlue(q),
			    gdTrueColorGetAlpha(p) - gdTrueColorGetAlpha(q)};
			int colour = gdTrueColorGetAlpha(p) < gdAlphaMax - 1;

			for (int i = colour ? 0 : 3; i < 4; i++)
				m = abs(d[i]) > m ? abs(d[i]) : m;
		}
	return m;
}

static void
compare(int sw, int sh, int w, int h, int alpha)
{
	gdImagePtr src = noise(sw, sh, alpha);
	gdImagePtr want = blank(w, h), got = blank(w, h), two = blank(w, h);

	if (!UNIT_CHECK(src && want && got && two, "images %dx%d", sw, sh))
		goto out;
	gdImageCopyResampled(want, src, 0, 0, 0, 0, w, h, sw, sh);
	UNIT_CHECK_INT(resample_rows(got, src, 0, h), 0, "resample_rows");
	UNIT_CHECK(max_diff(want, got) <= 1,
	           "%dx%d -> %dx%d%s: off by %d from gd", sw, sh, w, h,
	           alpha ? " with alpha" : "", max_diff(want, got));
	/* Two bands give the same pixels as one pass. */
	UNIT_CHECK_INT(resample_rows(two, src, 0, h / 3), 0, "band 1");
	UNIT_CHECK_INT(resample_rows(two, src, h / 3, h), 0, "band 2");
	UNIT_CHECK_INT(max_diff(got, two), 0, "two bands");
out:
	if (src)
		gdImageDestroy(src);
	if (want)
		gdImageDestroy(want);
	if (got)
		gdImageDestroy(got);
	if (two)
		gdImageDestroy(two);
}

/* A flat colour stays exactly that colour, whatever the ratio. */
static void
test_flat(void)
{
	gdImagePtr src = gdImageCreateTrueColor(333, 251), dst = blank(97, 61);

	gdImageAlphaBlending(src, 0);
	gdImageFilledRectangle(src, 0, 0, 332, 250,
	                       gdTrueColorAlpha(200, 100, 50, 30));
	int other = 0;

	UNIT_CHECK_INT(resample_rows(dst, src, 0, 61), 0, "flat");
	for (int y = 0; y < 61; y++)
		for (int x = 0; x < 97; x++)
			other += dst->tpixels[y][x] !=
			         gdTrueColorAlpha(200, 100, 50, 30);
	UNIT_CHECK_INT(other, 0, "pixels of another colour");
	gdImageDestroy(src);
	gdImageDestroy(dst);
}

/* Rows outside the band are not written. */
static void
test_band_only(void)
{
	gdImagePtr src = noise(50, 40, 0), dst = blank(20, 16);
	int        untouched = 1;

	gdImageFilledRectangle(dst, 0, 0, 19, 15, gdTrueColor(1, 2, 3));
	UNIT_CHECK_INT(resample_rows(dst, src, 4, 9), 0, "band");
	for (int y = 0; y < 16; y++)
		if (y < 4 || y >= 9)
			for (int x = 0; x < 20; x++)
				untouched &=
				    dst->tpixels[y][x] == gdTrueColor(1, 2, 3);
	UNIT_CHECK(untouched, "rows outside [4, 9) untouched");
	gdImageDestroy(src);
	gdImageDestroy(dst);
}

/* A rectangle of src gives what the same rectangle cut out first gives;
 * a rectangle outside src is refused. */
static void
test_region(void)
{
	gdImagePtr src = noise(300, 200, 1), cut = blank(120, 90);
	gdImagePtr a = blank(50, 40), b = blank(50, 40);

	gdImageCopy(cut, src, 0, 0, 170, 33, 120, 90);
	UNIT_CHECK_INT(resample_rows(a, cut, 0, 40), 0, "cut first");
	UNIT_CHECK_INT(resample_region(b, src, 170, 33, 120, 90, 0, 40), 0,
	               "region");
	UNIT_CHECK_INT(max_diff(a, b), 0, "region vs cut");
	UNIT_CHECK_INT(resample_region(b, src, 181, 33, 120, 90, 0, 40), -1,
	               "past the right edge");
	UNIT_CHECK_INT(resample_region(b, src, 0, -1, 120, 90, 0, 40), -1,
	               "above the top");
	UNIT_CHECK_INT(resample_region(b, src, 0, 0, 0, 90, 0, 40), -1,
	               "empty");
	gdImageDestroy(src);
	gdImageDestroy(cut);
	gdImageDestroy(a);
	gdImageDestroy(b);
}

int
main(void)
{
	static const int sizes[][4] = {
	    {500, 375, 400, 300},     /* the thumbnail from a 1/8 decode */
	    {2000, 1500, 1600, 1200}, /* the display image */
	    {1600, 1200, 400, 300},   /* the thumbnail from the display */
	    {4000, 3000, 9, 8},       /* a dHash's 9 x 8 */
	    {37, 23, 5, 7},           /* odd ratios, different per axis */
	    {401, 299, 400, 300},     /* barely smaller */
	    {10, 10, 25, 25},         /* up */
	    {1, 1, 3, 2},
	    {7, 1, 1, 1},
	};

	for (size_t i = 0; i < UNIT_NELEM(sizes); i++)
		for (int alpha = 0; alpha < 2; alpha++)
			compare(sizes[i][0], sizes[i][1], sizes[i][2],
			        sizes[i][3], alpha);
	test_flat();
	test_band_only();
	test_region();
	return unit_report();
}
