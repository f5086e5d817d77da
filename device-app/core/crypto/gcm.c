#include "gcm.h"

#include "aes256.h"
#include "wipe.h"

/* x = x·h in GF(2^128) with GCM's bit order (SP 800-38D algorithm 1), branch-free. */
static void gf128_mul(uint8_t x[16], const uint8_t h[16]) {
    uint8_t z[16] = {0}, v[16];
    for (int i = 0; i < 16; i++) {
        v[i] = h[i];
    }
    for (int i = 0; i < 128; i++) {
        uint8_t bit = (uint8_t)((x[i / 8] >> (7 - (i % 8))) & 1u);
        uint8_t m = (uint8_t)(0u - bit);
        for (int j = 0; j < 16; j++) {
            z[j] ^= (uint8_t)(v[j] & m);
        }
        uint8_t lsb = (uint8_t)(v[15] & 1u);
        for (int j = 15; j > 0; j--) {
            v[j] = (uint8_t)((v[j] >> 1) | (uint8_t)(v[j - 1] << 7));
        }
        v[0] = (uint8_t)(v[0] >> 1);
        v[0] ^= (uint8_t)(0xe1u & (uint8_t)(0u - lsb));
    }
    for (int i = 0; i < 16; i++) {
        x[i] = z[i];
    }
    wipe(z, sizeof z);
    wipe(v, sizeof v);
}

/* y = GHASH_h over data, zero-padded to whole blocks, continuing from y. */
static void ghash_update(uint8_t y[16], const uint8_t h[16], const uint8_t *data, size_t len) {
    while (len > 0u) {
        size_t n = len < 16u ? len : 16u;
        for (size_t i = 0; i < n; i++) {
            y[i] ^= data[i];
        }
        gf128_mul(y, h);
        data += n;
        len -= n;
    }
}

static void length_block(uint8_t b[16], uint64_t aad_bits, uint64_t data_bits) {
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(aad_bits >> (56 - 8 * i));
        b[8 + i] = (uint8_t)(data_bits >> (56 - 8 * i));
    }
}

/* The low 32 bits of the counter block + 1, branch-free: for a non-96-bit nonce J0 comes from
 * GHASH under the secret H, so the counter is secret too. */
static void inc32(uint8_t ctr[16]) {
    uint32_t c = ((uint32_t)ctr[12] << 24) | ((uint32_t)ctr[13] << 16) | ((uint32_t)ctr[14] << 8) | ctr[15];
    c += 1u;
    ctr[12] = (uint8_t)(c >> 24);
    ctr[13] = (uint8_t)(c >> 16);
    ctr[14] = (uint8_t)(c >> 8);
    ctr[15] = (uint8_t)c;
}

typedef struct {
    aes256_t aes;
    uint8_t h[16];
    uint8_t j0[16];
} gcm_t;

static void gcm_setup(gcm_t *g, const uint8_t key[32], const uint8_t nonce[16]) {
    static const uint8_t zero[16] = {0};
    uint8_t lb[16];
    aes256_init(&g->aes, key);
    aes256_encrypt(&g->aes, zero, g->h);
    /* a nonce that is not 96 bits long: J0 = GHASH(nonce || 0^64 || [len(nonce)]_64) */
    for (int i = 0; i < 16; i++) {
        g->j0[i] = 0u;
    }
    ghash_update(g->j0, g->h, nonce, GCM_NONCE_LEN);
    length_block(lb, 0u, (uint64_t)GCM_NONCE_LEN * 8u);
    ghash_update(g->j0, g->h, lb, 16u);
}

static void ctr_xor(const gcm_t *g, const uint8_t *in, size_t len, uint8_t *out) {
    uint8_t ctr[16], ks[16];
    for (int i = 0; i < 16; i++) {
        ctr[i] = g->j0[i];
    }
    for (size_t off = 0; off < len; off += 16u) {
        inc32(ctr);
        aes256_encrypt(&g->aes, ctr, ks);
        size_t n = len - off < 16u ? len - off : 16u;
        for (size_t i = 0; i < n; i++) {
            out[off + i] = (uint8_t)(in[off + i] ^ ks[i]);
        }
    }
    wipe(ks, sizeof ks);
}

static void compute_tag(const gcm_t *g, const uint8_t *ct, size_t len, uint8_t tag[16]) {
    uint8_t y[16] = {0}, lb[16], ek[16];
    ghash_update(y, g->h, ct, len);
    length_block(lb, 0u, (uint64_t)len * 8u);
    ghash_update(y, g->h, lb, 16u);
    aes256_encrypt(&g->aes, g->j0, ek);
    for (int i = 0; i < 16; i++) {
        tag[i] = (uint8_t)(y[i] ^ ek[i]);
    }
    wipe(y, sizeof y);
    wipe(ek, sizeof ek);
}

void gcm_encrypt(const uint8_t key[32], const uint8_t nonce[16], const uint8_t *in, size_t len, uint8_t *out,
                 uint8_t tag[16]) {
    gcm_t g;
    gcm_setup(&g, key, nonce);
    ctr_xor(&g, in, len, out);
    compute_tag(&g, out, len, tag);
    wipe(&g, sizeof g);
}

uint32_t gcm_decrypt(const uint8_t key[32], const uint8_t nonce[16], const uint8_t *in, size_t len,
                     const uint8_t tag[16], uint8_t *out) {
    gcm_t g;
    uint8_t expect[16];
    gcm_setup(&g, key, nonce);
    compute_tag(&g, in, len, expect);
    uint32_t ok = ct_equal(expect, tag, 16u);
    ctr_xor(&g, in, len, out);
    /* out = ok ? plaintext : 0, without a branch on the plaintext */
    uint8_t mask = (uint8_t)(0u - (ok & 1u));
    for (size_t i = 0; i < len; i++) {
        out[i] &= mask;
    }
    wipe(&g, sizeof g);
    wipe(expect, sizeof expect);
    return ok;
}
