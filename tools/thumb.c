/*
 * thumb.c: netdep-thumb IN OUTDIR runs the upload pipeline (probe, decode,
 * derive) on one file and writes the derivatives to OUTDIR, printing sizes
 * and the time of each phase.  It is the bench's and a human's view of
 * cgi/image.c, run in this process (the server runs it in a limited child,
 * cgi/decode.c).  By default it makes what an upload makes (four web sizes
 * and the share card); -w only the four web sizes and the hash (PERF.md's
 * "full derivative set"); -t only the 400 px JPEG (the thumbnail bench).
 */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Same defaults as an ordinary contest, minus the short-side rule. */
#define THUMB_MAX_FILE   (20u * 1024 * 1024)
#define THUMB_MAX_PIXELS 100000000u
#define THUMB_MAX_SIDE   65535u

static const char *const thumb_names[IMAGE_DERIV__MAX] = {
    "t400.jpg",   /* IMAGE_DERIV_T400_JPEG */
    "t400.webp",  /* IMAGE_DERIV_T400_WEBP */
    "d1600.jpg",  /* IMAGE_DERIV_D1600_JPEG */
    "d1600.webp", /* IMAGE_DERIV_D1600_WEBP */
    "card.jpg",   /* IMAGE_DERIV_CARD_JPEG */
};

static double
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Maps path read-only (at most THUMB_MAX_FILE bytes); NULL with a message.
 * A mapping, not a read into a buffer: reading 3 MB into fresh heap pages
 * cost ~4 ms of page clearing and copying per run (perf: clear_page_erms
 * under read), which djpeg, reading through a 4 KB stdio buffer, never
 * pays.  The server has the upload in memory already; neither is timed
 * as a phase.
 */
static uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat st;
	void       *p;
	int         fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "netdep-thumb: %s: %s\n", path,
		        strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > THUMB_MAX_FILE) {
		fprintf(
		    stderr,
		    "netdep-thumb: %s: not a file, empty or over %u bytes\n",
		    path, THUMB_MAX_FILE);
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ,
	         MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "netdep-thumb: %s: %s\n", path,
		        strerror(errno));
		return NULL;
	}
	*len = (size_t)st.st_size;
	return p;
}

static int
spill(const char *dir, const char *name, const struct image_blob *bl)
{
	char  path[4096];
	FILE *f;
	int   ok;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return -1;
	if ((f = fopen(path, "wb")) == NULL) {
		fprintf(stderr, "netdep-thumb: %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	ok = fwrite(bl->data, 1, bl->len, f) == bl->len;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok)
		fprintf(stderr, "netdep-thumb: %s: write failed\n", path);
	printf("%-11s %5ux%-5u %8zu bytes  %s\n", name, bl->width, bl->height,
	       bl->len, path);
	return ok ? 0 : -1;
}

int
main(int argc, char *argv[])
{
	struct image_limits lim = {THUMB_MAX_SIDE, THUMB_MAX_PIXELS, 0};
	struct image_info   info;
	struct image_derivs d;
	enum image_result   r;
	unsigned            which = IMAGE_DERIV_ALL;
	/* The card of a netdep-thumb run shows the file's name as its title
	 * and sample text (Vietnamese with stacked marks) around it. */
	struct image_card_text card = {
	    .contest = "Nét đẹp đoàn viên, thanh niên 2026",
	    .number = "12",
	    .author = "Nguyễn Thị Hà · Chi đoàn Ấn tượng",
	    .host = "netdep.example.vn"};
	uint8_t *buf;
	size_t   len = 0;
	double   t0, t1, t2;
	int      c, i, rc = 0;

	while ((c = getopt(argc, argv, "tw")) != -1) {
		if (c == 't')
			which = IMAGE_DERIV_BIT(IMAGE_DERIV_T400_JPEG);
		else if (c == 'w')
			which = IMAGE_DERIV_WEB;
		else
			goto usage;
	}
	if (argc - optind != 2)
		goto usage;
	image_init();
	if ((buf = slurp(argv[optind], &len)) == NULL)
		return 1;
	card.title = argv[optind];

	t0 = ms_now();
	r = image_probe(buf, len, &lim, &info);
	t1 = ms_now();
	if (r != IMAGE_OK) {
		fprintf(stderr, "netdep-thumb: %s: refused: %s\n", argv[optind],
		        image_result_message(r));
		munmap(buf, len);
		return 2;
	}
	printf("%s: %s %ux%u orientation %u scans %u make \"%s\" model "
	       "\"%s\" date \"%s\"\n",
	       argv[optind], image_type_name(info.type), info.width,
	       info.height, info.exif.orientation, info.jpeg_scans,
	       info.exif.make, info.exif.model, info.exif.datetime);
	r = image_derive_card(buf, len, &info, which, &card, &d);
	t2 = ms_now();
	if (r != IMAGE_OK) {
		fprintf(stderr, "netdep-thumb: %s: refused: %s\n", argv[optind],
		        image_result_message(r));
		munmap(buf, len);
		return 2;
	}
	for (i = 0; i < IMAGE_DERIV__MAX; i++)
		if (d.blob[i].data != NULL &&
		    spill(argv[optind + 1], thumb_names[i], &d.blob[i]) < 0)
			rc = 1;
	printf("dhash %016llx\n", (unsigned long long)d.dhash);
	printf("ms probe %.2f decode %.2f resize %.2f encode %.2f total %.2f\n",
	       t1 - t0, (double)d.timing.decode_us / 1e3,
	       (double)d.timing.resize_us / 1e3,
	       (double)d.timing.encode_us / 1e3, t2 - t0);
	image_derivs_free(&d);
	munmap(buf, len);
	return rc;
usage:
	fprintf(stderr, "usage: netdep-thumb [-t|-w] IN OUTDIR\n");
	return 1;
}
