/*
 * decode.h: image_derive() in a child process that a hostile file cannot
 * take past its limits.  The worker forks a child per upload; the child
 * becomes a sandbox (no descriptor but its pipe, no environment, RLIMIT_AS
 * and RLIMIT_CPU, a seccomp allow-list), sends the derivatives back over a
 * pipe and exits; the worker kills it at a wall-clock deadline.  Decodes
 * per machine are capped by lock slots in the media tmp/ directory, so
 * a burst of uploads queues briefly and then answers "busy" instead of
 * overcommitting memory.  A crash or a limit hit costs one answer, never
 * the worker.
 */
#ifndef NETDEP_DECODE_H
#define NETDEP_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"

/* What a decode may use; 0 in a field keeps the current value. */
struct decode_limits {
	unsigned slots;   /* concurrent decodes per machine (media root) */
	unsigned mem_mb;  /* address space the child may add to the worker's */
	unsigned cpu_sec; /* CPU seconds (all threads) */
	unsigned wall_ms; /* wall-clock deadline, then SIGKILL */
	unsigned wait_ms; /* how long to wait for a free slot */
};

enum decode_status {
	DECODE_OK,      /* *out holds the derivatives */
	DECODE_REFUSED, /* the image module refused the data: see *why */
	DECODE_LIMIT,   /* out of time, CPU or memory: the file's fault */
	DECODE_CRASHED, /* the child died of a signal (a decoder bug) */
	DECODE_BUSY,    /* every slot stayed taken for wait_ms: retry later */
	DECODE_ERROR,   /* fork, pipe or protocol failure: ours */
	DECODE__MAX
};

/*
 * Sets the limits.  Defaults: slots = online CPUs, mem_mb 512, cpu_sec
 * 10, wall_ms 20000, wait_ms 3000; the server sets its configuration's
 * (NETDEP_DECODE_*, config.h) at start.  Not thread-safe; call before
 * serving.
 */
void decode_configure(const struct decode_limits *lim);

/* The limits in force. */
void decode_limits_get(struct decode_limits *out);

/*
 * Runs image_derive_card(buf, len, info, which, card) in a limited child.
 * lock_dir_fd is the directory holding the slot file STORE_DECODE_SLOTS
 * (the media store's tmp/, where store_open() creates it); slot N is a
 * POSIX write lock on its byte N, so other processes (and tests) can hold
 * slots with fcntl(2) too.  tag names the request in
 * the log ("req=<tag> decode ...").  On DECODE_OK the caller frees *out
 * with image_derivs_free(); on anything else *out holds nothing.  *why is
 * the image module's result (IMAGE_OK unless DECODE_REFUSED).  Never
 * exits or longjmps; reaps the child on every path.
 */
enum decode_status decode_derive(int lock_dir_fd, const char *tag,
                                 const uint8_t *buf, size_t len,
                                 const struct image_info *info, unsigned which,
                                 const struct image_card_text *card,
                                 struct image_derivs          *out,
                                 enum image_result            *why);

/*
 * Makes the calling process the decoder's sandbox, as the child does
 * before it reads a byte of the image: every descriptor but keep_fd
 * closed, the environment wiped, core dumps and file writes off, the
 * share card's fonts loaded, RLIMIT_CPU and RLIMIT_AS from the limits in
 * force, RLIMIT_NOFILE 0, then a seccomp filter that allows only memory,
 * threads, write, and exit: any other system call (open, socket, execve,
 * fork, kill...) kills the process with SIGSYS.  Irreversible; only for a
 * freshly forked child (decode_derive's, or a test's).  Returns 0, or -1
 * when a step failed (the caller must then _exit, never decode).
 */
int decode_sandbox_enter(int keep_fd);

/* A short English name of s ("limit"), for logs. */
const char *decode_status_name(enum decode_status s);

#endif
