/* sha512.h - SHA-512 and HMAC-SHA512 for the HOST platform's BIP32 only (on the device the OS
 * derives keys with os_perso_derive_node_bip32). */
#ifndef HOST_SHA512_H
#define HOST_SHA512_H
#include <stddef.h>
#include <stdint.h>

void sha512(const uint8_t *data, size_t len, uint8_t out[64]);
void hmac_sha512(const uint8_t *key, size_t key_len, const uint8_t *d1, size_t l1,
                 const uint8_t *d2, size_t l2, uint8_t out[64]);
#endif
