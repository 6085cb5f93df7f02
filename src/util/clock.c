/*
 * clock.c - the one place that calls clock_gettime; see clock.h.
 */
#include "util/clock.h"
#include "util/units.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * TB_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/**
 * tb_now_ns - CLOCK_MONOTONIC in nanoseconds (intervals, deadlines, rates).
 */
uint64_t tb_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/**
 * tb_wall_ns - CLOCK_REALTIME in nanoseconds since the epoch (time stamps).
 */
uint64_t tb_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

/**
 * tb_wall_after_ms - the CLOCK_REALTIME instant ms milliseconds from now, as the
 * absolute timespec pthread_cond_timedwait takes.
 */
struct timespec tb_wall_after_ms(unsigned ms)
{
	uint64_t t = tb_wall_ns() + (uint64_t)ms * 1000000ULL;
	struct timespec ts;

	ts.tv_sec = (time_t)(t / TB_NSEC_PER_SEC);
	ts.tv_nsec = (long)(t % TB_NSEC_PER_SEC);
	return ts;
}
