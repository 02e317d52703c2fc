/*
 * admin_main.c: netdep-admin, the organisers' command-line tool.  It finds
 * the command in a table, and each command validates its whole command
 * line before it connects, then runs in one transaction.  Exit codes: 0
 * done, 1 refused by the data or the database, 2 a wrong command line.
 */
#include <stdio.h>
#include <string.h>

#include "../db_entry.h"
#include "../db_search.h"
#include "../gallery.h"
#include "../stmt.h"
#include "../text.h"
#include "../valid.h"
#include "admin.h"
#include "admin_args.h"

static const char help_text[] =
    "usage: netdep-admin COMMAND ...\n"
    "\n"
    "Accounts (the password is the first line of standard input; on a\n"
    "terminal it is asked twice without echo):\n"
    "  user create USERNAME [--display-name TEXT] [--unit TEXT]\n"
    "              [--unit-code CODE] [--email ADDR] [--phone NUMBER]\n"
    "                              --unit-code: a node of the unit tree;\n"
    "                              --unit alone: a name not (yet) listed\n"
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
    "  media relink                after a restore: link the files of every\n"
    "                              approved entry into pub/, unlink the\n"
    "                              others', and list rows whose original or\n"
    "                              thumbnail is missing (exit 1 if any)\n"
    "\n"
    "Units (issue 15; the CSV's columns: code, name, kind, short_name,\n"
    "parent, valid_from, valid_to, successors, members, members_as_of;\n"
    "UTF-8 with or without BOM, comma or semicolon):\n"
    "  unit import FILE.csv        create or update units by code; every\n"
    "                              bad line is reported with its number\n"
    "                              and then nothing changes; idempotent\n"
    "  unit export [FILE.csv]      the tree in the same columns (stdout)\n"
    "  unit unmapped               free-text unit names not in the tree\n"
    "  unit map NAME CODE          give every account and entry with that\n"
    "                              unit name (case and diacritics aside)\n"
    "                              the unit CODE; boards recount\n"
    "  contest set SLUG unit-code=CODE [open-to-all=yes]\n"
    "                              only CODE's subtree may enter\n"
    "\n"
    "Prize tracks and weekly snapshots (issue 16):\n"
    "  tracks set SLUG FILE.json   replace the contest's tracks and\n"
    "                              settings: {\"multi_win\": false,\n"
    "                              \"week_day\": 0-6 (0 Sunday), "
    "\"week_hour\":\n"
    "                              0-23, \"tracks\": [{\"kind\": "
    "\"jury|popularity|\n"
    "                              combined|unit|weekly\", \"name\": TEXT,\n"
    "                              \"places\": N, \"params\": {...}}]}; a bad\n"
    "                              field is named (exit 2), nothing changes\n"
    "  tracks show SLUG            every track computed, as JSON\n"
    "  snapshot take [SLUG]        take the weekly snapshots due now (the\n"
    "                              folder does it every minute)\n"
    "Votes under review and the ledger (issue 16):\n"
    "  ledger verify               recompute every hash chain of the vote\n"
    "                              ledger; exit 1 and name the first broken\n"
    "                              link (chain, seq, event, vote) if any\n"
    "  ledger digest [--days N]    the published daily digests (JSON)\n"
    "  fraud-rules show SLUG       the contest's fraud rules (JSON)\n"
    "  fraud-rules set SLUG RULE [--enabled yes|no] [--min-votes N]\n"
    "                  [--window-minutes N] [--max-age-hours N]\n"
    "                              RULE: burst_prefix, fresh_accounts,\n"
    "                              shared_device (README, issue 16)\n"
    "  review list SLUG            the votes held for review (JSON)\n"
    "  review confirm|void SLUG --reason TEXT [--entry ID]\n"
    "                              decide every held vote (of one entry)\n"
    "  appeals list [--open yes]   entrants' appeals (JSON)\n"
    "  appeals answer ID TEXT      answer an appeal (the entrant sees it)\n"
    "\n"
    "Other:\n"
    "  check-sql                   prepare every statement (for tests)\n"
    "  gallery-plan SLUG new|votes|shuffle [--seed N] [--cursor C]\n"
    "               [--category ID] [--unit U]\n"
    "                              the plan PostgreSQL runs for that\n"
    "                              gallery page (EXPLAIN, JSON)\n"
    "  search-plan SLUG QUERY      the plan PostgreSQL runs for that\n"
    "                              search (EXPLAIN, JSON)\n"
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

enum gopt {
	GOPT_SEED,     /* GOPT_SEED */
	GOPT_CURSOR,   /* GOPT_CURSOR */
	GOPT_CATEGORY, /* GOPT_CATEGORY */
	GOPT_UNIT,     /* GOPT_UNIT */
	GOPT__MAX
};

static const char *const gopt_names[GOPT__MAX] = {"seed", "cursor", "category",
                                                  "unit"};
static const char *const gallery_sorts[GALLERY__MAX] = {"new", "votes",
                                                        "shuffle"};

/* Reads the page gallery-plan's arguments name into g; 0 or -1. */
static int
gallery_plan_args(const char *const *pos, const char *const *opt,
                  struct gallery_query *g, struct gallery_cursor *cur,
                  struct gallery_segment *plan)
{
	long long seed = 1, n;

	g->slug = pos[0];
	g->sort = GALLERY__MAX;
	for (int i = 0; i < GALLERY__MAX; i++)
		if (strcmp(pos[1], gallery_sorts[i]) == 0)
			g->sort = (enum gallery_sort)i;
	if (g->sort == GALLERY__MAX)
		return admin_usage("gallery-plan: the order is new, votes or "
		                   "shuffle"),
		       -1;
	if (opt[GOPT_SEED] != NULL &&
	    !valid_int(opt[GOPT_SEED], strlen(opt[GOPT_SEED]), 0,
	               GALLERY_KEY_SPAN - 1, &seed))
		return admin_usage("--seed is 0 to 2147483647"), -1;
	if (opt[GOPT_CATEGORY] != NULL &&
	    !valid_int(opt[GOPT_CATEGORY], strlen(opt[GOPT_CATEGORY]), 1,
	               9007199254740991LL, &n))
		return admin_usage("--category is a category id"), -1;
	if (opt[GOPT_CURSOR] != NULL) {
		if (gallery_cursor_decode(opt[GOPT_CURSOR],
		                          strlen(opt[GOPT_CURSOR]), cur) != 0 ||
		    cur->sort != g->sort)
			return admin_usage("--cursor is not a cursor of that "
			                   "order"),
			       -1;
		g->after = cur;
		if (g->sort == GALLERY_SHUFFLE)
			seed = cur->seed;
	}
	g->category = opt[GOPT_CATEGORY];
	g->unit = opt[GOPT_UNIT];
	g->limit = 25;
	gallery_shuffle_plan(seed, plan);
	g->plan = plan;
	return 0;
}

/*
 * Prints the plan of a gallery page: the statement the server runs for
 * it, planned for these values as the server plans it (per call), so an
 * operator (and tests/e2e/test_gallery_keyset.py) can see that a page is
 * an index range scan, not a sort of the contest.
 */
static int
gallery_plan(int argc, char **argv)
{
	const char            *opt[GOPT__MAX] = {0}, *pos[2], *json = NULL;
	char                   err[256];
	size_t                 npos;
	struct admin_run       run = {0};
	struct gallery_query   g = {0};
	struct gallery_cursor  cur;
	struct gallery_segment plan[GALLERY_SEGMENTS];
	int                    rc = ADMIN_EXIT_FAIL;

	if (!admin_args_parse(argc, argv, gopt_names, GOPT__MAX, opt, pos, 2,
	                      &npos, err, sizeof(err)))
		return admin_usage("gallery-plan: %s", err);
	if (npos != 2)
		return admin_usage("gallery-plan needs a SLUG and an order");
	if (gallery_plan_args(pos, opt, &g, &cur, plan) != 0)
		return ADMIN_EXIT_USAGE;
	if (admin_start(&run, 1) == 0 &&
	    db_gallery_plan(run.db, &run.a, &g, &json) == DB_OK)
		rc = ADMIN_EXIT_OK;
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK && (puts(json) == EOF || fflush(stdout) != 0))
		rc = ADMIN_EXIT_FAIL;
	arena_free(&run.a);
	return rc;
}

/*
 * Prints the plan of a search (?q=): the statement the server runs,
 * planned for these values as the server plans it (per call), so an
 * operator (and tests/e2e/test_search.py) can see that it reads indexes
 * (the trigram index, the number index), never the whole contest.
 */
static int
search_plan(int argc, char **argv)
{
	static const char *const none[1] = {NULL};
	const char              *pos[2], *json = NULL, *query;
	char                     err[256];
	size_t                   npos, qlen;
	struct admin_run         run = {0};
	int                      rc = ADMIN_EXIT_FAIL;

	if (!admin_args_parse(argc, argv, none, 0, NULL, pos, 2, &npos, err,
	                      sizeof(err)))
		return admin_usage("search-plan: %s", err);
	if (npos != 2)
		return admin_usage("search-plan needs a SLUG and a QUERY");
	if (admin_start(&run, 1) == 0 &&
	    text_nfc(&run.a, pos[1], strlen(pos[1]), &query, &qlen) ==
	        TEXT_OK &&
	    db_search_plan(run.db, &run.a, pos[0], query, "21", &json) == DB_OK)
		rc = ADMIN_EXIT_OK;
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK && (puts(json) == EOF || fflush(stdout) != 0))
		rc = ADMIN_EXIT_FAIL;
	arena_free(&run.a);
	return rc;
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
	CMD_MEDIA_RELINK,
	CMD_UNIT_IMPORT,
	CMD_UNIT_EXPORT,
	CMD_UNIT_UNMAPPED,
	CMD_UNIT_MAP,
	CMD_TRACKS_SET,
	CMD_TRACKS_SHOW,
	CMD_SNAPSHOT_TAKE,
	CMD_LEDGER,
	CMD_FRAUD_RULES,
	CMD_REVIEW,
	CMD_APPEALS,
	CMD_CHECK_SQL,
	CMD_GALLERY_PLAN,
	CMD_SEARCH_PLAN,
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
    {"media", "relink", admin_media_relink},     /* CMD_MEDIA_RELINK */
    {"unit", "import", admin_unit_import},       /* CMD_UNIT_IMPORT */
    {"unit", "export", admin_unit_export},       /* CMD_UNIT_EXPORT */
    {"unit", "unmapped", admin_unit_unmapped},   /* CMD_UNIT_UNMAPPED */
    {"unit", "map", admin_unit_map},             /* CMD_UNIT_MAP */
    {"tracks", "set", admin_tracks_set},         /* CMD_TRACKS_SET */
    {"tracks", "show", admin_tracks_show},       /* CMD_TRACKS_SHOW */
    {"snapshot", "take", admin_snapshot_take},   /* CMD_SNAPSHOT_TAKE */
    {"ledger", NULL, admin_ledger},              /* CMD_LEDGER */
    {"fraud-rules", NULL, admin_fraud_rules},    /* CMD_FRAUD_RULES */
    {"review", NULL, admin_review},              /* CMD_REVIEW */
    {"appeals", NULL, admin_appeals},            /* CMD_APPEALS */
    {"check-sql", NULL, check_sql},              /* CMD_CHECK_SQL */
    {"gallery-plan", NULL, gallery_plan},        /* CMD_GALLERY_PLAN */
    {"search-plan", NULL, search_plan},          /* CMD_SEARCH_PLAN */
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
