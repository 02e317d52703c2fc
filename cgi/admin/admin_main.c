/*
 * admin_main.c: netdep-admin, the organisers' command-line tool.  It finds
 * the command in a table, and each command validates its whole command
 * line before it connects, then runs in one transaction.  Exit codes: 0
 * done, 1 refused by the data or the database, 2 a wrong command line.
 */
#include <stdio.h>
#include <string.h>

#include "../stmt.h"
#include "admin.h"

static const char help_text[] =
    "usage: netdep-admin COMMAND ...\n"
    "\n"
    "Accounts (the password is the first line of standard input; on a\n"
    "terminal it is asked twice without echo):\n"
    "  user create USERNAME [--display-name TEXT] [--unit TEXT]\n"
    "              [--district TEXT] [--email ADDR] [--phone NUMBER]\n"
    "  user password USERNAME      set a new password, end all sessions\n"
    "  user list                   accounts and roles, tab-separated\n"
    "  user disable USERNAME       ban: no log-in, every session ends\n"
    "  user enable USERNAME        lift the ban\n"
    "  grant judge USERNAME [--contest SLUG]\n"
    "  grant admin USERNAME\n"
    "  revoke judge|admin USERNAME [--contest SLUG]\n"
    "                              without --contest: every contest;\n"
    "                              both are idempotent and end the\n"
    "                              user's sessions when they change\n"
    "\n"
    "Contests:\n"
    "  contest create SLUG --title TEXT [--KEY VALUE ...]\n"
    "  contest set SLUG KEY=VALUE ...\n"
    "  contest show SLUG           the contest as JSON (times in UTC)\n"
    "  contest list                all contests, tab-separated\n"
    "\n"
    "KEYs (the same for create and set, and the same settings as the web\n"
    "admin's, checked by the same table: cgi/contest_rules.h):\n"
    "  title TEXT                  1-200 characters\n"
    "  rules TEXT                  up to 20000 characters, may span lines\n"
    "  submit-from T, submit-until T, vote-from T, vote-until T,\n"
    "  results-at T                ISO 8601: 2026-05-01T08:00 (Vietnam\n"
    "                              time), 2026-05-01T01:00Z or\n"
    "                              2026-05-01T08:00+07:00; an empty\n"
    "                              value leaves the window open\n"
    "  max-entries N               entries per participant, 1-100 (3)\n"
    "  votes-per-day N             per voter, 1-1000 (10)\n"
    "  vote-rule once|daily        once per entry, or once per entry per\n"
    "                              day (daily)\n"
    "  self-vote yes|no            may entrants vote for their own (no)\n"
    "  public-weight N             public share of the combined score,\n"
    "                              0-100 (30)\n"
    "  min-short-side PX           1-16384 (800)\n"
    "  max-pixels N, max-side PX, max-bytes N   upload limits\n"
    "  coi-unit yes|no             judges do not score their own unit (no)\n"
    "  zscore yes|no               normalise each judge's scores (no)\n"
    "  judges-named yes|no         results name the judges (no)\n"
    "  categories \"Name,Name,...\"  added in order; set only adds names\n"
    "                              (existing ones are kept as they are)\n"
    "  A new contest gets the jury criteria Nội dung 40, Thẩm mỹ 40,\n"
    "  Thông điệp 20.\n"
    "\n"
    "Media:\n"
    "  media orphans [--older-than SECONDS]\n"
    "                              list the files of orig/, priv/, pub/\n"
    "                              that no media row names (older than\n"
    "                              SECONDS, default 86400: younger ones\n"
    "                              may be uploads in flight)\n"
    "  media sweep [--older-than SECONDS]\n"
    "                              remove them (NETDEP_MEDIA is the root)\n"
    "  media janitor [--dry-run]   remove the files of entries rejected or\n"
    "                              withdrawn more than\n"
    "                              NETDEP_MEDIA_RETENTION_DAYS (30) ago, as\n"
    "                              the server does every hour; --dry-run\n"
    "                              lists them\n"
    "\n"
    "Other:\n"
    "  check-sql                   prepare every statement (for tests)\n"
    "  --help                      this text\n"
    "\n"
    "Database: NETDEP_DB (a libpq conninfo), or else the development\n"
    "cluster of `make run`: host=<repo>/var/pgsock dbname=netdep\n"
    "user=netdep_app.  Every command runs in one transaction and writes\n"
    "its changes to the audit log as 'netdep-admin'.\n"
    "\n"
    "Exit status: 0 done; 1 refused (no such user or contest, name taken,\n"
    "database error): nothing changed; 2 wrong command line or value:\n"
    "nothing changed.\n";

/*
 * Prepares every statement of the data layer (the server's and this
 * tool's: one registry, stmt.c) against the database, checking each
 * query's column count; db_open() does exactly that, and says which
 * statement failed.
 */
static int
check_sql(int argc, char **argv)
{
	struct admin_run run = {0};
	int              n = 0;

	(void)argv;
	if (argc != 0)
		return admin_usage("check-sql takes no arguments");
	if (admin_start(&run, 1) != 0) {
		admin_finish(&run, ADMIN_EXIT_FAIL);
		arena_free(&run.a);
		return ADMIN_EXIT_FAIL;
	}
	admin_finish(&run, ADMIN_EXIT_OK);
	arena_free(&run.a);
	for (int k = 0; stmt_sets[k] != NULL; k++)
		n += stmt_sets[k]->n;
	printf("all %d statements prepared\n", n);
	return ADMIN_EXIT_OK;
}

enum cmd {
	CMD_USER_CREATE,
	CMD_USER_PASSWORD,
	CMD_USER_LIST,
	CMD_USER_DISABLE,
	CMD_USER_ENABLE,
	CMD_GRANT,
	CMD_REVOKE,
	CMD_CONTEST_CREATE,
	CMD_CONTEST_SET,
	CMD_CONTEST_SHOW,
	CMD_CONTEST_LIST,
	CMD_MEDIA_SWEEP,
	CMD_MEDIA_ORPHANS,
	CMD_MEDIA_JANITOR,
	CMD_CHECK_SQL,
	CMD__MAX
};

static const struct {
	const char *group; /* first word */
	const char *verb;  /* second word, or NULL for one-word commands */
	int (*run)(int, char **);
} cmds[CMD__MAX] = {
    {"user", "create", admin_user_create},       /* CMD_USER_CREATE */
    {"user", "password", admin_user_password},   /* CMD_USER_PASSWORD */
    {"user", "list", admin_user_list},           /* CMD_USER_LIST */
    {"user", "disable", admin_user_disable},     /* CMD_USER_DISABLE */
    {"user", "enable", admin_user_enable},       /* CMD_USER_ENABLE */
    {"grant", NULL, admin_grant},                /* CMD_GRANT */
    {"revoke", NULL, admin_revoke},              /* CMD_REVOKE */
    {"contest", "create", admin_contest_create}, /* CMD_CONTEST_CREATE */
    {"contest", "set", admin_contest_set},       /* CMD_CONTEST_SET */
    {"contest", "show", admin_contest_show},     /* CMD_CONTEST_SHOW */
    {"contest", "list", admin_contest_list},     /* CMD_CONTEST_LIST */
    {"media", "sweep", admin_media_sweep},       /* CMD_MEDIA_SWEEP */
    {"media", "orphans", admin_media_orphans},   /* CMD_MEDIA_ORPHANS */
    {"media", "janitor", admin_media_janitor},   /* CMD_MEDIA_JANITOR */
    {"check-sql", NULL, check_sql},              /* CMD_CHECK_SQL */
};

int
main(int argc, char **argv)
{
	int i, known = 0;

	if (argc < 2) {
		fputs(help_text, stderr);
		return ADMIN_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(help_text, stdout);
		return fflush(stdout) == 0 ? ADMIN_EXIT_OK : ADMIN_EXIT_FAIL;
	}
	for (i = 0; i < CMD__MAX; i++) {
		if (strcmp(argv[1], cmds[i].group) != 0)
			continue;
		known = 1;
		if (cmds[i].verb == NULL)
			return cmds[i].run(argc - 2, argv + 2);
		if (argc >= 3 && strcmp(argv[2], cmds[i].verb) == 0)
			return cmds[i].run(argc - 3, argv + 3);
	}
	if (known && argc < 3)
		return admin_usage("'%s' needs a subcommand", argv[1]);
	if (known)
		return admin_usage("unknown command '%s %s'", argv[1], argv[2]);
	return admin_usage("unknown command '%s'", argv[1]);
}
