/* md_block.h - the Merkle-Damgard framing SHA-256 and SHA-512 share (FIPS 180-4 sections 5.1
 * and 6.2/6.4): input collected into whole blocks for the compression function, then the final
 * padding (0x80, zeros, the message length in bits, big-endian, at the end of the last block).
 * The hash keeps its chaining state and block buffer; these keep the count. Branches depend on
 * lengths only, never on the data. */
#ifndef SPARK_MD_BLOCK_H
#define SPARK_MD_BLOCK_H
#include <stddef.h>
#include <stdint.h>

/* Compresses one block into the chaining state. */
typedef void (*md_compress_t)(void *state, const uint8_t *block);

typedef struct {
    md_compress_t compress;
    uint32_t block_len;  /* 64 (SHA-256) or 128 (SHA-512) */
    uint32_t length_len; /* bytes of the length field: 8 or 16 */
} md_hash_t;

typedef struct {
    uint64_t total; /* bytes hashed so far */
    uint32_t fill;  /* bytes in the block buffer */
} md_count_t;

void md_reset(md_count_t *n);
void md_update(const md_hash_t *hash, void *state, uint8_t *buf, md_count_t *n,
               const uint8_t *data, size_t len);
/* Pads and compresses the last block(s); the state then holds the digest. */
void md_finish(const md_hash_t *hash, void *state, uint8_t *buf, md_count_t *n);
#endif
