/* sc.h - scalars modulo the secp256k1 group order n, in normal (non-Montgomery) form.
 * Constant time. The arithmetic (add, sub, neg, mul, inv, cond_neg, the 48-byte reduction)
 * runs on the platform's implementation (platform.h, "arithmetic on secrets";
 * secret_arith.c): the OS's cx_bn_* syscalls on the device, the portable C of portable.h on
 * the host. Inputs must be < n. */
#ifndef SPARK_SC_H
#define SPARK_SC_H
#include "mont.h"

typedef u256_t sc_t;

extern const mod_t SC_MOD;

/* r = b mod n (32 big-endian bytes); returns 1 if b was >= n (it got reduced). */
uint32_t sc_from_bytes_reduce(sc_t *r, const uint8_t b[32]);
/* r = b (32 big-endian bytes); returns 1 only if 0 < b < n (a valid secret key / nonce). */
uint32_t sc_from_bytes_nonzero(sc_t *r, const uint8_t b[32]);
/* r = b mod n for a 48-byte big-endian value (RFC 9380 hash_to_field, L = 48). */
void sc_from_bytes48(sc_t *r, const uint8_t b[48]);
void sc_to_bytes(uint8_t b[32], const sc_t *a);
void sc_set_u32(sc_t *r, uint32_t x);
void sc_add(sc_t *r, const sc_t *a, const sc_t *b);
void sc_sub(sc_t *r, const sc_t *a, const sc_t *b);
void sc_neg(sc_t *r, const sc_t *a);
void sc_mul(sc_t *r, const sc_t *a, const sc_t *b);
void sc_inv(sc_t *r, const sc_t *a); /* a^-1 mod n; 0 for a = 0 */
/* r = flag ? -a : a, flag in {0,1} */
void sc_cond_neg(sc_t *r, const sc_t *a, uint32_t flag);
uint32_t sc_is_zero(const sc_t *a);
uint32_t sc_is_high(const sc_t *a); /* 1 if a > n/2 */
#endif
