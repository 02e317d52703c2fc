/*
 * test_log.c: the JSON lines of cgi/log.c (escaping, invalid UTF-8, whole
 * fields) and the exposition of cgi/metrics.c (cumulative buckets, sums
 * over slots, a restarted worker's counters kept).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"
#include "unit.h"

static void
test_escape(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
	    {"plain", "plain"},
	    {"a\"b\\c", "a\\\"b\\\\c"},
	    {"line\nforged {\"level\":\"error\"}",
	     "line\\u000aforged {\\\"level\\\":\\\"error\\\"}"},
	    {"tab\there\x7f", "tab\\u0009here\\u007f"},
	    {"N\xc3\xa9t \xc4\x91\xe1\xba\xb9p",
	     "N\xc3\xa9t \xc4\x91\xe1\xba\xb9p"},
	    {"bad \xff byte", "bad \\ufffd byte"},
	    {"cut \xe1\xba", "cut \\ufffd\\ufffd"},
	    {"overlong \xc0\xaf", "overlong \\ufffd\\ufffd"},
	    {"surrogate \xed\xa0\x80", "surrogate \\ufffd\\ufffd\\ufffd"},
	};
	char out[256];

	for (size_t i = 0; i < UNIT_NELEM(t); i++) {
		log_escape(out, sizeof(out), t[i].in, strlen(t[i].in));
		UNIT_CHECK(strcmp(out, t[i].want) == 0, "escape(%s) = %s",
		           t[i].want, out);
	}
	/* Never past the buffer, never half an escape. */
	log_escape(out, 8, "\n\n\n", 3);
	UNIT_CHECK(strcmp(out, "\\u000a") == 0, "cut escape: %s", out);
}

static void
test_line(void)
{
	struct log_line l;
	char            big[LOG_LINE_MAX * 2];

	log_begin(&l, "info", "request");
	log_str(&l, "req", "0123");
	log_int(&l, "status", 201);
	log_str(&l, "absent", NULL);
	l.buf[l.n] = '\0';
	UNIT_CHECK(strncmp(l.buf, "{\"time\":\"", 9) == 0, "start: %s", l.buf);
	UNIT_CHECK(strstr(l.buf, "\",\"level\":\"info\",\"pid\":") != NULL,
	           "level: %s", l.buf);
	UNIT_CHECK(strstr(l.buf, ",\"event\":\"request\",\"req\":\"0123\","
	                         "\"status\":201") != NULL,
	           "fields: %s", l.buf);
	UNIT_CHECK(strstr(l.buf, "absent") == NULL, "NULL left out");
	/* A field that does not fit is left out whole; the line still ends. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_str(&l, "big", big);
	log_int(&l, "after", 1);
	l.buf[l.n] = '\0';
	UNIT_CHECK(strstr(l.buf, "\"big\"") == NULL, "oversized field kept");
	UNIT_CHECK(strstr(l.buf, ",\"after\":1") != NULL, "next field lost");
	UNIT_CHECK(l.n + 2 < sizeof(l.buf), "room for the end");
}

static const char *
route_name(int i, const char **method)
{
	*method = "GET";
	return i == 0 ? "/a" : NULL;
}

static const char *
outcome_name(int i)
{
	return i == 0 ? "counted" : NULL;
}

static char *
render(void)
{
	struct metrics_view v = {.nroutes = 1,
	                         .route = route_name,
	                         .outcome = outcome_name,
	                         .fold_queue = 3,
	                         .now_unix_ms = 1000};
	size_t              len;
	char               *s = metrics_render(&v, &len);

	UNIT_CHECK(s != NULL && strlen(s) == len, "render");
	return s;
}

static void
test_metrics(void)
{
	char *s;
	pid_t pid;

	UNIT_CHECK(metrics_init(2) == 0, "metrics_init");
	metrics_use_slot(0);
	metrics_request(0, 200, 3);
	metrics_request(0, 200, 30);
	metrics_request(0, 599, 20000);
	metrics_vote(0);
	/* Another process writes slot 1; its counts show here. */
	if ((pid = fork()) == 0) {
		metrics_use_slot(1);
		metrics_request(0, 200, 1);
		metrics_vote(0);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	metrics_restart(1);
	if ((s = render()) == NULL)
		return;
	UNIT_CHECK(strstr(s, "netdep_http_requests_total{method=\"GET\","
	                     "route=\"/a\",status=\"200\"} 3\n") != NULL,
	           "sum over slots: %s", s);
	UNIT_CHECK(strstr(s, "status=\"other\"} 1\n") != NULL, "other status");
	UNIT_CHECK(strstr(s, "route=\"/a\",le=\"0.005\"} 2\n") != NULL,
	           "first bucket");
	UNIT_CHECK(strstr(s, "route=\"/a\",le=\"0.05\"} 3\n") != NULL,
	           "cumulative bucket");
	UNIT_CHECK(strstr(s, "route=\"/a\",le=\"10\"} 3\n") != NULL,
	           "last finite bucket");
	UNIT_CHECK(strstr(s, "route=\"/a\",le=\"+Inf\"} 4\n") != NULL,
	           "+Inf bucket");
	UNIT_CHECK(strstr(s, "_count{method=\"GET\",route=\"/a\"} 4\n") != NULL,
	           "count");
	UNIT_CHECK(strstr(s, "netdep_votes_total{outcome=\"counted\"} 2\n") !=
	               NULL,
	           "votes");
	UNIT_CHECK(strstr(s, "netdep_worker_restarts_total 1\n") != NULL,
	           "restarts");
	UNIT_CHECK(strstr(s, "netdep_fold_queue_rows 3\n") != NULL, "queue");
	UNIT_CHECK(s[strlen(s) - 1] == '\n', "ends with a newline");
	free(s);
}

int
main(void)
{
	test_escape();
	test_line();
	test_metrics();
	return unit_report();
}
