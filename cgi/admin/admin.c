/*
 * admin.c: helpers every netdep-admin command uses: error reporting, the
 * single transaction around a command, the audit log and the password
 * prompt.  Nothing here prints a password or the conninfo.
 */
#include "admin.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "../valid.h"

void
admin_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("netdep-admin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
admin_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("netdep-admin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(see netdep-admin --help)\n", stderr);
	return ADMIN_EXIT_USAGE;
}

int
admin_start(struct admin_run *run, int readonly)
{
	run->db = admin_db_open();
	if (run->db == NULL)
		return -1;
	return admin_db_begin(run->db, readonly);
}

int
admin_finish(struct admin_run *run, int rc)
{
	if (rc == ADMIN_EXIT_OK &&
	    (run->db == NULL || admin_db_commit(run->db) != 0))
		rc = ADMIN_EXIT_FAIL;
	/* Rolls back whatever is still open: nothing is ever half done. */
	admin_db_close(run->db);
	run->db = NULL;
	return rc;
}

int
admin_audit(struct admin_run *run, const char *action, const char *target_type,
            const char *target_id, const char *contest_id, const char *before,
            const char *after)
{
	const char     *p[6] = {action,     target_type, target_id,
	                        contest_id, before,      after};
	struct adm_rows rs;
	int             rc;

	rc = admin_db_run(run->db, &run->a, ADM_AUDIT, p, &rs);
	if (rc == ADM_NONE)
		admin_fail("cannot write the audit log: %s", rs.message);
	return rc == ADM_OK ? 0 : -1;
}

/*
 * Reads one line of at most ADMIN_PASSWORD_MAX bytes from stdin into buf.
 * Returns the length, -1 at end of input with nothing read, or -2 when the
 * line is too long.
 */
static long
read_line(char buf[ADMIN_PASSWORD_MAX + 2])
{
	size_t n = 0;
	int    c;

	while ((c = getchar()) != EOF && c != '\n') {
		if (n > ADMIN_PASSWORD_MAX) {
			/* Swallow the rest so it is not left for a shell. */
			while ((c = getchar()) != EOF && c != '\n')
				;
			return -2;
		}
		buf[n++] = (char)c;
	}
	if (c == EOF && n == 0)
		return -1;
	/* A line typed or saved on Windows ends in "\r\n". */
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n > ADMIN_PASSWORD_MAX)
		return -2;
	buf[n] = '\0';
	return (long)n;
}

/* Prompts on the terminal with echo off; returns as read_line(). */
static long
read_hidden(const char *prompt, char buf[ADMIN_PASSWORD_MAX + 2])
{
	struct termios old, quiet;
	int            restore = 0;
	long           n;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	n = read_line(buf);
	if (restore)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	return n;
}

int
admin_read_password(char buf[ADMIN_PASSWORD_MAX + 2], size_t *len)
{
	char again[ADMIN_PASSWORD_MAX + 2];
	long n, m;
	int  rc = -1;

	if (isatty(STDIN_FILENO)) {
		n = read_hidden("Password: ", buf);
		if (n >= 0) {
			m = read_hidden("Password again: ", again);
			if (m != n || memcmp(buf, again, (size_t)n) != 0) {
				admin_fail("the two passwords differ; nothing "
				           "was changed");
				goto out;
			}
		}
	} else {
		n = read_line(buf);
	}
	if (n == -1 || n == 0) {
		admin_fail("no password: give it as the first line of "
		           "standard input, e.g. printf '%%s\\n' \"$PW\" | "
		           "netdep-admin ...");
		goto out;
	}
	if (n == -2 || !valid_password(buf, (size_t)n)) {
		admin_fail("the password must be 8 to %d bytes of UTF-8 "
		           "text",
		           ADMIN_PASSWORD_MAX);
		goto out;
	}
	*len = (size_t)n;
	rc = 0;
out:
	sodium_memzero(again, sizeof(again));
	if (rc != 0)
		sodium_memzero(buf, ADMIN_PASSWORD_MAX + 2);
	return rc;
}
