#include "ecdsa.h"

#include <string.h>

#include "ge.h"
#include "ge_multi.h"
#include "hmac_sha256.h"
#include "sc.h"
#include "ct.h"
#include "wipe.h"

/* RFC 6979 section 3.2 state: K and V. */
typedef struct {
    uint8_t k[32];
    uint8_t v[32];
} drbg_t;

static void drbg_step(drbg_t *d, uint8_t sep, const uint8_t *x, const uint8_t *h) {
    hmac_sha256_ctx_t c;
    hmac_sha256_init(&c, d->k, 32u);
    hmac_sha256_update(&c, d->v, 32u);
    hmac_sha256_update(&c, &sep, 1u);
    if (x != NULL) {
        hmac_sha256_update(&c, x, 32u);
        hmac_sha256_update(&c, h, 32u);
    }
    hmac_sha256_final(&c, d->k);
    hmac_sha256(d->k, 32u, d->v, 32u, d->v);
}

uint32_t ecdsa_sign(const uint8_t priv[32], const uint8_t digest[32], uint8_t sig[64]) {
    sc_t d, z, k, r, s, t;
    ge_t R;
    fe_t rx, ry;
    uint8_t h1[32], rxb[32];
    drbg_t drbg;
    uint32_t ok = 0u;

    uint32_t key_ok = sc_from_bytes_nonzero(&d, priv);
    CT_DECLASSIFY(&key_ok, sizeof key_ok); /* an invalid key is refused, not hidden */
    if (!key_ok) {
        wipe(&d, sizeof d);
        return 0u;
    }
    /* bits2octets(h1) = (int(h1) mod n) as 32 bytes (qlen = hlen = 256) */
    (void)sc_from_bytes_reduce(&z, digest);
    sc_to_bytes(h1, &z);

    memset(drbg.v, 0x01, 32u);
    memset(drbg.k, 0x00, 32u);
    drbg_step(&drbg, 0x00u, priv, h1);
    drbg_step(&drbg, 0x01u, priv, h1);
    for (unsigned attempt = 0; attempt < 16u && !ok; attempt++) {
        hmac_sha256(drbg.k, 32u, drbg.v, 32u, drbg.v);
        /* RFC 6979 retries reveal only that a candidate was out of range (p ~ 2^-128) */
        uint32_t k_ok = sc_from_bytes_nonzero(&k, drbg.v);
        CT_DECLASSIFY(&k_ok, sizeof k_ok);
        if (k_ok) {
            ge_mul_gen(&R, &k);
            (void)ge_to_affine(&rx, &ry, &R);
            fe_to_bytes(rxb, &rx);
            (void)sc_from_bytes_reduce(&r, rxb);
            /* s = k^-1 (z + r d) */
            sc_mul(&t, &r, &d);
            sc_add(&t, &t, &z);
            sc_inv(&s, &k);
            sc_mul(&s, &s, &t);
            uint32_t rs_ok = (sc_is_zero(&r) | sc_is_zero(&s)) ^ 1u;
            CT_DECLASSIFY(&rs_ok, sizeof rs_ok);
            if (rs_ok) {
                sc_cond_neg(&s, &s, sc_is_high(&s));
                sc_to_bytes(sig, &r);
                sc_to_bytes(sig + 32, &s);
                CT_DECLASSIFY(sig, 64u); /* the signature is public */
                ok = 1u;
            }
        }
        if (!ok) {
            /* RFC 6979 3.2 step h.3: K = HMAC_K(V || 0x00), V = HMAC_K(V) */
            drbg_step(&drbg, 0x00u, NULL, NULL);
        }
    }
    wipe(&d, sizeof d);
    wipe(&k, sizeof k);
    wipe(&t, sizeof t);
    wipe(&s, sizeof s);
    wipe(&drbg, sizeof drbg);
    wipe(&R, sizeof R);
    wipe(h1, sizeof h1);
    return ok;
}

uint32_t ecdsa_verify(const uint8_t pub[33], const uint8_t digest[32], const uint8_t sig[64]) {
    sc_t r, s, z, w, k[2];
    ge_t pts[2], R;
    fe_t x, y;
    uint8_t xb[32], xr[32];
    if (!sc_from_bytes_nonzero(&r, sig) || !sc_from_bytes_nonzero(&s, sig + 32) ||
        !ge_decode(&pts[1], pub)) {
        return 0u;
    }
    /* R = (z/s) G + (r/s) P; valid iff R is not infinity and R.x mod n = r (SEC1 4.1.4) */
    (void)sc_from_bytes_reduce(&z, digest);
    sc_inv(&w, &s);
    sc_mul(&k[0], &z, &w);
    sc_mul(&k[1], &r, &w);
    ge_set_generator(&pts[0]);
    if (!ge_mul_multi_vartime(&R, k, pts, 2u) || !ge_to_affine(&x, &y, &R)) {
        return 0u;
    }
    fe_to_bytes(xb, &x);
    (void)sc_from_bytes_reduce(&w, xb);
    sc_to_bytes(xr, &w);
    return memcmp(xr, sig, 32u) == 0 ? 1u : 0u;
}

static size_t der_int(const uint8_t v[32], uint8_t *out) {
    size_t i = 0;
    while (i < 31u && v[i] == 0u) {
        i++;
    }
    size_t len = 32u - i;
    size_t pad = (v[i] & 0x80u) ? 1u : 0u;
    out[0] = 0x02u;
    out[1] = (uint8_t)(len + pad);
    out[2] = 0x00u;
    memcpy(out + 2 + pad, v + i, len);
    return 2u + pad + len;
}

size_t ecdsa_der_encode(const uint8_t sig[64], uint8_t out[72]) {
    size_t n = 2u;
    n += der_int(sig, out + n);
    n += der_int(sig + 32, out + n);
    out[0] = 0x30u;
    out[1] = (uint8_t)(n - 2u);
    return n;
}
