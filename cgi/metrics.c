/*
 * metrics.c: the shared counters and their exposition (metrics.h).  One
 * slot per process that counts; relaxed atomics are enough because every
 * number is a monotonic counter or a gauge read on its own, and a scrape
 * that sees one counter a request ahead of another is still correct.
 */
#include "metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The statuses the server answers; anything else counts as "other". */
static const int statuses[] = {200, 201, 204, 206, 301, 302, 303, 304,
                               400, 401, 403, 404, 405, 409, 410, 412,
                               413, 415, 422, 429, 500, 502, 503, 507};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]) + 1)

/* Latency buckets (upper bounds, ms); the last, +Inf, is implicit. */
static const double buckets_ms[] = {5,   10,   25,   50,   100,  250,
                                    500, 1000, 2500, 5000, 10000};
#define NBUCKET (sizeof(buckets_ms) / sizeof(buckets_ms[0]) + 1)

static const char *const decode_names[MDEC__MAX] = {
    [MDEC_OK] = "ok",
    [MDEC_REFUSED] = "refused",
    [MDEC_TIMED_OUT] = "timed_out",
    [MDEC_KILLED] = "killed",
    [MDEC_CRASHED] = "crashed",
    [MDEC_BUSY] = "busy",
    [MDEC_ERROR] = "error",
};

typedef _Atomic uint64_t counter;

struct slot {
	counter         req[METRICS_ROUTES][NSTATUS];
	counter         lat[METRICS_ROUTES][NBUCKET]; /* not cumulative */
	counter         lat_us[METRICS_ROUTES];       /* sum, microseconds */
	counter         decode[MDEC__MAX];
	counter         votes[METRICS_OUTCOMES];
	counter         board_hit, board_miss;
	counter         connections; /* accepted from nginx */
	counter         restarts;    /* of the worker in this slot */
	counter         fold_ok, fold_failed;
	_Atomic int64_t db_up;     /* gauge: 1 connected, 0 not, -1 never */
	_Atomic int64_t last_fold; /* Unix ms of the last good fold */
	_Atomic int64_t pid;
};

static struct slot *slots; /* the shared region, or NULL */
static int          nslots, nworkers;
static struct slot *mine; /* this process's slot, or NULL */

int
metrics_init(int workers)
{
	size_t len;
	void  *p;

	nworkers = workers;
	nslots = workers + 2; /* + the folder + the master */
	len = (size_t)nslots * sizeof(struct slot);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	         -1, 0);
	if (p == MAP_FAILED)
		return -1;
	slots = p; /* zeroed by the kernel */
	for (int i = 0; i < nslots; i++)
		atomic_store_explicit(&slots[i].db_up, -1,
		                      memory_order_relaxed);
	mine = &slots[nslots - 1];
	return 0;
}

void
metrics_use_slot(int slot)
{
	if (slots == NULL || slot < 0 || slot >= nslots)
		return;
	mine = &slots[slot];
	atomic_store_explicit(&mine->pid, (int64_t)getpid(),
	                      memory_order_relaxed);
}

int
metrics_folder_slot(void)
{
	return nworkers;
}

static void
add(counter *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static uint64_t
get(counter *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

static size_t
status_index(int status)
{
	for (size_t i = 0; i + 1 < NSTATUS; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

void
metrics_request(int route, int status, double ms)
{
	size_t b = 0;

	if (mine == NULL)
		return;
	if (route < 0 || route >= METRICS_ROUTES)
		route = METRICS_ROUTES - 1;
	while (b + 1 < NBUCKET && ms > buckets_ms[b])
		b++;
	add(&mine->req[route][status_index(status)], 1);
	add(&mine->lat[route][b], 1);
	add(&mine->lat_us[route], ms > 0 ? (uint64_t)(ms * 1000.0) : 0);
}

void
metrics_decode(enum metrics_decode what)
{
	if (mine != NULL && what < MDEC__MAX)
		add(&mine->decode[what], 1);
}

void
metrics_vote(int outcome)
{
	if (mine != NULL && outcome >= 0 && outcome < METRICS_OUTCOMES)
		add(&mine->votes[outcome], 1);
}

void
metrics_board(int hit)
{
	if (mine != NULL)
		add(hit ? &mine->board_hit : &mine->board_miss, 1);
}

void
metrics_connection(void)
{
	if (mine != NULL)
		add(&mine->connections, 1);
}

void
metrics_db_state(int up)
{
	if (mine != NULL)
		atomic_store_explicit(&mine->db_up, up ? 1 : 0,
		                      memory_order_relaxed);
}

void
metrics_restart(int slot)
{
	if (slots == NULL || slot < 0 || slot >= nworkers)
		return;
	add(&slots[slot].restarts, 1);
	atomic_store_explicit(&slots[slot].db_up, -1, memory_order_relaxed);
}

void
metrics_fold(int ok, double now_unix_ms)
{
	if (mine == NULL)
		return;
	add(ok ? &mine->fold_ok : &mine->fold_failed, 1);
	if (ok)
		atomic_store_explicit(&mine->last_fold, (int64_t)now_unix_ms,
		                      memory_order_relaxed);
}

/* --- exposition ---------------------------------------------------------- */

struct out {
	char  *p;
	size_t n, cap;
	int    oom;
};

static void __attribute__((format(printf, 2, 3)))
emit(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int     n;

	if (o->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->p + o->n, o->cap - o->n, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->oom = 1;
			return;
		}
		if ((size_t)n < o->cap - o->n) {
			o->n += (size_t)n;
			return;
		}
		{
			size_t cap = (o->cap + (size_t)n + 1) * 2;
			char  *np = realloc(o->p, cap);

			if (np == NULL) {
				o->oom = 1;
				return;
			}
			o->p = np;
			o->cap = cap;
		}
	}
}

/* A label value, escaped as the text format wants (\\, \", \n). */
static const char *
label(char *buf, size_t cap, const char *s)
{
	size_t o = 0;

	for (; s != NULL && *s != '\0' && o + 3 < cap; s++) {
		if (*s == '\\' || *s == '"') {
			buf[o++] = '\\';
			buf[o++] = *s;
		} else if (*s == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else
			buf[o++] = *s;
	}
	buf[o] = '\0';
	return buf;
}

static void
head(struct out *o, const char *name, const char *type, const char *help)
{
	emit(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static uint64_t
sum_of(size_t off)
{
	uint64_t t = 0;

	for (int i = 0; i < nslots; i++)
		t += get((counter *)(void *)((char *)&slots[i] + off));
	return t;
}

/* The route labels of route i: method and pattern, or "unmatched". */
static void
route_labels(const struct metrics_view *v, int i, char *m, char *p, size_t cap)
{
	const char *method = "", *pat = NULL;

	if (i < v->nroutes)
		pat = v->route(i, &method);
	label(m, cap, pat != NULL ? method : "");
	label(p, cap, pat != NULL ? pat : "unmatched");
}

static void
render_requests(struct out *o, const struct metrics_view *v)
{
	char m[16], p[256];

	head(o, "netdep_http_requests_total", "counter",
	     "Requests answered by the workers, by route and status.");
	for (int r = 0; r < METRICS_ROUTES; r++)
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t n =
			    sum_of(offsetof(struct slot, req) +
			           ((size_t)r * NSTATUS + s) * sizeof(counter));
			char st[8];

			if (n == 0)
				continue;
			route_labels(v, r, m, p, sizeof(p));
			if (s + 1 < NSTATUS)
				snprintf(st, sizeof(st), "%d", statuses[s]);
			else
				snprintf(st, sizeof(st), "other");
			emit(o,
			     "netdep_http_requests_total{method=\"%s\","
			     "route=\"%s\",status=\"%s\"} %llu\n",
			     m, p, st, (unsigned long long)n);
		}
}

static void
render_latency(struct out *o, const struct metrics_view *v)
{
	char m[16], p[256];

	head(o, "netdep_http_request_duration_seconds", "histogram",
	     "Time from a request's arrival at a worker to its answer.");
	for (int r = 0; r < METRICS_ROUTES; r++) {
		uint64_t cum = 0, us = sum_of(offsetof(struct slot, lat_us) +
		                              (size_t)r * sizeof(counter));
		uint64_t count = 0;

		for (size_t b = 0; b < NBUCKET; b++)
			count +=
			    sum_of(offsetof(struct slot, lat) +
			           ((size_t)r * NBUCKET + b) * sizeof(counter));
		if (count == 0)
			continue;
		route_labels(v, r, m, p, sizeof(p));
		for (size_t b = 0; b < NBUCKET; b++) {
			cum +=
			    sum_of(offsetof(struct slot, lat) +
			           ((size_t)r * NBUCKET + b) * sizeof(counter));
			if (b + 1 < NBUCKET)
				emit(o,
				     "netdep_http_request_duration_seconds_"
				     "bucket{method=\"%s\",route=\"%s\","
				     "le=\"%g\"} %llu\n",
				     m, p, buckets_ms[b] / 1000.0,
				     (unsigned long long)cum);
			else
				emit(o,
				     "netdep_http_request_duration_seconds_"
				     "bucket{method=\"%s\",route=\"%s\","
				     "le=\"+Inf\"} %llu\n",
				     m, p, (unsigned long long)cum);
		}
		emit(o,
		     "netdep_http_request_duration_seconds_sum{method=\"%s\","
		     "route=\"%s\"} %.6f\n",
		     m, p, (double)us / 1e6);
		emit(o,
		     "netdep_http_request_duration_seconds_count{method=\"%s\","
		     "route=\"%s\"} %llu\n",
		     m, p, (unsigned long long)count);
	}
}

static void
render_workers(struct out *o)
{
	head(o, "netdep_worker_restarts_total", "counter",
	     "Workers the master started again after one ended.");
	emit(o, "netdep_worker_restarts_total %llu\n",
	     (unsigned long long)sum_of(offsetof(struct slot, restarts)));
	head(o, "netdep_worker_db_connected", "gauge",
	     "1 when the worker's PostgreSQL connection is up, 0 when it is "
	     "down, -1 before its first request.");
	for (int i = 0; i < nworkers; i++)
		emit(o, "netdep_worker_db_connected{worker=\"%d\"} %lld\n", i,
		     (long long)atomic_load_explicit(&slots[i].db_up,
		                                     memory_order_relaxed));
	head(o, "netdep_worker_db_connections", "gauge",
	     "Workers whose PostgreSQL connection is up.");
	{
		long long up = 0;

		for (int i = 0; i < nworkers; i++)
			up += atomic_load_explicit(&slots[i].db_up,
			                           memory_order_relaxed) == 1;
		emit(o, "netdep_worker_db_connections %lld\n", up);
	}
	head(o, "netdep_fastcgi_connections_total", "counter",
	     "FastCGI connections the workers accepted from nginx; nginx "
	     "keeps them open, so far fewer than requests.");
	emit(o, "netdep_fastcgi_connections_total %llu\n",
	     (unsigned long long)sum_of(offsetof(struct slot, connections)));
	head(o, "netdep_workers", "gauge", "Worker processes configured.");
	emit(o, "netdep_workers %d\n", nworkers);
}

static void
render_decode_votes(struct out *o, const struct metrics_view *v)
{
	head(o, "netdep_decode_total", "counter",
	     "Uploads handed to a decode child, by what became of it.");
	for (int d = 0; d < MDEC__MAX; d++)
		emit(o, "netdep_decode_total{outcome=\"%s\"} %llu\n",
		     decode_names[d],
		     (unsigned long long)sum_of(offsetof(struct slot, decode) +
		                                (size_t)d * sizeof(counter)));
	head(o, "netdep_votes_total", "counter",
	     "Votes answered by the workers, by outcome (counted = "
	     "accepted).");
	for (int i = 0; i < METRICS_OUTCOMES; i++) {
		uint64_t    n = sum_of(offsetof(struct slot, votes) +
		                       (size_t)i * sizeof(counter));
		const char *name = i == METRICS_VOTE_DB_ERROR ? "db_error"
		                   : i == METRICS_VOTE_BAD_KEY
		                       ? "invalid_idempotency_key"
		                       : v->outcome(i);
		char        esc[128];

		if (n == 0 || name == NULL)
			continue;
		emit(o, "netdep_votes_total{outcome=\"%s\"} %llu\n",
		     label(esc, sizeof(esc), name), (unsigned long long)n);
	}
}

static void
render_fold_boards(struct out *o, const struct metrics_view *v)
{
	const struct slot *f = &slots[nworkers];
	long long          last =
	    atomic_load_explicit(&f->last_fold, memory_order_relaxed);

	head(o, "netdep_fold_runs_total", "counter",
	     "Folds of queued vote counts, by result.");
	emit(o, "netdep_fold_runs_total{result=\"ok\"} %llu\n",
	     (unsigned long long)get(&slots[nworkers].fold_ok));
	emit(o, "netdep_fold_runs_total{result=\"failed\"} %llu\n",
	     (unsigned long long)get(&slots[nworkers].fold_failed));
	head(o, "netdep_fold_lag_seconds", "gauge",
	     "Seconds since the folder last folded the vote queue (-1: never "
	     "since the master started).");
	/* The clock was read before the folder's slot: a fold that lands in
	 * between is 0 s old, not a negative age. */
	emit(o, "netdep_fold_lag_seconds %.3f\n",
	     last > 0 ? (v->now_unix_ms > (double)last
	                     ? (v->now_unix_ms - (double)last) / 1000.0
	                     : 0.0)
	              : -1.0);
	if (v->fold_queue >= 0) {
		head(o, "netdep_fold_queue_rows", "gauge",
		     "Vote changes waiting to be folded into the counts.");
		emit(o, "netdep_fold_queue_rows %lld\n", v->fold_queue);
	}
	head(o, "netdep_board_cache_total", "counter",
	     "Leaderboard reads answered from a worker's kept copy (hit) or "
	     "from the database (miss).");
	emit(o, "netdep_board_cache_total{result=\"hit\"} %llu\n",
	     (unsigned long long)sum_of(offsetof(struct slot, board_hit)));
	emit(o, "netdep_board_cache_total{result=\"miss\"} %llu\n",
	     (unsigned long long)sum_of(offsetof(struct slot, board_miss)));
	head(o, "netdep_media_free_bytes", "gauge",
	     "Bytes an unprivileged process may still write on the media "
	     "filesystem.");
	emit(o, "netdep_media_free_bytes %llu\n", v->disk_free);
	head(o, "netdep_media_size_bytes", "gauge",
	     "Size of the media filesystem.");
	emit(o, "netdep_media_size_bytes %llu\n", v->disk_total);
}

char *
metrics_render(const struct metrics_view *v, size_t *len)
{
	struct out o = {NULL, 0, 0, 0};

	*len = 0;
	if ((o.p = malloc(o.cap = 64 * 1024)) == NULL)
		return NULL;
	o.p[0] = '\0';
	if (slots != NULL) {
		render_requests(&o, v);
		render_latency(&o, v);
		render_workers(&o);
		render_decode_votes(&o, v);
		render_fold_boards(&o, v);
	}
	if (o.oom) {
		free(o.p);
		return NULL;
	}
	*len = o.n;
	return o.p;
}
