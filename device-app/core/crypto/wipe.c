#include "wipe.h"

void wipe(void *p, size_t n) {
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n-- > 0u) {
        *v++ = 0u;
    }
}

void wipe_words(uint32_t *p, size_t n) {
    volatile uint32_t *v = (volatile uint32_t *)p;
    while (n-- > 0u) {
        *v++ = 0u;
    }
}

uint32_t ct_equal(const uint8_t *a, const uint8_t *b, size_t n) {
    uint32_t diff = 0u;
    for (size_t i = 0; i < n; i++) {
        diff |= (uint32_t)(a[i] ^ b[i]);
    }
    /* diff in 0..255: (diff - 1) >> 31 is 1 only when diff == 0 */
    return (uint32_t)((diff - 1u) >> 31);
}
