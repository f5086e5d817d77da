/* bip340.h - BIP340 Schnorr signatures over secp256k1. */
#ifndef SPARK_BIP340_H
#define SPARK_BIP340_H
#include <stdint.h>

#include "sc.h"

/* e = int(tagged_hash("BIP0340/challenge", R.x || P.x || msg)) mod n (BIP340; also the
 * challenge of a Spark FROST signature, with the tweaked key's x). */
void bip340_challenge(sc_t *e, const uint8_t rx[32], const uint8_t px[32], const uint8_t msg[32]);
/* Sign a 32-byte message with aux randomness aux (BIP340 "Default Signing"). Writes
 * R.x || s. Returns 0 if priv is invalid or a degenerate nonce occurs. */
uint32_t bip340_sign(const uint8_t priv[32], const uint8_t msg[32], const uint8_t aux[32],
                     uint8_t sig[64]);
/* BIP340 "Verification" of R.x || s over msg for the x-only key pkx. Variable time: public
 * inputs only (used on our own signatures before they leave the device). */
uint32_t bip340_verify(const uint8_t pkx[32], const uint8_t msg[32], const uint8_t sig[64]);
#endif
