/*
 * config.c: the one place that reads configuration.  A table names every
 * key with its type, range and default; a file (NETDEP_CONFIG) and then
 * the environment override the defaults; any malformed value, or an
 * unknown key in the file, stops the program at start with a message
 * naming the key, instead of a surprise at 2 a.m.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define CONFIG_MAX_WORKERS 256
/*
 * Workers per online CPU by default.  A worker spends most of a vote
 * waiting for its batch's commit (vote_writer.h), and a batch holds at
 * most as many votes as there are workers, so workers are many: 2 per
 * core capped a batch at 4 votes (1,100 votes/s on 2 cores), 16 per core
 * let batches share one commit among tens (README, the vote writer).
 * Uploads do not grow with them: decoding and password hashing take
 * machine-wide slots (slots.h).
 */
#define CONFIG_WORKERS_PER_CPU 16
#define CONFIG_MAX_SLOTS       64
#define CONFIG_LINE_MAX        4096

enum config_kind {
	CK_STR, /* CK_STR: text, any value */
	CK_INT, /* CK_INT: decimal integer in [min, max] */
	CK_OCT, /* CK_OCT: octal integer in [min, max] */
	CK__MAX
};

/* What the default of a key depends on, when it is not a constant. */
enum config_dyn {
	CD_NONE,    /* CD_NONE: def / sdef */
	CD_WORKERS, /* CD_WORKERS: CONFIG_WORKERS_PER_CPU per online CPU */
	CD_CPUS,    /* CD_CPUS: online CPUs */
};

/* The C type of the field a number lands in. */
enum config_width {
	CW_INT,  /* CW_INT */
	CW_UINT, /* CW_UINT */
	CW_SIZE, /* CW_SIZE */
};

struct config_key {
	const char       *name;
	enum config_kind  kind;
	size_t            off; /* where it lands in struct config */
	enum config_width width;
	long              min, max, def;
	const char       *sdef; /* CK_STR default (NULL: unset) */
	enum config_dyn   dyn;
	const char       *help;
	/* CK_STR: NULL when v is acceptable, else what it must be. */
	const char *(*check)(const char *v);
};

#define KEY_NUM(n, w, f, lo, hi, d, h)                                         \
	{                                                                      \
		n, CK_INT, offsetof(struct config, f), w, lo, hi, d, NULL,     \
		    CD_NONE, h, NULL                                           \
	}
#define KEY_INT(n, f, lo, hi, d, h)  KEY_NUM(n, CW_INT, f, lo, hi, d, h)
#define KEY_UINT(n, f, lo, hi, d, h) KEY_NUM(n, CW_UINT, f, lo, hi, d, h)
#define KEY_STR(n, f, d, h)                                                    \
	{                                                                      \
		n, CK_STR, offsetof(struct config, f), CW_INT, 0, 0, 0, d,     \
		    CD_NONE, h, NULL                                           \
	}
#define KEY_CHECKED(n, f, d, c, h)                                             \
	{                                                                      \
		n, CK_STR, offsetof(struct config, f), CW_INT, 0, 0, 0, d,     \
		    CD_NONE, h, c                                              \
	}

/*
 * A list of CIDR blocks (IPv4 or IPv6, "/bits" optional), separated by
 * commas or spaces; nginx's set_real_ip_from gets them one by one, so
 * only the forms both it and inet_pton take are accepted.
 */
static const char *
check_cidrs(const char *v)
{
	static const char what[] =
	    "a list of addresses or CIDR blocks separated by commas, such as "
	    "\"10.0.0.0/8, 2001:db8::/32\"";
	char          one[INET6_ADDRSTRLEN + 8];
	unsigned char bin[sizeof(struct in6_addr)];
	const char   *p = v;

	while (*p != '\0') {
		size_t      n = strcspn(p, ", \t");
		const char *slash;
		int         fam, bits = -1;

		if (n == 0) {
			p++;
			continue;
		}
		if (n >= sizeof(one))
			return what;
		memcpy(one, p, n);
		one[n] = '\0';
		p += n;
		if ((slash = strchr(one, '/')) != NULL) {
			char *end;
			long  b;

			errno = 0;
			b = strtol(slash + 1, &end, 10);
			if (slash[1] == '\0' || *end != '\0' || b < 0 ||
			    b > 128)
				return what;
			bits = (int)b;
			one[slash - one] = '\0';
		}
		fam = strchr(one, ':') != NULL ? AF_INET6 : AF_INET;
		if (inet_pton(fam, one, bin) != 1 ||
		    bits > (fam == AF_INET ? 32 : 128))
			return what;
	}
	return NULL;
}

/* An nginx limit_req rate: a positive number of requests per s or m. */
static const char *
check_rate(const char *v)
{
	size_t n = strspn(v, "0123456789");

	if (n == 0 || n > 6 || v[0] == '0' ||
	    (strcmp(v + n, "r/s") != 0 && strcmp(v + n, "r/m") != 0))
		return "a rate such as 20r/s or 300r/m";
	return NULL;
}

/* The media backend (README, Media storage). */
static const char *
check_storage(const char *v)
{
	if (strcmp(v, "local") != 0 && strcmp(v, "s3") != 0)
		return "local or s3";
	return NULL;
}

/* An S3 endpoint: http:// or https://, a host and an optional port, no
 * path (the bucket goes after it, or before the host). */
static const char *
check_endpoint(const char *v)
{
	static const char what[] =
	    "an http:// or https:// URL of the S3 service without a path, "
	    "such as https://s3.ap-southeast-1.amazonaws.com";
	const char *h = strncmp(v, "https://", 8) == 0  ? v + 8
	                : strncmp(v, "http://", 7) == 0 ? v + 7
	                                                : NULL;

	if (h == NULL || *h == '\0' ||
	    h[strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                "0123456789.-:[]")] != '\0')
		return what;
	return NULL;
}

/* An S3 bucket name: 3 to 63 of [a-z0-9.-], starting and ending with a
 * letter or digit (nginx's proxy_pass and the keys take it verbatim). */
static const char *
check_bucket(const char *v)
{
	size_t n = strlen(v);

	if (n < 3 || n > 63 ||
	    v[strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789.-")] != '\0' ||
	    v[0] == '.' || v[0] == '-' || v[n - 1] == '.' || v[n - 1] == '-')
		return "an S3 bucket name: 3 to 63 lowercase letters, digits, "
		       "dots and hyphens";
	return NULL;
}

/* A region or access key id: printable, no space (they go into the
 * signature's scope and curl's user:password). */
static const char *
check_token_text(const char *v)
{
	for (const char *p = v; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~' || *p == ':')
			return "letters, digits and punctuation without spaces "
			       "or ':'";
	return NULL;
}

static const struct config_key keys[] = {
    KEY_STR("NETDEP_DB", db, "dbname=netdep",
            "libpq conninfo of the application role; never logged"),
    /* Read replicas (README, Several machines). */
    KEY_STR("NETDEP_DB_READ", db_read, "",
            "libpq conninfo (multi-host) for reads that may be a little "
            "stale, e.g. target_session_attrs=prefer-standby; \"\" = "
            "every read on NETDEP_DB; never logged"),
    KEY_INT("NETDEP_READ_MAX_LAG_MS", read_max_lag_ms, 0, 3600000, 2000,
            "a standby lagging more than this is not read from"),
    KEY_STR("NETDEP_SOCKET", socket, "var/run/netdep.sock",
            "FastCGI unix socket the master opens"),
    {"NETDEP_SOCKET_MODE", CK_OCT, offsetof(struct config, socket_mode),
     CW_UINT, 0600, 0666, 0660, NULL, CD_NONE,
     "permissions of the socket (octal)", NULL},
    KEY_STR("NETDEP_MEDIA", media, "var/media",
            "media root; tmp/ orig/ priv/ pub/ are made in it"),
    KEY_STR("NETDEP_SITE_URL", site_url, "http://127.0.0.1:8080",
            "public URL; https:// makes cookies Secure"),
    KEY_STR("NETDEP_PIDFILE", pidfile, NULL,
            "where the master writes its pid (none by default)"),
    {"NETDEP_WORKERS", CK_INT, offsetof(struct config, workers), CW_INT, 1,
     CONFIG_MAX_WORKERS, 0, NULL, CD_WORKERS,
     "worker processes (default: 16 per CPU core)", NULL},
    KEY_INT("NETDEP_WORKER_NICE", worker_nice, 0, 19, 5,
            "how much nicer than the master the workers run, so the vote "
            "writer, PostgreSQL and nginx go first"),
    {"NETDEP_MAX_JSON", CK_INT, offsetof(struct config, max_json), CW_SIZE,
     1024, 4L * 1024 * 1024, 64L * 1024, NULL, CD_NONE,
     "largest body of every route but the upload, bytes (nginx too)", NULL},
    {"NETDEP_MAX_UPLOAD", CK_INT, offsetof(struct config, max_upload), CW_SIZE,
     64L * 1024, 256L * 1024 * 1024, 21L * 1024 * 1024, NULL, CD_NONE,
     "largest body of the upload route, bytes (nginx too)", NULL},
    KEY_INT("NETDEP_SESSION_DAYS", session_days, 1, 365, 30,
            "session lifetime, days"),
    KEY_INT("NETDEP_BOARD_CACHE_MS", board_cache_ms, 0, 60000, 1000,
            "longest a worker keeps a leaderboard it served; 0 = off"),
    KEY_INT("NETDEP_BOARD_HOLD_MS", board_hold_ms, 0, 1000, 300,
            "a kept board younger than this is served after a change"),
    KEY_INT("NETDEP_VOTE_BATCH", vote_batch, 0, 1000, 128,
            "most votes the vote writer casts in one transaction (0: "
            "none, each worker casts its own)"),
    KEY_INT("NETDEP_FOLD_MS", fold_ms, 50, 5000, 200,
            "how often the folder folds queued vote counts"),
    KEY_INT("NETDEP_FORENSICS_DAYS", forensics_days, 1, 3650, 180,
            "days a vote's address and user-agent hash are kept"),
    KEY_INT("NETDEP_MEDIA_RETENTION_DAYS", retention_days, 1, 3650, 30,
            "days the files of a rejected or withdrawn entry are kept"),
    KEY_INT("NETDEP_UPLOAD_DAILY_QUOTA", upload_quota, 1, 10000, 20,
            "photos one account may store per Vietnam day"),
    {"NETDEP_DECODE_SLOTS", CK_INT, offsetof(struct config, decode_slots),
     CW_UINT, 1, CONFIG_MAX_SLOTS, 0, NULL, CD_CPUS,
     "photos decoded at once on this machine (default: online CPUs)", NULL},
    KEY_UINT("NETDEP_DECODE_MEM_MB", decode_mem_mb, 1, 1L << 20, 512,
             "address space a decode child may add, MiB"),
    KEY_UINT("NETDEP_DECODE_CPU_SEC", decode_cpu_sec, 1, 3600, 10,
             "CPU seconds of a decode child"),
    KEY_UINT("NETDEP_DECODE_WALL_MS", decode_wall_ms, 1, 3600000, 20000,
             "wall-clock limit of a decode child"),
    KEY_UINT("NETDEP_DECODE_WAIT_MS", decode_wait_ms, 1, 600000, 3000,
             "how long an upload waits for a decode slot, then 503"),
    /* Who the client is (README, Security). */
    KEY_CHECKED("NETDEP_TRUSTED_PROXIES", trusted_proxies, "", check_cidrs,
                "proxies whose X-Forwarded-For nginx believes (CIDR list; "
                "none by default)"),
    /* Operations (README, Metrics and Logs). */
    KEY_CHECKED("NETDEP_METRICS_ALLOW", metrics_allow, "127.0.0.0/8, ::1",
                check_cidrs,
                "client addresses that may read /metrics and "
                "/nginx_status (CIDR list; loopback by default)"),
    KEY_STR("NETDEP_LOG", log, NULL,
            "the server's log file, reopened on SIGUSR1 (default: "
            "stderr)"),
    /* nginx's vote rate limits (SPEC 4), per address and per session. */
    KEY_CHECKED("NETDEP_VOTE_RATE_IP", vote_rate_ip, "20r/s", check_rate,
                "votes per client address (nginx limit_req rate)"),
    KEY_INT("NETDEP_VOTE_BURST_IP", vote_burst_ip, 0, 100000, 200,
            "burst of votes per client address"),
    KEY_CHECKED("NETDEP_VOTE_RATE_SESSION", vote_rate_session, "5r/s",
                check_rate, "votes per session (nginx limit_req rate)"),
    KEY_INT("NETDEP_VOTE_BURST_SESSION", vote_burst_session, 0, 100000, 150,
            "burst of votes per session"),
    KEY_CHECKED("NETDEP_AUTH_RATE_IP", auth_rate_ip, "5r/s", check_rate,
                "log-in and registration POSTs per client address (nginx)"),
    KEY_INT("NETDEP_AUTH_BURST_IP", auth_burst_ip, 0, 100000, 100,
            "burst of those per client address"),
    KEY_INT("NETDEP_CONN_PER_IP", conn_per_ip, 1, 100000, 256,
            "requests one client address may have in flight (nginx)"),
    /* Log-in and registration brakes (README, Security). */
    KEY_INT("NETDEP_LOGIN_FREE_FAILURES", login_free_failures, 1, 100, 5,
            "failed log-ins of one account from one address before the "
            "back-off starts"),
    KEY_INT("NETDEP_LOGIN_BACKOFF_MAX_S", login_backoff_max_s, 1, 86400, 300,
            "longest back-off after failed log-ins, seconds"),
    KEY_INT("NETDEP_LOGIN_CHALLENGE_FAILURES", login_challenge_failures, 1,
            100000, 20,
            "failed log-ins of one account in an hour, from anywhere, "
            "after which every log-in to it needs a proof of work"),
    KEY_INT("NETDEP_LOGIN_SOURCE_FREE", login_source_free, 1, 1000000, 100,
            "log-in attempts per client address in 10 minutes before "
            "a proof of work is asked"),
    KEY_INT("NETDEP_REG_SOURCE_FREE", reg_source_free, 0, 1000000, 20,
            "registrations per /24 (IPv6 /48) in an hour before a proof "
            "of work is asked"),
    KEY_INT("NETDEP_REG_SOURCE_MAX", reg_source_max, 1, 1000000, 200,
            "registrations per /24 (IPv6 /48) in an hour, then 429"),
    KEY_INT("NETDEP_REG_GLOBAL_MAX", reg_global_max, 1, 1000000, 600,
            "registrations on the whole site in a minute, then 429"),
    KEY_INT("NETDEP_POW_MAX_NUMBER", pow_max_number, 1000, 100000000, 100000,
            "proof-of-work difficulty: the largest number a challenge "
            "hides (half of it is tried on average)"),
    {"NETDEP_HASH_SLOTS", CK_INT, offsetof(struct config, hash_slots), CW_UINT,
     1, CONFIG_MAX_SLOTS, 0, NULL, CD_CPUS,
     "password hashes computed at once on this machine, 64 MiB each "
     "(default: online CPUs)",
     NULL},
    KEY_UINT("NETDEP_HASH_WAIT_MS", hash_wait_ms, 1, 60000, 500,
             "how long a log-in waits for a hash slot, then 503"),
    KEY_UINT("NETDEP_PASSWORD_OPS", password_ops, 1, 20, 2,
             "argon2id passes of a new password hash (libsodium's "
             "interactive level: 2); stored hashes keep their own"),
    KEY_UINT("NETDEP_PASSWORD_MEM_KB", password_mem_kb, 8, 4194304, 65536,
             "argon2id memory of a new password hash in KiB (interactive: "
             "65536); only throwaway test stacks go lower"),
    KEY_INT("NETDEP_SESSION_IDLE_HOURS", session_idle_hours, 1, 8760, 72,
            "a session unused this long ends"),
    /* Media storage (README, Media storage; issue 18). */
    KEY_CHECKED("NETDEP_STORAGE", storage, "local", check_storage,
                "where photos are kept: local (NETDEP_MEDIA) or s3"),
    KEY_CHECKED("NETDEP_S3_ENDPOINT", s3_endpoint, "", check_endpoint,
                "the S3-compatible service's URL (storage s3)"),
    KEY_CHECKED("NETDEP_S3_REGION", s3_region, "us-east-1", check_token_text,
                "the region signatures are made for"),
    KEY_CHECKED("NETDEP_S3_BUCKET", s3_bucket, "", check_bucket,
                "the private bucket: originals (orig/) and derivatives "
                "not approved (priv/)"),
    KEY_CHECKED("NETDEP_S3_PUBLIC_BUCKET", s3_public_bucket, "", check_bucket,
                "the bucket of approved derivatives (pub/), readable by "
                "nginx; \"\" = NETDEP_S3_BUCKET (then only pub/ may be "
                "public)"),
    KEY_CHECKED("NETDEP_S3_ACCESS_KEY_ID", s3_key_id, "", check_token_text,
                "the access key id"),
    KEY_STR("NETDEP_S3_SECRET_FILE", s3_secret_file, "",
            "a file holding the secret access key (read at start, never "
            "printed)"),
    KEY_INT("NETDEP_S3_PATH_STYLE", s3_path_style, 0, 1, 1,
            "1: ENDPOINT/BUCKET/KEY (MinIO, s3rver); 0: "
            "BUCKET.HOST/KEY (AWS)"),
    KEY_INT("NETDEP_S3_TIMEOUT_MS", s3_timeout_ms, 100, 600000, 30000,
            "longest one S3 request may take, then the upload is 503"),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Keys that no longer exist, and what to set instead: refused, so an
 * operator's old setting is not silently ignored. */
static const struct {
	const char *name, *instead;
} retired[] = {
    {"NETDEP_MAX_BODY", "NETDEP_MAX_JSON and NETDEP_MAX_UPLOAD"},
};

/* 1 after saying so when name (len bytes) is a retired key. */
static int
key_retired(const char *name, size_t len, const char *where)
{
	for (size_t i = 0; i < sizeof(retired) / sizeof(retired[0]); i++)
		if (strlen(retired[i].name) == len &&
		    strncmp(retired[i].name, name, len) == 0) {
			fprintf(stderr,
			        "netdep: %s (%s) is no longer read: set %s "
			        "instead\n",
			        retired[i].name, where, retired[i].instead);
			return 1;
		}
	return 0;
}

static const struct config_key *
key_find(const char *name, size_t len)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strlen(keys[i].name) == len &&
		    strncmp(keys[i].name, name, len) == 0)
			return &keys[i];
	return NULL;
}

/* Stores n into the field of k, whatever its integer type. */
static void
key_store_int(struct config *cfg, const struct config_key *k, long n)
{
	void *p = (char *)cfg + k->off;

	switch (k->width) {
	case CW_SIZE:
		*(size_t *)p = (size_t)n;
		break;
	case CW_UINT:
		*(unsigned *)p = (unsigned)n;
		break;
	default:
		*(int *)p = (int)n;
		break;
	}
}

static long
key_default(const struct config_key *k)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (ncpu < 1)
		ncpu = 1;
	switch (k->dyn) {
	case CD_WORKERS:
		return CONFIG_WORKERS_PER_CPU * ncpu < k->max
		           ? CONFIG_WORKERS_PER_CPU * ncpu
		           : k->max;
	case CD_CPUS:
		return ncpu < k->max ? ncpu : k->max;
	default:
		return k->def;
	}
}

/*
 * Sets key k from the text v; where says where v came from ("the
 * environment" or "file:line").  Returns 0 or -1 after saying why.
 */
static int
key_set(struct config *cfg, const struct config_key *k, const char *v,
        const char *where)
{
	char *end;
	long  n;

	if (k->kind == CK_STR) {
		const char *why;

		if (*v != '\0' && k->check != NULL &&
		    (why = k->check(v)) != NULL) {
			fprintf(stderr,
			        "netdep: %s (%s) must be %s, not \"%s\"\n",
			        k->name, where, why, v);
			return -1;
		}
		*(const char **)(void *)((char *)cfg + k->off) =
		    *v != '\0' ? v : k->sdef;
		if (k->off == offsetof(struct config, db))
			cfg->db_set = *v != '\0';
		return 0;
	}
	if (*v == '\0') { /* empty: the default, as if unset */
		key_store_int(cfg, k, key_default(k));
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, k->kind == CK_OCT ? 8 : 10);
	if (errno != 0 || end == v || *end != '\0' || n < k->min ||
	    n > k->max) {
		if (k->kind == CK_OCT)
			fprintf(stderr,
			        "netdep: %s (%s) must be an octal number from "
			        "0%lo to 0%lo, not \"%s\"\n",
			        k->name, where, (unsigned long)k->min,
			        (unsigned long)k->max, v);
		else
			fprintf(stderr,
			        "netdep: %s (%s) must be a number from %ld to "
			        "%ld, not \"%s\"\n",
			        k->name, where, k->min, k->max, v);
		return -1;
	}
	key_store_int(cfg, k, n);
	return 0;
}

/* Trims ASCII white space at both ends of s, in place. */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	                 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Applies one line of the file; 0, or -1 after saying why. */
/*
 * The values read from the file, kept while their configuration is in
 * use: a process loads it once; a new config_load() (the tests load many)
 * replaces the previous one and frees what its file gave.
 */
struct kept {
	struct kept *next;
	char         s[];
};
static struct kept *kept_list;

static const char *
file_keep(const char *val)
{
	size_t       n = strlen(val) + 1;
	struct kept *k = malloc(sizeof(*k) + n);

	if (k == NULL)
		return NULL;
	memcpy(k->s, val, n);
	k->next = kept_list;
	kept_list = k;
	return k->s;
}

static void
file_forget(void)
{
	while (kept_list != NULL) {
		struct kept *next = kept_list->next;

		free(kept_list);
		kept_list = next;
	}
}

static int
file_line(struct config *cfg, const char *path, int lineno, char *line)
{
	const struct config_key *k;
	char                     where[512];
	char                    *eq, *name, *val;
	const char              *keep;

	line = trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	snprintf(where, sizeof(where), "%s:%d", path, lineno);
	if ((eq = strchr(line, '=')) == NULL) {
		fprintf(stderr, "netdep: %s: expected NETDEP_KEY=value\n",
		        where);
		return -1;
	}
	*eq = '\0';
	name = trim(line);
	val = trim(eq + 1);
	if (key_retired(name, strlen(name), where))
		return -1;
	if ((k = key_find(name, strlen(name))) == NULL) {
		fprintf(stderr,
		        "netdep: %s: unknown key %s (netdep --config-keys "
		        "lists them)\n",
		        where, name);
		return -1;
	}
	if ((keep = file_keep(val)) == NULL) {
		fprintf(stderr, "netdep: out of memory reading %s\n", where);
		return -1;
	}
	return key_set(cfg, k, keep, where);
}

static int
file_load(struct config *cfg, const char *path)
{
	char  line[CONFIG_LINE_MAX];
	FILE *f = fopen(path, "r");
	int   lineno = 0, rc = 0;

	if (f == NULL) {
		fprintf(stderr, "netdep: NETDEP_CONFIG: cannot read %s: %s\n",
		        path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fprintf(stderr, "netdep: %s:%d: line too long\n", path,
			        lineno);
			rc = -1;
		} else
			rc = file_line(cfg, path, lineno, line);
	}
	fclose(f);
	return rc;
}

/*
 * The S3 settings must be whole when NETDEP_STORAGE is s3: the endpoint,
 * the bucket, the key id and a readable secret file (its first line).
 * Returns 0 or -1 after saying what is missing.
 */
static int
storage_load(struct config *cfg)
{
	char  line[512];
	FILE *f;

	cfg->storage_s3 = strcmp(cfg->storage, "s3") == 0;
	if (!cfg->storage_s3)
		return 0;
	if (*cfg->s3_endpoint == '\0' || *cfg->s3_bucket == '\0' ||
	    *cfg->s3_key_id == '\0' || *cfg->s3_secret_file == '\0') {
		fprintf(stderr,
		        "netdep: NETDEP_STORAGE=s3 needs NETDEP_S3_ENDPOINT, "
		        "NETDEP_S3_BUCKET, NETDEP_S3_ACCESS_KEY_ID and "
		        "NETDEP_S3_SECRET_FILE\n");
		return -1;
	}
	if (*cfg->s3_public_bucket == '\0')
		cfg->s3_public_bucket = cfg->s3_bucket;
	if ((f = fopen(cfg->s3_secret_file, "r")) == NULL) {
		fprintf(stderr,
		        "netdep: NETDEP_S3_SECRET_FILE: cannot read %s: %s\n",
		        cfg->s3_secret_file, strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	for (size_t i = 0; line[i] != '\0'; i++)
		if (line[i] <= ' ' || line[i] > '~')
			line[0] = '\0';
	if (line[0] == '\0') {
		fprintf(
		    stderr,
		    "netdep: NETDEP_S3_SECRET_FILE: %s must hold the secret "
		    "key on its first line\n",
		    cfg->s3_secret_file);
		return -1;
	}
	if ((cfg->s3_secret = strdup(line)) == NULL) {
		fprintf(stderr, "netdep: out of memory\n");
		return -1;
	}
	return 0;
}

int
config_load(struct config *cfg)
{
	const char *file = getenv("NETDEP_CONFIG");

	file_forget();
	memset(cfg, 0, sizeof(*cfg)); /* cfg may be uninitialised */
	for (size_t i = 0; i < NKEYS; i++)
		if (key_set(cfg, &keys[i], "", "default") != 0)
			return -1;
	if (file != NULL && *file != '\0' && file_load(cfg, file) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(retired) / sizeof(retired[0]); i++) {
		const char *v = getenv(retired[i].name);

		if (v != NULL && *v != '\0' &&
		    key_retired(retired[i].name, strlen(retired[i].name),
		                "environment"))
			return -1;
	}
	for (size_t i = 0; i < NKEYS; i++) {
		const char *v = getenv(keys[i].name);

		if (v != NULL && key_set(cfg, &keys[i], v, "environment") != 0)
			return -1;
	}
	if (storage_load(cfg) != 0)
		return -1;
	if (strncasecmp(cfg->site_url, "https://", 8) == 0)
		cfg->secure_cookie = 1;
	else if (strncasecmp(cfg->site_url, "http://", 7) != 0) {
		fprintf(stderr, "netdep: NETDEP_SITE_URL must start with "
		                "http:// or https://\n");
		return -1;
	}
	return 0;
}

void
config_print_keys(void)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const struct config_key *k = &keys[i];

		if (k->kind == CK_STR)
			printf("%s\t%s\t-\t%s\n", k->name,
			       k->sdef ? k->sdef : "(none)", k->help);
		else if (k->dyn != CD_NONE)
			printf("%s\t(%ld here)\t%ld..%ld\t%s\n", k->name,
			       key_default(k), k->min, k->max, k->help);
		else if (k->kind == CK_OCT)
			printf("%s\t0%lo\t0%lo..0%lo\t%s\n", k->name,
			       (unsigned long)k->def, (unsigned long)k->min,
			       (unsigned long)k->max, k->help);
		else
			printf("%s\t%ld\t%ld..%ld\t%s\n", k->name, k->def,
			       k->min, k->max, k->help);
	}
}

void
config_print(const struct config *cfg)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const struct config_key *k = &keys[i];
		const void              *p = (const char *)cfg + k->off;

		if (k->kind == CK_STR) {
			const char *v = *(const char *const *)p;

			/* A conninfo may hold a password: never printed. */
			printf("%s=%s\n", k->name,
			       k->off == offsetof(struct config, db) ||
			               (k->off ==
			                    offsetof(struct config, db_read) &&
			                v != NULL && *v != '\0')
			           ? "(set)"
			       : v != NULL ? v
			                   : "");
		} else if (k->width == CW_SIZE)
			printf("%s=%zu\n", k->name, *(const size_t *)p);
		else if (k->width == CW_UINT)
			printf(k->kind == CK_OCT ? "%s=0%o\n" : "%s=%u\n",
			       k->name, *(const unsigned *)p);
		else
			printf("%s=%d\n", k->name, *(const int *)p);
	}
}
