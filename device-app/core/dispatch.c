/* dispatch.c - core entry points: APDU framing checks, routing by INS, the reply-once rule. */
#include "dispatch.h"

#include "chunked.h"
#include "intent.h"
#include "nonce_store.h"
#include "platform.h"
#include "protocol.h"
#include "review.h"
#include "settings.h"
#include "split_pool.h"
#include "ux.h"

static bool g_pending;

void core_reply(const uint8_t *data, size_t len, uint16_t sw) {
    g_pending = false;
    plat_reply(data, len, sw);
}

void core_reply_sw(uint16_t sw) { core_reply(NULL, 0u, sw); }

void core_defer_reply(void) { g_pending = true; }

bool core_p1p2_zero(const apdu_t *a) {
    if (a->p1 != 0u || a->p2 != 0u) {
        core_reply_sw(SW_BAD_P1_P2);
        return false;
    }
    return true;
}

bool core_reply_pending(void) { return g_pending; }

void core_init(void) {
    g_pending = false;
    settings_init();
    nonce_store_init();
    split_pool_clear();
    frost_sign_reset();
    key_split_reset();
    sign_identity_clear_reset();
    intent_clear();
    ux_init();
}

void core_on_apdu(const uint8_t *buf, size_t len) {
    apdu_t a;
    if (ux_exited()) {
        return;
    }
    if (review_active()) {
        /* Ledger IO cannot deliver a second APDU before the reply; if a platform does anyway,
         * the old flow is dropped rather than answered twice. */
        review_cancel();
        g_pending = false;
    }
    uint16_t sw = apdu_parse(buf, len, &a);
    if (sw != SW_OK) {
        frost_sign_reset();
        key_split_reset();
        sign_identity_clear_reset();
        core_reply_sw(sw);
        return;
    }
    if (a.cla != CLA_SPARK) {
        frost_sign_reset();
        key_split_reset();
        sign_identity_clear_reset();
        core_reply_sw(SW_CLA_NOT_SUPPORTED);
        return;
    }
    if (a.ins != INS_FROST_SIGN && a.ins != INS_FROST_SIGN_TX && a.ins != INS_TRANSFER_INTENT &&
        a.ins != INS_SWAP_INTENT && a.ins != INS_EXIT_INTENT) {
        chunked_reset();
    }
    if (a.ins != INS_SIGN_IDENTITY_CLEAR) {
        sign_identity_clear_reset();
    }
    /* a preimage streamed in many chunks is one request: its continuation chunks do not count;
     * nor does SPLIT_PREPARE, which the host sends while idle, also between a transfer's steps */
    if ((a.ins != INS_SIGN_IDENTITY_CLEAR || a.p1 != P1_CHUNK_NEXT) && a.ins != INS_SPLIT_PREPARE) {
        intent_on_apdu();
    }
    if (a.ins != INS_KEY_SPLIT) {
        key_split_reset();
    }
    switch (a.ins) {
    case INS_GET_VERSION:
        handle_get_version(&a);
        break;
    case INS_GET_PUBLIC_KEY:
        handle_get_pubkey(&a);
        break;
    case INS_SIGN_IDENTITY:
        handle_sign_identity(&a);
        break;
    case INS_FROST_COMMIT:
        handle_frost_commit(&a);
        break;
    case INS_FROST_SIGN:
        handle_frost_sign(&a);
        break;
    case INS_KEY_SPLIT:
        handle_key_split(&a);
        break;
    case INS_SPLIT_PREPARE:
        handle_split_prepare(&a);
        break;
    case INS_ECIES_PUBLIC_KEY:
        handle_ecies_pubkey(&a);
        break;
    case INS_HTLC_HMAC:
        handle_htlc_hmac(&a);
        break;
    case INS_EXPORT_STATIC_KEY:
        handle_export_static_key(&a);
        break;
    case INS_SIGN_EXIT_SWEEP:
        handle_exit_sweep(&a);
        break;
    case INS_FROST_SIGN_TX:
        handle_frost_sign_tx(&a);
        break;
    case INS_TRANSFER_INTENT:
        handle_transfer_intent(&a);
        break;
    case INS_SWAP_INTENT:
        handle_swap_intent(&a);
        break;
    case INS_EXIT_INTENT:
        handle_exit_intent(&a);
        break;
    case INS_SIGN_IDENTITY_CLEAR:
        handle_sign_identity_clear(&a);
        break;
    default:
        core_reply_sw(SW_INS_NOT_SUPPORTED);
        break;
    }
}

void core_on_button(button_t b) { ux_on_button(b); }
