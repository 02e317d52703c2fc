/*
 * config.h: the server's configuration, loaded once at start-up from an
 * optional file and the environment, validated whole, and immutable
 * afterwards.  config.c is the only module that reads the environment;
 * every key, its default and its range are in config.c's table and in
 * the README.
 */
#ifndef NETDEP_CONFIG_H
#define NETDEP_CONFIG_H

#include <stddef.h>

struct config {
	const char *db;     /* NETDEP_DB: libpq conninfo, never logged */
	int         db_set; /* NETDEP_DB was given (not the default) */
	/* Read replicas (issue 18): NETDEP_DB_READ is a libpq conninfo for
	 * reads that may be a little stale ("" = none); a standby lagging
	 * more than NETDEP_READ_MAX_LAG_MS is not used. */
	const char *db_read;
	int         read_max_lag_ms;
	const char *socket;      /* NETDEP_SOCKET: FastCGI unix socket path */
	unsigned    socket_mode; /* NETDEP_SOCKET_MODE: octal, e.g. 0660 */
	const char *media;       /* NETDEP_MEDIA: media root directory */
	const char *site_url;    /* NETDEP_SITE_URL: public base URL */
	const char *pidfile;     /* NETDEP_PIDFILE: master pid, or NULL */
	int         workers;     /* NETDEP_WORKERS: worker processes */
	int         worker_nice; /* NETDEP_WORKER_NICE: added to theirs */
	size_t      max_json;    /* NETDEP_MAX_JSON: body cap but for uploads */
	size_t      max_upload;  /* NETDEP_MAX_UPLOAD: the upload route's */
	int         session_days;   /* NETDEP_SESSION_DAYS: session lifetime */
	int         board_cache_ms; /* NETDEP_BOARD_CACHE_MS: 0 = off */
	int         board_hold_ms;  /* NETDEP_BOARD_HOLD_MS */
	int         fold_ms;        /* NETDEP_FOLD_MS: folder interval */
	int         vote_batch;     /* NETDEP_VOTE_BATCH: votes per commit */
	int         forensics_days; /* NETDEP_FORENSICS_DAYS */
	int         retention_days; /* NETDEP_MEDIA_RETENTION_DAYS */
	int         upload_quota;   /* NETDEP_UPLOAD_DAILY_QUOTA */
	/* The decode child (decode.h): NETDEP_DECODE_*. */
	unsigned decode_slots;
	unsigned decode_mem_mb;
	unsigned decode_cpu_sec;
	unsigned decode_wall_ms;
	unsigned decode_wait_ms;
	/* NETDEP_TRUSTED_PROXIES: CIDR list for nginx's realip ("" none). */
	const char *trusted_proxies;
	/* NETDEP_METRICS_ALLOW: CIDR list that may read /metrics (nginx's
	 * stub_status too); loopback by default. */
	const char *metrics_allow;
	/* NETDEP_LOG: the log file, reopened on SIGUSR1 (NULL: stderr). */
	const char *log;
	/* nginx's vote limits: NETDEP_VOTE_{RATE,BURST}_{IP,SESSION}. */
	const char *vote_rate_ip, *vote_rate_session;
	int         vote_burst_ip, vote_burst_session;
	int         conn_per_ip;   /* NETDEP_CONN_PER_IP: nginx limit_conn */
	const char *auth_rate_ip;  /* NETDEP_AUTH_RATE_IP: log-in POSTs */
	int         auth_burst_ip; /* NETDEP_AUTH_BURST_IP */
	/* Log-in and registration brakes (auth.c, h_account.c). */
	int      login_free_failures;      /* NETDEP_LOGIN_FREE_FAILURES */
	int      login_backoff_max_s;      /* NETDEP_LOGIN_BACKOFF_MAX_S */
	int      login_challenge_failures; /* NETDEP_LOGIN_CHALLENGE_FAILURES */
	int      login_source_free;        /* NETDEP_LOGIN_SOURCE_FREE */
	int      reg_source_free;          /* NETDEP_REG_SOURCE_FREE */
	int      reg_source_max;           /* NETDEP_REG_SOURCE_MAX */
	int      reg_global_max;           /* NETDEP_REG_GLOBAL_MAX */
	int      pow_max_number;           /* NETDEP_POW_MAX_NUMBER */
	unsigned hash_slots;               /* NETDEP_HASH_SLOTS */
	unsigned hash_wait_ms;             /* NETDEP_HASH_WAIT_MS */
	unsigned password_ops;             /* NETDEP_PASSWORD_OPS */
	unsigned password_mem_kb;          /* NETDEP_PASSWORD_MEM_KB */
	int      session_idle_hours;       /* NETDEP_SESSION_IDLE_HOURS */
	int      secure_cookie;            /* derived: site URL is https */
	/* Media storage (issue 18, README "Media storage"): NETDEP_STORAGE
	 * "local" (the media root) or "s3" (an S3-compatible service; the
	 * media root then keeps only tmp/).  s3_secret is read from the file
	 * NETDEP_S3_SECRET_FILE at load and never printed. */
	const char *storage;
	int         storage_s3; /* derived: storage is "s3" */
	const char *s3_endpoint, *s3_region, *s3_bucket, *s3_public_bucket;
	const char *s3_key_id, *s3_secret_file;
	char       *s3_secret;
	int         s3_path_style;
	int         s3_timeout_ms;
};

/*
 * Fills cfg: defaults, then the file named by NETDEP_CONFIG (lines
 * NETDEP_KEY=value; '#' starts a comment), then the environment, which
 * wins.  Every value is checked against its key's range.  Returns 0, or
 * -1 after printing to stderr which key is wrong, where, and what it may
 * be.  Strings point into the environment or into memory kept for the
 * life of the process.
 */
int config_load(struct config *cfg);

/*
 * Prints every key with its default and range, one per line (for
 * `netdep --config-keys` and the README).
 */
void config_print_keys(void);

/*
 * Prints the effective configuration as NETDEP_KEY=value lines (the
 * conninfo as "(set)": it may hold a password), for `netdep --config`:
 * netdep-ctl gives nginx the same body limits from it.
 */
void config_print(const struct config *cfg);

#endif
