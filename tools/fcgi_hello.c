/*
 * fcgi_hello.c: netdep-fcgi-hello SOCKET NPROC [PIDFILE] is the FastCGI
 * anchor of `make bench` (PERF.md): the smallest server with netdep's
 * process model.  The master opens the unix socket with libfcgi, forks
 * NPROC workers that accept on it and answer every request with the same
 * small JSON body, and on SIGTERM or SIGINT stops them, removes the socket
 * and exits.  No database, no routing, no logging: what nginx → FastCGI
 * costs by itself.
 */
#include <fcgiapp.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define HELLO_MAX_PROC 64
#define HELLO_BACKLOG  1024

static const char hello_reply[] = "Status: 200 OK\r\n"
                                  "Content-Type: application/json\r\n"
                                  "\r\n"
                                  "{\"hello\":\"world\"}\n";

static volatile sig_atomic_t got_stop;

static void
on_stop(int sig)
{
	(void)sig;
	got_stop = 1;
}

static int
worker_main(int fd)
{
	FCGX_Request fr;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	/* A worker never outlives its master. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		return 1;
	if (FCGX_InitRequest(&fr, fd, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&fr) >= 0) {
		FCGX_PutStr(hello_reply, (int)sizeof(hello_reply) - 1, fr.out);
		FCGX_Finish_r(&fr);
	}
	return 0;
}

static int
write_pidfile(const char *path)
{
	FILE *f;

	if (path == NULL)
		return 0;
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f);
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	pid_t            pids[HELLO_MAX_PROC];
	sigset_t         block, empty;
	char            *end;
	long             n;
	int              fd, i;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: netdep-fcgi-hello SOCKET NPROC "
		                "[PIDFILE]\n");
		return 2;
	}
	errno = 0;
	n = strtol(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > HELLO_MAX_PROC) {
		fprintf(stderr, "netdep-fcgi-hello: NPROC must be 1-%d\n",
		        HELLO_MAX_PROC);
		return 2;
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "netdep-fcgi-hello: FCGX_Init failed\n");
		return 1;
	}
	unlink(argv[1]);
	if ((fd = FCGX_OpenSocket(argv[1], HELLO_BACKLOG)) < 0) {
		fprintf(stderr, "netdep-fcgi-hello: cannot listen on %s\n",
		        argv[1]);
		return 1;
	}
	if (chmod(argv[1], 0660) != 0) {
		fprintf(stderr, "netdep-fcgi-hello: chmod %s: %s\n", argv[1],
		        strerror(errno));
		return 1;
	}

	/* SIGTERM stays blocked except inside sigsuspend: no lost wake-up. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&empty);

	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			sigprocmask(SIG_UNBLOCK, &block, NULL);
			_exit(worker_main(fd));
		}
		if (pids[i] < 0) {
			fprintf(stderr, "netdep-fcgi-hello: fork: %s\n",
			        strerror(errno));
			n = i;
			got_stop = 1;
			break;
		}
	}
	if (write_pidfile(argc == 4 ? argv[3] : NULL) != 0) {
		fprintf(stderr, "netdep-fcgi-hello: cannot write %s\n",
		        argv[3]);
		got_stop = 1;
	}
	while (!got_stop)
		sigsuspend(&empty);

	for (i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	unlink(argv[1]);
	if (argc == 4)
		unlink(argv[3]);
	return 0;
}
