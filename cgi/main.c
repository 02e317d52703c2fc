/*
 * main.c: the process model.  The master checks the database (reachable,
 * durable), opens the FastCGI socket, forks the workers and restarts any
 * that dies; on SIGTERM it lets in-flight requests finish; on SIGHUP it
 * re-executes its binary (an upgrade, a new configuration) keeping its pid
 * and the listening socket, so no request is refused.  A worker holds one
 * database connection and answers requests one at a time.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "boards.h"
#include "clock.h"
#include "config.h"
#include "conn.h"
#include "db.h"
#include "decode.h"
#include "fold.h"
#include "heif.h"
#include "image.h"
#include "janitor.h"
#include "log.h"
#include "metrics.h"
#include "outcome.h"
#include "password.h"
#include "req.h"
#include "resp.h"
#include "router.h"
#include "store.h"
#include "store_s3.h"
#include "vote_writer.h"

#define LISTEN_BACKLOG     1024
#define STOP_GRACE_SEC     20  /* in-flight requests get this long */
#define SWEEP_EVERY_SEC    300 /* stale temp files are looked for */
#define SWEEP_AGE_SEC      3600
#define RESPAWN_BURST      10     /* deaths within RESPAWN_WINDOW_SEC ... */
#define RESPAWN_WINDOW_SEC 10     /* ... slow the respawning down */
#define RESPAWN_DELAY_MS   1000.0 /* a slowed restart, and the folder's */
#define ARENA_EXTRA        ((size_t)16 * 1024 * 1024)

static volatile sig_atomic_t got_stop;
static volatile sig_atomic_t got_child;
static volatile sig_atomic_t got_alarm;
static volatile sig_atomic_t got_reload;
static pid_t                 master_pid;
/* The binary's path at start: what SIGHUP executes again. */
static char self_exe[PATH_MAX];
/* The vote writer's listening socket (vote_writer.h), -1 when off: only
 * the writer itself keeps it open after a fork. */
static int vote_listen_fd = -1;

/* In a child that is not the vote writer. */
static void
close_vote_socket(void)
{
	if (vote_listen_fd >= 0)
		close(vote_listen_fd);
	vote_listen_fd = -1;
}

#define LISTEN_FD_FLAG "--listen-fd" /* the socket a reload passes on */

static void
on_stop(int sig)
{
	(void)sig;
	got_stop = 1;
}

static void
on_child(int sig)
{
	(void)sig;
	got_child = 1;
}

static void
on_alarm(int sig)
{
	(void)sig;
	got_alarm = 1;
}

static void
on_reload(int sig)
{
	(void)sig;
	got_reload = 1;
}

/* Installs fn for sig without SA_RESTART, so blocking calls return. */
static void
catch_signal(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* A worker's connection: it listens for board changes (boards.h). */
static struct db *
worker_db(const struct config *cfg)
{
	struct db *db = db_open(cfg->db);

	/* Stale-tolerant reads may go to a standby (reads.h). */
	if (db != NULL)
		db_replica_attach(db, cfg->db_read, cfg->read_max_lag_ms);
	/* Cannot fail today (the LISTEN runs at the next connect when the
	 * connection is down), but a failure would leave this worker serving
	 * boards it cannot hear change: say so, it retries on reconnect. */
	if (db != NULL && db_listen_boards(db) != 0)
		log_msg("warn", "worker: cannot LISTEN for board changes; "
		                "boards are served live until a reconnect");
	return db;
}

/*
 * Loads the request and then its body, bounded by its route's limit
 * (router_body_limit()): a body over it is refused by its announced
 * length before a byte is read.  Returns 0, or the status answered.
 */
static int
serve_load(struct req *r, FCGX_Request *fr, struct arena *a, struct db *db,
           const struct config *cfg)
{
	size_t limit = 0;
	int    upload = 0;
	int    rc = req_load(r, fr, a, db, cfg);

	if (rc == 0) {
		limit = router_body_limit(r, &upload);
		rc = req_read_body(r, limit);
	}
	if (rc == 413 && upload)
		return resp_error(r, 413, "too_large",
		                  "The upload is larger than the %zu MiB this "
		                  "site accepts; choose a smaller photo.",
		                  limit / (1024 * 1024));
	if (rc == 413)
		return resp_error(r, 413, "too_large",
		                  "The request body is larger than the %zu KiB "
		                  "this address accepts; send less data.",
		                  limit / 1024);
	if (rc != 0)
		return resp_error(r, rc, "bad_request", "%s.", resp_reason(rc));
	return 0;
}

/* Counts and logs an answered request (README, Metrics and Logs). */
static void
serve_done(const struct req *r, struct db *db, double ms)
{
	struct log_line l;
	const char     *method = NULL;
	const char     *route = router_route(r->route, &method);

	metrics_request(r->route, r->status, ms);
	metrics_db_state(db != NULL && db_is_up(db));
	log_begin(&l, "info", "request");
	log_str(&l, "req", r->id);
	log_str(&l, "method",
	        r->method < METHOD__MAX ? http_method_names[r->method] : "?");
	log_str(&l, "route", route);
	log_str(&l, "path", r->path);
	log_int(&l, "status", r->status);
	log_num(&l, "ms", ms);
	log_int(&l, "bytes", (long long)r->bytes_out);
	if (r->account > 0)
		log_int(&l, "account", r->account);
	log_str(&l, "client", r->remote_addr);
	log_str(&l, "error", r->error_code);
	log_end(&l);
}

/* Serves one accepted request; never exits. */
static void
serve(FCGX_Request *fr, struct arena *a, struct db **db,
      const struct store *wst, struct boards *boards, const struct config *cfg)
{
	struct req r;
	double     t0 = clock_ms();

	if (serve_load(&r, fr, a, *db, cfg) != 0)
		; /* answered */
	else if (*db == NULL && (*db = worker_db(cfg)) == NULL)
		resp_unavailable(&r);
	else {
		/* Before its first statement (db.h); still away, the
		 * request's statements answer 503. */
		db_freshen_later(*db);
		r.db = *db;
		db_tag(*db, r.id);
		r.store = wst;
		r.boards = boards;
		router_dispatch(&r);
	}
	if (!r.answered)
		resp_error(&r, 500, "internal",
		           "The request was not answered.");
	serve_done(&r, *db, clock_ms() - t0);
}

static int
worker_main(int slot, int listen_fd, const struct store *wst,
            const struct config *cfg)
{
	FCGX_Request   fr;
	struct arena   a;
	struct db     *db;
	struct boards *boards;
	sigset_t       term, old;
	double         pushed_read = clock_ms();

	/* A worker never outlives its master (kill -9 of the master, say):
	 * it would hold a database connection and the socket forever. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != master_pid)
		return 0;
	/*
	 * Nicer than the master and its vote writer (README, "Workers run
	 * nicer"): when a batch commits, the workers of its votes all wake
	 * at once, and at equal priority the writer's next batch (and its
	 * PostgreSQL backend, and nginx) waited behind them: p99 of a vote
	 * 60-77 ms against 35-45 ms, at the same rate.
	 */
	errno = 0;
	if (cfg->worker_nice > 0 && nice(cfg->worker_nice) == -1 && errno != 0)
		log_msg("warn", "worker: nice(%d): %s", cfg->worker_nice,
		        strerror(errno));
	metrics_use_slot(slot);
	log_catch_reopen();
	signal(SIGCHLD, SIG_DFL);
	signal(SIGALRM, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	catch_signal(SIGTERM, on_stop);
	catch_signal(SIGINT, on_stop);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigprocmask(SIG_BLOCK, &term, &old);
	/* What waits for a request (conn_next()) run with: SIGTERM and
	 * SIGINT deliverable, whatever the master had blocked at the fork. */
	sigdelset(&old, SIGTERM);
	sigdelset(&old, SIGINT);

	/* A worker without a database still answers 503 and retries. */
	db = worker_db(cfg);
	metrics_db_state(db != NULL);
	if (conn_init(&fr, listen_fd) != 0) {
		log_msg("error", "worker: cannot set up its connection: %s",
		        strerror(errno));
		return 1;
	}
	/* Room for the largest body a route accepts, and no more: a JSON
	 * body over max_json is refused before it is read. */
	arena_init(&a, (cfg->max_upload > cfg->max_json ? cfg->max_upload
	                                                : cfg->max_json) +
	                   ARENA_EXTRA);
	/* Without memory for it a worker serves every board live. */
	boards = boards_new(cfg->board_cache_ms, cfg->board_hold_ms);
	/* Until its connections are done: a stop ends the wait for a new
	 * one at once, a kept one's when nginx closes it (conn.h). */
	for (;;) {
		enum conn_next nx = conn_next(&fr, listen_fd, &old, &got_stop);

		/* At least once per CONN_IDLE_MS, busy or idle: the NOTIFYs
		 * PostgreSQL pushed are read (conn.h), also by a worker that
		 * serves only votes, which make no statement of their own. */
		if (clock_ms() - pushed_read >= CONN_IDLE_MS) {
			db_take_pushed(db);
			pushed_read = clock_ms();
		}
		if (nx == CONN_STOP)
			break;
		if (nx == CONN_AGAIN)
			continue;
		serve(&fr, &a, &db, wst, boards, cfg);
		conn_finish(&fr);
		arena_reset(&a);
	}
	conn_close(&fr);
	FCGX_Free(&fr, 0);
	arena_free(&a);
	boards_free(boards);
	db_close(db);
	return 0;
}

static pid_t
spawn_worker(int slot, int listen_fd, const struct store *wst,
             const struct config *cfg)
{
	pid_t pid = fork();

	if (pid == 0) {
		close_vote_socket();
		_exit(worker_main(slot, listen_fd, wst, cfg));
	}
	if (pid < 0)
		log_msg("error", "master: fork failed: %s", strerror(errno));
	return pid;
}

/*
 * Forks a child that has the name name (its comm, what pgrep -x sees)
 * from its first instant: the master takes the name for the fork and
 * then its own back.  Renamed in the child instead, a new folder would
 * be counted for a moment as one worker too many.
 */
static pid_t
fork_named(const char *name)
{
	char  own[16] = "netdep";
	pid_t pid;

	(void)prctl(PR_GET_NAME, own);
	(void)prctl(PR_SET_NAME, name);
	pid = fork();
	if (pid != 0)
		(void)prctl(PR_SET_NAME, own);
	return pid;
}

/* The folder (fold.c): one process beside the workers, restarted like one. */
static pid_t
spawn_folder(const struct config *cfg)
{
	pid_t pid = fork_named("netdep-fold");

	if (pid == 0) {
		close_vote_socket();
		metrics_use_slot(metrics_folder_slot());
		log_catch_reopen();
		_exit(getppid() == master_pid ? fold_main(cfg) : 0);
	}
	if (pid < 0)
		log_msg("error", "master: fork of the folder failed: %s",
		        strerror(errno));
	return pid;
}

/* The janitor (janitor.c): media retention, once an hour; restarted too. */
static pid_t
spawn_janitor(const struct config *cfg, const struct store *st)
{
	pid_t pid = fork_named("netdep-janitor");

	if (pid == 0) {
		close_vote_socket();
		log_catch_reopen();
		_exit(getppid() == master_pid ? janitor_main(cfg, st) : 0);
	}
	if (pid < 0)
		log_msg("error", "master: fork of the janitor failed: %s",
		        strerror(errno));
	return pid;
}

/* The vote writer (vote_writer.c): one per master, restarted too. */
static pid_t
spawn_writer(const struct config *cfg)
{
	pid_t pid = fork_named("netdep-votes");

	if (pid == 0) {
		log_catch_reopen();
		_exit(getppid() == master_pid
		          ? vote_writer_main(cfg, vote_listen_fd)
		          : 0);
	}
	if (pid < 0)
		log_msg("error", "master: fork of the vote writer failed: %s",
		        strerror(errno));
	return pid;
}

static int
write_pidfile(const char *path)
{
	FILE *f;

	if (path == NULL)
		return 0;
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f);
}

/* Checks the database once before serving: reachable and durable. */
static int
check_database(const struct config *cfg)
{
	struct db *db = db_open(cfg->db);
	char       why[256];
	int        rc = 0;

	if (db == NULL) {
		fprintf(stderr, "netdep: cannot connect to the database or "
		                "prepare the statements (see the log above; "
		                "check NETDEP_DB)\n");
		return -1;
	}
	if (db_check_durable(db, why, sizeof(why)) != 0) {
		fprintf(stderr,
		        "netdep: refusing to start: %s; accepted votes could "
		        "be lost on a crash\n",
		        why);
		rc = -1;
	}
	db_close(db);
	return rc;
}

/*
 * The master's state: what it started and how often workers die.  The
 * children sit in slots: 0 .. workers-1 the workers, then the folder,
 * the janitor and the vote writer (when NETDEP_VOTE_BATCH is not 0).  A slot
 * whose child ended is vacant (pid 0) until its due time, when master_fill()
 * forks its replacement; the master never sleeps while it supervises, so a
 * worker dying beside the folder is replaced at once, and the set of children
 * is exactly one per slot.
 */
struct master {
	struct config cfg;
	struct store  media;
	int           fd;        /* the FastCGI socket */
	int           inherited; /* fd came from the previous image (SIGHUP) */
	int           nslot;     /* workers + folder + janitor + writer */
	pid_t        *pids;      /* per slot; 0 when vacant */
	double       *due; /* per vacant slot: when to fork (clock_ms()) */
	time_t        window_start; /* of the current respawn window */
	int           deaths;       /* within it */
};

#define SLOT_FOLDER(m)  ((m)->cfg.workers)
#define SLOT_JANITOR(m) ((m)->cfg.workers + 1) /* the writer after it */

/* Opens the FastCGI socket for nginx only, and writes the pid file. */
static int
master_listen(struct master *m)
{
	const struct config *cfg = &m->cfg;

	if (FCGX_Init() != 0) {
		fprintf(stderr, "netdep: FCGX_Init failed\n");
		return 1;
	}
	if (m->inherited)
		return write_pidfile(cfg->pidfile) != 0; /* bound already */
	unlink(cfg->socket);
	if ((m->fd = FCGX_OpenSocket(cfg->socket, LISTEN_BACKLOG)) < 0) {
		fprintf(stderr, "netdep: cannot listen on %s: %s\n",
		        cfg->socket, strerror(errno));
		return 1;
	}
	if (chmod(cfg->socket, (mode_t)cfg->socket_mode) != 0) {
		fprintf(stderr, "netdep: chmod %s: %s\n", cfg->socket,
		        strerror(errno));
		return 1;
	}
	if (write_pidfile(cfg->pidfile) != 0) {
		fprintf(stderr, "netdep: cannot write %s: %s\n", cfg->pidfile,
		        strerror(errno));
		return 1;
	}
	return 0;
}

/* Takes over the listening socket a reload passed on as text fd. */
static int
master_inherit(struct master *m, const char *fd)
{
	struct stat sb;
	char       *end;
	long        n = strtol(fd, &end, 10);

	if (*end != '\0' || n < 3 || n > INT_MAX || fstat((int)n, &sb) != 0 ||
	    !S_ISSOCK(sb.st_mode)) {
		fprintf(stderr, "netdep: %s %s is no open socket\n",
		        LISTEN_FD_FLAG, fd);
		return -1;
	}
	m->fd = (int)n;
	m->inherited = 1;
	(void)fcntl(m->fd, F_SETFD, FD_CLOEXEC); /* a decode child never
	                                            gets it */
	return 0;
}

/*
 * Everything that must hold before a worker starts: configuration, the
 * media root, a durable database, the socket and the pid file.  Returns
 * the exit status on failure (after saying why), else 0.
 */
static int
master_setup(struct master *m, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--config-keys") == 0) {
		config_print_keys();
		exit(0);
	}
	if (argc > 2 && strcmp(argv[1], LISTEN_FD_FLAG) == 0 &&
	    master_inherit(m, argv[2]) != 0)
		return 1;
	if (config_load(&m->cfg) != 0)
		return 2;
	/* The effective configuration, for netdep-ctl (nginx's limits). */
	if (argc > 1 && strcmp(argv[1], "--config") == 0) {
		config_print(&m->cfg);
		exit(fflush(stdout) == 0 ? 0 : 1);
	}
	if (log_open(m->cfg.log) != 0) {
		fprintf(stderr, "netdep: cannot open the log %s: %s\n",
		        m->cfg.log, strerror(errno));
		return 1;
	}
	/* Before any fork: every child shares it (metrics.h). */
	if (metrics_init(m->cfg.workers) != 0)
		log_msg("warn", "master: no shared memory for metrics: %s",
		        strerror(errno));
	if (sodium_init() < 0) {
		fprintf(stderr, "netdep: libsodium failed to initialise\n");
		return 1;
	}
	password_configure(m->cfg.password_ops, m->cfg.password_mem_kb);
	image_init();
	/* Before any fork: the workers and decode children inherit it. */
	if (heif_load() != 0)
		log_msg("warn", "master: libheif is missing: HEIC and AVIF "
		                "uploads are refused");
	decode_configure(&(struct decode_limits){
	    m->cfg.decode_slots, m->cfg.decode_mem_mb, m->cfg.decode_cpu_sec,
	    m->cfg.decode_wall_ms, m->cfg.decode_wait_ms});
	if (store_open(&m->media, m->cfg.media) != 0) {
		fprintf(stderr, "netdep: cannot use media directory %s: %s\n",
		        m->cfg.media, strerror(errno));
		return 1;
	}
	/* NETDEP_STORAGE=s3: the areas are objects (store_s3.c). */
	if (store_s3_attach(&m->media, &m->cfg) != 0) {
		fprintf(stderr, "netdep: cannot set up the S3 media backend\n");
		return 1;
	}
	if (check_database(&m->cfg) != 0)
		return 1;
	if (m->cfg.vote_batch > 0 &&
	    (vote_listen_fd = vote_writer_listen(&m->cfg)) < 0)
		return 1;
	return master_listen(m);
}

/* Blocks the signals the master waits for, and installs their handlers. */
static void
master_signals(sigset_t *empty)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGALRM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGUSR1);
	/* The handler first (it unblocks), then the block below. */
	log_catch_reopen();
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(empty);
	catch_signal(SIGCHLD, on_child);
	catch_signal(SIGTERM, on_stop);
	catch_signal(SIGINT, on_stop);
	catch_signal(SIGALRM, on_alarm);
	catch_signal(SIGHUP, on_reload);
	signal(SIGPIPE, SIG_IGN);
}

/* Forks the child of slot i; its pid, or -1 (logged). */
static pid_t
master_spawn(struct master *m, int i)
{
	if (i < m->cfg.workers)
		return spawn_worker(i, m->fd, &m->media, &m->cfg);
	if (i == SLOT_FOLDER(m))
		return spawn_folder(&m->cfg);
	if (i == SLOT_JANITOR(m))
		return spawn_janitor(&m->cfg, &m->media);
	return spawn_writer(&m->cfg);
}

/* Forks a child into every vacant slot that is due. */
static void
master_fill(struct master *m)
{
	double now = clock_ms();

	for (int i = 0; i < m->nslot; i++) {
		if (m->pids[i] > 0 || m->due[i] > now)
			continue;
		if ((m->pids[i] = master_spawn(m, i)) < 0) {
			m->pids[i] = 0; /* fork failed: try again soon */
			m->due[i] = now + RESPAWN_DELAY_MS;
		}
	}
}

/* When the next vacant slot is due, as a timeout for pselect(); NULL
 * when no slot is vacant (wait for a signal only). */
static struct timespec *
master_next_wake(const struct master *m, struct timespec *ts)
{
	double next = -1, now = clock_ms(), wait;

	for (int i = 0; i < m->nslot; i++)
		if (m->pids[i] <= 0 && (next < 0 || m->due[i] < next))
			next = m->due[i];
	if (next < 0)
		return NULL;
	wait = next > now ? next - now : 0;
	ts->tv_sec = (time_t)(wait / 1000);
	ts->tv_nsec = (long)((wait - (double)ts->tv_sec * 1000) * 1e6);
	return ts;
}

/* Marks slot i vacant after its process pid ended with status. */
static void
master_vacate(struct master *m, int i, pid_t pid, int status)
{
	const char *what = i < m->cfg.workers     ? "worker"
	                   : i == SLOT_FOLDER(m)  ? "folder"
	                   : i == SLOT_JANITOR(m) ? "janitor"
	                                          : "vote writer";
	double      delay = 0;

	if (WIFSIGNALED(status))
		log_msg("error",
		        "master: %s %ld killed by signal %d; restarting", what,
		        (long)pid, WTERMSIG(status));
	else
		log_msg("warn", "master: %s %ld exited %d; restarting", what,
		        (long)pid, WEXITSTATUS(status));
	if (i >= m->cfg.workers) {
		delay = RESPAWN_DELAY_MS; /* never a tight crash loop */
	} else {
		if (time(NULL) - m->window_start > RESPAWN_WINDOW_SEC) {
			m->window_start = time(NULL);
			m->deaths = 0;
		}
		if (++m->deaths > RESPAWN_BURST)
			delay = RESPAWN_DELAY_MS; /* a crash loop: slow down */
		metrics_restart(i);
	}
	m->pids[i] = 0;
	m->due[i] = clock_ms() + delay;
}

/* Reaps every ended child and marks its slot vacant. */
static void
master_reap(struct master *m)
{
	int   status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (int i = 0; i < m->nslot; i++)
			if (m->pids[i] == pid)
				master_vacate(m, i, pid, status);
}

/* Sends sig to every child: the workers, the folder and the janitor. */
static void
master_kill_all(const struct master *m, int sig)
{
	for (int i = 0; i < m->nslot; i++)
		if (m->pids[i] > 0)
			kill(m->pids[i], sig);
}

/*
 * Lets in-flight requests finish: SIGTERM to every child, then SIGKILL to
 * those still busy after STOP_GRACE_SEC.
 */
static void
master_stop(struct master *m, const sigset_t *empty)
{
	int alive = 0;

	for (int i = 0; i < m->nslot; i++)
		alive += m->pids[i] > 0;
	log_msg("info", "master: stopping; waiting for in-flight requests");
	master_kill_all(m, SIGTERM);
	alarm(STOP_GRACE_SEC);
	got_alarm = 0;
	while (alive > 0) {
		int   status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid > 0) {
			for (int i = 0; i < m->nslot; i++)
				if (m->pids[i] == pid) {
					m->pids[i] = 0;
					alive--;
				}
			continue;
		}
		if (pid < 0 && errno == ECHILD)
			break;
		if (got_alarm) {
			log_msg("warn",
			        "master: workers still busy after %d s; "
			        "killing them",
			        STOP_GRACE_SEC);
			master_kill_all(m, SIGKILL);
			got_alarm = 0;
		}
		sigsuspend(empty);
	}
}

/* 1 when `self_exe --config` (the new binary, the new configuration)
 * exits 0: a reload that would fail to start is refused. */
static int
reload_preflight(void)
{
	int   status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		signal(SIGHUP, SIG_DFL);
		execl(self_exe, self_exe, "--config", (char *)NULL);
		_exit(127);
	}
	if (pid < 0)
		return 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * SIGHUP: the workers, the folder and the janitor finish what they do
 * and exit, and this process executes its binary again with the
 * listening socket: requests that arrive meanwhile wait in its backlog.
 * The new image starts fresh children and reaps the old ones.  When the
 * new binary or configuration fails `--config`, nothing changes.
 */
static void
master_reexec(struct master *m)
{
	char        fd[16];
	const char *why;

	if (self_exe[0] == '\0' || !reload_preflight()) {
		log_msg("error",
		        "master: reload refused: '%s --config' failed "
		        "(see above); the running version stays",
		        self_exe);
		return;
	}
	log_msg("info", "master: reloading: executing %s again", self_exe);
	snprintf(fd, sizeof(fd), "%d", m->fd);
	master_kill_all(m, SIGTERM);
	if (fcntl(m->fd, F_SETFD, 0) == 0) {
		execl(self_exe, self_exe, LISTEN_FD_FLAG, fd, (char *)NULL);
		why = strerror(errno);
	} else {
		why = strerror(errno);
	}
	/* Still the old image: the children it stopped are restarted as
	 * they exit (master_reap). */
	(void)fcntl(m->fd, F_SETFD, FD_CLOEXEC);
	log_msg("error", "master: reload failed: %s", why);
}

/* The path of this binary, for SIGHUP; empty when unknown. */
static void
find_self(void)
{
	static const char deleted[] = " (deleted)";
	ssize_t           n;

	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n <= 0) {
		self_exe[0] = '\0';
		return;
	}
	self_exe[n] = '\0';
	if ((size_t)n > sizeof(deleted) - 1 &&
	    strcmp(self_exe + n - (sizeof(deleted) - 1), deleted) == 0)
		self_exe[(size_t)n - (sizeof(deleted) - 1)] = '\0';
}

int
main(int argc, char **argv)
{
	struct master m = {.window_start = time(NULL)};
	sigset_t      empty;
	int           rc;

	setvbuf(stderr, NULL, _IOLBF, 0);
	master_pid = getpid();
	find_self();
	if ((rc = master_setup(&m, argc, argv)) != 0)
		return rc;
	m.nslot = m.cfg.workers + 2 + (vote_listen_fd >= 0);
	m.pids = calloc((size_t)m.nslot, sizeof(*m.pids));
	m.due = calloc((size_t)m.nslot, sizeof(*m.due));
	if (m.pids == NULL || m.due == NULL)
		return 1;
	master_signals(&empty);
	/* A child the process had before it became the master (a shell's
	 * helper, say) may have ended already: reap it, or it stays a
	 * zombie among the workers. */
	master_reap(&m);
	master_fill(&m); /* every slot is vacant and due */
	log_msg("info", "master: %d workers on %s, media %s%s", m.cfg.workers,
	        m.cfg.socket, m.cfg.media,
	        m.inherited ? " (reloaded: same socket)" : "");
	alarm(SWEEP_EVERY_SEC);
	while (!got_stop) {
		struct timespec ts;

		/* Signals are blocked but here, so none is missed. */
		pselect(0, NULL, NULL, NULL, master_next_wake(&m, &ts), &empty);
		if (got_alarm) {
			got_alarm = 0;
			(void)store_sweep_tmp(&m.media, SWEEP_AGE_SEC);
			alarm(SWEEP_EVERY_SEC);
		}
		/* Log rotation: the master reopens (log.c) and tells its
		 * children, which reopen at their next line. */
		if (log_reopen_asked()) {
			master_kill_all(&m, SIGUSR1);
			log_msg("info", "master: log reopened; children told");
		}
		if (got_child && !got_stop) {
			got_child = 0;
			master_reap(&m);
		}
		if (got_reload && !got_stop) {
			got_reload = 0;
			master_reexec(&m);
		}
		if (!got_stop)
			master_fill(&m);
	}
	master_stop(&m, &empty);
	unlink(m.cfg.socket);
	if (m.cfg.pidfile != NULL)
		unlink(m.cfg.pidfile);
	free(m.pids);
	free(m.due);
	log_msg("info", "master: stopped");
	return 0;
}
