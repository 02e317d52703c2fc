/*
 * test_s3list.c: the ListObjectsV2 scanner: keys in order, foreign keys
 * skipped, entities decoded, the continuation token, and the refusals
 * (DOCTYPE/ENTITY, unknown and numeric entities, unclosed elements, a
 * truncated answer without a token).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "s3list.h"
#include "unit.h"

#define K1 "priv/ab/cd/abcd0000000000000000000000000001_t400.jpg"
#define K2 "orig/ab/cd/abcd0000000000000000000000000002.jpg"

static int
parse(const char *xml, struct store_keys *pg, char *next, size_t ntsz)
{
	return s3list_parse(xml, strlen(xml), pg, next, ntsz);
}

int
main(void)
{
	struct store_keys *pg = malloc(sizeof(*pg));
	char               next[S3LIST_TOKEN_MAX];
	static const char *bad[] = {
	    "<!DOCTYPE x [<!ENTITY a \"b\">]><ListBucketResult/>",
	    "<ListBucketResult><Contents><Key>" K1 "</Key>",
	    "<ListBucketResult><Contents><Key>" K1
	    "</Contents></ListBucketResult>",
	    "<ListBucketResult><Contents><Key>a&#47;b</Key></Contents>"
	    "</ListBucketResult>",
	    "<ListBucketResult><Contents><Key>a&x;</Key></Contents>"
	    "</ListBucketResult>",
	    "<ListBucketResult><IsTruncated>true</IsTruncated>"
	    "</ListBucketResult>",
	};
	size_t i;

	if (pg == NULL)
		return 1;
	UNIT_CHECK(
	    parse("<?xml version=\"1.0\"?><ListBucketResult><Name>b</Name>"
	          "<IsTruncated>true</IsTruncated><Contents><Key>" K1
	          "</Key><Size>5</Size></Contents><Contents><Key>other/x"
	          "</Key></Contents><Contents><Key>" K2 "</Key></Contents>"
	          "<NextContinuationToken>1a&amp;b=</NextContinuationToken>"
	          "</ListBucketResult>",
	          pg, next, sizeof(next)) == 0,
	    "a truncated page parses");
	UNIT_CHECK_INT(pg->n, 2, "media keys (the foreign one skipped)");
	UNIT_CHECK(pg->n == 2 && strcmp(pg->key[0], K1) == 0 &&
	               strcmp(pg->key[1], K2) == 0,
	           "keys in document order");
	UNIT_CHECK(pg->n == 2 && pg->mtime[0] == -1 && pg->size[1] == -1,
	           "age and size unknown: a sweep keeps such keys");
	UNIT_CHECK(pg->truncated == 1 && strcmp(next, "1a&b=") == 0,
	           "truncated, token decoded: %s", next);
	/* Age and size as s3rver and AWS write them; a bad date is -1. */
	UNIT_CHECK(parse("<ListBucketResult><Contents><Key>" K1
	                 "</Key><LastModified>2026-12-04T20:00:01.250Z"
	                 "</LastModified><Size>1234</Size></Contents>"
	                 "<Contents><Key>" K2 "</Key><LastModified>"
	                 "2026-12-04 20:00</LastModified><Size>-3</Size>"
	                 "</Contents></ListBucketResult>",
	                 pg, next, sizeof(next)) == 0 &&
	               pg->n == 2,
	           "a page with dates parses");
	UNIT_CHECK(pg->mtime[0] == 1796414401LL && pg->size[0] == 1234,
	           "LastModified and Size read: %lld %lld", pg->mtime[0],
	           pg->size[0]);
	UNIT_CHECK(pg->mtime[1] == -1 && pg->size[1] == -1,
	           "a malformed date and size are unknown");
	UNIT_CHECK(parse("<ListBucketResult><IsTruncated>false</IsTruncated>"
	                 "<KeyCount>0</KeyCount></ListBucketResult>",
	                 pg, next, sizeof(next)) == 0 &&
	               pg->n == 0 && pg->truncated == 0 && next[0] == '\0',
	           "an empty last page");
	for (i = 0; i < UNIT_NELEM(bad); i++)
		UNIT_CHECK(parse(bad[i], pg, next, sizeof(next)) == -1 &&
		               errno == EINVAL,
		           "refused: %s", bad[i]);
	UNIT_CHECK(parse("<ListBucketResult><IsTruncated>true</IsTruncated>"
	                 "<NextContinuationToken>abcdefgh"
	                 "</NextContinuationToken></ListBucketResult>",
	                 pg, next, 4) == -1 &&
	               errno == ENAMETOOLONG,
	           "a token longer than the buffer");
	free(pg);
	return unit_report();
}
