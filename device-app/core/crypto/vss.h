/* vss.h - Feldman verifiable secret sharing as the SDK's splitSecretWithProofs does it
 * (docs/keys-and-frost.md, "Verifiable secret sharing"): f(x) = a_0 + a_1 x + … + a_{t-1} x^{t-1}
 * with a_0 = the secret; share i = f(i) for i = 1..n; proofs = a_j·G compressed, j = 0..t-1. */
#ifndef SPARK_VSS_H
#define SPARK_VSS_H
#include <stdint.h>

#include "sc.h"

#define VSS_MAX_SHARES 8u

/* coeffs[0] = secret, coeffs[1..t-1] random (caller's TRNG). proofs: t × 33 bytes, shares:
 * n × 32 bytes (both leave the device: written declassified). 1 <= t <= n <= VSS_MAX_SHARES.
 * Returns 0 if a proof is the point at infinity (a zero coefficient: draw again). */
uint32_t vss_split(const sc_t *coeffs, uint32_t t, uint32_t n, uint8_t *proofs, uint8_t *shares);
/* The two halves of vss_split, for a caller that has some proofs already (a prepared split,
 * split_pool.h). vss_proofs: proofs[j] = coeffs[j]·G for j in [from, t); 0 if one is infinity. */
uint32_t vss_proofs(const sc_t *coeffs, uint32_t from, uint32_t t, uint8_t *proofs);
/* vss_shares: share i = f(i), i = 1..n (no scalar multiplication). */
void vss_shares(const sc_t *coeffs, uint32_t t, uint32_t n, uint8_t *shares);
#endif
