/*
 * clock.h: monotonic milliseconds, the one clock of timeouts, waits and
 * request timings (never the wall clock, which may jump).
 */
#ifndef NETDEP_CLOCK_H
#define NETDEP_CLOCK_H

#include <time.h>

/* Milliseconds on the monotonic clock, with their fraction. */
static inline double
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

#endif
