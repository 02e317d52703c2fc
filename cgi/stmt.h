/*
 * stmt.h: every SQL statement the workers run, named by an enum.  Each is
 * prepared once per connection (db.c); a test prepares them all against a
 * fresh schema at every server start.  Parameters are $n only.
 */
#ifndef NETDEP_STMT_H
#define NETDEP_STMT_H

/*
 * Grouped by area; add a statement at the end of its area's group here and
 * as a designated row ([STMT_X] = {...}) in stmt.c.
 */
enum stmt_id {
	/* process and accounts */
	STMT_ACCOUNT_INSERT, /* STMT_ACCOUNT_INSERT */
	STMT_ACCOUNT_LOGIN,  /* STMT_ACCOUNT_LOGIN */
	STMT_SESSION_INSERT, /* STMT_SESSION_INSERT */
	STMT_SESSION_LOOKUP, /* STMT_SESSION_LOOKUP */
	STMT_SESSION_DELETE, /* STMT_SESSION_DELETE */
	STMT_SESSION_PURGE,  /* STMT_SESSION_PURGE */
	/* contests */
	STMT_CONTEST_LIST, /* STMT_CONTEST_LIST */
	STMT_CONTEST_GET,  /* STMT_CONTEST_GET */
	/* entries and media (uploads, gallery, private media) */
	STMT_CONTEST_UPLOAD, /* STMT_CONTEST_UPLOAD */
	STMT_CATEGORY_CHECK, /* STMT_CATEGORY_CHECK */
	STMT_ENTRY_INSERT,   /* STMT_ENTRY_INSERT */
	STMT_MEDIA_INSERT,   /* STMT_MEDIA_INSERT */
	STMT_MEDIA_BY_TOKEN, /* STMT_MEDIA_BY_TOKEN */
	STMT_ENTRY_GET,      /* STMT_ENTRY_GET */
	STMT_ENTRIES_LIST,   /* STMT_ENTRIES_LIST */
	STMT_ME_ENTRIES,     /* STMT_ME_ENTRIES */
	STMT_ENTRY_MEDIA,    /* STMT_ENTRY_MEDIA */
	STMT_ENTRY_LOCK,     /* STMT_ENTRY_LOCK */
	STMT_ENTRY_EDIT,     /* STMT_ENTRY_EDIT */
	STMT_ENTRY_WITHDRAW, /* STMT_ENTRY_WITHDRAW */
	STMT_ENTRY_SIMILAR,  /* STMT_ENTRY_SIMILAR */
	/* moderation, jury, results, audit, admin */
	STMT_MOD_QUEUE,       /* STMT_MOD_QUEUE */
	STMT_MOD_INFO,        /* STMT_MOD_INFO */
	STMT_MOD_DECIDE,      /* STMT_MOD_DECIDE */
	STMT_AUDIT_INSERT,    /* STMT_AUDIT_INSERT */
	STMT_JURY_CONTEST,    /* STMT_JURY_CONTEST */
	STMT_MOD_PROGRESS,    /* STMT_MOD_PROGRESS */
	STMT_MOD_HISTORY,     /* STMT_MOD_HISTORY */
	STMT_JURY_ENTRIES,    /* STMT_JURY_ENTRIES */
	STMT_SCORES_PUT,      /* STMT_SCORES_PUT */
	STMT_SCORES_GET,      /* STMT_SCORES_GET */
	STMT_JUDGES_PROGRESS, /* STMT_JUDGES_PROGRESS */
	STMT_LB_JURY,         /* STMT_LB_JURY */
	STMT_RESULTS,         /* STMT_RESULTS */
	STMT_PRIZES_SET,      /* STMT_PRIZES_SET */
	STMT_RESULTS_PUBLISH, /* STMT_RESULTS_PUBLISH */
	STMT_CSV_RESULTS,     /* STMT_CSV_RESULTS */
	STMT_CSV_ENTRIES,     /* STMT_CSV_ENTRIES */
	STMT_CSV_VOTES,       /* STMT_CSV_VOTES */
	STMT_FRAUD,           /* STMT_FRAUD */
	STMT_VOTES_VOID,      /* STMT_VOTES_VOID */
	STMT_AUDIT_LIST,      /* STMT_AUDIT_LIST */
	STMT_CSV_AUDIT,       /* STMT_CSV_AUDIT */
	STMT_CONTEST_SAVE,    /* STMT_CONTEST_SAVE */
	STMT_CATEGORY_ADD,    /* STMT_CATEGORY_ADD */
	STMT_CRITERIA_SET,    /* STMT_CRITERIA_SET */
	STMT_JUDGE_ROLE,      /* STMT_JUDGE_ROLE */
	STMT_ADMIN_STATE,     /* STMT_ADMIN_STATE */
	/* votes and leaderboards */
	/* server-rendered pages */
	STMT_SHARE_PAGE, /* STMT_SHARE_PAGE */
	STMT__MAX
};

/* Near-duplicates: photos whose dHash differs in at most this many of
 * its 64 bits (sql/007_similar.sql). */
#define SIMILAR_MAX_BITS     10
#define SIMILAR_MAX_BITS_SQL "10"

struct stmt {
	const char *name; /* prepared statement name, unique across sets */
	const char *sql;
	int         nparams;
	/*
	 * Result columns the caller reads by its column enum (the enum's
	 * __MAX), checked against the prepared statement at every connect so
	 * a SELECT that changed shape fails at start, not at the first read;
	 * 0 means not checked (commands, and the legacy table below).
	 */
	int ncols;
	/*
	 * 1: planned for its parameters at every call (still prepared at
	 * start, which checks the SQL): reads with optional filters ("$2 IS
	 * NULL OR ...") and parameter-chosen orders, where the generic plan
	 * PostgreSQL settles on after five calls scans what a plan for the
	 * actual values would not (196 ms against 8 ms for a period board).
	 * Their callers are cached (boards.h) or cheap to plan.
	 */
	int per_call;
};

/*
 * The statements of one data-layer module (db_entry.c, db_vote.c, ...):
 * each module keeps its SQL, and an enum of each query's result columns,
 * next to the function that reads them, and exports its set here.
 */
struct stmt_set {
	const char        *module;
	const struct stmt *stmts;
	int                n;
};

/*
 * Every statement the programs run, registered in one table (stmt.c):
 * db.c prepares each set on every connection.  NULL-terminated.
 */
extern const struct stmt_set *const stmt_sets[];

/* The statements not yet moved into a data-layer module. */
extern const struct stmt stmts[STMT__MAX];

#endif
