/*
 * log.h: one line per event on stderr, with the process id and, for
 * requests, a request id.  Control characters in logged values are
 * escaped so a crafted path cannot forge log lines.  Never pass passwords,
 * tokens or the database conninfo.
 */
#ifndef NETDEP_LOG_H
#define NETDEP_LOG_H

#include <stddef.h>

/* Logs a process-level event ("info", "warn", "error"). */
void log_msg(const char *level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Appends s (n bytes) to dst (cap bytes, always NUL-terminated) with
 * control characters, quotes and backslashes escaped as \xHH.
 * Returns the length written.
 */
size_t log_escape(char *dst, size_t cap, const char *s, size_t n);

#endif
