/* handler_get_pubkey.c - GET_PUBLIC_KEY (PROTOCOL.md 0x10): a policy-checked Spark key's
 * compressed public key, optionally confirmed on screen. */
#include <string.h>

#include "dispatch.h"
#include "key_policy.h"
#include "key_public.h"
#include "platform.h"
#include "protocol.h"
#include "review.h"
#include "review_key.h"
#include "ux_text.h"

/* The key waiting for the user's confirmation (public data). */
static uint8_t g_pending_pub[33];

static void on_decision(bool approved) {
    if (approved) {
        core_reply(g_pending_pub, sizeof g_pending_pub, SW_OK);
    } else {
        core_reply_sw(SW_DENIED);
    }
}

void handle_get_pubkey(const apdu_t *a) {
    reader_t r;
    spark_key_t key;
    if ((a->p1 != P1_SILENT && a->p1 != P1_SHOW) || a->p2 != 0u) {
        core_reply_sw(SW_BAD_P1_P2);
        return;
    }
    rd_init(&r, a->data, a->lc);
    uint16_t sw = keyref_parse(&r, &key);
    if (sw == SW_OK && !rd_finished(&r)) {
        sw = r.err ? SW_WRONG_LENGTH : SW_BAD_DATA;
    }
    if (sw == SW_OK) {
        sw = key_policy_named_by(&key, KEY_USE_GET_PUBLIC_KEY); /* every kind, by the table */
    }
    if (sw != SW_OK) {
        core_reply_sw(sw);
        return;
    }
    if (!key_public_of(&key, g_pending_pub)) {
        core_reply_sw(SW_INTERNAL);
        return;
    }
    if (a->p1 == P1_SILENT) {
        core_reply(g_pending_pub, sizeof g_pending_pub, SW_OK);
        return;
    }
    review_reset();
    ux_page_t *p = review_add_page("Verify key");
    review_describe_key(p, &key);
    review_add_leaf_page(&key);
    p = review_add_page("Public key");
    page_add_hex(p, g_pending_pub, sizeof g_pending_pub, 17u);
    core_defer_reply();
    review_start(on_decision);
}
