/* keys.c - randomness and BIP32 derivation from the device seed, both done by the OS. */
#include "../core/platform.h"
#include "syscalls.h"
#include "plat_wipe.h"

/* Deepest path the core asks for is m/8797555'/account'/... ; 10 is generous and bounds the copy. */
#define MAX_BIP32_DEPTH 10u

void plat_random(uint8_t *out, size_t len)
{
    if (sys_random(out, len) != 0u) {
        /* Without randomness no nonce is safe: stop the app rather than continue. */
        plat_wipe(out, len);
        sys_exit(0xEEu);
    }
}

bool plat_derive_secp256k1(const uint32_t *path, size_t depth, uint8_t priv[32])
{
    uint32_t path_copy[MAX_BIP32_DEPTH];
    if (path == NULL || depth == 0u || depth > MAX_BIP32_DEPTH) {
        plat_wipe(priv, 32u);
        return false;
    }
    for (size_t i = 0; i < depth; i++) {
        path_copy[i] = path[i];
    }
    /* os_perso_derive_node_bip32 writes the 32-byte big-endian scalar; errors come back in r1
     * (e.g. 0x4212 when a path is refused: speculos src/bolos/os_bip32.c). */
    if (sys_derive_bip32(path_copy, (uint32_t)depth, priv) != 0u) {
        plat_wipe(priv, 32u);
        return false;
    }
    return true;
}
