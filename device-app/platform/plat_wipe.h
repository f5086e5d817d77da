/* wipe.h - a memset the compiler may not remove (secrets and buffers must really be cleared). */
#ifndef SPARK_PLAT_WIPE_H
#define SPARK_PLAT_WIPE_H

#include <stddef.h>

void plat_wipe(void *p, size_t n);

#endif
