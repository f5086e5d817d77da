/* aes256.h - AES-256 block encryption (FIPS 197), constant time: the S-box is computed as the
 * GF(2^8) inverse (x^254, fixed square-and-multiply) followed by the affine map, never looked up
 * in a table indexed by secret bytes. Only encryption: GCM needs no inverse cipher. */
#ifndef SPARK_AES256_H
#define SPARK_AES256_H
#include <stdint.h>

typedef struct {
    uint8_t rk[15][16]; /* 15 round keys */
} aes256_t;

void aes256_init(aes256_t *c, const uint8_t key[32]);
void aes256_encrypt(const aes256_t *c, const uint8_t in[16], uint8_t out[16]);
#endif
