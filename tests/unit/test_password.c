/*
 * test_password.c: password hashing (cgi/password.c) and its cost keys
 * (NETDEP_PASSWORD_OPS, NETDEP_PASSWORD_MEM_KB).  Without the keys a new
 * hash has libsodium's interactive cost (64 MiB, 2 passes), the cost a
 * production site runs; the e2e stack lowers it, and a hash made at any
 * cost still verifies after the cost changes (it carries its own).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "password.h"
#include "unit.h"

static const char PW[] = "mật khẩu đủ dài 123";

static void
test_default_cost(void)
{
	struct config cfg;
	char          h[PASSWORD_HASH_MAX];

	unsetenv("NETDEP_CONFIG");
	unsetenv("NETDEP_PASSWORD_OPS");
	unsetenv("NETDEP_PASSWORD_MEM_KB");
	UNIT_CHECK(config_load(&cfg) == 0, "defaults load");
	UNIT_CHECK_INT(cfg.password_ops, 2, "default passes");
	UNIT_CHECK_INT(cfg.password_mem_kb, 65536, "default memory (KiB)");
	password_configure(cfg.password_ops, cfg.password_mem_kb);
	UNIT_CHECK(password_hash(PW, strlen(PW), h) == 0, "hash");
	UNIT_CHECK(strncmp(h, "$argon2id$v=19$m=65536,t=2,p=1$", 31) == 0,
	           "interactive cost in the hash: %s", h);
	UNIT_CHECK(password_verify(h, PW, strlen(PW)) == 1, "verifies");
	UNIT_CHECK(password_verify(h, "mật khẩu khác", 17) == 0, "wrong pw");
}

static void
test_lowered_cost(void)
{
	struct config cfg;
	char          low[PASSWORD_HASH_MAX], high[PASSWORD_HASH_MAX];

	UNIT_CHECK(password_hash(PW, strlen(PW), high) == 0, "hash (default)");
	setenv("NETDEP_PASSWORD_OPS", "1", 1);
	setenv("NETDEP_PASSWORD_MEM_KB", "8", 1);
	UNIT_CHECK(config_load(&cfg) == 0, "lowered keys load");
	password_configure(cfg.password_ops, cfg.password_mem_kb);
	UNIT_CHECK(password_hash(PW, strlen(PW), low) == 0, "hash (lowered)");
	UNIT_CHECK(strncmp(low, "$argon2id$v=19$m=8,t=1,p=1$", 27) == 0,
	           "lowered cost in the hash: %s", low);
	UNIT_CHECK(password_verify(low, PW, strlen(PW)) == 1, "low verifies");
	UNIT_CHECK(password_verify(high, PW, strlen(PW)) == 1,
	           "a hash of the old cost still verifies");
	setenv("NETDEP_PASSWORD_MEM_KB", "7", 1);
	UNIT_CHECK(config_load(&cfg) != 0, "below libsodium's minimum refused");
	setenv("NETDEP_PASSWORD_MEM_KB", "8", 1);
	setenv("NETDEP_PASSWORD_OPS", "0", 1);
	UNIT_CHECK(config_load(&cfg) != 0, "zero passes refused");
	unsetenv("NETDEP_PASSWORD_OPS");
	unsetenv("NETDEP_PASSWORD_MEM_KB");
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_default_cost();
	test_lowered_cost();
	return unit_report();
}
