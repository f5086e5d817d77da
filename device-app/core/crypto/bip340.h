/* bip340.h - BIP340 Schnorr signatures over secp256k1. */
#ifndef SPARK_BIP340_H
#define SPARK_BIP340_H
#include <stdint.h>

/* Sign a 32-byte message with aux randomness aux (BIP340 "Default Signing"). Writes
 * R.x || s. Returns 0 if priv is invalid or a degenerate nonce occurs. */
uint32_t bip340_sign(const uint8_t priv[32], const uint8_t msg[32], const uint8_t aux[32],
                     uint8_t sig[64]);
/* BIP340 "Verification" of R.x || s over msg for the x-only key pkx. Variable time: public
 * inputs only (used on our own signatures before they leave the device). */
uint32_t bip340_verify(const uint8_t pkx[32], const uint8_t msg[32], const uint8_t sig[64]);
#endif
