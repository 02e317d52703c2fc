/*
 * config.h: the server's configuration, read once from the environment at
 * start-up and immutable afterwards.  Every variable has a default that
 * works for `make run`; the README lists them all.
 */
#ifndef NETDEP_CONFIG_H
#define NETDEP_CONFIG_H

#include <stddef.h>

struct config {
	const char *db;           /* NETDEP_DB: libpq conninfo, never logged */
	const char *socket;       /* NETDEP_SOCKET: FastCGI unix socket path */
	unsigned    socket_mode;  /* NETDEP_SOCKET_MODE: octal, e.g. 0660 */
	const char *media;        /* NETDEP_MEDIA: media root directory */
	const char *site_url;     /* NETDEP_SITE_URL: public base URL */
	const char *pidfile;      /* NETDEP_PIDFILE: master pid, or NULL */
	int         workers;      /* NETDEP_WORKERS: worker processes */
	size_t      max_body;     /* NETDEP_MAX_BODY: request body cap, bytes */
	int         session_days; /* NETDEP_SESSION_DAYS: session lifetime */
	int board_cache_ms; /* NETDEP_BOARD_CACHE_MS: board age cap, 0 = off */
	int board_hold_ms;  /* NETDEP_BOARD_HOLD_MS: served despite changes */
	int secure_cookie;  /* derived: site URL is https */
};

/*
 * Fills cfg from the environment.  Returns 0, or -1 after printing to
 * stderr which variable is malformed.  Strings point into the environment.
 */
int config_load(struct config *cfg);

#endif
