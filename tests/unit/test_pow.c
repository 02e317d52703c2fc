/*
 * test_pow.c: the proof of work (cgi/pow.c) and the hash slots
 * (cgi/slots.c).  A challenge is solved here as a browser would, then
 * every way of cheating is refused: another number, another salt, an
 * expired or far-future salt, a forged signature, another key, junk.
 * The slots are taken by forked processes: never more than N at once, a
 * dead holder's slot comes back.
 */
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pow.h"
#include "slots.h"
#include "unit.h"

#define NOW 1800000000LL

static unsigned char key[POW_KEY_BYTES], other_key[POW_KEY_BYTES];

/* The number that solves c (a browser's work). */
static long long
solve(json_t *c)
{
	const char   *salt = json_string_value(json_object_get(c, "salt"));
	const char   *want = json_string_value(json_object_get(c, "challenge"));
	long long     max = json_integer_value(json_object_get(c, "maxnumber"));
	char          text[128], hex[65];
	unsigned char h[32];

	for (long long n = 0; n <= max; n++) {
		snprintf(text, sizeof(text), "%s%lld", salt, n);
		crypto_hash_sha256(h, (const unsigned char *)text,
		                   strlen(text));
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		if (strcmp(hex, want) == 0)
			return n;
	}
	return -1;
}

/* base64 of the answer JSON with the given fields. */
static char *
payload(const char *alg, const char *challenge, long long number,
        const char *salt, const char *sig)
{
	json_t *o = json_pack(
	    "{s:s,s:s,s:I,s:s,s:s}", "algorithm", alg, "challenge", challenge,
	    "number", (json_int_t)number, "salt", salt, "signature", sig);
	char  *text = json_dumps(o, JSON_COMPACT);
	size_t n = sodium_base64_encoded_len(strlen(text),
	                                     sodium_base64_VARIANT_ORIGINAL);
	char  *out = malloc(n);

	sodium_bin2base64(out, n, (const unsigned char *)text, strlen(text),
	                  sodium_base64_VARIANT_ORIGINAL);
	free(text);
	json_decref(o);
	return out;
}

static int
verify(const unsigned char *k, const char *p, long long now)
{
	struct pow_proof proof;

	return pow_verify(k, p, strlen(p), 100000, now, &proof);
}

static void
test_pow(void)
{
	json_t     *c = pow_challenge(key, 100000, NOW);
	const char *ch = json_string_value(json_object_get(c, "challenge"));
	const char *salt = json_string_value(json_object_get(c, "salt"));
	const char *sig = json_string_value(json_object_get(c, "signature"));
	long long   n = solve(c);
	char       *good, *p;
	char        salt2[64], sig2[65];
	struct pow_proof proof;

	UNIT_CHECK(n >= 0, "the challenge has a solution");
	good = payload("SHA-256", ch, n, salt, sig);
	UNIT_CHECK(pow_verify(key, good, strlen(good), 100000, NOW, &proof) ==
	               0,
	           "the solution verifies");
	UNIT_CHECK(proof.expires == NOW + POW_TTL_S, "expiry from the salt");
	UNIT_CHECK(verify(key, good, NOW + POW_TTL_S) == 0, "good to the end");
	UNIT_CHECK(verify(key, good, NOW + POW_TTL_S + 1) != 0, "expired");
	UNIT_CHECK(verify(key, good, NOW - POW_TTL_S - 1) != 0,
	           "an expiry too far ahead is not ours");
	UNIT_CHECK(verify(other_key, good, NOW) != 0, "another key");
	UNIT_CHECK(pow_verify(key, good, strlen(good), 10, NOW, &proof) != 0 ||
	               n <= 10,
	           "a number above maxnumber");
	free(good);

	p = payload("SHA-256", ch, n + 1, salt, sig);
	UNIT_CHECK(verify(key, p, NOW) != 0, "a wrong number");
	free(p);
	p = payload("SHA-1", ch, n, salt, sig);
	UNIT_CHECK(verify(key, p, NOW) != 0, "another algorithm");
	free(p);
	snprintf(salt2, sizeof(salt2), "%.24s?expires=%lld", salt, NOW + 500);
	p = payload("SHA-256", ch, n, salt2, sig);
	UNIT_CHECK(verify(key, p, NOW) != 0, "a salt with a later expiry");
	free(p);
	memcpy(sig2, sig, sizeof(sig2));
	sig2[0] = sig2[0] == 'a' ? 'b' : 'a';
	p = payload("SHA-256", ch, n, salt, sig2);
	UNIT_CHECK(verify(key, p, NOW) != 0, "a forged signature");
	free(p);
	for (const char *junk = "@"; junk != NULL; junk = NULL) {
		UNIT_CHECK(verify(key, "", NOW) != 0, "empty");
		UNIT_CHECK(verify(key, "e30=", NOW) != 0, "{}");
		UNIT_CHECK(verify(key, "bm90IGpzb24=", NOW) != 0, "not JSON");
		UNIT_CHECK(verify(key, junk, NOW) != 0, "not base64");
	}
	json_decref(c);
}

/* Forks n children that each hold a slot until told; returns how many
 * got one. */
static int
hold(struct slots *s, int dir, int n, pid_t *pids)
{
	int got = 0, p[2];

	for (int i = 0; i < n; i++) {
		if (pipe(p) != 0)
			return -1;
		if ((pids[i] = fork()) == 0) {
			int  slot = slots_take(s, dir, 50);
			char c = slot >= 0 ? '1' : '0';

			(void)!write(p[1], &c, 1);
			pause();
			_exit(0);
		}
		close(p[1]);
		{
			char c = '0';

			(void)!read(p[0], &c, 1);
			got += c == '1';
		}
		close(p[0]);
	}
	return got;
}

static void
test_slots(void)
{
	char         dir[] = "/tmp/netdep-slots-XXXXXX";
	struct slots s = SLOTS_INIT(".test-slots", 2);
	pid_t        pids[3];
	int          fd, got;

	if (!UNIT_CHECK(mkdtemp(dir) != NULL, "mkdtemp"))
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	got = hold(&s, fd, 3, pids);
	UNIT_CHECK(got == 2, "2 slots: 3 takers, %d got one", got);
	/* One holder dies: its slot comes back. */
	kill(pids[0], SIGKILL);
	waitpid(pids[0], NULL, 0);
	UNIT_CHECK(slots_take(&s, fd, 2000) >= 0, "a dead holder's slot");
	for (int i = 1; i < 3; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	close(fd);
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/.test-slots", dir);
		unlink(path);
		rmdir(dir);
	}
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	randombytes_buf(key, sizeof(key));
	randombytes_buf(other_key, sizeof(other_key));
	test_pow();
	test_slots();
	return unit_report();
}
