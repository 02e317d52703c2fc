/*
 * test_decode.c: tests of cgi/decode.c.  A decode in the child gives the
 * same derivatives as one in this process; a child over its wall-clock or
 * memory budget is stopped and reported as a limit; every slot held by
 * another process answers busy; the share card is 1200x630 (its design:
 * test_card.c).
 */
#include <fcntl.h>
#include <gd.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "decode.h"
#include "image.h"
#include "store.h"
#include "unit.h"

static char root[PATH_MAX];
static int  tmp_fd = -1;

/* A w x h photo-like JPEG (gradients and noise), gdFree'd by the caller. */
static uint8_t *
make_jpeg(int w, int h, int *len)
{
	gdImagePtr im = gdImageCreateTrueColor(w, h);
	void      *p;

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			im->tpixels[y][x] =
			    gdTrueColor((x * 255) / w, (y * 255) / h,
			                ((x ^ y) * 7 + (x * y) % 13) & 255);
	p = gdImageJpegPtr(im, len, 90);
	gdImageDestroy(im);
	return p;
}

/*
 * A w x h palette PNG of one colour: tiny to send, w*h*5 bytes to decode
 * (palette image, then truecolor).  Made as a palette image so that what
 * this process frees stays small: a child starts with the parent's heap,
 * and memory already mapped there is not counted against its budget.
 */
static uint8_t *
make_png(int w, int h, int *len)
{
	gdImagePtr im = gdImageCreate(w, h);
	void      *p;

	gdImageColorAllocate(im, 0x33, 0x66, 0x99);
	p = gdImagePngPtrEx(im, len, 9);
	gdImageDestroy(im);
	return p;
}

static void
test_same_as_in_process(void)
{
	struct image_card_text card = {.contest = "Nét đẹp 2026",
	                               .number = "7",
	                               .title = "Ảnh dự thi",
	                               .author = "Chi đoàn 1",
	                               .host = "netdep.example.vn"};
	struct image_info      info;
	struct image_derivs    a, b;
	enum image_result      why;
	enum decode_status     st;
	int                    len;
	uint8_t               *jpg = make_jpeg(1800, 1200, &len);

	UNIT_CHECK(image_probe(jpg, (size_t)len, NULL, &info) == IMAGE_OK,
	           "probe");
	st = decode_derive(tmp_fd, "unit", jpg, (size_t)len, &info,
	                   IMAGE_DERIV_ALL, &card, &a, &why);
	UNIT_CHECK(st == DECODE_OK, "child decode: %s", decode_status_name(st));
	UNIT_CHECK(image_derive_card(jpg, (size_t)len, &info, IMAGE_DERIV_ALL,
	                             &card, &b) == IMAGE_OK,
	           "in-process decode");
	if (st == DECODE_OK) {
		UNIT_CHECK(a.dhash == b.dhash, "same dhash");
		for (int i = 0; i < IMAGE_DERIV__MAX; i++) {
			UNIT_CHECK(a.blob[i].len == b.blob[i].len &&
			               memcmp(a.blob[i].data, b.blob[i].data,
			                      a.blob[i].len) == 0,
			           "derivative %d identical", i);
		}
		UNIT_CHECK_INT(a.blob[IMAGE_DERIV_CARD_JPEG].width, 1200,
		               "card width");
		UNIT_CHECK_INT(a.blob[IMAGE_DERIV_CARD_JPEG].height, 630,
		               "card height");
		UNIT_CHECK_INT(a.blob[IMAGE_DERIV_D1600_JPEG].width, 1600,
		               "display width");
	}
	image_derivs_free(&a);
	image_derivs_free(&b);
	/* A refusal inside the child comes back as such. */
	st = decode_derive(tmp_fd, "unit", jpg, (size_t)len / 2, &info,
	                   IMAGE_DERIV_ALL, &card, &a, &why);
	UNIT_CHECK(st == DECODE_REFUSED && why == IMAGE_ERR_DECODE,
	           "truncated: %s / %s", decode_status_name(st),
	           image_result_message(why));
	gdFree(jpg);
}

static void
test_limits(void)
{
	struct decode_limits saved, lim;
	struct image_info    info;
	struct image_derivs  d;
	enum image_result    why;
	enum decode_status   st;
	int                  len;
	uint8_t             *png = make_png(6000, 6000, &len);

	decode_limits_get(&saved);
	UNIT_CHECK(image_probe(png, (size_t)len, NULL, &info) == IMAGE_OK,
	           "probe big png");
	/* 144 MB as a gdImage, against a budget of 32 MB. */
	memset(&lim, 0, sizeof(lim));
	lim.mem_mb = 32;
	decode_configure(&lim);
	st = decode_derive(tmp_fd, "unit", png, (size_t)len, &info,
	                   IMAGE_DERIV_ALL, NULL, &d, &why);
	/* libgd 2.3.3 may even abort ("double free") when an allocation
	 * fails half way: all the more reason to decode in a child. */
	UNIT_CHECK(st == DECODE_LIMIT || st == DECODE_CRASHED ||
	               (st == DECODE_REFUSED && why == IMAGE_ERR_DECODE),
	           "over the memory budget: %s", decode_status_name(st));
	UNIT_CHECK(d.blob[0].data == NULL, "nothing to free");
	decode_configure(&saved);

	/* A wall clock of 1 ms: the child is killed. */
	memset(&lim, 0, sizeof(lim));
	lim.wall_ms = 1;
	decode_configure(&lim);
	st = decode_derive(tmp_fd, "unit", png, (size_t)len, &info,
	                   IMAGE_DERIV_ALL, NULL, &d, &why);
	UNIT_CHECK(st == DECODE_LIMIT, "over the deadline: %s",
	           decode_status_name(st));
	decode_configure(&saved);
	gdFree(png);
}

static void
test_busy(void)
{
	struct decode_limits saved, lim;
	struct image_info    info;
	struct image_derivs  d;
	enum image_result    why;
	enum decode_status   st;
	int                  len, p[2], status;
	char                 c;
	uint8_t             *jpg = make_jpeg(400, 300, &len);
	pid_t                pid;

	decode_limits_get(&saved);
	memset(&lim, 0, sizeof(lim));
	lim.slots = 2;
	lim.wait_ms = 100;
	decode_configure(&lim);
	UNIT_CHECK(image_probe(jpg, (size_t)len, NULL, &info) == IMAGE_OK,
	           "probe");
	/* Locks belong to a process: another one holds both slots. */
	if (pipe(p) != 0)
		return;
	if ((pid = fork()) == 0) {
		int          fd = openat(tmp_fd, STORE_DECODE_SLOTS, O_RDWR);
		struct flock fl;

		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		fl.l_start = 0;
		fl.l_len = 2;
		if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	UNIT_CHECK(read(p[0], &c, 1) == 1, "holder ready");
	st = decode_derive(tmp_fd, "unit", jpg, (size_t)len, &info,
	                   IMAGE_DERIV_ALL, NULL, &d, &why);
	UNIT_CHECK(st == DECODE_BUSY, "all slots held: %s",
	           decode_status_name(st));
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	st = decode_derive(tmp_fd, "unit", jpg, (size_t)len, &info,
	                   IMAGE_DERIV_ALL, NULL, &d, &why);
	UNIT_CHECK(st == DECODE_OK, "slots free again: %s",
	           decode_status_name(st));
	image_derivs_free(&d);
	close(p[0]);
	close(p[1]);
	decode_configure(&saved);
	gdFree(jpg);
}

int
main(void)
{
	struct store st;
	char         cmd[PATH_MAX + 32];

	image_init();
	snprintf(root, sizeof(root), "/tmp/netdep-decode-XXXXXX");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (store_open(&st, root) != 0) {
		perror("store_open");
		return 1;
	}
	tmp_fd = st.tmp_fd;
	test_same_as_in_process();
	test_limits();
	test_busy();
	store_close(&st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return unit_report();
}
