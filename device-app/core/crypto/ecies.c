#include "ecies.h"

#include "ct.h"
#include "gcm.h"
#include "ge.h"
#include "hmac_sha256.h"
#include "wipe.h"

/* 65-byte uncompressed SEC1 (public input): 04 || x || y, x, y < p, on the curve. */
static uint32_t decode_uncompressed(ge_t *r, const uint8_t in[65]) {
    fe_t x, y, lhs, rhs, seven;
    ge_set_infinity(r);
    if (in[0] != 0x04u) {
        return 0u;
    }
    uint32_t ok = fe_from_bytes(&x, in + 1) & fe_from_bytes(&y, in + 33);
    fe_sqr(&lhs, &y);
    fe_sqr(&rhs, &x);
    fe_mul(&rhs, &rhs, &x);
    fe_set_u32(&seven, 7u);
    fe_add(&rhs, &rhs, &seven);
    ok &= fe_eq(&lhs, &rhs);
    r->x = x;
    r->y = y;
    r->z = FE_ONE;
    return ok;
}

static uint32_t encode_uncompressed(uint8_t out[65], const ge_t *p) {
    fe_t x, y;
    uint32_t ok = ge_to_affine(&x, &y, p);
    out[0] = 0x04u;
    fe_to_bytes(out + 1, &x);
    fe_to_bytes(out + 33, &y);
    wipe(&x, sizeof x);
    wipe(&y, sizeof y);
    return ok;
}

/* key = HKDF-SHA256(ikm = eph || shared, salt = none, info = none), 32 bytes (RFC 5869). */
static void derive_key(const uint8_t eph[65], const uint8_t shared[65], uint8_t key[32]) {
    static const uint8_t no_salt[32] = {0};
    static const uint8_t one = 0x01u;
    uint8_t prk[32];
    hmac_sha256_ctx_t h;
    hmac_sha256_init(&h, no_salt, sizeof no_salt);
    hmac_sha256_update(&h, eph, 65u);
    hmac_sha256_update(&h, shared, 65u);
    hmac_sha256_final(&h, prk);
    hmac_sha256(prk, sizeof prk, &one, 1u, key);
    wipe(prk, sizeof prk);
}

/* shared = k·P uncompressed; 0 if k is not a valid scalar or the product is infinity. */
static uint32_t ecdh(const uint8_t k_bytes[32], const ge_t *p, uint8_t shared[65]) {
    sc_t k;
    ge_t s;
    uint32_t ok = sc_from_bytes_nonzero(&k, k_bytes);
    ge_mul(&s, &k, p);
    ok &= encode_uncompressed(shared, &s);
    wipe(&k, sizeof k);
    wipe(&s, sizeof s);
    return ok;
}

uint32_t ecies_decrypt(const uint8_t priv[32], const uint8_t *ct, size_t ct_len, uint8_t *out) {
    ge_t e;
    uint8_t shared[65], key[32];
    if (ct_len < ECIES_OVERHEAD) {
        return 0u;
    }
    size_t len = ct_len - ECIES_OVERHEAD;
    uint32_t ok = decode_uncompressed(&e, ct); /* public */
    ok &= ecdh(priv, &e, shared);
    CT_DECLASSIFY(&ok, sizeof ok); /* whether the key and the header are valid is public */
    if (ok == 0u) {
        wipe(out, len);
        wipe(shared, sizeof shared);
        return 0u;
    }
    derive_key(ct, shared, key);
    ok = gcm_decrypt(key, ct + 65, ct + ECIES_OVERHEAD, len, ct + 81, out);
    CT_DECLASSIFY(&ok, sizeof ok); /* the tag check's outcome is public */
    wipe(shared, sizeof shared);
    wipe(key, sizeof key);
    return ok;
}

uint32_t ecies_ephemeral_public(const uint8_t eph_secret[32], uint8_t eph_pub[65]) {
    ge_t e;
    sc_t k;
    uint32_t ok = sc_from_bytes_nonzero(&k, eph_secret);
    ge_mul_gen(&e, &k);
    ok &= encode_uncompressed(eph_pub, &e);
    CT_DECLASSIFY(eph_pub, 65u); /* the ephemeral public key is sent */
    CT_DECLASSIFY(&ok, sizeof ok);
    wipe(&k, sizeof k);
    wipe(&e, sizeof e);
    return ok;
}

uint32_t ecies_encrypt_prepared(const uint8_t pub[33], const uint8_t *msg, size_t len,
                                const uint8_t eph_secret[32], const uint8_t eph_pub[65],
                                const uint8_t nonce[16], uint8_t *out) {
    ge_t p;
    uint8_t shared[65], key[32];
    if (ge_decode(&p, pub) == 0u) {
        return 0u;
    }
    for (size_t i = 0; i < 65u; i++) {
        out[i] = eph_pub[i];
    }
    uint32_t ok = ecdh(eph_secret, &p, shared);
    CT_DECLASSIFY(&ok, sizeof ok);
    if (ok != 0u) {
        derive_key(out, shared, key);
        for (size_t i = 0; i < GCM_NONCE_LEN; i++) {
            out[65u + i] = nonce[i];
        }
        gcm_encrypt(key, nonce, msg, len, out + ECIES_OVERHEAD, out + 81);
    }
    wipe(shared, sizeof shared);
    wipe(key, sizeof key);
    return ok;
}

uint32_t ecies_encrypt(const uint8_t pub[33], const uint8_t *msg, size_t len, const uint8_t eph_secret[32],
                       const uint8_t nonce[16], uint8_t *out) {
    uint8_t eph_pub[65];
    if (ecies_ephemeral_public(eph_secret, eph_pub) == 0u) {
        return 0u;
    }
    return ecies_encrypt_prepared(pub, msg, len, eph_secret, eph_pub, nonce, out);
}
