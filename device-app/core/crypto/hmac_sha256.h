/* hmac_sha256.h - HMAC-SHA256 (RFC 2104), streaming, for RFC 6979 nonces and htlcHMAC. */
#ifndef SPARK_HMAC_SHA256_H
#define SPARK_HMAC_SHA256_H
#include "sha256.h"

typedef struct {
    sha256_ctx_t inner;
    uint8_t okey[64]; /* key ^ opad, kept for the outer hash */
} hmac_sha256_ctx_t;

void hmac_sha256_init(hmac_sha256_ctx_t *c, const uint8_t *key, size_t key_len);
void hmac_sha256_update(hmac_sha256_ctx_t *c, const uint8_t *data, size_t len);
void hmac_sha256_final(hmac_sha256_ctx_t *c, uint8_t out[32]); /* wipes the context */
void hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
                 uint8_t out[32]);
#endif
