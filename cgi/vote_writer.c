/*
 * vote_writer.c: the vote writer process and the workers' side of it
 * (vote_writer.h).  The socket is SOCK_SEQPACKET: a vote is one message
 * of struct vote_req, an answer one of struct vote_ans, never split.
 *
 * The writer loops: wait for messages (poll), read every vote that has
 * arrived, cast at most NETDEP_VOTE_BATCH of them in one statement, send
 * each its answer, again.  A batch the database refuses as a whole (a
 * vote written by hand collided, a deadlock with a void) is cast again
 * one vote at a time, so one vote never fails the others.  A worker that
 * went away while its vote waited has its vote dropped, not cast: it
 * answered 503 and its client retries with the same key.
 */
#include "vote_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "child.h"
#include "clock.h"
#include "db.h"
#include "log.h"

#define WRITER_CLIENTS 1024 /* connections: a master's workers, and more */
#define WRITER_QUEUE   4096 /* votes read and not yet cast */
#define WRITER_BACKLOG 1024
/* A worker waits this long for its answer: the app role's statement
 * timeout (60 s, 990_grants.sql) and a margin. */
#define WRITER_WAIT_MS 75000
#define WRITER_STOP_MS 10000 /* within the master's grace (main.c) */

/* The socket's address; -1 when the path does not fit. */
static int
writer_addr(const struct config *cfg, struct sockaddr_un *sa)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s.votes",
	             cfg->socket);
	return n > 0 && (size_t)n < sizeof(sa->sun_path) ? 0 : -1;
}

int
vote_writer_listen(const struct config *cfg)
{
	struct sockaddr_un sa;
	mode_t             old;
	int                fd, rc;

	if (writer_addr(cfg, &sa) != 0) {
		fprintf(stderr,
		        "netdep: %s.votes is too long for a socket "
		        "path\n",
		        cfg->socket);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0) {
		fprintf(stderr, "netdep: socket: %s\n", strerror(errno));
		return -1;
	}
	(void)unlink(sa.sun_path);
	old = umask(0077); /* the workers run as this user */
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0 || listen(fd, WRITER_BACKLOG) != 0) {
		fprintf(stderr, "netdep: cannot listen on %s: %s\n",
		        sa.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A vote read from the socket, and who sent it (-1: gone since). */
struct pending {
	int             fd;
	struct vote_req q;
};

struct writer {
	const struct config *cfg;
	struct pollfd        pfd[1 + WRITER_CLIENTS]; /* [0]: listening */
	int                  nfd;
	struct pending       queue[WRITER_QUEUE];
	int                  qlen;
	struct vote_req      reqs[WRITER_QUEUE];
	struct vote_ans      ans[WRITER_QUEUE];
	struct db           *db;
	struct arena         a;
};

/* Is every text of q NUL-terminated within its field? */
static int
writer_req_ok(const struct vote_req *q)
{
	return q->entry > 0 && memchr(q->token, 0, sizeof(q->token)) &&
	       memchr(q->csrf, 0, sizeof(q->csrf)) &&
	       memchr(q->ip, 0, sizeof(q->ip)) &&
	       memchr(q->ua_hash, 0, sizeof(q->ua_hash)) &&
	       memchr(q->key, 0, sizeof(q->key)) &&
	       memchr(q->pow_sig, 0, sizeof(q->pow_sig));
}

static void
writer_accept(struct writer *w)
{
	int fd;

	while ((fd = accept(w->pfd[0].fd, NULL, NULL)) >= 0) {
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
		(void)fcntl(fd, F_SETFL, O_NONBLOCK);
		if (w->nfd >= 1 + WRITER_CLIENTS) {
			log_msg("error",
			        "vote writer: more than %d workers "
			        "connected; one refused",
			        WRITER_CLIENTS);
			close(fd);
			continue;
		}
		w->pfd[w->nfd++] = (struct pollfd){fd, POLLIN, 0};
	}
}

/* Closes client k; its votes still queued will not be cast. */
static void
writer_drop(struct writer *w, int k)
{
	int fd = w->pfd[k].fd;

	for (int i = 0; i < w->qlen; i++)
		if (w->queue[i].fd == fd)
			w->queue[i].fd = -1;
	close(fd);
	w->pfd[k] = w->pfd[--w->nfd];
}

/* Queues every vote client k has sent, as room allows. */
static void
writer_read(struct writer *w, int k)
{
	while (w->qlen < WRITER_QUEUE) {
		struct pending *p = &w->queue[w->qlen];
		ssize_t         n =
		    recv(w->pfd[k].fd, &p->q, sizeof(p->q), MSG_DONTWAIT);

		if (n < 0 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		if (n == (ssize_t)sizeof(p->q) && writer_req_ok(&p->q)) {
			p->fd = w->pfd[k].fd;
			w->qlen++;
			continue;
		}
		if (n > 0)
			log_msg("error",
			        "vote writer: a malformed message "
			        "(%zd bytes); its sender is dropped",
			        n);
		writer_drop(w, k); /* gone (0 or an error) or malformed */
		return;
	}
}

/* Casts reqs[0..n-1] into ans[], one transaction, or each alone. */
static void
writer_cast(struct writer *w, int n)
{
	const struct config *cfg = w->cfg;
	int                  rc;

	if (w->db == NULL && (w->db = db_open(cfg->db)) != NULL)
		db_tag(w->db, "netdep-votes");
	/* A connection the server closed while the writer sat idle (a
	 * restart of PostgreSQL) is noticed and replaced now, as a worker
	 * does before a request: else the batch would fail on it. */
	if (w->db != NULL)
		(void)db_freshen(w->db);
	rc = w->db == NULL
	         ? DB_LOST
	         : db_vote_cast_batch(w->db, &w->a, cfg->session_idle_hours, n,
	                              w->reqs, w->ans);
	if (rc != DB_OK && rc != DB_LOST && n > 1) {
		log_msg("warn",
		        "vote writer: a batch of %d votes was refused "
		        "as a whole; casting them one by one",
		        n);
		for (int i = 0; i < n; i++) {
			arena_reset(&w->a);
			rc = db_vote_cast_batch(w->db, &w->a,
			                        cfg->session_idle_hours, 1,
			                        &w->reqs[i], &w->ans[i]);
			if (rc != DB_OK)
				w->ans[i] = (struct vote_ans){.rc = rc};
		}
		rc = DB_OK;
	} else if (rc != DB_OK) {
		for (int i = 0; i < n; i++)
			w->ans[i] = (struct vote_ans){.rc = rc};
	}
	/* Read-your-writes (reads.h): the WAL position after the commit. */
	if (rc == DB_OK && cfg->db_read != NULL && *cfg->db_read != '\0') {
		const char *lsn = NULL;

		if (db_wal_lsn(w->db, &w->a, &lsn) == DB_OK && lsn != NULL)
			for (int i = 0; i < n; i++)
				snprintf(w->ans[i].lsn, sizeof(w->ans[i].lsn),
				         "%s", lsn);
	}
	arena_reset(&w->a);
}

/* Casts the first votes of the queue (at most a batch) and answers. */
static void
writer_batch(struct writer *w)
{
	int take = w->qlen < w->cfg->vote_batch ? w->qlen : w->cfg->vote_batch;
	int n = 0;

	for (int i = 0; i < take; i++)
		if (w->queue[i].fd >= 0)
			w->reqs[n++] = w->queue[i].q;
	if (n > 0)
		writer_cast(w, n);
	for (int i = 0, j = 0; i < take; i++) {
		if (w->queue[i].fd < 0)
			continue;
		/* A worker that has gone since learns nothing: its client
		 * was told 503 and retries with its key. */
		(void)send(w->queue[i].fd, &w->ans[j++], sizeof(w->ans[0]),
		           MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	memmove(w->queue, w->queue + take,
	        (size_t)(w->qlen - take) * sizeof(w->queue[0]));
	w->qlen -= take;
}

int
vote_writer_main(const struct config *cfg, int listen_fd)
{
	struct writer *w;
	double         stop_by = DBL_MAX;

	child_start("netdep-votes");
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		log_msg("error", "vote writer: out of memory");
		return 1;
	}
	w->cfg = cfg;
	(void)fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK);
	w->pfd[0] = (struct pollfd){listen_fd, POLLIN, 0};
	w->nfd = 1;
	arena_init(&w->a, 0);
	log_msg("info", "vote writer: at most %d votes per transaction",
	        cfg->vote_batch);
	/* After SIGTERM, the votes of workers finishing their request are
	 * still cast: the writer ends once every worker hung up, or after
	 * WRITER_STOP_MS. */
	while (!child_stop ||
	       ((w->nfd > 1 || w->qlen > 0) && clock_ms() < stop_by)) {
		/* Votes left over (more than a batch): cast them at once. */
		int ready =
		    poll(w->pfd, (nfds_t)w->nfd, w->qlen > 0 ? 0 : 1000);

		if (ready < 0 && errno != EINTR) {
			log_msg("error", "vote writer: poll: %s",
			        strerror(errno));
			sleep(1);
			continue;
		}
		if (ready > 0) {
			if (w->pfd[0].revents & POLLIN)
				writer_accept(w);
			/* Downwards: writer_drop() moves the last one here. */
			for (int k = w->nfd - 1; k >= 1; k--)
				if (w->pfd[k].revents &
				    (POLLIN | POLLHUP | POLLERR))
					writer_read(w, k);
		}
		if (w->qlen > 0)
			writer_batch(w);
		if (child_stop && stop_by == DBL_MAX)
			stop_by = clock_ms() + WRITER_STOP_MS;
	}
	for (int k = 1; k < w->nfd; k++)
		close(w->pfd[k].fd);
	db_close(w->db);
	arena_free(&w->a);
	free(w);
	return 0;
}

/* A worker's connection to its writer, kept between votes, and whether
 * the last try found none (logged once). */
static int writer_conn = -1;
static int writer_missed;

static void
writer_hang_up(void)
{
	if (writer_conn >= 0)
		close(writer_conn);
	writer_conn = -1;
}

static int
writer_connect(const struct config *cfg)
{
	struct sockaddr_un sa;
	int                fd;

	if (writer_addr(cfg, &sa) != 0 ||
	    (fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO,
	               &(struct timeval){WRITER_WAIT_MS / 1000,
	                                 WRITER_WAIT_MS % 1000 * 1000},
	               sizeof(struct timeval)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

enum vote_writer_rc
vote_writer_cast(const struct config *cfg, const struct vote_req *q,
                 struct vote_ans *ans)
{
	double  end;
	ssize_t n;

	if (cfg->vote_batch < 1)
		return VOTE_WRITER_ABSENT;
	/* A writer restarted since the last vote closed the connection: the
	 * send fails (nothing was delivered) and a new one is tried. */
	for (int tries = 0;; tries++) {
		if ((writer_conn < 0 &&
		     (writer_conn = writer_connect(cfg)) < 0) ||
		    tries == 2) {
			/* Said once, not once per vote, until it answers. */
			if (!writer_missed)
				log_msg("error",
				        "worker: no vote writer answers on "
				        "%s.votes (%s); this worker casts its "
				        "votes one per transaction",
				        cfg->socket, strerror(errno));
			writer_missed = 1;
			return VOTE_WRITER_ABSENT;
		}
		if (send(writer_conn, q, sizeof(*q), MSG_NOSIGNAL) ==
		    (ssize_t)sizeof(*q))
			break;
		writer_hang_up();
	}
	/* The answer, waited for by recv() itself (the socket's receive
	 * timeout, writer_connect()), not by a poll() first: one system
	 * call less per vote.  A signal's EINTR waits again while the time
	 * is not over. */
	end = clock_ms() + WRITER_WAIT_MS;
	while ((n = recv(writer_conn, ans, sizeof(*ans), 0)) < 0 &&
	       errno == EINTR && clock_ms() < end)
		;
	if (n < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
		log_msg("error",
		        "worker: no answer from the vote writer in %d ms",
		        WRITER_WAIT_MS);
		writer_hang_up(); /* a late answer must not be read */
		return VOTE_WRITER_LOST;
	}
	if (n != (ssize_t)sizeof(*ans)) {
		log_msg("error", "worker: the vote writer went away before "
		                 "answering");
		writer_hang_up();
		return VOTE_WRITER_LOST;
	}
	ans->outcome[sizeof(ans->outcome) - 1] = '\0';
	ans->lsn[sizeof(ans->lsn) - 1] = '\0';
	writer_missed = 0;
	return VOTE_WRITER_ANSWERED;
}
