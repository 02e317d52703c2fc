/*
 * log.h: one JSON object per line, per request and per event, on stderr
 * (or the file NETDEP_LOG names, reopened on SIGUSR1 for log rotation).
 * Every line has "time" (UTC, milliseconds), "level", "pid" and either
 * "event" with its fields or "msg" with free text.  Strings are escaped
 * for JSON and invalid UTF-8 is replaced, so a crafted path can neither
 * forge a line nor break a parser.  A line is written with one write(2),
 * so lines of concurrent processes never interleave.  Never pass
 * passwords, tokens or the database conninfo.
 */
#ifndef NETDEP_LOG_H
#define NETDEP_LOG_H

#include <stddef.h>

#define LOG_LINE_MAX 4096

/* Logs a process-level event ("info", "warn", "error") as "msg". */
void log_msg(const char *level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A line built field by field: log_begin(), then log_str()/log_int()/
 * log_num() for each field (a NULL string is left out), then log_end()
 * writes it.  A line that would not fit is cut at a field boundary.
 */
struct log_line {
	char   buf[LOG_LINE_MAX];
	size_t n;
	int    full;
};
void log_begin(struct log_line *l, const char *level, const char *event);
void log_str(struct log_line *l, const char *key, const char *v);
void log_int(struct log_line *l, const char *key, long long v);
void log_num(struct log_line *l, const char *key, double v);
void log_end(struct log_line *l);

/*
 * A notable event of request req_id (NULL: none) with string fields: the
 * arguments after req_id are key, value pairs ending with NULL; a NULL
 * value leaves its key out.
 */
void log_event(const char *level, const char *event, const char *req_id, ...)
    __attribute__((sentinel));

/*
 * Appends s (n bytes) to dst (cap bytes, always NUL-terminated) escaped
 * as the inside of a JSON string.  Returns the length written.
 */
size_t log_escape(char *dst, size_t cap, const char *s, size_t n);

/*
 * Sends this process's log (stdout and stderr) to path, appending; at
 * start and again after every SIGUSR1 (log rotation: move the file,
 * signal the master, which signals its children).  path NULL: stderr
 * stays as it is.  Returns 0, or -1 with errno.
 */
int log_open(const char *path);

/* Installs the SIGUSR1 handler (restartable) and unblocks SIGUSR1. */
void log_catch_reopen(void);

/* 1 once per SIGUSR1 received since the last call (the master forwards). */
int log_reopen_asked(void);

#endif
