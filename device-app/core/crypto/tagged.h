/* tagged.h - BIP340 tagged hashes: SHA256(SHA256(tag) || SHA256(tag) || msg). */
#ifndef SPARK_TAGGED_H
#define SPARK_TAGGED_H
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

/* Start a tagged hash; continue with sha256_update and sha256_final. */
void tagged_init(sha256_ctx_t *c, const char *tag);
void tagged_hash(const char *tag, const uint8_t *msg, size_t len, uint8_t out[32]);
#endif
