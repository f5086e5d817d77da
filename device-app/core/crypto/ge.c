#include "ge.h"

#include <string.h>

#include "ct.h"
#include "ge_gen_table.h"
#include "portable.h"
#include "wipe.h"

/* Generator (SEC 2 section 2.4.1) as little-endian limbs; b = 7 and 3b = 21 (curve constant). */
static const fe_t GX = {{0x16f81798u, 0x59f2815bu, 0x2dce28d9u, 0x029bfcdbu, 0xce870b07u, 0x55a06295u, 0xf9dcbbacu, 0x79be667eu}};
static const fe_t GY = {{0xfb10d4b8u, 0x9c47d08fu, 0xa6855419u, 0xfd17b448u, 0x0e1108a8u, 0x5da4fbfcu, 0x26a3c465u, 0x483ada77u}};
static const fe_t B3 = {{21u, 0u, 0u, 0u, 0u, 0u, 0u, 0u}};
static const fe_t B7 = {{7u, 0u, 0u, 0u, 0u, 0u, 0u, 0u}};

void ge_set_infinity(ge_t *r) {
    memset(r, 0, sizeof *r);
    r->y = FE_ONE;
}

void ge_set_generator(ge_t *r) {
    r->x = GX;
    r->y = GY;
    r->z = FE_ONE;
}

uint32_t ge_is_infinity(const ge_t *a) { return fe_is_zero(&a->z); }

void ge_add(ge_t *r, const ge_t *p, const ge_t *q) {
    fe_t t0, t1, t2, t3, t4, x3, y3, z3;
    fe_mul(&t0, &p->x, &q->x);
    fe_mul(&t1, &p->y, &q->y);
    fe_mul(&t2, &p->z, &q->z);
    fe_add(&t3, &p->x, &p->y);
    fe_add(&t4, &q->x, &q->y);
    fe_mul(&t3, &t3, &t4);
    fe_add(&t4, &t0, &t1);
    fe_sub(&t3, &t3, &t4);
    fe_add(&t4, &p->y, &p->z);
    fe_add(&x3, &q->y, &q->z);
    fe_mul(&t4, &t4, &x3);
    fe_add(&x3, &t1, &t2);
    fe_sub(&t4, &t4, &x3);
    fe_add(&x3, &p->x, &p->z);
    fe_add(&y3, &q->x, &q->z);
    fe_mul(&x3, &x3, &y3);
    fe_add(&y3, &t0, &t2);
    fe_sub(&y3, &x3, &y3);
    fe_add(&x3, &t0, &t0);
    fe_add(&t0, &x3, &t0);
    fe_mul(&t2, &B3, &t2);
    fe_add(&z3, &t1, &t2);
    fe_sub(&t1, &t1, &t2);
    fe_mul(&y3, &B3, &y3);
    fe_mul(&x3, &t4, &y3);
    fe_mul(&t2, &t3, &t1);
    fe_sub(&x3, &t2, &x3);
    fe_mul(&y3, &y3, &t0);
    fe_mul(&t1, &t1, &z3);
    fe_add(&y3, &t1, &y3);
    fe_mul(&t0, &t0, &t3);
    fe_mul(&z3, &z3, &t4);
    fe_add(&z3, &z3, &t0);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

void ge_dbl(ge_t *r, const ge_t *p) {
    fe_t t0, t1, t2, x3, y3, z3;
    fe_sqr(&t0, &p->y);
    fe_add(&z3, &t0, &t0);
    fe_add(&z3, &z3, &z3);
    fe_add(&z3, &z3, &z3);
    fe_mul(&t1, &p->y, &p->z);
    fe_sqr(&t2, &p->z);
    fe_mul(&t2, &B3, &t2);
    fe_mul(&x3, &t2, &z3);
    fe_add(&y3, &t0, &t2);
    fe_mul(&z3, &t1, &z3);
    fe_add(&t1, &t2, &t2);
    fe_add(&t2, &t1, &t2);
    fe_sub(&t0, &t0, &t2);
    fe_mul(&y3, &t0, &y3);
    fe_add(&y3, &x3, &y3);
    fe_mul(&t1, &p->x, &p->y);
    fe_mul(&x3, &t0, &t1);
    fe_add(&x3, &x3, &x3);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

void ge_neg(ge_t *r, const ge_t *a) {
    r->x = a->x;
    fe_neg(&r->y, &a->y);
    r->z = a->z;
}

void ge_cmov(ge_t *r, const ge_t *a, uint32_t flag) {
    u256_cmov(&r->x, &a->x, flag);
    u256_cmov(&r->y, &a->y, flag);
    u256_cmov(&r->z, &a->z, flag);
}

/* Scratch table for ge_mul_portable, static rather than on the stack (1.5 KiB); the core is
 * single-threaded and this is not re-entered. */
static ge_t g_mul_table[16];

void ge_mul_portable(ge_t *r, const sc_t *k, const ge_t *p) {
    ge_t acc, sel;
    ge_set_infinity(&g_mul_table[0]);
    g_mul_table[1] = *p;
    for (unsigned i = 2; i < 16u; i++) {
        if ((i & 1u) == 0u) {
            ge_dbl(&g_mul_table[i], &g_mul_table[i / 2u]);
        } else {
            ge_add(&g_mul_table[i], &g_mul_table[i - 1u], p);
        }
    }
    ge_set_infinity(&acc);
    for (int nib = 63; nib >= 0; nib--) {
        uint32_t digit = (k->v[(unsigned)nib >> 3] >> (4u * ((unsigned)nib & 7u))) & 15u;
        ge_dbl(&acc, &acc);
        ge_dbl(&acc, &acc);
        ge_dbl(&acc, &acc);
        ge_dbl(&acc, &acc);
        ge_set_infinity(&sel);
        for (uint32_t j = 0; j < 16u; j++) {
            /* flag = (j == digit) without a branch */
            uint32_t diff = j ^ digit;
            uint32_t eq = 1u ^ ((diff | (0u - diff)) >> 31);
            ge_cmov(&sel, &g_mul_table[j], eq);
        }
        ge_add(&acc, &acc, &sel);
    }
    *r = acc;
    wipe(g_mul_table, sizeof g_mul_table);
    wipe(&acc, sizeof acc);
    wipe(&sel, sizeof sel);
}

/* k*G with the fixed-base table: k is recoded into 64 signed 4-bit digits in [-7, 8] plus a
 * final carry, so k = sum d_i 16^i, and k*G = sum (sign_i * |d_i| * 16^i * G): 65 complete
 * additions, each with a table entry chosen by scanning all 8 entries of its row with masks
 * (no secret-dependent branch or index). */
void ge_mul_gen_portable(ge_t *r, const sc_t *k) {
    ge_t acc, sel;
    fe_t negy;
    uint32_t carry = 0u;
    ge_set_infinity(&acc);
    for (uint32_t i = 0; i < GEN_TABLE_POSITIONS; i++) {
        uint32_t d = carry;
        if (i < 64u) {
            d += (k->v[i >> 3] >> (4u * (i & 7u))) & 15u;
        }
        /* d in 0..16: digits above 8 become d - 16 with a carry into the next position */
        uint32_t neg = ((8u - d) >> 31) & 1u;
        uint32_t mag = (d ^ ((0u - neg) & (d ^ (16u - d))));
        carry = neg;
        ge_set_infinity(&sel);
        for (uint32_t j = 0; j < GEN_TABLE_ENTRIES; j++) {
            uint32_t diff = mag ^ (j + 1u);
            uint32_t eq = 1u ^ ((diff | (0u - diff)) >> 31);
            u256_cmov(&sel.x, &GE_GEN_TABLE[i][j].x, eq);
            u256_cmov(&sel.y, &GE_GEN_TABLE[i][j].y, eq);
            u256_cmov(&sel.z, &FE_ONE, eq);
        }
        fe_neg(&negy, &sel.y);
        u256_cmov(&sel.y, &negy, neg);
        ge_add(&acc, &acc, &sel);
    }
    *r = acc;
    wipe(&acc, sizeof acc);
    wipe(&sel, sizeof sel);
    wipe(&negy, sizeof negy);
}

uint32_t ge_to_affine(fe_t *x, fe_t *y, const ge_t *a) {
    fe_t zi;
    fe_inv(&zi, &a->z);
    fe_mul(x, &a->x, &zi);
    fe_mul(y, &a->y, &zi);
    return ge_is_infinity(a) ^ 1u;
}

uint32_t ge_encode(uint8_t out[33], const ge_t *a) {
    fe_t x, y;
    uint32_t ok = ge_to_affine(&x, &y, a);
    /* zero the encoding of infinity with a mask: the point may derive from a secret */
    uint8_t keep = (uint8_t)(0u - ok);
    out[0] = (uint8_t)((0x02u | fe_is_odd(&y)) & keep);
    fe_to_bytes(out + 1, &x);
    for (unsigned i = 1; i < 33u; i++) {
        out[i] &= keep;
    }
    return ok;
}

/* y for a given x with the requested parity; returns 0 if x is not on the curve. */
static uint32_t lift(ge_t *r, const fe_t *x, uint32_t odd) {
    fe_t rhs, y, ny;
    fe_sqr(&rhs, x);
    fe_mul(&rhs, &rhs, x);
    fe_add(&rhs, &rhs, &B7);
    uint32_t ok = fe_sqrt(&y, &rhs);
    fe_neg(&ny, &y);
    u256_cmov(&y, &ny, fe_is_odd(&y) ^ odd);
    r->x = *x;
    r->y = y;
    r->z = FE_ONE;
    return ok;
}

uint32_t ge_decode(ge_t *r, const uint8_t in[33]) {
    fe_t x;
    if (in[0] != 0x02u && in[0] != 0x03u) {
        return 0u;
    }
    if (!fe_from_bytes(&x, in + 1)) {
        return 0u;
    }
    return lift(r, &x, (uint32_t)(in[0] & 1u));
}

uint32_t ge_lift_x(ge_t *r, const uint8_t xb[32]) {
    fe_t x;
    if (!fe_from_bytes(&x, xb)) {
        return 0u;
    }
    return lift(r, &x, 0u);
}

uint32_t ge_eq(const ge_t *a, const ge_t *b) {
    fe_t l, rr;
    uint32_t ia = ge_is_infinity(a), ib = ge_is_infinity(b);
    fe_mul(&l, &a->x, &b->z);
    fe_mul(&rr, &b->x, &a->z);
    uint32_t ex = fe_eq(&l, &rr);
    fe_mul(&l, &a->y, &b->z);
    fe_mul(&rr, &b->y, &a->z);
    uint32_t ey = fe_eq(&l, &rr);
    return (ia & ib) | ((ia ^ 1u) & (ib ^ 1u) & ex & ey);
}
