/*
 * test_sandbox.c: tests of the decoder's sandbox (decode_sandbox_enter,
 * cgi/decode.c).  A child that entered it and then calls open(), openat,
 * socket(), execve(), fork(), kill() or maps executable memory dies of
 * SIGSYS, while one that only writes to its pipe exits normally; real
 * JPEG, PNG and WebP files from tests/data decode inside it to the same
 * bytes as in this process, share card text included (so the fonts were
 * loaded before the filter); and a sandboxed child holds no descriptor but
 * its pipe, has an empty environment (its strings wiped), no file writes,
 * no new descriptors, and runs with seccomp and no_new_privs on.
 */
#include <dirent.h>
#include <fcntl.h>
#include <gd.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "decode.h"
#include "image.h"
#include "store.h"
#include "unit.h"

#ifndef NETDEP_TESTDATA_DIR
#define NETDEP_TESTDATA_DIR "tests/data"
#endif

extern char **environ;

static char root[PATH_MAX];
static char testdata[1024];
static int  tmp_fd = -1;

/* ---- forbidden calls ---------------------------------------------------- */

static void
call_open(void)
{
	(void)open("/etc/passwd", O_RDONLY);
}

static void
call_open_raw(void)
{
	(void)syscall(SYS_open, "/etc/passwd", O_RDONLY);
}

static void
call_socket(void)
{
	(void)socket(AF_UNIX, SOCK_STREAM, 0);
}

static void
call_execve(void)
{
	char *const argv[] = {(char *)"/bin/true", NULL};
	char *const envp[] = {NULL};

	(void)execve("/bin/true", argv, envp);
}

static void
call_fork(void)
{
	if (fork() == 0)
		_exit(0); /* never reached: the parent dies in fork */
}

static void
call_kill(void)
{
	(void)kill(1, 0); /* signal 0: harmless if it got through */
}

static void
call_mmap_exec(void)
{
	(void)mmap(NULL, 4096, PROT_READ | PROT_EXEC,
	           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* prctl may only name a thread (dav1d's workers do). */
static void
call_prctl_dumpable(void)
{
	(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

static void
call_nothing(void)
{
}

static void
call_prctl_name(void)
{
	if (prctl(PR_SET_NAME, "unit-named", 0, 0, 0) != 0)
		_exit(5);
}

/*
 * Forks a child that enters the sandbox, says so on its pipe, calls fn,
 * and exits 0 if it survived.  Returns its wait status; *ready is 1 when
 * it reached fn (so a death is fn's, not the sandbox's entry).
 */
static int
sandboxed(void (*fn)(void), int *ready)
{
	int   p[2], ws = 0;
	char  c = 0;
	pid_t pid;

	*ready = 0;
	if (pipe(p) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		close(p[0]);
		if (decode_sandbox_enter(p[1]) != 0)
			_exit(3);
		if (write(p[1], "r", 1) != 1)
			_exit(4);
		fn();
		_exit(0);
	}
	close(p[1]);
	*ready = read(p[0], &c, 1) == 1 && c == 'r';
	close(p[0]);
	while (waitpid(pid, &ws, 0) < 0)
		;
	return ws;
}

static void
test_forbidden_calls(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} calls[] = {
	    {"open", call_open},
	    {"open (raw)", call_open_raw},
	    {"socket", call_socket},
	    {"execve", call_execve},
	    {"fork", call_fork},
	    {"kill", call_kill},
	    {"mmap PROT_EXEC", call_mmap_exec},
	    {"prctl PR_SET_DUMPABLE", call_prctl_dumpable},
	};
	int ready, ws;

	/* The control: entering the sandbox and writing is fine. */
	ws = sandboxed(call_nothing, &ready);
	UNIT_CHECK(ready, "control child entered the sandbox");
	UNIT_CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	           "control child exits 0 (status %#x)", (unsigned)ws);
	ws = sandboxed(call_prctl_name, &ready);
	UNIT_CHECK(ready && WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	           "prctl(PR_SET_NAME) is allowed (status %#x)", (unsigned)ws);
	for (size_t i = 0; i < UNIT_NELEM(calls); i++) {
		ws = sandboxed(calls[i].fn, &ready);
		UNIT_CHECK(ready, "%s: child entered the sandbox",
		           calls[i].name);
		UNIT_CHECK(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGSYS,
		           "%s kills the child with SIGSYS (status %#x)",
		           calls[i].name, (unsigned)ws);
	}
}

/* ---- real files decode inside it ----------------------------------------- */

static uint8_t *
slurp(const char *rel, size_t *len)
{
	char     path[2048];
	FILE    *f;
	uint8_t *b;
	long     n;

	snprintf(path, sizeof(path), "%s/%s", testdata, rel);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (b = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	*len = fread(b, 1, (size_t)n, f);
	fclose(f);
	return b;
}

/*
 * Runs first, while this process has never drawn a card: the fonts are
 * not in libgd's cache yet, so each child must load them itself before
 * its filter, or die (SIGSYS) or draw a card without text.
 */
static void
test_real_files(void)
{
	static const char *files[] = {
	    "libjpeg-turbo/testimages/testorig.jpg",
	    "exif-orientation/Portrait_6.jpg",
	    "libjpeg-turbo/testimages/testorig.png",
	    "pngsuite/png/basn6a08.png",
	    /* Interlaced: libpng warns on stderr, which must not fstat. */
	    "pngsuite/png/basi0g08.png",
	    "libwebp/test.webp",
	    "libwebp/lossless1.webp",
	    "libwebp/lossy_alpha1.webp",
	    /* libheif with libde265 (HEVC) and dav1d (AV1), grids too. */
	    "heif/plain.heic",
	    "heif/rot90.heic",
	    "heif/tenbit.heic",
	    "heif/grid.heic",
	    "heif/plain.avif",
	    "heif/alpha.avif",
	    "heif/tenbit.avif",
	    "heif/grid.avif",
	};
	struct image_card_text card = {.contest = "Nét đẹp đoàn viên 2026",
	                               .number = "12",
	                               .title = "Ảnh dự thi: Mùa hè xanh",
	                               .author = "Chi đoàn Phường 1",
	                               .host = "netdep.example.vn"};

	for (size_t i = 0; i < UNIT_NELEM(files); i++) {
		struct image_derivs a, b;
		struct image_info   info;
		enum image_result   why;
		enum decode_status  st;
		size_t              n = 0;
		uint8_t            *buf = slurp(files[i], &n);

		if (!UNIT_CHECK(buf != NULL, "cannot read %s/%s", testdata,
		                files[i]))
			continue;
		UNIT_CHECK(image_probe(buf, n, NULL, &info) == IMAGE_OK,
		           "%s: probe", files[i]);
		st = decode_derive(tmp_fd, "unit", buf, n, &info,
		                   IMAGE_DERIV_ALL, &card, &a, &why);
		UNIT_CHECK(st == DECODE_OK, "%s: sandboxed decode: %s (%s)",
		           files[i], decode_status_name(st),
		           image_result_message(why));
		if (st == DECODE_OK &&
		    UNIT_CHECK(image_derive_card(buf, n, &info, IMAGE_DERIV_ALL,
		                                 &card, &b) == IMAGE_OK,
		               "%s: in-process decode", files[i])) {
			for (int k = 0; k < IMAGE_DERIV__MAX; k++)
				UNIT_CHECK(a.blob[k].len > 0 &&
				               a.blob[k].len == b.blob[k].len &&
				               memcmp(a.blob[k].data,
				                      b.blob[k].data,
				                      a.blob[k].len) == 0,
				           "%s: derivative %d the same as in "
				           "process",
				           files[i], k);
			image_derivs_free(&b);
		}
		if (st == DECODE_OK)
			image_derivs_free(&a);
		free(buf);
	}
}

/* ---- what the child holds --------------------------------------------- */

/* Reads /proc/PID/NAME into buf (NUL-terminated); returns its length. */
static size_t
proc_read(pid_t pid, const char *name, char *buf, size_t cap)
{
	char   path[64];
	FILE  *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, name);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

/* The value of the line "Key:" of /proc/PID/status, or -1. */
static long
status_field(const char *status, const char *key)
{
	const char *p = strstr(status, key);

	return p != NULL ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* The "Max ..." line of /proc/PID/limits, e.g. "Max open files". */
static int
limit_is(const char *limits, const char *what, const char *soft)
{
	const char *p = strstr(limits, what);
	char        want[64];

	if (p == NULL)
		return 0;
	p += strlen(what);
	while (*p == ' ')
		p++;
	snprintf(want, sizeof(want), "%s ", soft);
	return strncmp(p, want, strlen(want)) == 0;
}

static void
test_child_holds_nothing(void)
{
	char           buf[16384], self[64];
	const char    *secret;
	int            p[2], extra_file, extra_sock, nfd = 0, other = 0;
	size_t         n;
	char           c = 0;
	pid_t          pid;
	DIR           *dir;
	struct dirent *e;

	/* What a worker holds: a secret in the environment, a file and a
	 * socket (its database connection, its FastCGI socket). */
	setenv("NETDEP_DB", "host=/run/x dbname=netdep password=hunter2", 1);
	secret = getenv("NETDEP_DB");
	extra_file = open("/dev/null", O_RDONLY);
	extra_sock = socket(AF_UNIX, SOCK_STREAM, 0);
	UNIT_CHECK(extra_file >= 0 && extra_sock >= 0, "extra descriptors");
	if (pipe(p) != 0)
		return;
	if ((pid = fork()) == 0) {
		char fill[4096];

		close(p[0]);
		if (decode_sandbox_enter(p[1]) != 0)
			_exit(3);
		/* Empty, and the string itself wiped, not just unlinked. */
		c = (environ == NULL || environ[0] == NULL) && secret[0] == '\0'
		        ? 'e'
		        : 'E';
		if (write(p[1], &c, 1) != 1)
			_exit(4);
		/* Block in write on the full pipe until killed. */
		memset(fill, 'x', sizeof(fill));
		for (;;)
			if (write(p[1], fill, sizeof(fill)) < 0)
				_exit(5);
	}
	close(p[1]);
	UNIT_CHECK(read(p[0], &c, 1) == 1, "child answered");
	UNIT_CHECK(c == 'e', "environment empty and wiped in the child ('%c')",
	           c);

	/* Its descriptors: the pipe's write end, nothing else. */
	snprintf(self, sizeof(self), "/proc/%ld/fd", (long)pid);
	if (UNIT_CHECK((dir = opendir(self)) != NULL, "open %s", self)) {
		while ((e = readdir(dir)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			nfd++;
			if (atol(e->d_name) != p[1])
				other = (int)atol(e->d_name);
		}
		closedir(dir);
	}
	UNIT_CHECK_INT(nfd, 1, "descriptors in the child");
	UNIT_CHECK(other == 0, "descriptor %d is not the pipe (%d)", other,
	           p[1]);

	/* The environment block it was started with is wiped too. */
	n = proc_read(pid, "environ", buf, sizeof(buf));
	for (size_t i = 0; i < n; i++)
		if (buf[i] != '\0') {
			UNIT_CHECK(0, "environ byte %zu is %#x", i,
			           (unsigned char)buf[i]);
			break;
		}

	n = proc_read(pid, "status", buf, sizeof(buf));
	UNIT_CHECK(n > 0, "read status");
	UNIT_CHECK_INT(status_field(buf, "\nSeccomp:"), 2,
	               "seccomp mode (2: filter)");
	UNIT_CHECK_INT(status_field(buf, "\nNoNewPrivs:"), 1, "no_new_privs");

	n = proc_read(pid, "limits", buf, sizeof(buf));
	UNIT_CHECK(n > 0, "read limits");
	UNIT_CHECK(limit_is(buf, "Max open files", "0"), "RLIMIT_NOFILE 0");
	UNIT_CHECK(limit_is(buf, "Max file size", "0"), "RLIMIT_FSIZE 0");
	UNIT_CHECK(limit_is(buf, "Max core file size", "0"), "RLIMIT_CORE 0");
	UNIT_CHECK(limit_is(buf, "Max cpu time", "10"), "RLIMIT_CPU 10 s");
	UNIT_CHECK(!limit_is(buf, "Max address space", "unlimited"),
	           "RLIMIT_AS set");

	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0)
		;
	close(p[0]);
	close(extra_file);
	close(extra_sock);
	/* The child wiped its copy, never the parent's. */
	UNIT_CHECK(strstr(secret, "hunter2") != NULL, "parent's value intact");
	unsetenv("NETDEP_DB");
}

int
main(void)
{
	const char  *env = getenv("NETDEP_TESTDATA");
	struct store st;
	char         cmd[PATH_MAX + 32];

	image_init();
	snprintf(testdata, sizeof(testdata), "%s",
	         env != NULL && env[0] != '\0' ? env : NETDEP_TESTDATA_DIR);
	snprintf(root, sizeof(root), "/tmp/netdep-sandbox-XXXXXX");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (store_open(&st, root) != 0) {
		perror("store_open");
		return 1;
	}
	tmp_fd = st.tmp_fd;
	test_real_files(); /* first: no font in this process's cache yet */
	test_forbidden_calls();
	test_child_holds_nothing();
	store_close(&st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return unit_report();
}
