#include "tagged.h"

#include <string.h>

void tagged_init(sha256_ctx_t *c, const char *tag) {
    uint8_t th[32];
    sha256((const uint8_t *)tag, strlen(tag), th);
    sha256_init(c);
    sha256_update(c, th, 32u);
    sha256_update(c, th, 32u);
}

void tagged_hash(const char *tag, const uint8_t *msg, size_t len, uint8_t out[32]) {
    sha256_ctx_t c;
    tagged_init(&c, tag);
    sha256_update(&c, msg, len);
    sha256_final(&c, out);
}
