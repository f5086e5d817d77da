#include "mont.h"

#include <string.h>

#include "wipe.h"

void u256_from_be(u256_t *r, const uint8_t b[32]) {
    for (unsigned i = 0; i < 8u; i++) {
        const uint8_t *p = b + 28u - 4u * i;
        r->v[i] = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
                  (uint32_t)p[3];
    }
}

void u256_to_be(uint8_t b[32], const u256_t *a) {
    for (unsigned i = 0; i < 8u; i++) {
        uint8_t *p = b + 28u - 4u * i;
        p[0] = (uint8_t)(a->v[i] >> 24);
        p[1] = (uint8_t)(a->v[i] >> 16);
        p[2] = (uint8_t)(a->v[i] >> 8);
        p[3] = (uint8_t)a->v[i];
    }
}

void u256_set_u32(u256_t *r, uint32_t x) {
    memset(r, 0, sizeof *r);
    r->v[0] = x;
}

uint32_t u256_sub(u256_t *r, const u256_t *a, const u256_t *b) {
    uint64_t borrow = 0u;
    for (unsigned i = 0; i < 8u; i++) {
        uint64_t d = (uint64_t)a->v[i] - b->v[i] - borrow;
        r->v[i] = (uint32_t)d;
        borrow = (d >> 63) & 1u;
    }
    return (uint32_t)borrow;
}

uint32_t u256_lt(const u256_t *a, const u256_t *b) {
    u256_t t;
    uint32_t lt = u256_sub(&t, a, b);
    wipe_words(t.v, 8u);
    return lt;
}

uint32_t u256_is_zero(const u256_t *a) {
    uint32_t acc = 0u;
    for (unsigned i = 0; i < 8u; i++) {
        acc |= a->v[i];
    }
    /* acc == 0 <=> (acc | -acc) has bit 31 clear */
    return 1u ^ ((acc | (0u - acc)) >> 31);
}

uint32_t u256_eq(const u256_t *a, const u256_t *b) {
    uint32_t acc = 0u;
    for (unsigned i = 0; i < 8u; i++) {
        acc |= a->v[i] ^ b->v[i];
    }
    return 1u ^ ((acc | (0u - acc)) >> 31);
}

void u256_cmov(u256_t *r, const u256_t *a, uint32_t flag) {
    uint32_t mask = 0u - flag;
    for (unsigned i = 0; i < 8u; i++) {
        r->v[i] ^= mask & (r->v[i] ^ a->v[i]);
    }
}

static uint32_t add_carry(u256_t *r, const u256_t *a, const u256_t *b) {
    uint64_t c = 0u;
    for (unsigned i = 0; i < 8u; i++) {
        c += (uint64_t)a->v[i] + b->v[i];
        r->v[i] = (uint32_t)c;
        c >>= 32;
    }
    return (uint32_t)c;
}

void mod_add(u256_t *r, const u256_t *a, const u256_t *b, const mod_t *m) {
    u256_t s, t;
    uint32_t carry = add_carry(&s, a, b);
    uint32_t borrow = u256_sub(&t, &s, &m->m);
    /* a + b >= m  <=>  the sum overflowed 2^256 or s - m did not borrow */
    u256_cmov(&s, &t, carry | (borrow ^ 1u));
    *r = s;
}

void mod_sub(u256_t *r, const u256_t *a, const u256_t *b, const mod_t *m) {
    u256_t d, t;
    uint32_t borrow = u256_sub(&d, a, b);
    (void)add_carry(&t, &d, &m->m);
    u256_cmov(&d, &t, borrow);
    *r = d;
}

void mod_neg(u256_t *r, const u256_t *a, const mod_t *m) {
    u256_t z;
    memset(&z, 0, sizeof z);
    mod_sub(r, &z, a, m);
}

uint32_t mod_reduce_once(u256_t *r, const u256_t *a, const mod_t *m) {
    u256_t t;
    uint32_t ge = u256_sub(&t, a, &m->m) ^ 1u;
    u256_t out = *a;
    u256_cmov(&out, &t, ge);
    *r = out;
    return ge;
}

/* CIOS Montgomery multiplication (Koc, Acar, Kaliski 1996): interleaves the product and the
 * reduction so only 10 words of scratch are needed. */
void mod_mont_mul(u256_t *r, const u256_t *a, const u256_t *b, const mod_t *m) {
    uint32_t t[10];
    memset(t, 0, sizeof t);
    for (unsigned i = 0; i < 8u; i++) {
        uint64_t c = 0u;
        for (unsigned j = 0; j < 8u; j++) {
            c += (uint64_t)t[j] + (uint64_t)a->v[j] * b->v[i];
            t[j] = (uint32_t)c;
            c >>= 32;
        }
        c += t[8];
        t[8] = (uint32_t)c;
        t[9] = (uint32_t)(c >> 32);

        uint32_t mu = t[0] * m->m0inv;
        c = (uint64_t)t[0] + (uint64_t)mu * m->m.v[0];
        c >>= 32;
        for (unsigned j = 1; j < 8u; j++) {
            c += (uint64_t)t[j] + (uint64_t)mu * m->m.v[j];
            t[j - 1u] = (uint32_t)c;
            c >>= 32;
        }
        c += t[8];
        t[7] = (uint32_t)c;
        t[8] = t[9] + (uint32_t)(c >> 32);
    }
    /* t < 2m: subtract m once if t >= m (t[8] set, or the low 256 bits >= m) */
    u256_t lo, d;
    memcpy(lo.v, t, sizeof lo.v);
    uint32_t borrow = u256_sub(&d, &lo, &m->m);
    u256_cmov(&lo, &d, t[8] | (borrow ^ 1u));
    *r = lo;
    wipe_words(t, 10u); /* partial products of possibly secret operands */
}

void mod_mont_pow(u256_t *r, const u256_t *base, const u256_t *e, const u256_t *one_mont,
                  const mod_t *m) {
    u256_t acc = *one_mont;
    for (int i = 255; i >= 0; i--) {
        mod_mont_mul(&acc, &acc, &acc, m);
        if ((e->v[(unsigned)i >> 5] >> ((unsigned)i & 31u)) & 1u) {
            mod_mont_mul(&acc, &acc, base, m);
        }
    }
    *r = acc;
    wipe(&acc, sizeof acc);
}
