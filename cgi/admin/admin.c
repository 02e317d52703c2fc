/*
 * admin.c: helpers every netdep-admin command uses: error reporting, the
 * single transaction around a command, the audit log and the password
 * prompt.  Nothing here prints a password or the conninfo.
 */
#include "admin.h"

#include "admin_args.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "../config.h"
#include "../db_jury.h"
#include "../valid.h"

/* "netdep-admin: <message>" and the end of the line, tail. */
static void __attribute__((format(printf, 2, 0)))
admin_say(const char *tail, const char *fmt, va_list ap)
{
	fputs("netdep-admin: ", stderr);
	/* Never NULL; said so, since gcc's sanitizer build cannot prove it. */
	if (fmt != NULL)
		vfprintf(stderr, fmt, ap);
	fputs(tail, stderr);
}

void
admin_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	admin_say("\n", fmt, ap);
	va_end(ap);
}

int
admin_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	admin_say("\n(see netdep-admin --help)\n", fmt, ap);
	va_end(ap);
	return ADMIN_EXIT_USAGE;
}

/*
 * Finds the repository from the executable's location: the binary is
 * <repo>/build/netdep-admin, so the repository is its directory's parent.
 * Returns 0 with the path in out, or -1.
 */
static int
repo_dir(char *out, size_t outlen)
{
	char    exe[PATH_MAX];
	ssize_t n;
	char   *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 || (size_t)n >= sizeof(exe) - 1)
		return -1;
	exe[n] = '\0';
	for (int i = 0; i < 2; i++) {
		if ((slash = strrchr(exe, '/')) == NULL)
			return -1;
		*slash = '\0';
	}
	if (exe[0] == '\0' || strlen(exe) >= outlen)
		return -1;
	memcpy(out, exe, strlen(exe) + 1);
	return 0;
}

/*
 * The conninfo: NETDEP_DB when the configuration has one, else the
 * application role of this checkout's `make run` stack.  Returns it in
 * the arena, or NULL after reporting.
 */
static const char *
admin_conninfo(struct arena *a)
{
	struct config cfg;
	char          repo[PATH_MAX];
	char         *info;

	if (config_load(&cfg) != 0)
		return NULL;
	if (cfg.db_set)
		return cfg.db;
	if (repo_dir(repo, sizeof(repo)) != 0 || strchr(repo, '\'') != NULL ||
	    strchr(repo, '\\') != NULL) {
		admin_fail("cannot find the repository from /proc/self/exe; "
		           "set NETDEP_DB");
		return NULL;
	}
	info =
	    arena_printf(a,
	                 "host='%s/var/pgsock' dbname=netdep user=netdep_app "
	                 "application_name=netdep-admin",
	                 repo);
	if (info == NULL)
		admin_fail("out of memory");
	return info;
}

int
admin_connect(struct admin_run *run)
{
	const char *info = admin_conninfo(&run->a);

	if (info == NULL)
		return -1;
	if ((run->db = db_open(info)) == NULL) {
		admin_fail("cannot connect to the database (is `make run` "
		           "running? set NETDEP_DB)");
		return -1;
	}
	return 0;
}

int
admin_start(struct admin_run *run, int readonly)
{
	if (admin_connect(run) != 0)
		return -1;
	if ((readonly ? db_begin_snapshot(run->db) : db_begin(run->db)) !=
	    DB_OK) {
		admin_fail("cannot begin a transaction");
		return -1;
	}
	return 0;
}

int
admin_finish(struct admin_run *run, int rc)
{
	if (rc == ADMIN_EXIT_OK &&
	    (run->db == NULL || db_commit(run->db) != DB_OK)) {
		admin_fail("the change was not committed; nothing was changed");
		rc = ADMIN_EXIT_FAIL;
	}
	/* Rolls back whatever is still open: nothing is ever half done. */
	if (run->db != NULL)
		db_rollback(run->db);
	db_close(run->db);
	run->db = NULL;
	return rc;
}

void
admin_print_table(const struct db_table *t, const char *null)
{
	for (int r = 0; r < t->nrows; r++)
		for (int c = 0; c < t->ncols; c++) {
			const char *v =
			    t->cells[(size_t)r * (size_t)t->ncols + (size_t)c];

			printf("%s%c", v != NULL ? v : null,
			       c + 1 < t->ncols ? '\t' : '\n');
		}
}

int
admin_list(int argc, char **argv, const char *what, const char *header,
           int (*read)(struct db *, struct arena *, struct db_table *),
           const char *null)
{
	const char      *pos[1];
	char             err[256];
	size_t           npos;
	struct admin_run run = {0};
	struct db_table  t;
	int              rc = ADMIN_EXIT_FAIL;

	if (!admin_args_parse(argc, argv, NULL, 0, NULL, pos, 0, &npos, err,
	                      sizeof(err)))
		return admin_usage("%s: %s", what, err);
	/* One snapshot, read-only. */
	if (admin_start(&run, 1) == 0 && read(run.db, &run.a, &t) >= 0)
		rc = ADMIN_EXIT_OK;
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK) {
		fputs(header, stdout);
		admin_print_table(&t, null);
	}
	arena_free(&run.a);
	return rc;
}

int
admin_audit(struct admin_run *run, const char *action, const char *target_type,
            const char *target_id, const char *contest_id, const char *before,
            const char *after)
{
	static const struct db_actor tool = {NULL, "netdep-admin", NULL};

	if (db_audit_write(run->db, &run->a, &tool, action, target_type,
	                   target_id, contest_id, before, after) != DB_OK) {
		admin_fail("cannot write the audit log");
		return -1;
	}
	return 0;
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
