/*
 * zip.h: a minimal ZIP writer in memory (stored entries, no compression:
 * PNG and PDF are compressed already), with the CRC-32 of zlib.  For the
 * admin's download of a contest's certificates.  Names are ASCII.
 */
#ifndef NETDEP_ZIP_H
#define NETDEP_ZIP_H

#include <stddef.h>
#include <stdint.h>

#define ZIP_MAX_ENTRIES 65535        /* no ZIP64 */
#define ZIP_MAX_BYTES   0xfffffffeUL /* no ZIP64 */

struct zip {
	unsigned char *buf; /* the archive so far (malloc'd) */
	size_t         len, cap;
	unsigned char *dir; /* the central directory so far */
	size_t         dlen, dcap;
	unsigned       n; /* entries */
	int            failed;
};

/* An empty archive; zip_free() releases it whatever happened. */
void zip_init(struct zip *z);

/* Adds a file name (1..255 bytes of [A-Za-z0-9._/-]) with data.
 * Returns 0, or -1 (too many, too large, a bad name or no memory; the
 * archive is then failed). */
int zip_add(struct zip *z, const char *name, const void *data, size_t len);

/* Ends the archive (central directory, end record): *out and *len point
 * into z, valid until zip_free().  Returns 0 or -1. */
int zip_finish(struct zip *z, const unsigned char **out, size_t *len);

void zip_free(struct zip *z);

#endif
