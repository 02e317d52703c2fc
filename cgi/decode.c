/*
 * decode.c: the image pipeline in a sandboxed child.  The parent takes a
 * slot (a write lock on byte N of tmp/.decode-slots), forks, and reads a
 * fixed header then the blobs from a pipe until a deadline.  Before it
 * looks at a byte of the image the child becomes a sandbox
 * (decode_sandbox_enter): every descriptor but its pipe closed (the
 * worker's database connection, FastCGI sockets and media directories
 * among them), its environment wiped, RLIMIT_AS, RLIMIT_CPU, RLIMIT_FSIZE
 * and RLIMIT_NOFILE set, the card's fonts loaded, and a seccomp filter
 * that allows memory, threads, writing to the pipe and exiting, and kills
 * it with SIGSYS on anything else (no open, socket, execve, fork or kill).
 * Then it runs image_derive_card() on the bytes it shares copy-on-write
 * with the worker, writes the result and _exits.  A crash, a hang, a
 * runaway allocation or a hijacked decoder therefore costs one child and
 * reaches nothing of the worker's.
 */
#include "decode.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gd.h>
#include <linux/sched.h>
#include <seccomp.h>
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#include "clock.h"
#include "heif.h"
#include "log.h"
#include "metrics.h"
#include "slots.h"
#include "store.h"

#define DECODE_MAGIC       0x4e444543u /* "NDEC" */
#define DECODE_BLOB_MAX    ((uint64_t)64 * 1024 * 1024)
#define DECODE_SLOTS_MAX   64
#define DECODE_DEF_MEM_MB  512
#define DECODE_DEF_CPU_SEC 10
#define DECODE_DEF_WALL_MS 20000
#define DECODE_DEF_WAIT_MS 3000

static const char *const decode_names[DECODE__MAX] = {
    "ok",      /* DECODE_OK */
    "refused", /* DECODE_REFUSED */
    "limit",   /* DECODE_LIMIT */
    "crashed", /* DECODE_CRASHED */
    "busy",    /* DECODE_BUSY */
    "error",   /* DECODE_ERROR */
};

/* What the child sends first; the blobs follow in enum order. */
struct decode_msg {
	uint32_t            magic;
	int32_t             result; /* enum image_result */
	uint64_t            dhash;
	struct image_timing timing;
	struct {
		uint64_t len;
		uint32_t width, height;
	} blob[IMAGE_DERIV__MAX];
};

static struct decode_limits limits;
static int                  limits_ready;
/* Photos decoded at once on the machine: byte locks of tmp/.decode-slots
 * (slots.h); a crashed worker's slot comes back by itself. */
static struct slots decode_slots = SLOTS_INIT(STORE_DECODE_SLOTS, 0);

const char *
decode_status_name(enum decode_status s)
{
	return (unsigned)s < DECODE__MAX ? decode_names[s] : "?";
}

/* The defaults, until the process configures its own (config.h). */
static void
limits_init(void)
{
	long ncpu;

	if (limits_ready)
		return;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	limits.slots = ncpu > 0 && ncpu < DECODE_SLOTS_MAX ? (unsigned)ncpu : 2;
	limits.mem_mb = DECODE_DEF_MEM_MB;
	limits.cpu_sec = DECODE_DEF_CPU_SEC;
	limits.wall_ms = DECODE_DEF_WALL_MS;
	limits.wait_ms = DECODE_DEF_WAIT_MS;
	limits_ready = 1;
}

void
decode_configure(const struct decode_limits *lim)
{
	limits_init();
	if (lim->slots != 0)
		limits.slots = lim->slots < DECODE_SLOTS_MAX ? lim->slots
		                                             : DECODE_SLOTS_MAX;
	if (lim->mem_mb != 0)
		limits.mem_mb = lim->mem_mb;
	if (lim->cpu_sec != 0)
		limits.cpu_sec = lim->cpu_sec;
	if (lim->wall_ms != 0)
		limits.wall_ms = lim->wall_ms;
	if (lim->wait_ms != 0)
		limits.wait_ms = lim->wait_ms;
}

void
decode_limits_get(struct decode_limits *out)
{
	limits_init();
	*out = limits;
}

/* The address space the process maps now, from /proc/self/statm. */
static uint64_t
vm_size(void)
{
	unsigned long pages = 0;
	FILE         *f = fopen("/proc/self/statm", "r");

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu", &pages) != 1)
		pages = 0;
	fclose(f);
	return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

static int
write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n > 0) {
		ssize_t k = write(fd, b, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/*
 * Closes every descriptor but keep (its pipe), the standard three too:
 * fork copied the worker's database socket, FastCGI sockets, store
 * directories and log, none of which a decoder has any business with
 * (with RLIMIT_FSIZE at 0 it could not write a log file anyway).
 * Returns 0 or -1.
 */
static int
child_isolate(int keep)
{
	struct rlimit rl;

	/* close_range(2) (Linux 5.9): two calls around the pipe. */
	if ((keep == 0 ||
	     syscall(SYS_close_range, 0U, (unsigned)keep - 1, 0U) == 0) &&
	    syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0U) == 0)
		return 0;
	if (errno != ENOSYS || getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	for (rlim_t fd = 0; fd < rl.rlim_cur && fd < 65536; fd++)
		if ((int)fd != keep)
			(void)close((int)fd);
	return 0;
}

/*
 * Wipes the environment, the strings too: the worker's may hold the
 * database's conninfo, and config.c's settings point into it.
 */
static void
env_wipe(void)
{
	extern char **environ;

	for (char **e = environ; e != NULL && *e != NULL; e++)
		explicit_bzero(*e, strlen(*e));
	clearenv();
}

/*
 * The system calls a decode makes once its fonts are loaded, found by
 * strace of decodes of the JPEG, PNG and WebP files in tests/data: memory
 * (mmap and mprotect below, never executable), the threads of the
 * parallel resampling and of the WebP encoder (clone below), the pipe,
 * exit; rt_sigaction for the handler glibc installs at the first
 * pthread_create, sysinfo for glibc's qsort (libwebp's lossless and alpha
 * coding) sizing its buffer; gettid, sigaltstack and sched_getaffinity
 * for AddressSanitizer's threads (make asan).  HEIC and AVIF (libheif,
 * with libde265 and dav1d; strace of tests/data/heif/) add only
 * prctl(PR_SET_NAME) below, dav1d naming its threads.  Each reaches only
 * this process.  read is not among them: the image is in memory.
 */
static const int sandbox_calls[] = {
    SCMP_SYS(write),
    SCMP_SYS(brk),
    SCMP_SYS(munmap),
    SCMP_SYS(mremap),
    SCMP_SYS(madvise),
    SCMP_SYS(futex),
    SCMP_SYS(set_robust_list),
    SCMP_SYS(rseq),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(rt_sigaction),
    SCMP_SYS(sysinfo),
    SCMP_SYS(gettid),
    SCMP_SYS(sigaltstack),
    SCMP_SYS(sched_getaffinity),
    SCMP_SYS(sched_yield),
    SCMP_SYS(clock_gettime),
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
};

/* What clone() must share for a thread (glibc's pthread_create). */
#define SANDBOX_THREAD_FLAGS                                                   \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |    \
	 CLONE_SYSVSEM)

/*
 * Installs the allow-list: any other system call kills the whole child
 * with SIGSYS (so does one of another architecture, e.g. int 0x80).
 * Returns 0 or -1.
 */
static int
sandbox_filter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int             rc = 0;

	if (ctx == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(sandbox_calls) / sizeof(*sandbox_calls);
	     i++)
		rc |=
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sandbox_calls[i], 0);
	/* Memory, but never executable memory. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	                       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	                       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* dav1d (AV1, through libheif) names its worker threads; naming
	 * the calling thread is all prctl may do here. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
	                       SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME));
	/* Threads, never a process: clone3's flags sit behind a pointer the
	 * filter cannot read, so it fails with ENOSYS and glibc falls back
	 * to clone, whose flags it checks. */
	rc |=
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	                       SCMP_A0(SCMP_CMP_MASKED_EQ, SANDBOX_THREAD_FLAGS,
	                               SANDBOX_THREAD_FLAGS));
	if (rc == 0)
		rc = seccomp_load(ctx); /* sets no_new_privs first */
	seccomp_release(ctx);
	return rc == 0 ? 0 : -1;
}

int
decode_sandbox_enter(int keep_fd)
{
	struct rlimit rl;
	uint64_t      base;

	limits_init();
	/* Die with the worker; never linger past it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
	    child_isolate(keep_fd) != 0)
		return -1;
	env_wipe();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXCPU, SIG_DFL);
	/* A library writing to a file would fail quietly, not die. */
	signal(SIGXFSZ, SIG_IGN);
	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_CORE, &rl) != 0 ||
	    setrlimit(RLIMIT_FSIZE, &rl) != 0)
		return -1;
	/* The only files a decode reads, opened while it still may. */
	(void)image_fonts_load();
	/* libheif looks for codec plugins on disk at its first use. */
	heif_preload();
	/* The budget counts from what is mapped now: give back the free
	 * top of the heap first, so it is not a hidden extra allowance. */
	malloc_trim(0);
	if ((base = vm_size()) == 0)
		return -1;
	rl.rlim_cur = limits.cpu_sec;
	rl.rlim_max = limits.cpu_sec + 1;
	if (setrlimit(RLIMIT_CPU, &rl) != 0)
		return -1;
	rl.rlim_cur = rl.rlim_max = base + ((uint64_t)limits.mem_mb << 20);
	if (setrlimit(RLIMIT_AS, &rl) != 0)
		return -1;
	/* No new descriptor at all, even were the filter gone. */
	rl.rlim_cur = rl.rlim_max = 0;
	if (!RUNNING_ON_VALGRIND && setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	/* One malloc arena: a thread's own arena reserves 64 MB of the
	 * address space, which would eat the budget for nothing. */
	mallopt(M_ARENA_MAX, 1);
	/* glibc shrinks a thread arena's heap only after reading
	 * /proc/sys/vm/overcommit_memory, an open() the filter would punish
	 * with death; the child is short-lived, it need not give memory
	 * back. */
	mallopt(M_TRIM_THRESHOLD, INT_MAX);
	/* A library's warning (libpng on an interlaced file, via libgd)
	 * goes to stderr, whose first use makes glibc fstat() fd 2 to pick
	 * a buffer: a call the filter kills.  Given a buffer now, the
	 * streams need no fstat; their descriptors are closed, so what
	 * they would write is lost, as it would be anyway. */
	{
		static char errbuf[BUFSIZ], outbuf[BUFSIZ];

		setvbuf(stderr, errbuf, _IOFBF, sizeof(errbuf));
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	}
	/* Valgrind (make valgrind) runs its own code in this process, which
	 * needs files and executable memory, and refuses RLIMIT_NOFILE 0:
	 * under it the decode runs without those two (sandbox_note says so
	 * in the log).  Natively RUNNING_ON_VALGRIND is 0. */
	if (RUNNING_ON_VALGRIND)
		return 0;
	return sandbox_filter();
}

/* The child: sandbox, decode, report, exit.  Never returns. */
static void __attribute__((noreturn))
child_run(int wfd, const uint8_t *buf, size_t len,
          const struct image_info *info, unsigned which,
          const struct image_card_text *card)
{
	struct image_derivs d;
	struct decode_msg   m;

	/* No sandbox, no decode: the parent reports an error. */
	if (decode_sandbox_enter(wfd) != 0)
		_exit(3);
	memset(&m, 0, sizeof(m));
	m.magic = DECODE_MAGIC;
	m.result = (int32_t)image_derive_card(buf, len, info, which, card, &d);
	if (m.result == IMAGE_OK) {
		m.dhash = d.dhash;
		m.timing = d.timing;
		for (int i = 0; i < IMAGE_DERIV__MAX; i++) {
			m.blob[i].len = d.blob[i].data ? d.blob[i].len : 0;
			m.blob[i].width = d.blob[i].width;
			m.blob[i].height = d.blob[i].height;
		}
	}
	if (write_all(wfd, &m, sizeof(m)) < 0)
		_exit(4);
	for (int i = 0; i < IMAGE_DERIV__MAX && m.result == IMAGE_OK; i++)
		if (m.blob[i].len > 0 &&
		    write_all(wfd, d.blob[i].data, m.blob[i].len) < 0)
			_exit(4);
	_exit(0);
}

/*
 * Reads exactly n bytes from fd before the deadline.  Returns 0, -1 on
 * EOF or error, -2 on timeout.
 */
static int
read_until(int fd, void *p, size_t n, int64_t deadline)
{
	uint8_t *b = p;

	while (n > 0) {
		struct pollfd pfd = {fd, POLLIN, 0};
		int64_t       left = deadline - (int64_t)clock_ms();
		ssize_t       k;
		int           rc;

		if (left <= 0)
			return -2;
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue; /* the loop checks the deadline */
		k = read(fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads the child's answer into *out; returns 0, -1 (broken), -2 (time). */
static int
parent_read(int rfd, int64_t deadline, struct image_derivs *out,
            enum image_result *why)
{
	struct decode_msg m;
	int               rc;

	if ((rc = read_until(rfd, &m, sizeof(m), deadline)) != 0)
		return rc;
	if (m.magic != DECODE_MAGIC || m.result < 0 ||
	    m.result >= IMAGE_RESULT__MAX)
		return -1;
	*why = (enum image_result)m.result;
	if (m.result != IMAGE_OK)
		return 0;
	out->dhash = m.dhash;
	out->timing = m.timing;
	for (int i = 0; i < IMAGE_DERIV__MAX; i++) {
		struct image_blob *b = &out->blob[i];

		if (m.blob[i].len == 0)
			continue;
		if (m.blob[i].len > DECODE_BLOB_MAX)
			return -1;
		/* gdFree() (image_derivs_free) is free(). */
		if ((b->data = malloc((size_t)m.blob[i].len)) == NULL)
			return -1;
		b->len = (size_t)m.blob[i].len;
		b->width = m.blob[i].width;
		b->height = m.blob[i].height;
		if ((rc = read_until(rfd, b->data, b->len, deadline)) != 0)
			return rc;
	}
	return 0;
}

/*
 * What became of a child that answered rc (parent_read()) and ended with
 * wait status ws, *why being what it said of the image.
 */
static enum decode_status
child_verdict(int rc, int ws, enum image_result why)
{
	if (rc == -2)
		return DECODE_LIMIT;
	if (WIFSIGNALED(ws) && rc == -1)
		return (WTERMSIG(ws) == SIGXCPU || WTERMSIG(ws) == SIGKILL)
		           ? DECODE_LIMIT
		           : DECODE_CRASHED;
	if (rc == -1 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		return DECODE_ERROR;
	if (why == IMAGE_ERR_NOMEM)
		return DECODE_LIMIT; /* the child's own budget ran out */
	return why == IMAGE_OK ? DECODE_OK : DECODE_REFUSED;
}

/* What the log says of a child that ended with wait status ws. */
static const char *
death_note(int ws)
{
	if (!WIFSIGNALED(ws))
		return "";
	if (WTERMSIG(ws) == SIGSYS)
		return " (killed by the sandbox: a forbidden system call)";
	return " (killed by a signal)";
}

/*
 * Counts a child's end for /metrics (metrics.h) and logs the refusals as
 * events: a limit hit at the wall clock (rc -2) is "timed_out", one the
 * kernel enforced (CPU, memory) or the sandbox's SIGSYS "killed".
 */
static void
decode_count(const char *tag, enum decode_status st, int rc, int ws,
             enum image_result why)
{
	enum metrics_decode m = MDEC_ERROR;

	switch (st) {
	case DECODE_OK:
		m = MDEC_OK;
		break;
	case DECODE_REFUSED:
		m = MDEC_REFUSED;
		break;
	case DECODE_LIMIT:
		m = rc == -2 ? MDEC_TIMED_OUT : MDEC_KILLED;
		break;
	case DECODE_CRASHED:
		m = WIFSIGNALED(ws) && WTERMSIG(ws) == SIGSYS ? MDEC_KILLED
		                                              : MDEC_CRASHED;
		break;
	default:
		break;
	}
	metrics_decode(m);
	if (m != MDEC_OK)
		log_event("warn", "decode_refused", tag, "outcome",
		          m == MDEC_REFUSED     ? "refused"
		          : m == MDEC_TIMED_OUT ? "timed_out"
		          : m == MDEC_KILLED    ? "killed"
		          : m == MDEC_CRASHED   ? "crashed"
		                                : "error",
		          "reason",
		          st == DECODE_REFUSED ? image_result_message(why)
		                               : NULL,
		          NULL);
}

/*
 * Forks the child that decodes buf and reads its answer until the wall
 * clock deadline.  Returns the verdict; the child is reaped.
 */
static enum decode_status
child_decode(const char *tag, int slot, const uint8_t *buf, size_t len,
             const struct image_info *info, unsigned which,
             const struct image_card_text *card, struct image_derivs *out,
             enum image_result *why)
{
	int64_t            t0 = (int64_t)clock_ms();
	int                pfd[2] = {-1, -1}, rc, ws = 0;
	enum decode_status st;
	pid_t              pid;

	if (pipe(pfd) != 0) {
		log_msg("error", "req=%s decode: pipe: %s", tag,
		        strerror(errno));
		return DECODE_ERROR;
	}
	if (fcntl(pfd[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(pfd[1], F_SETFD, FD_CLOEXEC) != 0 || (pid = fork()) < 0) {
		log_msg("error", "req=%s decode: fork: %s", tag,
		        strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return DECODE_ERROR;
	}
	if (pid == 0) {
		close(pfd[0]);
		/* The parent's locks are not ours anyway. */
		if (decode_slots.fd >= 0)
			close(decode_slots.fd);
		child_run(pfd[1], buf, len, info, which, card);
	}
	close(pfd[1]);
	log_msg("info", "req=%s decode child pid=%ld slot=%d %s %ux%u", tag,
	        (long)pid, slot, image_type_name(info->type), info->width,
	        info->height);
	rc = parent_read(pfd[0], t0 + limits.wall_ms, out, why);
	close(pfd[0]);
	if (rc == -2 || rc == -1)
		kill(pid, SIGKILL); /* late or talking nonsense: stop it */
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	st = child_verdict(rc, ws, *why);
	decode_count(tag, st, rc, ws, *why);
	log_msg(st == DECODE_OK || st == DECODE_REFUSED ? "info" : "warn",
	        "req=%s decode child pid=%ld %s%s%s ms=%lld%s", tag, (long)pid,
	        decode_status_name(st), st == DECODE_REFUSED ? ": " : "",
	        st == DECODE_REFUSED ? image_result_message(*why) : "",
	        (long long)((int64_t)clock_ms() - t0), death_note(ws));
	return st;
}

/* Says once per process when the sandbox is partial (valgrind). */
static void
sandbox_note(void)
{
	static int said;

	if (RUNNING_ON_VALGRIND && !said) {
		said = 1;
		log_msg("warn", "decode: under valgrind, the decode child runs "
		                "without its seccomp filter and RLIMIT_NOFILE");
	}
}

enum decode_status
decode_derive(int lock_dir_fd, const char *tag, const uint8_t *buf, size_t len,
              const struct image_info *info, unsigned which,
              const struct image_card_text *card, struct image_derivs *out,
              enum image_result *why)
{
	enum decode_status st;
	int                slot;

	memset(out, 0, sizeof(*out));
	*why = IMAGE_OK;
	limits_init();
	sandbox_note();
	decode_slots.n = limits.slots;
	if ((slot = slots_take(&decode_slots, lock_dir_fd, limits.wait_ms)) <
	    0) {
		if (slot == -2) {
			log_msg("error", "req=%s decode: slot file: %s", tag,
			        strerror(errno));
			return DECODE_ERROR;
		}
		log_msg("warn", "req=%s decode busy: %u slots taken for %u ms",
		        tag, limits.slots, limits.wait_ms);
		metrics_decode(MDEC_BUSY);
		log_event("warn", "throttle", tag, "what", "decode_slots",
		          NULL);
		return DECODE_BUSY;
	}
	st = child_decode(tag, slot, buf, len, info, which, card, out, why);
	if (st != DECODE_OK)
		image_derivs_free(out);
	slots_give(&decode_slots, slot); /* the child is gone */
	return st;
}
