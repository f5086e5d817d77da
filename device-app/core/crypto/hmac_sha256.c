#include "hmac_sha256.h"

#include <string.h>

#include "wipe.h"

void hmac_sha256_init(hmac_sha256_ctx_t *c, const uint8_t *key, size_t key_len) {
    uint8_t k[64];
    memset(k, 0, sizeof k);
    if (key_len > 64u) {
        sha256(key, key_len, k);
    } else {
        memcpy(k, key, key_len);
    }
    for (unsigned i = 0; i < 64u; i++) {
        c->okey[i] = (uint8_t)(k[i] ^ 0x5cu);
        k[i] = (uint8_t)(k[i] ^ 0x36u);
    }
    sha256_init(&c->inner);
    sha256_update(&c->inner, k, 64u);
    wipe(k, sizeof k);
}

void hmac_sha256_update(hmac_sha256_ctx_t *c, const uint8_t *data, size_t len) {
    sha256_update(&c->inner, data, len);
}

void hmac_sha256_final(hmac_sha256_ctx_t *c, uint8_t out[32]) {
    uint8_t ih[32];
    sha256_final(&c->inner, ih);
    sha256_init(&c->inner);
    sha256_update(&c->inner, c->okey, 64u);
    sha256_update(&c->inner, ih, 32u);
    sha256_final(&c->inner, out);
    wipe(ih, sizeof ih);
    wipe(c, sizeof *c);
}

void hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
                 uint8_t out[32]) {
    hmac_sha256_ctx_t c;
    hmac_sha256_init(&c, key, key_len);
    hmac_sha256_update(&c, data, len);
    hmac_sha256_final(&c, out);
}
