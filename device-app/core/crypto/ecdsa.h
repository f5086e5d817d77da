/* ecdsa.h - ECDSA over secp256k1 with RFC 6979 deterministic nonces (HMAC-SHA256) and low-S. */
#ifndef SPARK_ECDSA_H
#define SPARK_ECDSA_H
#include <stddef.h>
#include <stdint.h>

/* Sign a 32-byte digest. Writes r || s (64 bytes, s <= n/2). Returns 0 if priv is not a valid
 * key (0 or >= n). */
uint32_t ecdsa_sign(const uint8_t priv[32], const uint8_t digest[32], uint8_t sig[64]);
/* Verify r || s (both in 1..n-1, any S) over a digest against a compressed public key.
 * Variable time: public inputs only. Used to check our own signatures before they leave the
 * device (a fault during signing must not release a bad signature: with deterministic nonces
 * one faulty and one good signature over the same digest reveal the key). */
uint32_t ecdsa_verify(const uint8_t pub[33], const uint8_t digest[32], const uint8_t sig[64]);
/* Strict DER encoding of r || s (SEQUENCE of two minimal positive INTEGERs); returns the
 * length (<= 72). */
size_t ecdsa_der_encode(const uint8_t sig[64], uint8_t out[72]);
#endif
