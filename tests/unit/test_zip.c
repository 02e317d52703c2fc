/*
 * test_zip.c: the stored-only ZIP writer (cgi/zip.c): the records'
 * signatures and fields, the CRC-32 of a known string, offsets that
 * point where they should, an empty archive, refused names; the e2e test
 * reads a real archive with Python's zipfile.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "zip.h"

static uint32_t
rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static unsigned
rd16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static void
test_two_files(void)
{
	struct zip           z;
	const unsigned char *out;
	size_t               len, second;

	zip_init(&z);
	UNIT_CHECK(zip_add(&z, "a.txt", "123456789", 9) == 0, "add a");
	second = z.len;
	UNIT_CHECK(zip_add(&z, "dir/b.bin", "", 0) == 0, "add empty b");
	if (!UNIT_CHECK(zip_finish(&z, &out, &len) == 0, "finish"))
		goto out;
	UNIT_CHECK_INT(rd32(out), 0x04034b50, "local signature");
	/* CRC-32 of "123456789" is the check value 0xCBF43926. */
	UNIT_CHECK_INT(rd32(out + 14), 0xcbf43926u, "crc of 123456789");
	UNIT_CHECK_INT(rd32(out + 18), 9, "stored size");
	UNIT_CHECK_INT(rd16(out + 26), 5, "name length");
	UNIT_CHECK(memcmp(out + 30, "a.txt123456789", 14) == 0, "name, data");
	UNIT_CHECK_INT(rd32(out + second), 0x04034b50, "second local");
	UNIT_CHECK_INT(rd32(out + len - 22), 0x06054b50, "end signature");
	UNIT_CHECK_INT(rd16(out + len - 22 + 10), 2, "entries");
	{
		uint32_t dir = rd32(out + len - 22 + 16);
		uint32_t dsz = rd32(out + len - 22 + 12);

		UNIT_CHECK_INT(dir + dsz, len - 22, "directory ends at end");
		UNIT_CHECK_INT(rd32(out + dir), 0x02014b50, "cdir signature");
		UNIT_CHECK_INT(rd32(out + dir + 42), 0, "first offset");
		UNIT_CHECK_INT(rd32(out + dir + 46 + 5 + 42), second,
		               "second offset");
	}
out:
	zip_free(&z);
}

static void
test_refusals(void)
{
	static const char   *bad[] = {"",       "/abs",   "../up",
	                              "a/../b", "sp ace", "vi\xe1\xbb\x87t"};
	struct zip           z;
	const unsigned char *out;
	size_t               len;

	for (size_t i = 0; i < UNIT_NELEM(bad); i++) {
		zip_init(&z);
		UNIT_CHECK(zip_add(&z, bad[i], "x", 1) == -1, "name %zu", i);
		UNIT_CHECK(zip_finish(&z, &out, &len) == -1,
		           "failed archive %zu", i);
		zip_free(&z);
	}
	zip_init(&z);
	UNIT_CHECK(zip_finish(&z, &out, &len) == 0 && len == 22,
	           "empty archive is its end record");
	zip_free(&z);
}

int
main(void)
{
	test_two_files();
	test_refusals();
	return unit_report();
}
