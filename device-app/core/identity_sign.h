/* identity_sign.h - a signature by the identity key of an account over a 32-byte digest, checked
 * against the key before it is returned (SIGN_IDENTITY, SIGN_IDENTITY_CLEAR). */
#ifndef SPARK_IDENTITY_SIGN_H
#define SPARK_IDENTITY_SIGN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* form: P1_ECDSA_DER, P1_ECDSA_COMPACT or P1_SCHNORR (protocol.h). Writes up to 72 bytes to out
 * and their count to *out_len; returns SW_OK or SW_INTERNAL (nothing written). */
uint16_t identity_sign(uint32_t account, uint8_t form, const uint8_t digest[32], uint8_t out[72], size_t *out_len);
/* The identity public key of the account; false if the derivation failed. */
bool identity_public_key(uint32_t account, uint8_t pub[33]);
#endif
