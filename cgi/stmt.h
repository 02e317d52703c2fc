/*
 * stmt.h: how a statement is declared and registered.  Each data-layer
 * module (db_*.c) keeps its SQL, with $n parameters only, next to an enum
 * of each query's result columns, and exports its statements as a set;
 * stmt.c lists every set in one table, and db.c prepares them all on each
 * connection (checking each query's column count), so a broken statement
 * stops the server at start, not at the first request that needs it.
 */
#ifndef NETDEP_STMT_H
#define NETDEP_STMT_H

/* Near-duplicates: photos whose dHash differs in at most this many of
 * its 64 bits (sql/functions/020_entries.sql). */
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

#endif
