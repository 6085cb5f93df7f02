/*
 * clock.h - the clocks tracebook reads: monotonic for intervals and deadlines,
 * wall-clock (CLOCK_REALTIME) for what is stamped into files and reports.
 */
#ifndef TB_UTIL_CLOCK_H
#define TB_UTIL_CLOCK_H

#include <stdint.h>
#include <time.h>

uint64_t tb_now_ns(void);	/* CLOCK_MONOTONIC in ns */
uint64_t tb_wall_ns(void);	/* CLOCK_REALTIME in ns since the epoch */
/* The CLOCK_REALTIME timespec ms milliseconds from now (pthread_cond_timedwait). */
struct timespec tb_wall_after_ms(unsigned ms);

#endif
