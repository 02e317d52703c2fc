/*
 * slots.c: N slots as byte locks of one file (slots.h).
 */
#include "slots.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

#define SLOTS_POLL_MS 20

/* F_SETLK of type on byte i: 0, or -1 with errno. */
static int
lock_byte(int fd, unsigned i, short type)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = (off_t)i;
	fl.l_len = 1;
	return fcntl(fd, F_SETLK, &fl);
}

int
slots_take(struct slots *s, int dir_fd, unsigned wait_ms)
{
	double end = clock_ms() + wait_ms;

	if (s->fd < 0) {
		s->fd = openat(dir_fd, s->file,
		               O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
		if (s->fd < 0)
			return -2;
	}
	for (;;) {
		for (unsigned i = 0; i < s->n; i++) {
			if (lock_byte(s->fd, i, F_WRLCK) == 0)
				return (int)i;
			if (errno != EAGAIN && errno != EACCES &&
			    errno != EINTR)
				return -2;
		}
		if (clock_ms() >= end)
			return -1;
		usleep(SLOTS_POLL_MS * 1000);
	}
}

void
slots_give(struct slots *s, int i)
{
	if (s->fd >= 0 && i >= 0)
		(void)lock_byte(s->fd, (unsigned)i, F_UNLCK);
}
