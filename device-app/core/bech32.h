/* bech32.h - segwit addresses (BIP173 bech32 for version 0, BIP350 bech32m for versions 1+),
 * for showing where an exit sweep pays. */
#ifndef SPARK_BECH32_H
#define SPARK_BECH32_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEGWIT_ADDR_MAX 90u

/* The address of a segwit output script (OP_n <2..40-byte program>) for hrp ("bc", "tb",
 * "bcrt"); false if the script is not a segwit output. out has SEGWIT_ADDR_MAX + 1 bytes. */
bool segwit_address(const char *hrp, const uint8_t *script, size_t script_len, char *out);
#endif
