/*
 * unit.h: a tiny header-only harness for netdep's table-driven unit tests.
 * UNIT_CHECK counts passes and failures and prints one line per failure
 * with file:line; unit_report() prints "N passed, N failed" and returns the
 * process exit status.  Include it from exactly one .c file per test binary.
 */
#ifndef NETDEP_UNIT_H
#define NETDEP_UNIT_H

#include <stdarg.h>
#include <stdio.h>

static unsigned long unit_passed;
static unsigned long unit_failed;

/*
 * Records one check.  When cond is false, prints "file:line: FAIL: " and
 * the printf-style message to stderr.  Returns cond (0 or 1) so a test can
 * stop early, e.g. `if (!UNIT_CHECK(p != NULL, "alloc")) continue;`.
 */
static int unit_check(int cond, const char *file, int line, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5), unused));

static int
unit_check(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (cond) {
		unit_passed++;
		return 1;
	}
	unit_failed++;
	fprintf(stderr, "%s:%d: FAIL: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 0;
}

/* UNIT_CHECK(cond, fmt, ...): fmt is required; the arguments are not. */
#define UNIT_CHECK(cond, ...)                                                  \
	unit_check((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

/* Shorthand for an equality of two integers, printing both on failure. */
#define UNIT_CHECK_INT(got, want, what)                                        \
	UNIT_CHECK((long long)(got) == (long long)(want),                      \
	           "%s: got %lld, want %lld", (what), (long long)(got),        \
	           (long long)(want))

/* Number of rows of a static table. */
#define UNIT_NELEM(t) (sizeof(t) / sizeof((t)[0]))

/*
 * Prints the final line "N passed, N failed" on stdout, alone on its line,
 * and returns the exit status for main(): 0 if nothing failed, 1 otherwise.
 */
static int unit_report(void) __attribute__((unused));

static int
unit_report(void)
{
	fflush(stderr);
	printf("%lu passed, %lu failed\n", unit_passed, unit_failed);
	fflush(stdout);
	return unit_failed == 0 ? 0 : 1;
}

#endif
