/*
 * log.c: JSON lines on stderr (log.h).  A line is built in one buffer and
 * written with one write(2) so lines of concurrent workers never
 * interleave; O_APPEND keeps them whole in a shared file too.
 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char           *log_path;  /* NETDEP_LOG, or NULL */
static volatile sig_atomic_t asked;     /* SIGUSR1s received */
static sig_atomic_t          reopened;  /* asked, when last reopened */
static sig_atomic_t          forwarded; /* asked, when last reported */
static pid_t                 log_pid;   /* this process's, 0 after a fork */

static void
log_forget_pid(void)
{
	log_pid = 0;
}

/* getpid() once per process, not a system call per line: a worker writes
 * a line per request.  A fork's child forgets the parent's. */
static long
log_getpid(void)
{
	static int registered;

	if (!registered)
		registered = pthread_atfork(NULL, NULL, log_forget_pid) == 0;
	if (log_pid == 0 || !registered)
		log_pid = getpid();
	return (long)log_pid;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

size_t
log_escape(char *dst, size_t cap, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t            o = 0, i = 0;

	if (cap == 0)
		return 0;
	while (s != NULL && i < n) {
		const unsigned char *c = (const unsigned char *)s + i;
		size_t               u;

		if (*c < 0x80) {
			int plain =
			    *c >= 0x20 && *c != 0x7f && *c != '"' && *c != '\\';

			if (o + (plain ? 1 : 6) >= cap)
				break;
			if (plain) {
				dst[o++] = (char)*c;
			} else if (*c == '"' || *c == '\\') {
				dst[o++] = '\\';
				dst[o++] = (char)*c;
			} else {
				memcpy(dst + o, "\\u00", 4);
				o += 4;
				dst[o++] = hex[*c >> 4];
				dst[o++] = hex[*c & 15];
			}
			i++;
		} else if ((u = utf8_len(c, n - i)) > 0) {
			if (o + u >= cap)
				break;
			memcpy(dst + o, c, u);
			o += u;
			i += u;
		} else {
			if (o + 6 >= cap)
				break;
			memcpy(dst + o, "\\ufffd", 6);
			o += 6;
			i++;
		}
	}
	dst[o] = '\0';
	return o;
}

/* Appends raw text when it fits with room for the closing "}\n". */
static void
put(struct log_line *l, const char *s, size_t n)
{
	if (l->full || l->n + n + 3 > sizeof(l->buf)) {
		l->full = 1;
		return;
	}
	memcpy(l->buf + l->n, s, n);
	l->n += n;
}

/* Appends ,"key": (the field's start). */
static int
put_key(struct log_line *l, const char *key)
{
	char   esc[128];
	size_t n = log_escape(esc, sizeof(esc), key, strlen(key));

	if (l->full)
		return -1;
	put(l, ",\"", 2);
	put(l, esc, n);
	put(l, "\":", 2);
	return l->full ? -1 : 0;
}

void
log_str(struct log_line *l, const char *key, const char *v)
{
	char   esc[LOG_LINE_MAX];
	size_t keep = l->n, n;

	if (v == NULL || put_key(l, key) < 0)
		return;
	n = log_escape(esc, sizeof(esc), v, strlen(v));
	put(l, "\"", 1);
	put(l, esc, n);
	put(l, "\"", 1);
	if (l->full) { /* a field is whole or absent; smaller ones may fit */
		l->n = keep;
		l->full = 0;
	}
}

void
log_int(struct log_line *l, const char *key, long long v)
{
	char num[32];
	int  n = snprintf(num, sizeof(num), "%lld", v);

	if (put_key(l, key) == 0)
		put(l, num, (size_t)n);
}

void
log_num(struct log_line *l, const char *key, double v)
{
	char num[48];
	int  n = snprintf(num, sizeof(num), "%.3f", v);

	if (put_key(l, key) == 0)
		put(l, num, (size_t)n);
}

void
log_begin(struct log_line *l, const char *level, const char *event)
{
	struct timeval tv;
	struct tm      tm;
	int            n;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	l->full = 0;
	n = snprintf(l->buf, sizeof(l->buf),
	             "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\","
	             "\"level\":\"%s\",\"pid\":%ld",
	             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	             tm.tm_min, tm.tm_sec, (long)(tv.tv_usec / 1000), level,
	             log_getpid());
	l->n = n > 0 && (size_t)n < sizeof(l->buf) ? (size_t)n : 0;
	if (event != NULL)
		log_str(l, "event", event);
}

/* Reopens NETDEP_LOG when a SIGUSR1 came since the last reopen. */
static void
reopen_if_asked(void)
{
	sig_atomic_t now = asked;

	if (now != reopened && log_path != NULL) {
		reopened = now;
		(void)log_open(log_path);
	}
}

void
log_end(struct log_line *l)
{
	l->full = 0;
	put(l, "}\n", 2);
	reopen_if_asked();
	(void)!write(STDERR_FILENO, l->buf, l->n);
}

void
log_msg(const char *level, const char *fmt, ...)
{
	struct log_line l;
	char            msg[LOG_LINE_MAX];
	va_list         ap;

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	log_begin(&l, level, NULL);
	log_str(&l, "msg", msg);
	log_end(&l);
}

void
log_event(const char *level, const char *event, const char *req_id, ...)
{
	struct log_line l;
	const char     *k, *v;
	va_list         ap;

	log_begin(&l, level, event);
	log_str(&l, "req", req_id);
	va_start(ap, req_id);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		log_str(&l, k, v);
	}
	va_end(ap);
	log_end(&l);
}

int
log_open(const char *path)
{
	int fd;

	if (path == NULL)
		return 0;
	log_path = path;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

static void
on_reopen(int sig)
{
	(void)sig;
	asked++;
}

void
log_catch_reopen(void)
{
	struct sigaction sa;
	sigset_t         usr1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_reopen;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
}

int
log_reopen_asked(void)
{
	sig_atomic_t now = asked;

	if (now == forwarded)
		return 0;
	forwarded = now;
	reopen_if_asked();
	return 1;
}
