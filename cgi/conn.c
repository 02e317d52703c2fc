/*
 * conn.c: a worker's FastCGI connection from nginx (conn.h).  libfcgi
 * parses the records; this module decides when to wait, accept, keep or
 * close.  libfcgi's own accept is not used: it blocks (a worker holding a
 * kept connection must not), polls every new connection for two seconds
 * before reading it (a workaround for an old Solaris bug), and cannot be
 * told apart from a kept connection's end.
 */
/* ppoll() and accept4(): Linux's, as is the rest of the server. */
#define _GNU_SOURCE
#include "conn.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "metrics.h"

/* What is read of a body left unread (a request refused before its
 * body, say) to keep the connection; past this it is closed instead. */
#define DRAIN_MAX (64 * 1024)

/* When a stopping worker closes its kept connection anyway; 0 until the
 * stop is seen. */
static double stop_at;

int
conn_init(FCGX_Request *fr, int listen_fd)
{
	struct timeval tv = {CONN_IDLE_MS / 1000, CONN_IDLE_MS % 1000 * 1000};

	/* Linux's accept() honours the receive timeout (every worker sets
	 * the same on the one socket). */
	if (setsockopt(listen_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) !=
	    0)
		return -1;
	/* No listening socket: when nginx closes a kept connection,
	 * FCGX_Accept_r() closes it too and then fails at once instead of
	 * blocking in accept(). */
	return FCGX_InitRequest(fr, -1, 0);
}

/* Waits for the kept connection's next request, or its end, or a stop. */
static enum conn_next
conn_kept(FCGX_Request *fr, const sigset_t *waitmask,
          const volatile sig_atomic_t *stop)
{
	struct pollfd   p = {.fd = fr->ipcFd, .events = POLLIN};
	struct timespec ts;
	double          wait = CONN_IDLE_MS;
	int             n;

	if (*stop) {
		double left;

		if (stop_at == 0)
			stop_at = clock_ms() + CONN_STOP_MS;
		if ((left = stop_at - clock_ms()) <= 0) {
			log_msg("warn",
			        "worker: nginx kept its connection open "
			        "%.0f s after the stop; closing it",
			        CONN_STOP_MS / 1000);
			conn_close(fr);
			return CONN_STOP;
		}
		if (left < wait)
			wait = left;
	}
	ts.tv_sec = (time_t)(wait / 1000);
	ts.tv_nsec = (long)((wait - (double)ts.tv_sec * 1000) * 1e6);
	n = ppoll(&p, 1, &ts, waitmask);
	if (n == 0 || (n < 0 && errno == EINTR))
		return CONN_AGAIN;
	if (n < 0) {
		log_msg("warn", "worker: poll of the connection: %s",
		        strerror(errno));
		conn_close(fr);
		return CONN_AGAIN;
	}
	/* A request, or nginx's close: then libfcgi closes it too, and
	 * without a listening socket fails instead of accepting. */
	return FCGX_Accept_r(fr) == 0 ? CONN_REQUEST : CONN_AGAIN;
}

enum conn_next
conn_next(FCGX_Request *fr, int listen_fd, const sigset_t *waitmask,
          const volatile sig_atomic_t *stop)
{
	sigset_t held;
	int      fd, err;

	if (fr->ipcFd >= 0)
		return conn_kept(fr, waitmask, stop);
	if (*stop)
		return CONN_STOP;
	/* SIGTERM may interrupt only the wait for a connection. */
	sigprocmask(SIG_SETMASK, waitmask, &held);
	fd = *stop ? -1 : accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	err = errno;
	sigprocmask(SIG_SETMASK, &held, NULL);
	if (fd < 0) {
		if (*stop)
			return CONN_STOP;
		if (err != EINTR && err != ECONNABORTED && err != EAGAIN &&
		    err != EWOULDBLOCK) {
			log_msg("warn", "worker: accept: %s", strerror(err));
			usleep(10000);
		}
		return CONN_AGAIN;
	}
	metrics_connection();
	fr->ipcFd = fd;
	/* FCGX_Accept_r() first finishes the last request, closing its
	 * connection unless that one was kept: this one is new.  The
	 * request's own flags set it again. */
	fr->keepConnection = 1;
	return FCGX_Accept_r(fr) == 0 ? CONN_REQUEST : CONN_AGAIN;
}

/* 1 when the request's body has been read to its end (reading what is
 * left, up to DRAIN_MAX), 0 when the connection must not serve another. */
static int
body_drained(FCGX_Request *fr)
{
	char   buf[4096];
	size_t got = 0;

	if (fr->in == NULL)
		return 1;
	while (!FCGX_HasSeenEOF(fr->in)) {
		int n;

		if (FCGX_GetError(fr->in) != 0 || got >= DRAIN_MAX)
			return 0;
		n = FCGX_GetStr(buf, (int)sizeof(buf), fr->in);
		if (n <= 0 && !FCGX_HasSeenEOF(fr->in))
			return 0;
		got += (size_t)(n > 0 ? n : 0);
	}
	return FCGX_GetError(fr->in) == 0;
}

void
conn_finish(FCGX_Request *fr)
{
	/* Only a connection nginx keeps is drained: on one it closes, the
	 * answer's end (FCGX_Finish_r) must not wait for a body. */
	int clean = fr->ipcFd >= 0 && (!fr->keepConnection || body_drained(fr));

	FCGX_Finish_r(fr);
	if (!clean)
		conn_close(fr);
}

void
conn_close(FCGX_Request *fr)
{
	/* libfcgi's close: shutdown, then what the peer still sends is
	 * read away before close(), so no reset loses the answer. */
	if (fr->ipcFd >= 0)
		FCGX_Free(fr, 1);
}
