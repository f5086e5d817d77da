/* secret_arith.c - the scalar and point arithmetic that may touch a secret, routed to the
 * platform (platform.h, "arithmetic on secrets"): on the device the OS's cx_bn_* and
 * cx_ecpoint_* syscalls, which on a real Ledger run in the secure element with its
 * side-channel and fault countermeasures; on the host the portable C of portable.h, the
 * reference. The edge cases the OS does not define (the zero scalar, the point at infinity, a
 * 256-bit value >= n) are settled here, the same way on both platforms, with masks instead of
 * branches: the platform is handed a valid input (1 or G in their place) and the result is
 * replaced afterwards. */
#include <string.h>

#include "ge.h"
#include "platform.h"
#include "sc.h"
#include "wipe.h"

typedef void (*plat_sc_op_t)(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]);

static void sc_platform_op(sc_t *r, const sc_t *a, const sc_t *b, plat_sc_op_t op) {
    uint8_t ab[32], bb[32], rb[32];
    sc_to_bytes(ab, a);
    sc_to_bytes(bb, b);
    op(rb, ab, bb);
    u256_from_be(r, rb);
    wipe(ab, sizeof ab);
    wipe(bb, sizeof bb);
    wipe(rb, sizeof rb);
}

void sc_add(sc_t *r, const sc_t *a, const sc_t *b) { sc_platform_op(r, a, b, plat_sc_add); }
void sc_sub(sc_t *r, const sc_t *a, const sc_t *b) { sc_platform_op(r, a, b, plat_sc_sub); }
void sc_mul(sc_t *r, const sc_t *a, const sc_t *b) { sc_platform_op(r, a, b, plat_sc_mul); }

/* 2^256 mod n, i.e. 2^256 - n */
static const sc_t TWO_POW_256_MOD_N = {{0x2fc9bebfu, 0x402da173u, 0x50b75fc4u, 0x45512319u,
                                        0x00000001u, 0u, 0u, 0u}};

void sc_from_bytes48(sc_t *r, const uint8_t b[48]) {
    /* b = hi * 2^256 + lo with hi < 2^128 < n: r = hi * (2^256 mod n) + (lo mod n). The nonces
     * are such reductions of secret bytes (nonce_store.c), so the multiply and add go through
     * the platform; lo mod n is one masked conditional subtraction. */
    uint8_t hib[32];
    sc_t hi, lo, t;
    memset(hib, 0, 16u);
    memcpy(hib + 16u, b, 16u);
    u256_from_be(&hi, hib);
    (void)sc_from_bytes_reduce(&lo, b + 16u);
    sc_mul(&t, &hi, &TWO_POW_256_MOD_N);
    sc_add(r, &t, &lo);
    wipe(hib, sizeof hib);
    wipe(&hi, sizeof hi);
    wipe(&lo, sizeof lo);
    wipe(&t, sizeof t);
}

void sc_neg(sc_t *r, const sc_t *a) {
    sc_t zero;
    sc_set_u32(&zero, 0u);
    sc_sub(r, &zero, a);
}

void sc_cond_neg(sc_t *r, const sc_t *a, uint32_t flag) {
    sc_t neg;
    sc_neg(&neg, a);
    *r = *a;
    u256_cmov(r, &neg, flag);
    wipe(&neg, sizeof neg);
}

void sc_inv(sc_t *r, const sc_t *a) {
    /* 0 has no inverse (the OS refuses it; a^(n-2) gives 0): invert 1 instead, then mask the
     * result to 0 */
    uint8_t ab[32], rb[32];
    sc_t a1, c;
    uint32_t zero = sc_is_zero(a);
    a1 = *a;
    sc_set_u32(&c, 1u);
    u256_cmov(&a1, &c, zero);
    sc_to_bytes(ab, &a1);
    plat_sc_inv(rb, ab);
    u256_from_be(r, rb);
    sc_set_u32(&c, 0u);
    u256_cmov(r, &c, zero);
    wipe(ab, sizeof ab);
    wipe(rb, sizeof rb);
    wipe(&a1, sizeof a1);
}

/* kb = k mod n as bytes, with 1 in place of 0; returns 1 if k was 0 mod n. */
static uint32_t scalar_for_platform(uint8_t kb[32], const sc_t *k) {
    sc_t kr, one;
    (void)mod_reduce_once(&kr, k, &SC_MOD);
    uint32_t zero = sc_is_zero(&kr);
    sc_set_u32(&one, 1u);
    u256_cmov(&kr, &one, zero);
    sc_to_bytes(kb, &kr);
    wipe(&kr, sizeof kr);
    return zero;
}

/* r = (x, y, 1), then infinity where `to_infinity` is 1 */
static void point_from_platform(ge_t *r, const uint8_t x[32], const uint8_t y[32],
                                uint32_t to_infinity) {
    ge_t inf;
    (void)fe_from_bytes(&r->x, x);
    (void)fe_from_bytes(&r->y, y);
    r->z = FE_ONE;
    ge_set_infinity(&inf);
    ge_cmov(r, &inf, to_infinity);
}

void ge_mul_gen(ge_t *r, const sc_t *k) {
    uint8_t kb[32], x[32], y[32];
    uint32_t zero = scalar_for_platform(kb, k);
    plat_ec_mul_gen(x, y, kb);
    point_from_platform(r, x, y, zero);
    wipe(kb, sizeof kb);
    wipe(x, sizeof x);
    wipe(y, sizeof y);
}

void ge_mul(ge_t *r, const sc_t *k, const ge_t *p) {
    uint8_t kb[32], px[32], py[32], x[32], y[32];
    fe_t ax, ay;
    ge_t g;
    uint32_t zero = scalar_for_platform(kb, k);
    /* infinity has no affine coordinates: G stands in for it, and the result is masked */
    uint32_t p_inf = ge_to_affine(&ax, &ay, p) ^ 1u;
    ge_set_generator(&g);
    u256_cmov(&ax, &g.x, p_inf);
    u256_cmov(&ay, &g.y, p_inf);
    fe_to_bytes(px, &ax);
    fe_to_bytes(py, &ay);
    plat_ec_mul(x, y, kb, px, py);
    point_from_platform(r, x, y, zero | p_inf);
    wipe(kb, sizeof kb);
    wipe(x, sizeof x);
    wipe(y, sizeof y);
}
