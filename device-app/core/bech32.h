/* bech32.h - segwit addresses (BIP173 bech32 for version 0, BIP350 bech32m for versions 1+),
 * for showing where an exit sweep or a payment goes, and Spark addresses (bech32m). */
#ifndef SPARK_BECH32_H
#define SPARK_BECH32_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEGWIT_ADDR_MAX 90u
#define SPARK_ADDR_MAX 80u /* "sparkrt1" + 56 data characters + 6 checksum = 70 */

/* hrp || '1' || data5 as characters || checksum (BIP350 bech32m if bech32m, else BIP173), NUL
 * terminated; false if it would not fit out_max bytes. data5 holds 5-bit values. */
bool bech32_encode(const char *hrp, const uint8_t *data5, size_t n, bool bech32m, char *out, size_t out_max);
/* The Spark address of an identity key as the SDK's encodeSparkAddress writes it: bech32m of the
 * protobuf SparkAddress{identity_public_key = 1}, hrp "spark", "sparkt", "sparks", "sparkrt" or
 * "sparkl". out has SPARK_ADDR_MAX + 1 bytes. */
bool spark_address(const char *hrp, const uint8_t identity_key[33], char *out);

/* The address of a segwit output script (OP_n <2..40-byte program>) for hrp ("bc", "tb",
 * "bcrt"); false if the script is not a segwit output. out has SEGWIT_ADDR_MAX + 1 bytes. */
bool segwit_address(const char *hrp, const uint8_t *script, size_t script_len, char *out);
#endif
