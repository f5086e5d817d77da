/* test_secret_arith.c - the core's arithmetic on secrets (sc_add, sc_sub, sc_mul, sc_inv,
 * sc_neg, sc_cond_neg, ge_mul_gen, ge_mul), which goes through the platform (platform.h,
 * "arithmetic on secrets"), against @noble/curves (vectors/arith.h): edge values of n and
 * stream values, plus the cases the core settles itself before the platform sees them (the
 * zero scalar, 256-bit values >= n, the point at infinity). The host platform is the portable
 * C; the device's syscall path is held to the same oracles through its commands
 * (test/device/os-crypto.test.ts, pubkeys.test.ts, identity-sign.test.ts, frost.test.ts). */
#include "core_includes.h"
#include "test.h"
#include "vectors/arith.h"

static void scalar(sc_t *r, const char *hex) {
    uint8_t b[32];
    hex_to_bytes(hex, b, 32);
    u256_from_be(r, b);
}

static int scalar_is(const sc_t *a, const char *hex) {
    uint8_t got[32], want[32];
    sc_to_bytes(got, a);
    hex_to_bytes(hex, want, 32);
    return memcmp(got, want, 32) == 0;
}

static int point_is(const ge_t *p, const char *hex) {
    uint8_t got[33], want[33];
    (void)ge_encode(got, p);
    hex_to_bytes(hex, want, 33);
    return memcmp(got, want, 33) == 0;
}

static void test_scalar_vectors(void) {
    for (unsigned i = 0; i < TV_SC_PAIRS_N; i++) {
        const tv_sc_pair_t *v = &TV_SC_PAIRS[i];
        sc_t a, b, r;
        scalar(&a, v->a);
        scalar(&b, v->b);
        sc_add(&r, &a, &b);
        CHECK(scalar_is(&r, v->sum));
        sc_sub(&r, &a, &b);
        CHECK(scalar_is(&r, v->diff));
        sc_mul(&r, &a, &b);
        CHECK(scalar_is(&r, v->prod));
        sc_inv(&r, &a);
        CHECK(scalar_is(&r, v->inv_a));
        /* the result may alias an operand */
        r = a;
        sc_mul(&r, &r, &b);
        CHECK(scalar_is(&r, v->prod));
        r = b;
        sc_add(&r, &a, &r);
        CHECK(scalar_is(&r, v->sum));
    }
}

static void test_neg_and_cond_neg(void) {
    for (unsigned i = 0; i < TV_SC_PAIRS_N; i++) {
        const tv_sc_pair_t *v = &TV_SC_PAIRS[i];
        sc_t a, b, neg_b, r;
        scalar(&a, v->a);
        scalar(&b, v->b);
        sc_neg(&neg_b, &b);
        sc_add(&r, &a, &neg_b); /* a + (-b) = a - b */
        CHECK(scalar_is(&r, v->diff));
        sc_cond_neg(&r, &b, 1u);
        CHECK(u256_eq(&r, &neg_b));
        sc_cond_neg(&r, &b, 0u);
        CHECK(u256_eq(&r, &b));
    }
}

static void test_mul_vectors(void) {
    ge_t p, r;
    uint8_t enc[33];
    hex_to_bytes(TV_MUL_POINT, enc, 33);
    CHECK(ge_decode(&p, enc));
    for (unsigned i = 0; i < TV_MULS_N; i++) {
        const tv_mul_t *v = &TV_MULS[i];
        sc_t k, k_plus_n;
        scalar(&k, v->k);
        ge_mul_gen(&r, &k);
        CHECK(point_is(&r, v->k_g));
        ge_mul(&r, &k, &p);
        CHECK(point_is(&r, v->k_p));
        /* a 256-bit value >= n multiplies as its residue (k + n when it fits in 256 bits) */
        uint32_t carry = 0u;
        for (unsigned j = 0; j < 8u; j++) {
            uint64_t t = (uint64_t)k.v[j] + SC_MOD.m.v[j] + carry;
            k_plus_n.v[j] = (uint32_t)t;
            carry = (uint32_t)(t >> 32);
        }
        if (carry == 0u) {
            ge_mul_gen(&r, &k_plus_n);
            CHECK(point_is(&r, v->k_g));
            ge_mul(&r, &k_plus_n, &p);
            CHECK(point_is(&r, v->k_p));
        }
    }
}

static void test_infinity(void) {
    ge_t inf, r, g;
    sc_t k;
    ge_set_infinity(&inf);
    ge_set_generator(&g);
    sc_set_u32(&k, 5u);
    ge_mul(&r, &k, &inf);
    CHECK(ge_is_infinity(&r));
    sc_set_u32(&k, 0u);
    ge_mul(&r, &k, &g);
    CHECK(ge_is_infinity(&r));
    ge_mul(&r, &k, &inf);
    CHECK(ge_is_infinity(&r));
    ge_mul_gen(&r, &k);
    CHECK(ge_is_infinity(&r));
    /* a projective input (Z != 1) is the same point */
    ge_t two_g, r2;
    ge_add(&two_g, &g, &g);
    sc_set_u32(&k, 3u);
    ge_mul(&r, &k, &two_g);
    sc_set_u32(&k, 6u);
    ge_mul_gen(&r2, &k);
    CHECK(ge_eq(&r, &r2));
}

void suite_secret_arith(void) {
    RUN(test_scalar_vectors);
    RUN(test_neg_and_cond_neg);
    RUN(test_mul_vectors);
    RUN(test_infinity);
}
