/*
 * fsmagic.h - filesystem magic numbers (statfs f_type) from <linux/magic.h>, with a
 * fallback only for what an old header lacks (TRACEFS_MAGIC came with Linux 4.1's).
 */
#ifndef TB_UTIL_FSMAGIC_H
#define TB_UTIL_FSMAGIC_H

#include <linux/magic.h>

#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

#endif
