/* mont.h - 256-bit integers on 32-bit limbs and constant-time arithmetic modulo a 256-bit odd
 * modulus, with Montgomery multiplication (R = 2^256). Used for both the secp256k1 field (p)
 * and the scalar group order (n). Every function runs in time independent of the values. */
#ifndef SPARK_MONT_H
#define SPARK_MONT_H
#include <stdint.h>

typedef struct {
    uint32_t v[8]; /* little-endian limbs: v[0] is the least significant */
} u256_t;

typedef struct {
    u256_t m;        /* the modulus */
    u256_t r2;       /* R^2 mod m */
    uint32_t m0inv;  /* -m^-1 mod 2^32 */
} mod_t;

void u256_from_be(u256_t *r, const uint8_t b[32]);
void u256_to_be(uint8_t b[32], const u256_t *a);
void u256_set_u32(u256_t *r, uint32_t x);
/* 1 if a < b else 0 */
uint32_t u256_lt(const u256_t *a, const u256_t *b);
uint32_t u256_is_zero(const u256_t *a);
uint32_t u256_eq(const u256_t *a, const u256_t *b);
/* r = flag ? a : r, flag in {0,1} */
void u256_cmov(u256_t *r, const u256_t *a, uint32_t flag);
/* r = a - b, returns the borrow (0/1) */
uint32_t u256_sub(u256_t *r, const u256_t *a, const u256_t *b);

/* All mod_* inputs must already be < m (except where stated); outputs are < m. */
void mod_add(u256_t *r, const u256_t *a, const u256_t *b, const mod_t *m);
void mod_sub(u256_t *r, const u256_t *a, const u256_t *b, const mod_t *m);
void mod_neg(u256_t *r, const u256_t *a, const mod_t *m);
/* r = a * b * R^-1 mod m */
void mod_mont_mul(u256_t *r, const u256_t *a, const u256_t *b, const mod_t *m);
/* r = a mod m for any a < 2^256 (m > 2^255, so one conditional subtraction suffices);
 * returns 1 if a >= m */
uint32_t mod_reduce_once(u256_t *r, const u256_t *a, const mod_t *m);
/* r = base^e (all in Montgomery form); e is PUBLIC (branches on its bits), base may be secret */
void mod_mont_pow(u256_t *r, const u256_t *base, const u256_t *e, const u256_t *one_mont,
                  const mod_t *m);
#endif
