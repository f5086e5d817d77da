/* gcm.h - AES-256-GCM (NIST SP 800-38D) with a 16-byte nonce, no associated data and a 16-byte
 * tag: the one shape the SDK's ECIES uses (docs/keys-and-frost.md, "ECIES"). GHASH multiplies
 * bit by bit with masks, so its time does not depend on the key or the data. */
#ifndef SPARK_GCM_H
#define SPARK_GCM_H
#include <stddef.h>
#include <stdint.h>

#define GCM_NONCE_LEN 16u
#define GCM_TAG_LEN 16u

/* out = encryption of in (len bytes, may alias), tag = its tag. */
void gcm_encrypt(const uint8_t key[32], const uint8_t nonce[16], const uint8_t *in, size_t len, uint8_t *out,
                 uint8_t tag[16]);
/* Decrypts into out only if the tag verifies (compared in constant time); returns 1, or 0 with out
 * zeroed. */
uint32_t gcm_decrypt(const uint8_t key[32], const uint8_t nonce[16], const uint8_t *in, size_t len,
                     const uint8_t tag[16], uint8_t *out);
#endif
