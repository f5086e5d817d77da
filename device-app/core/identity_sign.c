/* identity_sign.c - see identity_sign.h. */
#include "identity_sign.h"

#include <string.h>

#include "bip340.h"
#include "ecdsa.h"
#include "key_public.h"
#include "platform.h"
#include "protocol.h"
#include "spark_keys.h"
#include "wipe.h"

/* Fault-attack protection: the signature is verified against the key before it leaves the
 * device. With deterministic nonces (RFC 6979), a glitched signature and a correct one over
 * the same digest would give away the identity key. The public key is the session's
 * (key_public_of: computed once, apart from this signing, PROTOCOL.md "Session caches"), so a
 * fault in this signing's own derivation fails the check as well. */
static bool verified(uint32_t account, const uint8_t digest[32], const uint8_t sig[64], bool schnorr) {
    uint8_t pub[33];
    if (!key_public_of_account_key(KEY_IDENTITY, account, pub)) {
        return false;
    }
    return schnorr ? bip340_verify(pub + 1, digest, sig) != 0u : ecdsa_verify(pub, digest, sig) != 0u;
}

uint16_t identity_sign(uint32_t account, uint8_t form, const uint8_t digest[32], uint8_t out[72], size_t *out_len) {
    uint8_t priv[32], sig[64];
    uint16_t sw = SW_OK;
    *out_len = 0u;
    if (!spark_key_derive_account_key(KEY_IDENTITY, account, priv)) {
        sw = SW_INTERNAL;
    } else if (form == P1_SCHNORR) {
        uint8_t aux[32];
        plat_random(aux, sizeof aux); /* BIP340 recommends fresh auxiliary randomness */
        if (bip340_sign(priv, digest, aux, sig) && verified(account, digest, sig, true)) {
            memcpy(out, sig, 64u);
            *out_len = 64u;
        } else {
            sw = SW_INTERNAL;
        }
    } else if (ecdsa_sign(priv, digest, sig) && verified(account, digest, sig, false)) {
        if (form == P1_ECDSA_DER) {
            *out_len = ecdsa_der_encode(sig, out);
        } else {
            memcpy(out, sig, 64u);
            *out_len = 64u;
        }
    } else {
        sw = SW_INTERNAL;
    }
    wipe(priv, sizeof priv);
    wipe(sig, sizeof sig);
    return sw;
}

bool identity_public_key(uint32_t account, uint8_t pub[33]) {
    return key_public_of_account_key(KEY_IDENTITY, account, pub);
}
