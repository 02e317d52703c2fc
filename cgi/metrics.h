/*
 * metrics.h: counters for GET /metrics (Prometheus text format), shared
 * by every process of the server.  The master maps one anonymous shared
 * region before it forks (metrics_init()); each worker writes only its
 * own slot with relaxed atomic adds, so counting costs no lock and no
 * system call, and whichever worker answers /metrics sums every slot.  A
 * worker restarted into slot i keeps adding to slot i: the totals never
 * go down while the master lives.  Without the region (metrics_init()
 * failed or was not called, as in netdep-admin) every call is a no-op.
 */
#ifndef NETDEP_METRICS_H
#define NETDEP_METRICS_H

#include <stddef.h>

/* Room for the route table (router.c checks it fits) plus "unmatched". */
#define METRICS_ROUTES 96
/* Room for outcome.c's table, plus the two vote answers it does not name. */
#define METRICS_OUTCOMES 128

/* What became of a decode child (decode.c). */
enum metrics_decode {
	MDEC_OK,        /* MDEC_OK: decoded */
	MDEC_REFUSED,   /* MDEC_REFUSED: not an image we take */
	MDEC_TIMED_OUT, /* MDEC_TIMED_OUT: killed at the wall-clock limit */
	MDEC_KILLED,    /* MDEC_KILLED: CPU or memory limit, or the sandbox */
	MDEC_CRASHED,   /* MDEC_CRASHED: died of another signal */
	MDEC_BUSY,      /* MDEC_BUSY: no slot free in time (no child) */
	MDEC_ERROR,     /* MDEC_ERROR: fork, pipe or protocol failure */
	MDEC__MAX
};

/* Votes that never reached vote_cast()'s outcome. */
#define METRICS_VOTE_DB_ERROR (METRICS_OUTCOMES - 1)
#define METRICS_VOTE_BAD_KEY  (METRICS_OUTCOMES - 2)

/* Maps the region for workers slots plus the folder's and the master's. */
int metrics_init(int workers);

/* In a child: the slot it writes (a worker's index; see below). */
void metrics_use_slot(int slot);
/* The slots of the folder and the master. */
int metrics_folder_slot(void);

/* One answered request: route index (METRICS_ROUTES - 1 for none). */
void metrics_request(int route, int status, double ms);
void metrics_decode(enum metrics_decode what);
/* A vote's outcome index (outcome.c) or one of METRICS_VOTE_*. */
void metrics_vote(int outcome);
void metrics_board(int hit);
/* A FastCGI connection accepted from nginx (conn.c): with the kept
 * connections, far fewer than requests. */
void metrics_connection(void);
/* This worker's database connection: 1 up, 0 down. */
void metrics_db_state(int up);
/* The master restarted worker slot (its connection is gone too). */
void metrics_restart(int slot);
/* The folder finished a fold: ok or not, wall time now (Unix ms). */
void metrics_fold(int ok, double now_unix_ms);

/* What the handler adds to the counters: names and gauges of the moment. */
struct metrics_view {
	int nroutes;
	/* route i's method and pattern */
	const char *(*route)(int i, const char **method);
	/* outcome i's name, or NULL past the end */
	const char *(*outcome)(int i);
	unsigned long long disk_free, disk_total; /* media filesystem, bytes */
	long long          fold_queue;            /* queued vote rows, or -1 */
	double             now_unix_ms;
};

/*
 * The exposition text (Prometheus text format 0.0.4) in a malloc'd
 * string (*len bytes; the caller frees it), or NULL without memory.
 */
char *metrics_render(const struct metrics_view *v, size_t *len);

#endif
