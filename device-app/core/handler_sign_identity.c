/* handler_sign_identity.c - SIGN_IDENTITY (PROTOCOL.md 0x20): ECDSA (DER or compact) or BIP340
 * with the identity key over a 32-byte digest; blind signing, so it needs the setting and an
 * on-screen approval. */
#include <string.h>

#include "dispatch.h"
#include "identity_sign.h"
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

static void sign_now(void) {
    uint8_t out[72];
    size_t out_len = 0u;
    uint16_t sw = identity_sign(g_req.account, g_req.mode, g_req.digest, out, &out_len);
    core_reply(out, out_len, sw);
    wipe(out, sizeof out);
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
