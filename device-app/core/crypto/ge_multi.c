#include "ge_multi.h"

#include <string.h>

/* Odd multiples P, 3P, 5P, 7P of each point, and the wNAF digits of each scalar. Static (about
 * 2.5 KiB) rather than on the stack; the core is single-threaded. Public data only. */
#define WNAF_BITS 257u
static ge_t g_odd[GE_MULTI_MAX][4];
static int8_t g_wnaf[GE_MULTI_MAX][WNAF_BITS];

/* Width-4 non-adjacent form: digits in {0, +-1, +-3, +-5, +-7}, at most one non-zero digit in
 * any 4 consecutive positions. Returns the number of digits used (highest non-zero + 1). */
static uint32_t wnaf4(int8_t out[WNAF_BITS], const sc_t *k) {
    uint32_t v[9];
    uint32_t len = 0u;
    memcpy(v, k->v, 32u);
    v[8] = 0u;
    memset(out, 0, WNAF_BITS);
    for (uint32_t bit = 0; bit < WNAF_BITS; bit++) {
        int32_t d = 0;
        if (v[0] & 1u) {
            d = (int32_t)(v[0] & 15u);
            if (d > 8) {
                d -= 16;
            }
            /* v -= d (d odd, |d| <= 7): subtract or add a small value with carry */
            if (d > 0) {
                uint64_t borrow = (uint32_t)d;
                for (unsigned i = 0; i < 9u && borrow != 0u; i++) {
                    uint64_t t = (uint64_t)v[i] - borrow;
                    v[i] = (uint32_t)t;
                    borrow = (t >> 63) & 1u;
                }
            } else {
                uint64_t carry = (uint32_t)(-d);
                for (unsigned i = 0; i < 9u && carry != 0u; i++) {
                    uint64_t t = (uint64_t)v[i] + carry;
                    v[i] = (uint32_t)t;
                    carry = t >> 32;
                }
            }
            out[bit] = (int8_t)d;
            len = bit + 1u;
        }
        /* v >>= 1 */
        for (unsigned i = 0; i < 8u; i++) {
            v[i] = (v[i] >> 1) | (v[i + 1u] << 31);
        }
        v[8] >>= 1;
    }
    return len;
}

uint32_t ge_mul_multi_vartime(ge_t *r, const sc_t *k, const ge_t *p, uint32_t count) {
    uint32_t top = 0u;
    ge_t acc, neg;
    if (count == 0u || count > GE_MULTI_MAX) {
        return 0u;
    }
    for (uint32_t i = 0; i < count; i++) {
        ge_t twice;
        uint32_t len = wnaf4(g_wnaf[i], &k[i]);
        if (len > top) {
            top = len;
        }
        g_odd[i][0] = p[i];
        ge_dbl(&twice, &p[i]);
        for (unsigned j = 1; j < 4u; j++) {
            ge_add(&g_odd[i][j], &g_odd[i][j - 1u], &twice);
        }
    }
    ge_set_infinity(&acc);
    for (uint32_t bit = top; bit-- > 0u;) {
        ge_dbl(&acc, &acc);
        for (uint32_t i = 0; i < count; i++) {
            int32_t d = g_wnaf[i][bit];
            if (d > 0) {
                ge_add(&acc, &acc, &g_odd[i][(d - 1) / 2]);
            } else if (d < 0) {
                ge_neg(&neg, &g_odd[i][(-d - 1) / 2]);
                ge_add(&acc, &acc, &neg);
            }
        }
    }
    *r = acc;
    return 1u;
}
