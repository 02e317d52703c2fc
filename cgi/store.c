/*
 * store.c: atomic media files under one root, named by random tokens.
 * All paths are opened relative to directory descriptors taken at start-up
 * (openat, renameat, linkat), every name is built from a checked token and
 * a checked suffix, and errno survives the clean-up on every failure path.
 */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define STORE_DIR_MODE  0750
#define STORE_FILE_MODE 0640

static const char *const store_areas[STORE_AREA__MAX] = {
    "orig", /* STORE_ORIG */
    "priv", /* STORE_PRIV */
    "pub",  /* STORE_PUB */
};

static const char *const store_suffixes[STORE_DERIV__MAX] = {
    "_t400.jpg",   /* STORE_T400_JPG */
    "_t400.webp",  /* STORE_T400_WEBP */
    "_d1600.jpg",  /* STORE_D1600_JPG */
    "_d1600.webp", /* STORE_D1600_WEBP */
    "_card.jpg",   /* STORE_CARD_JPG */
};

static int local_list(void *ctx, const char *prefix, const char *after,
                      struct store_keys *page);

static const char *const store_orig_default[] = {".jpg",  ".png",  ".webp",
                                                 ".heic", ".avif", NULL};

/* The same operations on a remote backend (struct store's remote). */
static int remote_write(const struct store_backend *be, enum store_area area,
                        const char *token, const char *suffix, const void *data,
                        size_t len);
static int remote_exists(const struct store_backend *be, enum store_area area,
                         const char *token, const char *suffix);
static int remote_read(const struct store_backend *be, enum store_area area,
                       const char *token, const char *suffix, size_t max,
                       unsigned char **data, size_t *len);
static int remote_publish(const struct store_backend *be, const char *token);
static int remote_del(const struct store_backend *be, enum store_area area,
                      const char *token, const char *suffix);
static int remote_unpublish(const struct store_backend *be, const char *token);
static int remote_remove_all(const struct store_backend *be, const char *token,
                             const char *const *orig_suffixes);

const char *
store_deriv_suffix(enum store_deriv d)
{
	return (unsigned)d < STORE_DERIV__MAX ? store_suffixes[d] : NULL;
}

void
store_token_new(char out[STORE_TOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char     r[STORE_TOKEN_LEN / 2];
	size_t            i;

	randombytes_buf(r, sizeof(r));
	for (i = 0; i < sizeof(r); i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[STORE_TOKEN_LEN] = '\0';
	sodium_memzero(r, sizeof(r));
}

int
store_token_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < STORE_TOKEN_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

static int
suffix_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= STORE_SUFFIX_MAX)
			return 0;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_'))
			return 0;
	}
	/* ".." can't escape (no '/'), but keep names plain anyway. */
	return strstr(s, "..") == NULL;
}

/* "ab/cd/<token><suffix>" into out; 0 or -1 (EINVAL, ENAMETOOLONG). */
static int
rel_name(const char *token, const char *suffix, char *out, size_t outsz)
{
	int n;

	if (!store_token_valid(token) || !suffix_valid(suffix)) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(out, outsz, "%.2s/%.2s/%s%s", token, token + 2, token,
	             suffix);
	if (n < 0 || (size_t)n >= outsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* "<prefix>ab/cd/<token><suffix>" into out; 0 or -1 (errno as rel_name). */
static int
prefixed(const char *prefix, const char *token, const char *suffix, char *out,
         size_t outsz)
{
	char rel[STORE_PATH_MAX];
	int  n;

	if (rel_name(token, suffix, rel, sizeof(rel)) < 0)
		return -1;
	n = snprintf(out, outsz, "%s%s", prefix, rel);
	if (n < 0 || (size_t)n >= outsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* The path of area's file under one of the tables of prefixes below. */
static int
area_prefixed(const char *const prefix[STORE_AREA__MAX], enum store_area area,
              const char *token, const char *suffix, char *out, size_t outsz)
{
	if ((unsigned)area >= STORE_AREA__MAX) {
		errno = EINVAL;
		return -1;
	}
	return prefixed(prefix[area], token, suffix, out, outsz);
}

int
store_path(enum store_area area, const char *token, const char *suffix,
           char *out, size_t outsz)
{
	/* Relative to the media root. */
	static const char *const prefix[STORE_AREA__MAX] = {
	    "orig/", /* STORE_ORIG */
	    "priv/", /* STORE_PRIV */
	    "pub/",  /* STORE_PUB */
	};

	return area_prefixed(prefix, area, token, suffix, out, outsz);
}

int
store_accel(enum store_area area, const char *token, const char *suffix,
            char *out, size_t outsz)
{
	/* The internal locations of nginx/netdep.conf.in, per area. */
	static const char *const prefix[STORE_AREA__MAX] = {
	    "/_orig/", /* STORE_ORIG */
	    "/_priv/", /* STORE_PRIV */
	    "/media/", /* STORE_PUB */
	};

	return area_prefixed(prefix, area, token, suffix, out, outsz);
}

const char *
store_orig_suffix(const char *mime)
{
	if (mime != NULL && strcmp(mime, "image/png") == 0)
		return ".png";
	if (mime != NULL && strcmp(mime, "image/webp") == 0)
		return ".webp";
	if (mime != NULL && strcmp(mime, "image/heic") == 0)
		return ".heic";
	if (mime != NULL && strcmp(mime, "image/avif") == 0)
		return ".avif";
	return ".jpg";
}

int
store_url(const char *token, const char *suffix, char *out, size_t outsz)
{
	return prefixed("/media/", token, suffix, out, outsz);
}

/* mkdirat that accepts an existing directory. */
static int
mkdir_ok(int dfd, const char *name)
{
	struct stat sb;

	if (mkdirat(dfd, name, STORE_DIR_MODE) == 0)
		return 1; /* created: the parent wants an fsync */
	if (errno != EEXIST)
		return -1;
	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static int
open_dir(int dfd, const char *name)
{
	return openat(dfd, name,
	              O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
}

void
store_close(struct store *st)
{
	int i, save = errno;

	for (i = 0; i < STORE_AREA__MAX; i++) {
		if (st->area_fd[i] >= 0)
			close(st->area_fd[i]);
		st->area_fd[i] = -1;
	}
	if (st->tmp_fd >= 0)
		close(st->tmp_fd);
	if (st->root_fd >= 0)
		close(st->root_fd);
	st->tmp_fd = st->root_fd = -1;
	errno = save;
}

int
store_space(const struct store *st, unsigned long long *avail,
            unsigned long long *total)
{
	struct statvfs vfs;

	*avail = *total = 0;
	if (fstatvfs(st->root_fd, &vfs) != 0)
		return -1;
	*avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	*total = (unsigned long long)vfs.f_blocks * vfs.f_frsize;
	return 0;
}

int
store_open(struct store *st, const char *root)
{
	int i, fd;

	st->root_fd = st->tmp_fd = -1;
	st->remote = NULL;
	for (i = 0; i < STORE_AREA__MAX; i++)
		st->area_fd[i] = -1;
	if (mkdir_ok(AT_FDCWD, root) < 0)
		goto fail;
	if ((st->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto fail;
	if (mkdir_ok(st->root_fd, "tmp") < 0 ||
	    (st->tmp_fd = open_dir(st->root_fd, "tmp")) < 0)
		goto fail;
	for (i = 0; i < STORE_AREA__MAX; i++)
		if (mkdir_ok(st->root_fd, store_areas[i]) < 0 ||
		    (st->area_fd[i] = open_dir(st->root_fd, store_areas[i])) <
		        0)
			goto fail;
	/* Created now, so the media tree does not change at the first
	 * upload (and the worker's user owns it). */
	for (i = 0; i < 2; i++) {
		if ((fd = openat(st->tmp_fd,
		                 i == 0 ? STORE_DECODE_SLOTS : STORE_HASH_SLOTS,
		                 O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		                 STORE_FILE_MODE)) < 0)
			goto fail;
		close(fd);
	}
	if (fsync(st->root_fd) < 0)
		goto fail;
	return 0;
fail:
	store_close(st);
	return -1;
}

/*
 * Opens (creating) the fan-out directory ab/cd of token under area_fd and
 * returns its descriptor, fsyncing parents of anything created.
 */
static int
fan_dir(int area_fd, const char *token)
{
	char a[3], ab[6];
	int  fd = -1, made, save;

	memcpy(a, token, 2);
	a[2] = '\0';
	memcpy(ab, token, 2);
	ab[2] = '/';
	memcpy(ab + 3, token + 2, 2);
	ab[5] = '\0';
	if ((fd = open_dir(area_fd, ab)) >= 0)
		return fd; /* the common case: it exists */
	if ((made = mkdir_ok(area_fd, a)) < 0)
		return -1;
	if (made && fsync(area_fd) < 0)
		return -1;
	if ((fd = open_dir(area_fd, a)) < 0)
		return -1;
	if ((made = mkdir_ok(fd, ab + 3)) < 0 || (made && fsync(fd) < 0)) {
		save = errno;
		close(fd);
		errno = save;
		return -1;
	}
	close(fd);
	return open_dir(area_fd, ab);
}

/* Writes all of data to fd, retrying short writes and EINTR. */
static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copies src_fd from its start into fd. */
static int
copy_fd(int fd, int src_fd)
{
	char    buf[65536];
	ssize_t n;
	off_t   off = 0;

	for (;;) {
		n = pread(src_fd, buf, sizeof(buf), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (write_all(fd, buf, (size_t)n) < 0)
			return -1;
		off += n;
	}
}

static int place(const struct store *st, enum store_area area,
                 const char *token, const char *suffix, const void *data,
                 size_t len, int src_fd);

int
store_write(const struct store *st, enum store_area area, const char *token,
            const char *suffix, const void *data, size_t len)
{
	if (st->remote != NULL)
		return remote_write(st->remote, area, token, suffix, data, len);
	return place(st, area, token, suffix, data, len, -1);
}

/*
 * The one atomic write: a temp file in tmp/ (the same filesystem as the
 * areas, so the rename is atomic) with data[len], or a copy of src_fd when
 * it is >= 0; fsync; rename into place; fsync of the directory.
 */
static int
place(const struct store *st, enum store_area area, const char *token,
      const char *suffix, const void *data, size_t len, int src_fd)
{
	char tmpname[STORE_PATH_MAX], final[STORE_PATH_MAX], rnd[9];
	int  fd = -1, dfd = -1, save, n;

	if ((unsigned)area >= STORE_AREA__MAX ||
	    rel_name(token, suffix, final, sizeof(final)) < 0 ||
	    (data == NULL && len > 0)) {
		errno = EINVAL;
		return -1;
	}
	/* A random part keeps two writers of one name out of each other. */
	store_token_new(tmpname); /* 32 hex; use 8 of them */
	memcpy(rnd, tmpname, 8);
	rnd[8] = '\0';
	n = snprintf(tmpname, sizeof(tmpname), "%s%s.%s.tmp", token, suffix,
	             rnd);
	if (n < 0 || (size_t)n >= sizeof(tmpname)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = openat(st->tmp_fd, tmpname,
	            O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	            STORE_FILE_MODE);
	if (fd < 0)
		return -1;
	if ((src_fd >= 0 ? copy_fd(fd, src_fd) : write_all(fd, data, len)) <
	        0 ||
	    fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if ((dfd = fan_dir(st->area_fd[area], token)) < 0)
		goto fail;
	if (renameat(st->tmp_fd, tmpname, dfd, final + 6) < 0)
		goto fail;
	if (fsync(dfd) < 0) {
		/* In place but maybe not durable: report, leave the file. */
		save = errno;
		close(dfd);
		errno = save;
		return -1;
	}
	close(dfd);
	return 0;
fail:
	save = errno;
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	(void)unlinkat(st->tmp_fd, tmpname, 0);
	errno = save;
	return -1;
}

int
store_exists(const struct store *st, enum store_area area, const char *token,
             const char *suffix)
{
	char        rel[STORE_PATH_MAX];
	struct stat sb;
	if (st->remote != NULL)
		return remote_exists(st->remote, area, token, suffix);

	if ((unsigned)area >= STORE_AREA__MAX ||
	    rel_name(token, suffix, rel, sizeof(rel)) < 0) {
		errno = EINVAL;
		return -1;
	}
	if (fstatat(st->area_fd[area], rel, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	return S_ISREG(sb.st_mode) ? 1 : 0;
}

int
store_read(const struct store *st, enum store_area area, const char *token,
           const char *suffix, size_t max, unsigned char **data, size_t *len)
{
	char           rel[STORE_PATH_MAX];
	struct stat    sb;
	unsigned char *b = NULL;
	size_t         got = 0;
	int            fd, save;
	if (st->remote != NULL)
		return remote_read(st->remote, area, token, suffix, max, data,
		                   len);

	*data = NULL;
	*len = 0;
	if ((unsigned)area >= STORE_AREA__MAX ||
	    rel_name(token, suffix, rel, sizeof(rel)) < 0) {
		errno = EINVAL;
		return -1;
	}
	fd = openat(st->area_fd[area], rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) < 0)
		goto fail;
	if (!S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	if ((b = malloc((size_t)sb.st_size + 1)) == NULL)
		goto fail;
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, b + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO; /* shrank under us */
			goto fail;
		}
		got += (size_t)n;
	}
	close(fd);
	*data = b;
	*len = got;
	return 0;
fail:
	save = errno;
	free(b);
	close(fd);
	errno = save;
	return -1;
}

/* Unlinks area/<rel>; a missing file is success. */
static int
unlink_rel(int area_fd, const char *rel)
{
	if (unlinkat(area_fd, rel, 0) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

/* fsyncs area/ab/cd of token when it exists. */
static int
sync_fan(int area_fd, const char *token)
{
	char ab[6];
	int  fd, rc, save;

	memcpy(ab, token, 2);
	ab[2] = '/';
	memcpy(ab + 3, token + 2, 2);
	ab[5] = '\0';
	if ((fd = open_dir(area_fd, ab)) < 0)
		return errno == ENOENT ? 0 : -1;
	rc = fsync(fd);
	save = errno;
	close(fd);
	errno = save;
	return rc;
}

int
store_publish(const struct store *st, const char *token)
{
	int  priv = st->area_fd[STORE_PRIV], pub = st->area_fd[STORE_PUB];
	char rel[STORE_PATH_MAX], tmp[STORE_PATH_MAX + 8];
	int  i, dfd;
	if (st->remote != NULL)
		return remote_publish(st->remote, token);

	if (!store_token_valid(token)) {
		errno = EINVAL;
		return -1;
	}
	if ((dfd = fan_dir(pub, token)) < 0)
		return -1;
	close(dfd);
	for (i = 0; i < STORE_DERIV__MAX; i++) {
		struct stat a, b;

		if (rel_name(token, store_suffixes[i], rel, sizeof(rel)) < 0)
			return -1;
		if (fstatat(priv, rel, &a, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue; /* that derivative was not made */
			return -1;
		}
		if (linkat(priv, rel, pub, rel, 0) == 0)
			continue;
		if (errno != EEXIST)
			return -1;
		if (fstatat(pub, rel, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			continue; /* already published */
		/* An older file is there: replace it atomically. */
		snprintf(tmp, sizeof(tmp), "%s.pub", rel);
		(void)unlinkat(pub, tmp, 0);
		if (linkat(priv, rel, pub, tmp, 0) < 0)
			return -1;
		if (renameat(pub, tmp, pub, rel) < 0) {
			int save = errno;
			(void)unlinkat(pub, tmp, 0);
			errno = save;
			return -1;
		}
	}
	return sync_fan(pub, token);
}

int
store_unpublish(const struct store *st, const char *token)
{
	char rel[STORE_PATH_MAX];
	int  i, rc = 0, err = 0;
	if (st->remote != NULL)
		return remote_unpublish(st->remote, token);

	if (!store_token_valid(token)) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < STORE_DERIV__MAX; i++) {
		if (rel_name(token, store_suffixes[i], rel, sizeof(rel)) < 0 ||
		    unlink_rel(st->area_fd[STORE_PUB], rel) < 0) {
			if (rc == 0)
				err = errno;
			rc = -1;
		}
	}
	if (sync_fan(st->area_fd[STORE_PUB], token) < 0 && rc == 0) {
		err = errno;
		rc = -1;
	}
	if (rc < 0)
		errno = err;
	return rc;
}

int
store_remove(const struct store *st, enum store_area area, const char *token,
             const char *suffix)
{
	char rel[STORE_PATH_MAX];
	if (st->remote != NULL)
		return remote_del(st->remote, area, token, suffix);

	if (area < 0 || area >= STORE_AREA__MAX ||
	    rel_name(token, suffix, rel, sizeof(rel)) < 0)
		return -1;
	return unlink_rel(st->area_fd[area], rel);
}

int
store_remove_all(const struct store *st, const char *token,
                 const char *const *orig_suffixes)
{
	char rel[STORE_PATH_MAX];
	int  i, rc = 0, err = 0;
	if (st->remote != NULL)
		return remote_remove_all(st->remote, token, orig_suffixes);

	if (!store_token_valid(token)) {
		errno = EINVAL;
		return -1;
	}
	if (orig_suffixes == NULL)
		orig_suffixes = store_orig_default;
	/* Public links first, so nothing stays reachable on a failure. */
	if (store_unpublish(st, token) < 0) {
		err = errno;
		rc = -1;
	}
	for (i = 0; i < STORE_DERIV__MAX; i++) {
		if (rel_name(token, store_suffixes[i], rel, sizeof(rel)) < 0 ||
		    unlink_rel(st->area_fd[STORE_PRIV], rel) < 0) {
			if (rc == 0)
				err = errno;
			rc = -1;
		}
	}
	for (i = 0; orig_suffixes[i] != NULL; i++) {
		if (rel_name(token, orig_suffixes[i], rel, sizeof(rel)) < 0 ||
		    unlink_rel(st->area_fd[STORE_ORIG], rel) < 0) {
			if (rc == 0)
				err = errno;
			rc = -1;
		}
	}
	if (rc < 0)
		errno = err;
	return rc;
}

int
store_sweep_tmp(const struct store *st, long max_age)
{
	DIR           *d;
	struct dirent *de;
	struct stat    sb;
	time_t         now = time(NULL);
	int            fd, removed = 0, save;

	/* fdopendir takes the descriptor: give it a duplicate. */
	if ((fd = fcntl(st->tmp_fd, F_DUPFD_CLOEXEC, 0)) < 0)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		save = errno;
		close(fd);
		errno = save;
		return -1;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(st->tmp_fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) <
		    0)
			continue; /* gone meanwhile */
		if (!S_ISREG(sb.st_mode) || now - sb.st_mtime < max_age)
			continue;
		if (unlinkat(st->tmp_fd, de->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

/* Opens directory name under dir_fd for reading; NULL when it is not one. */
static DIR *
sweep_opendir(int dir_fd, const char *name, int *fd_out)
{
	DIR *d;
	int  fd = openat(dir_fd, name,
	                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	*fd_out = fd;
	return d;
}

int
store_sweep_orphans(const struct store *st, const struct store_sweep *sw,
                    struct store_sweep_stats *out)
{
	struct store_backend be;
	struct store         local = *st; /* the descriptors, not owned */

	if (st->remote != NULL)
		return store_sweep_backend(st->remote, sw, out);
	store_backend_local(&be, &local);
	return store_sweep_backend(&be, sw, out);
}

int
store_sweep_backend(const struct store_backend *be,
                    const struct store_sweep *sw, struct store_sweep_stats *out)
{
	struct store_keys *pg;
	char               after[STORE_PATH_MAX] = "";
	char            token[STORE_TOKEN_LEN + 1], sfx[STORE_SUFFIX_MAX + 1];
	enum store_area area;
	time_t          now = time(NULL);
	size_t          k;
	int             known, rc = 0;

	memset(out, 0, sizeof(*out));
	if ((pg = malloc(sizeof(*pg))) == NULL)
		return -1;
	do {
		if (be->list(be->ctx, "", after, pg) < 0) {
			rc = -1;
			break;
		}
		for (k = 0; k < pg->n && rc == 0; k++) {
			out->files++;
			/* list gives media keys only; others are not ours. */
			if (store_key_parse(pg->key[k], &area, token, sfx) <
			        0 ||
			    pg->mtime[k] < 0 ||
			    now - pg->mtime[k] < sw->min_age)
				continue;
			if ((known = sw->known(sw->ctx, token)) < 0) {
				rc = -1;
				break;
			}
			if (known)
				continue;
			out->orphans++;
			out->bytes +=
			    (unsigned long long)(pg->size[k] > 0 ? pg->size[k]
			                                         : 0);
			if (sw->report != NULL)
				sw->report(sw->ctx, token,
				           strrchr(pg->key[k], '/') + 1);
			if (!sw->dry_run && be->del(be->ctx, pg->key[k]) == 0)
				out->removed++;
		}
		if (pg->n > 0)
			snprintf(after, sizeof(after), "%s",
			         pg->key[pg->n - 1]);
	} while (rc == 0 && pg->truncated);
	free(pg);
	return rc;
}

int
store_key_parse(const char *key, enum store_area *area,
                char token[STORE_TOKEN_LEN + 1], char *suffix)
{
	char        again[STORE_PATH_MAX];
	const char *slash, *name;
	size_t      alen;
	int         a;

	if (key == NULL || (slash = strchr(key, '/')) == NULL)
		goto bad;
	alen = (size_t)(slash - key);
	for (a = 0; a < STORE_AREA__MAX; a++)
		if (strlen(store_areas[a]) == alen &&
		    memcmp(store_areas[a], key, alen) == 0)
			break;
	if (a == STORE_AREA__MAX || strlen(slash + 1) < 6 + STORE_TOKEN_LEN)
		goto bad;
	name = slash + 7; /* past "ab/cd/" */
	memcpy(token, name, STORE_TOKEN_LEN);
	token[STORE_TOKEN_LEN] = '\0';
	if (strlen(name + STORE_TOKEN_LEN) > STORE_SUFFIX_MAX)
		goto bad;
	memcpy(suffix, name + STORE_TOKEN_LEN,
	       strlen(name + STORE_TOKEN_LEN) + 1);
	/* Only what store_path builds back byte for byte is a key. */
	if (store_path((enum store_area)a, token, suffix, again,
	               sizeof(again)) < 0 ||
	    strcmp(again, key) != 0)
		goto bad;
	*area = (enum store_area)a;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

static int
local_put_file(void *ctx, const char *key, int src_fd)
{
	char token[STORE_TOKEN_LEN + 1], suffix[STORE_SUFFIX_MAX + 1];
	enum store_area area;

	if (store_key_parse(key, &area, token, suffix) < 0)
		return -1;
	if (src_fd < 0) {
		errno = EBADF;
		return -1;
	}
	return place(ctx, area, token, suffix, NULL, 0, src_fd);
}

static int
local_del(void *ctx, const char *key)
{
	const struct store *st = ctx;
	char token[STORE_TOKEN_LEN + 1], suffix[STORE_SUFFIX_MAX + 1];
	enum store_area area;

	if (store_key_parse(key, &area, token, suffix) < 0)
		return -1;
	if (unlink_rel(st->area_fd[area], strchr(key, '/') + 1) < 0)
		return -1;
	return sync_fan(st->area_fd[area], token);
}

static int
local_exists(void *ctx, const char *key)
{
	char token[STORE_TOKEN_LEN + 1], suffix[STORE_SUFFIX_MAX + 1];
	enum store_area area;

	if (store_key_parse(key, &area, token, suffix) < 0)
		return -1;
	return store_exists(ctx, area, token, suffix);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in directory name under dir_fd (no dot names), sorted
 * bytewise, as a malloc'd array of malloc'd strings; *n set.  A missing
 * directory is an empty list. */
static char **
sorted_names(int dir_fd, const char *name, size_t *n)
{
	struct dirent *de;
	DIR           *d;
	char         **v = NULL, **nv;
	size_t         cap = 0;
	int            fd;

	*n = 0;
	if ((d = sweep_opendir(dir_fd, name, &fd)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		if ((v[*n] = strdup(de->d_name)) == NULL)
			break;
		(*n)++;
	}
	closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), name_cmp);
	return v;
}

static void
free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Adds key to page when it matches; returns 1 once the page is full and
 * one more key matched (so the walk can stop). */
static int
list_add(struct store_keys *page, int area_fd, const char *key,
         const char *prefix, const char *after)
{
	struct stat sb;

	char token[STORE_TOKEN_LEN + 1], suffix[STORE_SUFFIX_MAX + 1];
	enum store_area area;

	/* Stray names (a publish's ".pub" temp link) are no objects. */
	if (strncmp(key, prefix, strlen(prefix)) != 0 ||
	    strcmp(key, after) <= 0 ||
	    store_key_parse(key, &area, token, suffix) < 0)
		return 0;
	if (page->n == STORE_KEYS_PAGE) {
		page->truncated = 1;
		return 1;
	}
	if (fstatat(area_fd, strchr(key, '/') + 1, &sb, AT_SYMLINK_NOFOLLOW) <
	        0 ||
	    !S_ISREG(sb.st_mode))
		return 0; /* gone meanwhile, or no file */
	page->size[page->n] = (long long)sb.st_size;
	page->mtime[page->n] = (long long)sb.st_mtime;
	snprintf(page->key[page->n++], STORE_PATH_MAX, "%s", key);
	return 0;
}

/*
 * One page of an area's keys, walking ab/ then cd/ then the files in
 * bytewise order, which is the order of the keys themselves.
 */
static int
local_list(void *ctx, const char *prefix, const char *after,
           struct store_keys *page)
{
	const struct store *st = ctx;
	char                key[STORE_PATH_MAX], dir[8];
	char              **l1, **l2, **l3;
	size_t              n1, n2, n3, i, j, k;
	int                 a, full = 0;

	page->n = 0;
	page->truncated = 0;
	if (prefix == NULL || after == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (a = 0; a < STORE_AREA__MAX && !full; a++) {
		size_t alen = strlen(store_areas[a]);

		/* Areas whose keys cannot start with prefix are skipped. */
		if (strncmp(prefix, store_areas[a],
		            strlen(prefix) < alen ? strlen(prefix) : alen) != 0)
			continue;
		l1 = sorted_names(st->area_fd[a], ".", &n1);
		for (i = 0; i < n1 && !full; i++) {
			if (strlen(l1[i]) != 2)
				continue;
			l2 = sorted_names(st->area_fd[a], l1[i], &n2);
			for (j = 0; j < n2 && !full; j++) {
				if (strlen(l2[j]) != 2)
					continue;
				snprintf(dir, sizeof(dir), "%s/%s", l1[i],
				         l2[j]);
				l3 = sorted_names(st->area_fd[a], dir, &n3);
				for (k = 0; k < n3 && !full; k++) {
					int w = snprintf(
					    key, sizeof(key), "%s/%s/%s",
					    store_areas[a], dir, l3[k]);
					if (w > 0 && (size_t)w < sizeof(key))
						full = list_add(
						    page, st->area_fd[a], key,
						    prefix, after);
				}
				free_names(l3, n3);
			}
			free_names(l2, n2);
		}
		free_names(l1, n1);
	}
	return 0;
}

void
store_backend_local(struct store_backend *be, struct store *st)
{
	be->name = "local";
	be->ctx = st;
	be->put_file = local_put_file;
	be->del = local_del;
	be->exists = local_exists;
	be->list = local_list;
}

/* --- a remote backend (issue 18) ---------------------------------------- */

static int
remote_write(const struct store_backend *be, enum store_area area,
             const char *token, const char *suffix, const void *data,
             size_t len)
{
	char key[STORE_PATH_MAX];

	if (store_path(area, token, suffix, key, sizeof(key)) < 0)
		return -1;
	return be->put(be->ctx, key, data, len);
}

static int
remote_exists(const struct store_backend *be, enum store_area area,
              const char *token, const char *suffix)
{
	char key[STORE_PATH_MAX];

	if (store_path(area, token, suffix, key, sizeof(key)) < 0)
		return -1;
	return be->exists(be->ctx, key);
}

static int
remote_read(const struct store_backend *be, enum store_area area,
            const char *token, const char *suffix, size_t max,
            unsigned char **data, size_t *len)
{
	char key[STORE_PATH_MAX];

	*data = NULL;
	*len = 0;
	if (store_path(area, token, suffix, key, sizeof(key)) < 0)
		return -1;
	return be->get(be->ctx, key, max, data, len);
}

static int
remote_del(const struct store_backend *be, enum store_area area,
           const char *token, const char *suffix)
{
	char key[STORE_PATH_MAX];

	if (store_path(area, token, suffix, key, sizeof(key)) < 0)
		return -1;
	return be->del(be->ctx, key);
}

/* Copies each priv/ derivative that exists to pub/ (a copy, not a link:
 * objects have none); idempotent, as store_publish. */
static int
remote_publish(const struct store_backend *be, const char *token)
{
	char from[STORE_PATH_MAX], to[STORE_PATH_MAX];

	for (int i = 0; i < STORE_DERIV__MAX; i++) {
		if (store_path(STORE_PRIV, token, store_suffixes[i], from,
		               sizeof(from)) < 0 ||
		    store_path(STORE_PUB, token, store_suffixes[i], to,
		               sizeof(to)) < 0)
			return -1;
		if (be->copy(be->ctx, from, to) < 0 && errno != ENOENT)
			return -1; /* ENOENT: that derivative was not made */
	}
	return 0;
}

/* Deletes each key of token in area whose suffix is in sfx (NULL ends);
 * tries them all.  0, or -1 with errno of the first failure. */
static int
remote_del_list(const struct store_backend *be, enum store_area area,
                const char *token, const char *const *sfx, size_t n)
{
	int rc = 0, err = 0;

	for (size_t i = 0; i < n && sfx[i] != NULL; i++)
		if (remote_del(be, area, token, sfx[i]) < 0 && rc == 0) {
			err = errno;
			rc = -1;
			if (err == EAGAIN)
				break; /* the service is away: the sweep will */
		}
	if (rc < 0)
		errno = err;
	return rc;
}

static int
remote_unpublish(const struct store_backend *be, const char *token)
{
	if (!store_token_valid(token)) {
		errno = EINVAL;
		return -1;
	}
	return remote_del_list(be, STORE_PUB, token, store_suffixes,
	                       STORE_DERIV__MAX);
}

static int
remote_remove_all(const struct store_backend *be, const char *token,
                  const char *const *orig_suffixes)
{
	int rc, err;

	if (!store_token_valid(token)) {
		errno = EINVAL;
		return -1;
	}
	/* Public copies first, so nothing stays reachable on a failure. */
	rc = remote_unpublish(be, token);
	err = errno;
	if (rc < 0 && err == EAGAIN)
		return -1; /* away: no point waiting on every other key */
	if (remote_del_list(be, STORE_PRIV, token, store_suffixes,
	                    STORE_DERIV__MAX) < 0 &&
	    rc == 0) {
		rc = -1;
		err = errno;
	}
	if ((rc == 0 || err != EAGAIN) &&
	    remote_del_list(be, STORE_ORIG, token,
	                    orig_suffixes != NULL ? orig_suffixes
	                                          : store_orig_default,
	                    (size_t)-1) < 0 &&
	    rc == 0) {
		rc = -1;
		err = errno;
	}
	if (rc < 0)
		errno = err;
	return rc;
}
