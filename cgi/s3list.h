/*
 * s3list.h: the part of an S3 ListObjectsV2 answer netdep reads (issue 18):
 * each <Contents><Key>, <LastModified> and <Size>, <IsTruncated> and
 * <NextContinuationToken>.  A
 * minimal scanner, not an XML parser: no DTD, no entities beyond the five
 * predefined ones and numeric references are refused, so nothing expands.
 */
#ifndef NETDEP_S3LIST_H
#define NETDEP_S3LIST_H

#include <stddef.h>

#include "store.h"

#define S3LIST_TOKEN_MAX 1024 /* continuation token, NUL included */

/*
 * Parses len bytes of xml into page (keys in document order; keys that
 * are not media keys, per store_key_parse, are skipped; mtime and size -1
 * when absent or malformed) and next (the
 * continuation token, "" when none; ntsz bytes).  page->truncated is 1
 * when <IsTruncated>true</IsTruncated>.  Returns 0, or -1 with errno
 * EINVAL (malformed: a <!DOCTYPE or <!ENTITY, an unknown entity, an
 * unclosed element, more keys than a page holds, a truncated answer
 * without a token) or ENAMETOOLONG (a value too long).
 */
int s3list_parse(const char *xml, size_t len, struct store_keys *page,
                 char *next, size_t ntsz);

#endif
