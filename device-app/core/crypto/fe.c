#include "fe.h"

#include <string.h>

#include "wipe.h"

/* Field elements are kept in normal form (0 <= x < p). Multiplication is a schoolbook 256x256
 * product followed by the special reduction 2^256 = 2^32 + 977 (mod p), which is about twice
 * as fast as generic Montgomery multiplication. Only p is used from FE_MOD (for add/sub). */
const mod_t FE_MOD = {
    {{0xfffffc2fu, 0xfffffffeu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
      0xffffffffu}},
    {{0x000e90a1u, 0x000007a2u, 0x00000001u, 0u, 0u, 0u, 0u, 0u}},
    0xd2253531u};

const fe_t FE_ONE = {{1u, 0u, 0u, 0u, 0u, 0u, 0u, 0u}};

uint32_t fe_from_bytes(fe_t *r, const uint8_t b[32]) {
    u256_t x, z;
    u256_from_be(&x, b);
    uint32_t ok = u256_lt(&x, &FE_MOD.m);
    memset(&z, 0, sizeof z);
    u256_cmov(&x, &z, ok ^ 1u);
    *r = x;
    return ok;
}

void fe_to_bytes(uint8_t b[32], const fe_t *a) { u256_to_be(b, a); }

void fe_set_u32(fe_t *r, uint32_t x) { u256_set_u32(r, x); }
void fe_add(fe_t *r, const fe_t *a, const fe_t *b) { mod_add(r, a, b, &FE_MOD); }
void fe_sub(fe_t *r, const fe_t *a, const fe_t *b) { mod_sub(r, a, b, &FE_MOD); }
void fe_neg(fe_t *r, const fe_t *a) { mod_neg(r, a, &FE_MOD); }

/* s += k * (2^32 + 977), i.e. k * (2^256 mod p), for k < 2^33; returns the carry out of s[7]. */
static uint64_t fold_top(uint32_t s[8], uint64_t k) {
    uint64_t c = (uint64_t)s[0] + k * 977u;
    s[0] = (uint32_t)c;
    c >>= 32;
    c += (uint64_t)s[1] + k;
    s[1] = (uint32_t)c;
    c >>= 32;
    for (unsigned i = 2; i < 8u; i++) {
        c += s[i];
        s[i] = (uint32_t)c;
        c >>= 32;
    }
    return c;
}

void fe_mul(fe_t *r, const fe_t *a, const fe_t *b) {
    uint32_t t[16];
    uint32_t s[8];
    uint64_t c;
    /* t = a * b (512 bits) */
    memset(t, 0, sizeof t);
    for (unsigned i = 0; i < 8u; i++) {
        c = 0u;
        for (unsigned j = 0; j < 8u; j++) {
            c += (uint64_t)t[i + j] + (uint64_t)a->v[i] * b->v[j];
            t[i + j] = (uint32_t)c;
            c >>= 32;
        }
        t[i + 8u] = (uint32_t)c;
    }
    /* fold the high half: L + H * 977 + (H << 32) */
    c = 0u;
    for (unsigned i = 0; i < 8u; i++) {
        c += (uint64_t)t[i] + (uint64_t)t[8u + i] * 977u + (i > 0u ? t[7u + i] : 0u);
        s[i] = (uint32_t)c;
        c >>= 32;
    }
    c += t[15]; /* top of H << 32: value = s + c * 2^256, c < 2^33 (c * 977 fits) */
    /* fold again: s + c * 977 + (c << 32); a carry out of that (1) leaves s tiny, so one more
     * fold of it cannot carry again */
    (void)fold_top(s, fold_top(s, c));
    u256_t out;
    memcpy(out.v, s, sizeof s);
    (void)mod_reduce_once(r, &out, &FE_MOD);
    wipe_words(t, 16u);
    wipe_words(s, 8u);
}

void fe_sqr(fe_t *r, const fe_t *a) { fe_mul(r, a, a); }

static void sqr_n(fe_t *r, const fe_t *a, unsigned n) {
    *r = *a;
    for (unsigned i = 0; i < n; i++) {
        fe_sqr(r, r);
    }
}

/* a^(2^223 - 1) and the small runs x2, x3, x22 that both exponents need: the addition chain
 * for p's exponents (p - 2 and (p + 1) / 4 are runs of ones with a short tail). */
static void pow_x223(fe_t *x223, fe_t *x2, fe_t *x22, const fe_t *a) {
    fe_t x3, x6, x11, x44, t;
    fe_sqr(x2, a);
    fe_mul(x2, x2, a);
    fe_sqr(&x3, x2);
    fe_mul(&x3, &x3, a);
    sqr_n(&x6, &x3, 3);
    fe_mul(&x6, &x6, &x3);
    sqr_n(&t, &x6, 3);
    fe_mul(&t, &t, &x3); /* x9 */
    sqr_n(&x11, &t, 2);
    fe_mul(&x11, &x11, x2);
    sqr_n(x22, &x11, 11);
    fe_mul(x22, x22, &x11);
    sqr_n(&x44, x22, 22);
    fe_mul(&x44, &x44, x22);
    sqr_n(&t, &x44, 44);
    fe_mul(&t, &t, &x44); /* x88 */
    fe_t x88 = t;
    sqr_n(&t, &x88, 88);
    fe_mul(&t, &t, &x88); /* x176 */
    sqr_n(&t, &t, 44);
    fe_mul(&t, &t, &x44); /* x220 */
    sqr_n(&t, &t, 3);
    fe_mul(x223, &t, &x3);
    wipe(&x3, sizeof x3);
    wipe(&x6, sizeof x6);
    wipe(&x11, sizeof x11);
    wipe(&x44, sizeof x44);
    wipe(&x88, sizeof x88);
    wipe(&t, sizeof t);
}

void fe_inv(fe_t *r, const fe_t *a) {
    /* p - 2 = x223 . 0 . x22 . 0000 . 1 . 0 . 11 . 0 . 1 (binary runs) */
    fe_t x223, x2, x22, t;
    pow_x223(&x223, &x2, &x22, a);
    sqr_n(&t, &x223, 23);
    fe_mul(&t, &t, &x22);
    sqr_n(&t, &t, 5);
    fe_mul(&t, &t, a);
    sqr_n(&t, &t, 3);
    fe_mul(&t, &t, &x2);
    sqr_n(&t, &t, 2);
    fe_mul(r, &t, a);
    wipe(&x223, sizeof x223);
    wipe(&x2, sizeof x2);
    wipe(&x22, sizeof x22);
    wipe(&t, sizeof t);
}

uint32_t fe_sqrt(fe_t *r, const fe_t *a) {
    /* p = 3 mod 4: a^((p+1)/4) is a root whenever one exists.
     * (p + 1) / 4 = x223 . 0 . x22 . 000000 . 11 . 00 */
    fe_t x223, x2, x22, t, chk;
    pow_x223(&x223, &x2, &x22, a);
    sqr_n(&t, &x223, 23);
    fe_mul(&t, &t, &x22);
    sqr_n(&t, &t, 6);
    fe_mul(&t, &t, &x2);
    sqr_n(&t, &t, 2);
    fe_sqr(&chk, &t);
    *r = t;
    return fe_eq(&chk, a);
}

uint32_t fe_is_odd(const fe_t *a) { return a->v[0] & 1u; }
uint32_t fe_is_zero(const fe_t *a) { return u256_is_zero(a); }
uint32_t fe_eq(const fe_t *a, const fe_t *b) { return u256_eq(a, b); }
