/* ecies.h - the SDK's ECIES (docs/keys-and-frost.md, "ECIES"): ciphertext = ephemeral public key
 * E, uncompressed (65) || nonce (16) || AES-256-GCM tag (16) || encrypted message; the AES key is
 * HKDF-SHA256(ikm = E uncompressed || (e·P) uncompressed, no salt, no info, 32 bytes). */
#ifndef SPARK_ECIES_H
#define SPARK_ECIES_H
#include <stddef.h>
#include <stdint.h>

#define ECIES_OVERHEAD 97u /* 65 + 16 + 16 */

/* out[msg_len] = message; returns 1, or 0 (out zeroed) for a malformed ephemeral key, an invalid
 * private key or a tag that does not verify. ct_len must be ECIES_OVERHEAD + msg_len. */
uint32_t ecies_decrypt(const uint8_t priv[32], const uint8_t *ct, size_t ct_len, uint8_t *out);
/* out[ECIES_OVERHEAD + len] = encryption of msg to the compressed public key pub, with the given
 * ephemeral secret and nonce (the caller draws them from the TRNG). Returns 0 for an invalid
 * receiver key or ephemeral secret. */
uint32_t ecies_encrypt(const uint8_t pub[33], const uint8_t *msg, size_t len, const uint8_t eph_secret[32],
                       const uint8_t nonce[16], uint8_t *out);
/* ecies_encrypt with the ephemeral public key already computed (a prepared split,
 * split_pool.h): eph_pub = eph_secret·G uncompressed, which the caller vouches for. */
uint32_t ecies_encrypt_prepared(const uint8_t pub[33], const uint8_t *msg, size_t len,
                                const uint8_t eph_secret[32], const uint8_t eph_pub[65],
                                const uint8_t nonce[16], uint8_t *out);
/* eph_pub = eph_secret·G uncompressed; 0 for an invalid secret. */
uint32_t ecies_ephemeral_public(const uint8_t eph_secret[32], uint8_t eph_pub[65]);
#endif
