/* handler_sign_identity.c - SIGN_IDENTITY (PROTOCOL.md 0x20): ECDSA (DER or compact) or BIP340
 * with the identity key over a 32-byte digest; blind signing, so it needs the setting and an
 * on-screen approval. */
#include <string.h>

#include "bip340.h"
#include "dispatch.h"
#include "ecdsa.h"
#include "key_public.h"
#include "platform.h"
#include "protocol.h"
#include "review.h"
#include "settings.h"
#include "spark_keys.h"
#include "ux_text.h"
#include "wipe.h"

/* The request waiting for approval (public data: mode, account, digest). */
static struct {
    uint8_t mode;
    uint32_t account;
    uint8_t digest[32];
} g_req;

/* Fault-attack protection: the signature is verified against the key before it
 * leaves the device. With deterministic nonces (RFC 6979), a glitched signature and a correct
 * one over the same digest would give away the identity key. The public key is the session's
 * (key_public_of: computed once, apart from this signing), so a fault in this run's derivation
 * fails the check as well. */
static bool verified(const uint8_t sig[64], bool schnorr) {
    uint8_t pub[33];
    if (!key_public_of_account_key(KEY_IDENTITY, g_req.account, pub)) {
        return false;
    }
    return schnorr ? bip340_verify(pub + 1, g_req.digest, sig) != 0u
                   : ecdsa_verify(pub, g_req.digest, sig) != 0u;
}

static void sign_now(void) {
    uint8_t priv[32], sig[64], out[72];
    size_t out_len = 0u;
    uint16_t sw = SW_OK;

    if (!spark_key_derive_account_key(KEY_IDENTITY, g_req.account, priv)) {
        sw = SW_INTERNAL;
    } else if (g_req.mode == P1_SCHNORR) {
        uint8_t aux[32];
        plat_random(aux, sizeof aux); /* BIP340 recommends fresh auxiliary randomness */
        if (bip340_sign(priv, g_req.digest, aux, sig) && verified(sig, true)) {
            memcpy(out, sig, 64u);
            out_len = 64u;
        } else {
            sw = SW_INTERNAL;
        }
    } else if (ecdsa_sign(priv, g_req.digest, sig) && verified(sig, false)) {
        if (g_req.mode == P1_ECDSA_DER) {
            out_len = ecdsa_der_encode(sig, out);
        } else {
            memcpy(out, sig, 64u);
            out_len = 64u;
        }
    } else {
        sw = SW_INTERNAL;
    }
    wipe(priv, sizeof priv);
    core_reply(out, sw == SW_OK ? out_len : 0u, sw);
    wipe(sig, sizeof sig);
}

static void on_decision(bool approved) {
    if (approved) {
        sign_now();
    } else {
        core_reply_sw(SW_DENIED);
    }
}

void handle_sign_identity(const apdu_t *a) {
    reader_t r;
    if (a->p1 > P1_SCHNORR || a->p2 != 0u) {
        core_reply_sw(SW_BAD_P1_P2);
        return;
    }
    rd_init(&r, a->data, a->lc);
    uint32_t account = rd_u32(&r);
    const uint8_t *digest = rd_bytes(&r, 32u);
    if (!rd_finished(&r) || digest == NULL) {
        core_reply_sw(SW_WRONG_LENGTH);
        return;
    }
    if (account > SPARK_MAX_ACCOUNT) {
        core_reply_sw(SW_PATH_REFUSED);
        return;
    }
    /* a bare 32-byte digest is blind signing */
    if (!settings_blind_signing()) {
        core_reply_sw(SW_BLIND_SIGNING_DISABLED);
        return;
    }
    g_req.mode = a->p1;
    g_req.account = account;
    memcpy(g_req.digest, digest, 32u);

    review_reset();
    ux_page_t *p = review_add_page("Blind signing");
    page_add_line(p, "Identity key");
    page_add_number(p, "Account ", account);
    page_add_line(p, a->p1 == P1_SCHNORR ? "Schnorr"
                     : a->p1 == P1_ECDSA_DER ? "ECDSA"
                                             : "ECDSA compact");
    p = review_add_page("Message hash");
    page_add_hex(p, g_req.digest, 32u, 16u);
    core_defer_reply();
    review_start(on_decision);
}
