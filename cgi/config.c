/*
 * config.c: environment variables to struct config, each parsed whole
 * with a range, so a typo stops the server at start instead of at 2 a.m.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CONFIG_MAX_WORKERS 256

static const char *
env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return (v != NULL && *v != '\0') ? v : def;
}

/* Parses a whole string as a number in [min, max] in the given base. */
static int
env_long(const char *name, long def, long min, long max, int base, long *out)
{
	const char *v = getenv(name);
	char       *end;
	long        n;

	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, base);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max) {
		fprintf(stderr, "netdep: %s must be a number from %ld to %ld\n",
		        name, min, max);
		return -1;
	}
	*out = n;
	return 0;
}

int
config_load(struct config *cfg)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	long n;

	memset(cfg, 0, sizeof(*cfg));
	if (ncpu < 1)
		ncpu = 1;
	cfg->db = env_or("NETDEP_DB", "dbname=netdep");
	cfg->socket = env_or("NETDEP_SOCKET", "var/run/netdep.sock");
	cfg->media = env_or("NETDEP_MEDIA", "var/media");
	cfg->site_url = env_or("NETDEP_SITE_URL", "http://127.0.0.1:8080");
	cfg->pidfile = env_or("NETDEP_PIDFILE", NULL);
	if (env_long("NETDEP_SOCKET_MODE", 0660, 0600, 0666, 8, &n) < 0)
		return -1;
	cfg->socket_mode = (unsigned)n;
	if (env_long("NETDEP_WORKERS", 2 * ncpu, 1, CONFIG_MAX_WORKERS, 10,
	             &n) < 0)
		return -1;
	cfg->workers = (int)n;
	if (env_long("NETDEP_MAX_BODY", 22L * 1024 * 1024, 1024,
	             256L * 1024 * 1024, 10, &n) < 0)
		return -1;
	cfg->max_body = (size_t)n;
	if (env_long("NETDEP_SESSION_DAYS", 30, 1, 365, 10, &n) < 0)
		return -1;
	cfg->session_days = (int)n;
	/* Boards are invalidated by notifications (boards.h); the age cap
	 * only bounds what a missed one could cost. */
	if (env_long("NETDEP_BOARD_CACHE_MS", 1000, 0, 60000, 10, &n) < 0)
		return -1;
	cfg->board_cache_ms = (int)n;
	if (env_long("NETDEP_BOARD_HOLD_MS", 300, 0, 1000, 10, &n) < 0)
		return -1;
	cfg->board_hold_ms = (int)n;
	if (strncasecmp(cfg->site_url, "https://", 8) == 0)
		cfg->secure_cookie = 1;
	else if (strncasecmp(cfg->site_url, "http://", 7) != 0) {
		fprintf(stderr, "netdep: NETDEP_SITE_URL must start with "
		                "http:// or https://\n");
		return -1;
	}
	return 0;
}
