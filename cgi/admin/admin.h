/*
 * admin.h: what the commands of netdep-admin share: exit codes, the one
 * way to report a mistake, the command's transaction, the audit log and
 * reading a password from standard input.
 */
#ifndef NETDEP_ADMIN_H
#define NETDEP_ADMIN_H

#include <stddef.h>

#include "../arena.h"
#include "../db.h"

#define ADMIN_EXIT_OK    0 /* done and committed */
#define ADMIN_EXIT_FAIL  1 /* refused by the data or the database */
#define ADMIN_EXIT_USAGE 2 /* the command line or a value is wrong */

/* Longest password read from standard input, in bytes. */
#define ADMIN_PASSWORD_MAX 128

/* Prints "netdep-admin: <message>\n" on stderr. */
void admin_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Prints the message like admin_fail, then a pointer to --help, and
 * returns ADMIN_EXIT_USAGE so a command can `return admin_usage(...)`.
 */
int admin_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * One command's connection, transaction and memory.  Start from
 * `struct admin_run run = {0};` (a zeroed arena is an empty one).
 */
struct admin_run {
	struct db   *db;
	struct arena a;
};

/*
 * Opens the connection like admin_start() without beginning a
 * transaction: for a command whose steps commit one by one (media
 * janitor).  Returns 0, or -1 after reporting; admin_finish() (which then
 * has nothing to commit) must be called in both cases.
 */
int admin_connect(struct admin_run *run);

/*
 * Opens the connection (the server's data layer, db.h: NETDEP_DB from the
 * configuration, else this checkout's var/ stack) and begins the
 * command's single transaction (a read-only snapshot when readonly is 1).
 * Returns 0, or -1 after reporting; admin_finish() must be called in both
 * cases.
 */
int admin_start(struct admin_run *run, int readonly);

/*
 * Ends the command's transaction: commits when rc is ADMIN_EXIT_OK
 * (turning rc into ADMIN_EXIT_FAIL when COMMIT fails), otherwise rolls
 * back; closes the connection.  Returns the final exit code.  The arena
 * stays, so the command can report what it did after the commit; the
 * command frees it last with arena_free(&run.a).
 */
int admin_finish(struct admin_run *run, int rc);

/*
 * Appends an audit_log row written by actor 'netdep-admin'.  target_id and
 * contest_id are decimal text or NULL; before and after are JSON text or
 * NULL.  Returns 0, or -1 after reporting.
 */
int admin_audit(struct admin_run *run, const char *action,
                const char *target_type, const char *target_id,
                const char *contest_id, const char *before, const char *after);

/*
 * Prints a table as lines of tab-separated cells, SQL NULL as null (the
 * listing commands).
 */
void admin_print_table(const struct db_table *t, const char *null);

/*
 * A listing command (`user list`, `contest list`): no arguments, a
 * read-only snapshot, the header line then the rows read() returns as
 * tab-separated cells (SQL NULL as null).  what names the command in
 * messages.  Returns the exit code.
 */
int admin_list(int argc, char **argv, const char *what, const char *header,
               int (*read)(struct db *, struct arena *, struct db_table *),
               const char *null);

/*
 * Reads the password: the first line of standard input without its line
 * end (prompting twice with echo off when standard input is a terminal).
 * On success returns 0 with the bytes in buf (NUL-terminated, at most
 * ADMIN_PASSWORD_MAX bytes, valid per valid_password) and their count in
 * *len; the caller wipes buf.  Otherwise reports and returns -1.
 */
int admin_read_password(char buf[ADMIN_PASSWORD_MAX + 2], size_t *len);

/* Commands.  Each takes the words after its name; returns an exit code. */
int admin_user_create(int argc, char **argv);
int admin_user_password(int argc, char **argv);
int admin_user_disable(int argc, char **argv);
int admin_user_enable(int argc, char **argv);
int admin_user_list(int argc, char **argv);
int admin_grant(int argc, char **argv);
int admin_revoke(int argc, char **argv);
int admin_contest_create(int argc, char **argv);
int admin_contest_set(int argc, char **argv);
int admin_contest_show(int argc, char **argv);
int admin_contest_list(int argc, char **argv);
int admin_media_sweep(int argc, char **argv);
int admin_media_orphans(int argc, char **argv);
int admin_media_janitor(int argc, char **argv);
int admin_media_relink(int argc, char **argv);
int admin_unit_import(int argc, char **argv);
int admin_unit_export(int argc, char **argv);
int admin_unit_unmapped(int argc, char **argv);
int admin_unit_map(int argc, char **argv);
int admin_tracks_set(int argc, char **argv);
int admin_tracks_show(int argc, char **argv);
int admin_snapshot_take(int argc, char **argv);
int admin_ledger(int argc, char **argv);
int admin_fraud_rules(int argc, char **argv);
int admin_review(int argc, char **argv);
int admin_appeals(int argc, char **argv);

#endif
