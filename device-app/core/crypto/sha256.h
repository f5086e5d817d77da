/* sha256.h - SHA-256 (FIPS 180-4), streaming; the block framing is md_block.h. */
#ifndef SPARK_SHA256_H
#define SPARK_SHA256_H
#include <stddef.h>
#include <stdint.h>

#include "md_block.h"

typedef struct {
    uint32_t h[8];
    uint8_t buf[64];
    md_count_t n;
} sha256_ctx_t;

void sha256_init(sha256_ctx_t *c);
void sha256_update(sha256_ctx_t *c, const uint8_t *data, size_t len);
void sha256_final(sha256_ctx_t *c, uint8_t out[32]); /* also wipes the context */
void sha256(const uint8_t *data, size_t len, uint8_t out[32]);
#endif
