/* handler_export_static_key.c - EXPORT_STATIC_KEY (PROTOCOL.md 0x50): the only way a private
 * key leaves the device, for the SDK's static-deposit claim. Always shown and approved on
 * screen, whatever the blind-signing setting; the key is derived again only after Approve. */

#include "dispatch.h"
#include "key_public.h"
#include "platform.h"
#include "protocol.h"
#include "review.h"
#include "review_key.h"
#include "spark_keys.h"
#include "ux_text.h"
#include "wipe.h"

/* The key waiting for the user's decision (public: account and index only). */
static spark_key_t g_pending;

static void on_decision(bool approved) {
    uint8_t priv[32];
    if (!approved) {
        core_reply_sw(SW_DENIED);
        return;
    }
    if (!plat_derive_secp256k1(g_pending.path, g_pending.depth, priv)) {
        wipe(priv, sizeof priv);
        core_reply_sw(SW_INTERNAL);
        return;
    }
    core_reply(priv, sizeof priv, SW_OK);
    wipe(priv, sizeof priv);
}

void handle_export_static_key(const apdu_t *a) {
    reader_t r;
    uint8_t pub[33];

    if (!core_p1p2_zero(a)) {
        return;
    }
    rd_init(&r, a->data, a->lc);
    uint32_t account = rd_u32(&r);
    uint32_t index = rd_u32(&r);
    if (!rd_finished(&r)) {
        core_reply_sw(SW_WRONG_LENGTH);
        return;
    }
    if (account > SPARK_MAX_ACCOUNT || (index & HARDENED) != 0u) {
        core_reply_sw(SW_PATH_REFUSED);
        return;
    }
    g_pending = spark_key_of(KEY_STATIC_DEPOSIT, account, index);
    if (!key_public_of(&g_pending, pub)) {
        core_reply_sw(SW_INTERNAL);
        return;
    }

    review_reset();
    ux_page_t *p = review_add_page("Export key");
    review_describe_key(p, &g_pending);
    p = review_add_page("Warning");
    page_add_line(p, "The computer will");
    page_add_line(p, "learn this private");
    page_add_line(p, "key. It can spend");
    page_add_line(p, "static deposits.");
    p = review_add_page("Public key");
    page_add_hex(p, pub, sizeof pub, 17u);
    core_defer_reply();
    review_start(on_decision);
}
