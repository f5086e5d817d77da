/* wipe.h - secret hygiene helpers: a memset the compiler cannot remove, constant-time compare. */
#ifndef SPARK_WIPE_H
#define SPARK_WIPE_H
#include <stddef.h>
#include <stdint.h>

/* Zero n bytes through a volatile pointer so dead-store elimination cannot drop it. */
void wipe(void *p, size_t n);
/* Same for n 32-bit words (cheaper in hot arithmetic loops). */
void wipe_words(uint32_t *p, size_t n);
/* 1 if a[0..n) == b[0..n), else 0; time depends only on n. */
uint32_t ct_equal(const uint8_t *a, const uint8_t *b, size_t n);
#endif
