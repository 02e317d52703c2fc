/*
 * test_config.c: cgi/config.c, the one reader of configuration.  Defaults,
 * a file named by NETDEP_CONFIG, the environment winning over the file,
 * and a bad value or an unknown key stopping the load with a message that
 * names the key.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

static char errbuf[4096];

/* config_load() with stderr captured into errbuf. */
static int
load_captured(struct config *cfg)
{
	char    path[] = "/tmp/netdep-config-err-XXXXXX";
	int     fd = mkstemp(path), saved = dup(2), rc;
	ssize_t n;

	unlink(path);
	fflush(stderr);
	dup2(fd, 2);
	rc = config_load(cfg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, errbuf, sizeof(errbuf) - 1);
	errbuf[n > 0 ? n : 0] = '\0';
	close(fd);
	return rc;
}

/* Writes text to a new temporary file and points NETDEP_CONFIG at it. */
static void
config_file(char *path, const char *text)
{
	int fd = mkstemp(path);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror("write");
		close(fd);
	}
	setenv("NETDEP_CONFIG", path, 1);
}

static void
test_defaults(void)
{
	struct config cfg;

	UNIT_CHECK(load_captured(&cfg) == 0, "defaults load: %s", errbuf);
	UNIT_CHECK(strcmp(cfg.db, "dbname=netdep") == 0 && !cfg.db_set,
	           "NETDEP_DB default");
	UNIT_CHECK(cfg.fold_ms == 200 && cfg.forensics_days == 180,
	           "folder defaults");
	UNIT_CHECK(cfg.decode_mem_mb == 512 && cfg.decode_cpu_sec == 10 &&
	               cfg.decode_wall_ms == 20000 &&
	               cfg.decode_wait_ms == 3000 && cfg.decode_slots >= 1,
	           "decode defaults");
	UNIT_CHECK(cfg.socket_mode == 0660 && cfg.workers >= 2 &&
	               cfg.max_json == 64u * 1024 &&
	               cfg.max_upload == 21u * 1024 * 1024 &&
	               cfg.pidfile == NULL,
	           "server defaults");
}

static void
test_file_and_environment(void)
{
	char          path[] = "/tmp/netdep-config-XXXXXX";
	struct config cfg;

	config_file(path, "# netdep\n"
	                  "NETDEP_FOLD_MS = 500\n"
	                  "\n"
	                  "NETDEP_DB=host=/srv/run dbname=x\n"
	                  "NETDEP_DECODE_SLOTS=3\n"
	                  "NETDEP_SOCKET_MODE=0600\n");
	UNIT_CHECK(load_captured(&cfg) == 0, "file loads: %s", errbuf);
	UNIT_CHECK(cfg.fold_ms == 500, "file sets a number (%d)", cfg.fold_ms);
	UNIT_CHECK(strcmp(cfg.db, "host=/srv/run dbname=x") == 0 && cfg.db_set,
	           "file sets text with '=' in it (%s)", cfg.db);
	UNIT_CHECK(cfg.decode_slots == 3 && cfg.socket_mode == 0600,
	           "file sets unsigned and octal");
	setenv("NETDEP_FOLD_MS", "1000", 1);
	UNIT_CHECK(load_captured(&cfg) == 0 && cfg.fold_ms == 1000,
	           "the environment wins over the file");
	setenv("NETDEP_FOLD_MS", "", 1);
	UNIT_CHECK(load_captured(&cfg) == 0 && cfg.fold_ms == 200,
	           "an empty value is the default");
	unsetenv("NETDEP_FOLD_MS");
	unlink(path);
	unsetenv("NETDEP_CONFIG");
}

static void
test_refusals(void)
{
	static const struct {
		const char *var, *val, *names;
	} bad[] = {
	    {"NETDEP_FOLD_MS", "10", "NETDEP_FOLD_MS"},
	    {"NETDEP_FORENSICS_DAYS", "0", "NETDEP_FORENSICS_DAYS"},
	    {"NETDEP_DECODE_MEM_MB", "lots", "NETDEP_DECODE_MEM_MB"},
	    {"NETDEP_DECODE_SLOTS", "65", "NETDEP_DECODE_SLOTS"},
	    {"NETDEP_WORKERS", "4x", "NETDEP_WORKERS"},
	    {"NETDEP_SOCKET_MODE", "0777", "NETDEP_SOCKET_MODE"},
	    {"NETDEP_SITE_URL", "ftp://x", "NETDEP_SITE_URL"},
	    /* The range as a person reads it: decimal, octal only for modes
	     * (it was printed in octal for every key). */
	    {"NETDEP_HASH_WAIT_MS", "0", "a number from 1 to 60000"},
	    {"NETDEP_SOCKET_MODE", "0700", "an octal number from 0600 to 0666"},
	    {"NETDEP_PASSWORD_MEM_KB", "4", "from 8 to 4194304"},
	};
	char          path[] = "/tmp/netdep-config-XXXXXX";
	struct config cfg;

	for (size_t i = 0; i < UNIT_NELEM(bad); i++) {
		setenv(bad[i].var, bad[i].val, 1);
		UNIT_CHECK(load_captured(&cfg) == -1 &&
		               strstr(errbuf, bad[i].names) != NULL,
		           "%s=%s refused naming the key: '%s'", bad[i].var,
		           bad[i].val, errbuf);
		unsetenv(bad[i].var);
	}
	config_file(path, "NETDEP_FOLD_MS=300\nNETDEP_FOLDMS=300\n");
	UNIT_CHECK(load_captured(&cfg) == -1 &&
	               strstr(errbuf, "unknown key NETDEP_FOLDMS") != NULL &&
	               strstr(errbuf, ":2:") != NULL,
	           "an unknown key in the file is refused with its line: '%s'",
	           errbuf);
	unlink(path);
	memcpy(path, "/tmp/netdep-config-XXXXXX", sizeof(path));
	config_file(path, "NETDEP_FOLD_MS\n");
	UNIT_CHECK(load_captured(&cfg) == -1 &&
	               strstr(errbuf, "NETDEP_KEY=value") != NULL,
	           "a line without '=' is refused: '%s'", errbuf);
	unlink(path);
	setenv("NETDEP_CONFIG", "/nonexistent/netdep.conf", 1);
	UNIT_CHECK(load_captured(&cfg) == -1 &&
	               strstr(errbuf, "NETDEP_CONFIG") != NULL,
	           "a missing file is refused: '%s'", errbuf);
	unsetenv("NETDEP_CONFIG");
}

static void
test_retired_and_print(void)
{
	char          path[] = "/tmp/netdep-config-XXXXXX";
	char          out[] = "/tmp/netdep-config-out-XXXXXX";
	char          buf[4096];
	struct config cfg;
	int           fd, saved;
	ssize_t       n;

	setenv("NETDEP_MAX_BODY", "1048576", 1);
	UNIT_CHECK(
	    load_captured(&cfg) == -1 &&
	        strstr(errbuf, "NETDEP_MAX_JSON and NETDEP_MAX_UPLOAD") != NULL,
	    "a retired key in the environment is refused: '%s'", errbuf);
	unsetenv("NETDEP_MAX_BODY");
	config_file(path, "NETDEP_MAX_BODY=1048576\n");
	UNIT_CHECK(load_captured(&cfg) == -1 &&
	               strstr(errbuf, "no longer read") != NULL,
	           "a retired key in the file is refused: '%s'", errbuf);
	unlink(path);
	unsetenv("NETDEP_CONFIG");

	setenv("NETDEP_DB", "host=/x password=secret", 1);
	setenv("NETDEP_MAX_JSON", "131072", 1);
	UNIT_CHECK(config_load(&cfg) == 0, "loads");
	fd = mkstemp(out);
	saved = dup(1);
	fflush(stdout);
	dup2(fd, 1);
	config_print(&cfg);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(out);
	UNIT_CHECK(strstr(buf, "NETDEP_MAX_JSON=131072\n") != NULL &&
	               strstr(buf, "NETDEP_MAX_UPLOAD=22020096\n") != NULL &&
	               strstr(buf, "NETDEP_SOCKET_MODE=0660\n") != NULL,
	           "config_print shows the values in force");
	UNIT_CHECK(strstr(buf, "secret") == NULL &&
	               strstr(buf, "NETDEP_DB=(set)\n") != NULL,
	           "config_print never prints the conninfo");
	unsetenv("NETDEP_DB");
	unsetenv("NETDEP_MAX_JSON");
}

/* NETDEP_STORAGE=s3 (issue 18): the keys must be whole, the names sane,
 * the secret read from its file and never printed. */
static void
test_storage_s3(void)
{
	static const struct {
		const char *var, *val;
	} bad[] = {
	    {"NETDEP_STORAGE", "nfs"},
	    {"NETDEP_S3_ENDPOINT", "ftp://s3.example"},
	    {"NETDEP_S3_ENDPOINT", "http://h/x;y"},
	    {"NETDEP_S3_BUCKET", "Bad_Bucket"},
	    {"NETDEP_S3_PUBLIC_BUCKET", "x"},
	    {"NETDEP_S3_ACCESS_KEY_ID", "a b"},
	    {"NETDEP_S3_PATH_STYLE", "2"},
	};
	char          path[] = "/tmp/netdep-s3secret-XXXXXX";
	int           fd = mkstemp(path);
	struct config cfg;
	char          buf[16384];
	FILE         *out;

	UNIT_CHECK(fd >= 0 && write(fd, "s3cr3t/Key+x\n", 13) == 13,
	           "secret file written");
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < UNIT_NELEM(bad); i++) {
		setenv(bad[i].var, bad[i].val, 1);
		UNIT_CHECK(load_captured(&cfg) == -1 &&
		               strstr(errbuf, bad[i].var) != NULL,
		           "%s=%s refused: '%s'", bad[i].var, bad[i].val,
		           errbuf);
		unsetenv(bad[i].var);
	}
	setenv("NETDEP_STORAGE", "s3", 1);
	UNIT_CHECK(load_captured(&cfg) == -1 &&
	               strstr(errbuf, "NETDEP_S3_ENDPOINT") != NULL,
	           "s3 without its settings refused: '%s'", errbuf);
	setenv("NETDEP_S3_ENDPOINT", "http://127.0.0.1:4568", 1);
	setenv("NETDEP_S3_BUCKET", "netdep-priv", 1);
	setenv("NETDEP_S3_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
	setenv("NETDEP_S3_SECRET_FILE", "/nonexistent/secret", 1);
	UNIT_CHECK(load_captured(&cfg) == -1 &&
	               strstr(errbuf, "NETDEP_S3_SECRET_FILE") != NULL,
	           "an unreadable secret file refused: '%s'", errbuf);
	setenv("NETDEP_S3_SECRET_FILE", path, 1);
	UNIT_CHECK(load_captured(&cfg) == 0 && cfg.storage_s3 == 1 &&
	               cfg.s3_secret != NULL &&
	               strcmp(cfg.s3_secret, "s3cr3t/Key+x") == 0 &&
	               strcmp(cfg.s3_public_bucket, "netdep-priv") == 0,
	           "s3 loads; the secret read; the public bucket defaults to "
	           "the private one: '%s'",
	           errbuf);
	out = fmemopen(buf, sizeof(buf), "w");
	if (out != NULL) {
		FILE *save = stdout;

		stdout = out;
		config_print(&cfg);
		stdout = save;
		fclose(out);
		UNIT_CHECK(strstr(buf, "s3cr3t") == NULL &&
		               strstr(buf, "NETDEP_STORAGE=s3\n") != NULL,
		           "config_print never prints the secret");
	}
	free(cfg.s3_secret);
	unsetenv("NETDEP_STORAGE");
	unsetenv("NETDEP_S3_ENDPOINT");
	unsetenv("NETDEP_S3_BUCKET");
	unsetenv("NETDEP_S3_ACCESS_KEY_ID");
	unsetenv("NETDEP_S3_SECRET_FILE");
	unlink(path);
}

int
main(void)
{
	test_defaults();
	test_storage_s3();
	test_file_and_environment();
	test_refusals();
	test_retired_and_print();
	return unit_report();
}
