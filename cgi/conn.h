/*
 * conn.h: a worker's FastCGI connection from nginx.  nginx keeps its
 * connections to the workers open between requests (fastcgi_keep_conn and
 * the upstream's keepalive, nginx/netdep.conf.in; README, "Connections
 * from nginx"): a request on a kept connection costs no connect, accept,
 * readiness poll or lingering close.  A worker holds one connection at a
 * time: it waits for the next request on it, and accepts a new one only
 * once nginx closed it, so a request never waits behind another on a
 * busy worker while an idle one could answer it.
 *
 * A stopping worker (SIGTERM, a reload) never closes an idle kept
 * connection itself while nginx may be writing a request into it: a POST
 * (a vote) refused that way would be a 502, since nginx does not send a
 * POST twice.  It answers what comes until nginx closes the connection
 * (nginx closes each after keepalive_time, or idle after
 * keepalive_timeout), or CONN_STOP_MS have passed.
 */
#ifndef NETDEP_CONN_H
#define NETDEP_CONN_H

#include <fcgiapp.h>
#include <signal.h>

/* How long a stopping worker keeps answering on its kept connection;
 * under the master's STOP_GRACE_SEC (main.c), over nginx's keepalive_time
 * and keepalive_timeout (netdep.conf.in). */
#define CONN_STOP_MS 15000.0

/* A wait for a request ends after this long without one (CONN_AGAIN),
 * so an idle worker still reads its database connection: PostgreSQL
 * pushes every NOTIFY to it, and a backend whose client reads nothing
 * blocks writing once the socket is full, unable to answer even the
 * barriers DROP DATABASE waits for. */
#define CONN_IDLE_MS 1000

enum conn_next {
	CONN_REQUEST, /* fr holds a request: serve it, then conn_finish() */
	CONN_AGAIN,   /* nothing yet (a signal, nginx closed, CONN_IDLE_MS):
	               * call again */
	CONN_STOP     /* *stop is set and no connection is left: exit */
};

/* fr as conn_next() wants it: no listening socket of its own (this module
 * accepts), no connection yet; and listen_fd's accept() waits at most
 * CONN_IDLE_MS.  0, or -1 when either fails. */
int conn_init(FCGX_Request *fr, int listen_fd);

/*
 * The next request: on the kept connection, else on a new connection
 * accepted from listen_fd.  Signals are blocked by the caller except
 * while waiting, when the mask is waitmask (SIGTERM deliverable, setting
 * *stop); a request is read with them blocked, whole.
 */
enum conn_next conn_next(FCGX_Request *fr, int listen_fd,
                         const sigset_t              *waitmask,
                         const volatile sig_atomic_t *stop);

/* After the request was answered: what is left of its body is read (the
 * next request on the connection starts at its own first record), or,
 * when that is much, the connection closed; FCGX_Finish_r(); the
 * connection is kept when nginx asked for it. */
void conn_finish(FCGX_Request *fr);

/* Closes the connection, if any (the worker exits). */
void conn_close(FCGX_Request *fr);

#endif
