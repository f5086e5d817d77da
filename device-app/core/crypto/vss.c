#include "vss.h"

#include "ct.h"
#include "ge.h"
#include "wipe.h"

uint32_t vss_proofs(const sc_t *coeffs, uint32_t from, uint32_t t, uint8_t *proofs) {
    uint32_t ok = 1u;
    ge_t p;
    for (uint32_t j = from; j < t; j++) {
        ge_mul_gen(&p, &coeffs[j]);
        ok &= ge_encode(proofs + 33u * j, &p);
    }
    CT_DECLASSIFY(proofs + 33u * from, 33u * (t - from));
    CT_DECLASSIFY(&ok, sizeof ok);
    wipe(&p, sizeof p);
    return ok;
}

void vss_shares(const sc_t *coeffs, uint32_t t, uint32_t n, uint8_t *shares) {
    sc_t acc, x;
    for (uint32_t i = 1; i <= n; i++) {
        /* Horner: f(i) = (…(a_{t-1}·i + a_{t-2})·i + …)·i + a_0 */
        sc_set_u32(&x, i);
        acc = coeffs[t - 1u];
        for (uint32_t j = t - 1u; j > 0u; j--) {
            sc_mul(&acc, &acc, &x);
            sc_add(&acc, &acc, &coeffs[j - 1u]);
        }
        sc_to_bytes(shares + 32u * (i - 1u), &acc);
    }
    CT_DECLASSIFY(shares, 32u * n);
    wipe(&acc, sizeof acc);
}

uint32_t vss_split(const sc_t *coeffs, uint32_t t, uint32_t n, uint8_t *proofs, uint8_t *shares) {
    uint32_t ok = vss_proofs(coeffs, 0u, t, proofs);
    vss_shares(coeffs, t, n, shares);
    return ok;
}
