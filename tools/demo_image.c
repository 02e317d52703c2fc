/*
 * demo_image.c: netdep-demo-image, which draws a sample photo for the demo
 * contest and for tests: a gradient background, a few shapes and a
 * Vietnamese caption, all chosen from SEED, so the same seed always gives
 * the same picture.  The output type follows the file name: .png, .webp,
 * otherwise JPEG.
 *
 * Usage: netdep-demo-image SEED OUT.jpg [WIDTH HEIGHT [CAPTION]]
 */
#include <errno.h>
#include <gd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_FONT     "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define DEMO_W        1600
#define DEMO_H        1200
#define DEMO_MAX_SIDE 20000
#define DEMO_QUALITY  88

static const char *const captions[] = {
    "Tuổi trẻ tình nguyện – Mùa hè xanh",
    "Đoàn viên dọn rác bờ biển Cần Giờ",
    "Thư viện sách cho em vùng cao",
    "Hiến máu nhân đạo – Giọt hồng yêu thương",
    "Sinh viên nghiên cứu khoa học",
    "Đêm hội trăng rằm ở thôn Đông",
    "Trồng cây xanh cho quê hương",
    "Lớp học tiếng Anh miễn phí",
    "Áo dài và nón lá ngày hội",
    "Cầu đá Hội An lúc bình minh",
    "Thanh niên xung kích giúp dân chống lũ",
    "Câu lạc bộ lập trình Đoàn phường",
};

/* A small deterministic generator (xorshift64*): the picture depends only
 * on the seed, never on the libc in use. */
static uint64_t rng_state;

static uint32_t
rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static int
rng_range(int lo, int hi)
{
	return lo + (int)(rng_next() % (uint32_t)(hi - lo + 1));
}

/* Parses a whole decimal string into [lo, hi]; returns 0 on success. */
static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long  v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void
draw_background(gdImagePtr im, int w, int h)
{
	int r0 = rng_range(20, 235), g0 = rng_range(20, 235),
	    b0 = rng_range(20, 235);
	int r1 = rng_range(20, 235), g1 = rng_range(20, 235),
	    b1 = rng_range(20, 235);
	int y;

	for (y = 0; y < h; y++) {
		int r = r0 + (r1 - r0) * y / (h > 1 ? h - 1 : 1);
		int g = g0 + (g1 - g0) * y / (h > 1 ? h - 1 : 1);
		int b = b0 + (b1 - b0) * y / (h > 1 ? h - 1 : 1);

		gdImageLine(im, 0, y, w - 1, y, gdTrueColor(r, g, b));
	}
}

static void
draw_shapes(gdImagePtr im, int w, int h)
{
	int n = rng_range(6, 14), i;
	int unit = (w < h ? w : h) / 4 + 1;

	for (i = 0; i < n; i++) {
		int color =
		    gdTrueColorAlpha(rng_range(0, 255), rng_range(0, 255),
		                     rng_range(0, 255), rng_range(20, 80));
		int cx = rng_range(0, w - 1), cy = rng_range(0, h - 1);
		int size = rng_range(unit / 4 + 1, unit);

		switch (rng_next() % 3) {
		case 0:
			gdImageFilledEllipse(im, cx, cy, size * 2, size * 2,
			                     color);
			break;
		case 1:
			gdImageFilledRectangle(im, cx - size, cy - size / 2,
			                       cx + size, cy + size / 2, color);
			break;
		default: {
			gdPoint tri[3] = {{cx, cy - size},
			                  {cx - size, cy + size},
			                  {cx + size, cy + size}};

			gdImageFilledPolygon(im, tri, 3, color);
			break;
		}
		}
	}
}

/* Draws the caption on a dark band at the bottom.  A missing font is not
 * fatal: the picture is still a valid photo, only without text. */
static void
draw_caption(gdImagePtr im, int w, int h, const char *caption)
{
	double size = h / 22.0;
	int    brect[8];
	char  *err;
	int    band;

	if (w < 200 || h < 100)
		return;
	band = (int)(size * 2.2);
	gdImageFilledRectangle(im, 0, h - band, w - 1, h - 1,
	                       gdTrueColorAlpha(0, 0, 0, 50));
	err = gdImageStringFT(NULL, brect, 0, DEMO_FONT, size, 0.0, 0, 0,
	                      (char *)caption);
	if (err != NULL) {
		fprintf(stderr, "netdep-demo-image: no caption: %s\n", err);
		return;
	}
	while (brect[2] - brect[0] > w - 40 && size > 8) {
		size *= 0.9;
		gdImageStringFT(NULL, brect, 0, DEMO_FONT, size, 0.0, 0, 0,
		                (char *)caption);
	}
	gdImageStringFT(im, brect, gdTrueColor(255, 255, 255), DEMO_FONT, size,
	                0.0, 20, h - band / 2 + (int)(size / 2),
	                (char *)caption);
}

static int
write_image(gdImagePtr im, const char *path)
{
	void *data;
	int   size = 0;
	FILE *fp;
	int   rc = -1;

	if (ends_with(path, ".png"))
		data = gdImagePngPtr(im, &size);
	else if (ends_with(path, ".webp"))
		data = gdImageWebpPtrEx(im, &size, DEMO_QUALITY);
	else
		data = gdImageJpegPtr(im, &size, DEMO_QUALITY);
	if (data == NULL || size <= 0) {
		fprintf(stderr, "netdep-demo-image: encoding failed\n");
		goto out;
	}
	if ((fp = fopen(path, "wb")) == NULL) {
		perror(path);
		goto out;
	}
	if (fwrite(data, 1, (size_t)size, fp) != (size_t)size) {
		perror(path);
		fclose(fp);
		goto out;
	}
	if (fclose(fp) != 0) {
		perror(path);
		goto out;
	}
	rc = 0;
out:
	gdFree(data);
	return rc;
}

int
main(int argc, char *argv[])
{
	long        seed, w = DEMO_W, h = DEMO_H;
	const char *caption;
	gdImagePtr  im;
	int         rc;

	if (argc != 3 && argc != 5 && argc != 6) {
		fprintf(stderr,
		        "usage: netdep-demo-image SEED OUT.jpg|.png|.webp "
		        "[WIDTH HEIGHT [CAPTION]]\n");
		return 2;
	}
	if (parse_long(argv[1], 0, 1000000000L, &seed) != 0) {
		fprintf(stderr, "netdep-demo-image: bad seed '%s'\n", argv[1]);
		return 2;
	}
	if (argc >= 5 && (parse_long(argv[3], 1, DEMO_MAX_SIDE, &w) != 0 ||
	                  parse_long(argv[4], 1, DEMO_MAX_SIDE, &h) != 0)) {
		fprintf(stderr, "netdep-demo-image: bad size %s x %s (1..%d)\n",
		        argv[3], argv[4], DEMO_MAX_SIDE);
		return 2;
	}
	caption = argc == 6 ? argv[5]
	                    : captions[seed % (long)(sizeof(captions) /
	                                             sizeof(captions[0]))];
	rng_state = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)seed * 0x100000001B3ULL);
	if (rng_state == 0)
		rng_state = 1;

	im = gdImageCreateTrueColor((int)w, (int)h);
	if (im == NULL) {
		fprintf(stderr, "netdep-demo-image: out of memory\n");
		return 1;
	}
	gdImageAlphaBlending(im, 1);
	draw_background(im, (int)w, (int)h);
	draw_shapes(im, (int)w, (int)h);
	draw_caption(im, (int)w, (int)h, caption);
	rc = write_image(im, argv[2]);
	gdImageDestroy(im);
	return rc == 0 ? 0 : 1;
}
