#include "md_block.h"

#include <string.h>

void md_reset(md_count_t *n) {
    n->total = 0u;
    n->fill = 0u;
}

void md_update(const md_hash_t *hash, void *state, uint8_t *buf, md_count_t *n,
               const uint8_t *data, size_t len) {
    n->total += len;
    while (len > 0u) {
        size_t take = hash->block_len - n->fill;
        if (take > len) {
            take = len;
        }
        memcpy(buf + n->fill, data, take);
        n->fill += (uint32_t)take;
        data += take;
        len -= take;
        if (n->fill == hash->block_len) {
            hash->compress(state, buf);
            n->fill = 0u;
        }
    }
}

void md_finish(const md_hash_t *hash, void *state, uint8_t *buf, md_count_t *n) {
    /* the bit length fits 64 bits; a 16-byte field (SHA-512) has zeros in its first 8 bytes */
    uint64_t bits = n->total * 8u;
    uint32_t len_at = hash->block_len - 8u;
    buf[n->fill++] = 0x80u;
    if (n->fill > hash->block_len - hash->length_len) {
        memset(buf + n->fill, 0, hash->block_len - n->fill);
        hash->compress(state, buf);
        n->fill = 0u;
    }
    memset(buf + n->fill, 0, len_at - n->fill);
    for (uint32_t i = 0; i < 8u; i++) {
        buf[len_at + i] = (uint8_t)(bits >> (56u - 8u * i));
    }
    hash->compress(state, buf);
    n->fill = 0u;
}
