/* handler_ecies_pubkey.c - ECIES_PUBLIC_KEY (PROTOCOL.md 0x33): decrypts a transfer's key
 * ciphertext with the identity key and returns only the public key of the scalar inside. The
 * scalar is not kept: KEY_SPLIT decrypts the same ciphertext again when the claim needs it. */
#include <string.h>

#include "dispatch.h"
#include "ecies.h"
#include "key_public.h"
#include "platform.h"
#include "protocol.h"
#include "spark_keys.h"
#include "wipe.h"

#define ECIES_KEY_CIPHERTEXT_LEN (ECIES_OVERHEAD + 32u)

void handle_ecies_pubkey(const apdu_t *a) {
    reader_t r;
    uint8_t priv[32], secret[32], pub[33];

    if (!core_p1p2_zero(a)) {
        return;
    }
    rd_init(&r, a->data, a->lc);
    uint32_t account = rd_u32(&r);
    const uint8_t *ct = rd_bytes(&r, ECIES_KEY_CIPHERTEXT_LEN);
    if (ct == NULL || !rd_finished(&r)) {
        core_reply_sw(SW_WRONG_LENGTH);
        return;
    }
    if (account > SPARK_MAX_ACCOUNT) {
        core_reply_sw(SW_PATH_REFUSED);
        return;
    }
    uint16_t sw = SW_OK;
    if (!spark_key_derive_account_key(KEY_IDENTITY, account, priv)) {
        sw = SW_INTERNAL;
    } else if (ecies_decrypt(priv, ct, ECIES_KEY_CIPHERTEXT_LEN, secret) == 0u) {
        sw = SW_BAD_DATA; /* not encrypted to this identity key, or tampered */
    } else if (!key_public_from_private(secret, pub)) {
        sw = SW_BAD_DATA; /* the plaintext is not a key (0 or >= n) */
    }
    wipe(priv, sizeof priv);
    wipe(secret, sizeof secret);
    core_reply(pub, sw == SW_OK ? sizeof pub : 0u, sw);
}
