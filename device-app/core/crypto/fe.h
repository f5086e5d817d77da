/* fe.h - secp256k1 base field elements mod p = 2^256 - 2^32 - 977, in normal form (< p).
 * Constant time. */
#ifndef SPARK_FE_H
#define SPARK_FE_H
#include "mont.h"

typedef u256_t fe_t;

extern const mod_t FE_MOD;
extern const fe_t FE_ONE;

/* Parse 32 big-endian bytes; returns 0 (and r = 0) if the value is >= p. */
uint32_t fe_from_bytes(fe_t *r, const uint8_t b[32]);
void fe_to_bytes(uint8_t b[32], const fe_t *a);
void fe_set_u32(fe_t *r, uint32_t x);
void fe_add(fe_t *r, const fe_t *a, const fe_t *b);
void fe_sub(fe_t *r, const fe_t *a, const fe_t *b);
void fe_neg(fe_t *r, const fe_t *a);
void fe_mul(fe_t *r, const fe_t *a, const fe_t *b);
void fe_sqr(fe_t *r, const fe_t *a);
void fe_inv(fe_t *r, const fe_t *a); /* a^(p-2) by a fixed addition chain; inv(0) = 0 */
/* r = a^((p+1)/4); returns 1 if that is a square root of a (a is a square) */
uint32_t fe_sqrt(fe_t *r, const fe_t *a);
uint32_t fe_is_odd(const fe_t *a);
uint32_t fe_is_zero(const fe_t *a);
uint32_t fe_eq(const fe_t *a, const fe_t *b);
#endif
