/* ge.h - secp256k1 points (y^2 = x^3 + 7) in homogeneous projective coordinates (X:Y:Z),
 * infinity = (0:1:0). Addition and doubling use the complete formulas of Renes, Costello and
 * Batina ("Complete addition formulas for prime order elliptic curves", 2016, algorithms 7 and
 * 9 for a = 0), so there are no special cases and no secret-dependent branches. */
#ifndef SPARK_GE_H
#define SPARK_GE_H
#include "fe.h"
#include "sc.h"

typedef struct {
    fe_t x, y, z;
} ge_t;

void ge_set_infinity(ge_t *r);
void ge_set_generator(ge_t *r);
uint32_t ge_is_infinity(const ge_t *a);
void ge_add(ge_t *r, const ge_t *a, const ge_t *b);
void ge_dbl(ge_t *r, const ge_t *a);
void ge_neg(ge_t *r, const ge_t *a);
void ge_cmov(ge_t *r, const ge_t *a, uint32_t flag);
/* r = k * p and r = k * G for a secret k (any 256-bit value: k is taken mod n), on the
 * platform's implementation (platform.h, "arithmetic on secrets"; secret_arith.c): the OS's
 * cx_ecpoint_* syscalls on the device, the portable C of portable.h on the host. The result is
 * infinity when k = 0 mod n or p is infinity; no branch on k. */
void ge_mul(ge_t *r, const sc_t *k, const ge_t *p);
void ge_mul_gen(ge_t *r, const sc_t *k);
/* Affine coordinates; returns 0 for infinity. */
uint32_t ge_to_affine(fe_t *x, fe_t *y, const ge_t *a);
/* 33-byte compressed SEC1 encoding; returns 0 (and writes zeros) for infinity. */
uint32_t ge_encode(uint8_t out[33], const ge_t *a);
/* Decode 33-byte compressed SEC1 with full validation (prefix 02/03, x < p, on curve);
 * returns 0 if invalid. */
uint32_t ge_decode(ge_t *r, const uint8_t in[33]);
/* Lift an x-only key (BIP340: even y); returns 0 if invalid. */
uint32_t ge_lift_x(ge_t *r, const uint8_t x[32]);
/* 1 if the two points are equal (projective comparison) */
uint32_t ge_eq(const ge_t *a, const ge_t *b);
#endif
