/*
 * test_lsn.c: db_lsn_parse() (cgi/db.c), which reads the netdep_lsn
 * cookie a client sends back (reads.h): PostgreSQL's "X/Y" form only,
 * anything else refused so that a forged value cannot pass as an LSN.
 */
#include "db.h"
#include "unit.h"

static void
test_good(void)
{
	unsigned long long v = 0;

	UNIT_CHECK(db_lsn_parse("0/0", &v) == 0 && v == 0, "0/0");
	UNIT_CHECK(db_lsn_parse("16/B374D848", &v) == 0 &&
	               v == (0x16ULL << 32 | 0xB374D848ULL),
	           "16/B374D848");
	UNIT_CHECK(db_lsn_parse("ffffffff/ffffffff", &v) == 0 && v == ~0ULL,
	           "the largest");
	UNIT_CHECK(db_lsn_parse("0/3000148", &v) == 0 && v == 0x3000148ULL,
	           "lower case and short");
}

static void
test_bad(void)
{
	static const char *const bad[] = {
	    "",      "/",     "0/",   "/0",          "0",           "0//0",
	    "g/0",   "0/-1",  "1 /0", "100000000/0", "0/100000000", "0/0 ",
	    "0/0;x", "0x1/0",
	};
	unsigned long long v = 42;

	for (size_t i = 0; i < UNIT_NELEM(bad); i++)
		UNIT_CHECK(db_lsn_parse(bad[i], &v) < 0, "refused: '%s'",
		           bad[i]);
	UNIT_CHECK(db_lsn_parse(NULL, &v) < 0, "NULL");
	UNIT_CHECK(v == 42, "nothing written on refusal");
}

int
main(void)
{
	test_good();
	test_bad();
	return unit_report();
}
