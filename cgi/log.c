/*
 * log.c: timestamped single-line log records on stderr.  A line is built
 * in one buffer and written with one write(2) so lines of concurrent
 * workers never interleave.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 2048

size_t
log_escape(char *dst, size_t cap, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t            o = 0;

	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n && s != NULL; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
			if (o + 4 >= cap)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		} else {
			if (o + 1 >= cap)
				break;
			dst[o++] = (char)c;
		}
	}
	dst[o] = '\0';
	return o;
}

void
log_msg(const char *level, const char *fmt, ...)
{
	char      line[LOG_LINE_MAX], msg[LOG_LINE_MAX], esc[LOG_LINE_MAX];
	struct tm tm;
	time_t    now = time(NULL);
	va_list   ap;
	int       n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	log_escape(esc, sizeof(esc), msg, strlen(msg));
	gmtime_r(&now, &tm);
	n = snprintf(line, sizeof(line),
	             "%04d-%02d-%02dT%02d:%02d:%02dZ %s pid=%ld %s\n",
	             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	             tm.tm_min, tm.tm_sec, level, (long)getpid(), esc);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	(void)!write(STDERR_FILENO, line, (size_t)n);
}
