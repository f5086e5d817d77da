/* libc.c - the handful of libc functions the compiler and the core rely on. There is no libc on
 * the device build. Built with -fno-tree-loop-distribute-patterns so these loops are not turned
 * back into calls to themselves. */
#include <stddef.h>
#include <stdint.h>

#include "plat_wipe.h"

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n-- > 0u) {
        *d++ = (uint8_t)c;
    }
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n-- > 0u) {
        *d++ = *s++;
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d < s) {
        while (n-- > 0u) {
            *d++ = *s++;
        }
    } else {
        while (n-- > 0u) {
            d[n] = s[n];
        }
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a;
    const uint8_t *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return (int)x[i] - (int)y[i];
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

void plat_wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;
    while (n-- > 0u) {
        *v++ = 0u;
    }
}
