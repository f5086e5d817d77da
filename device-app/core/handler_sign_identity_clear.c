/* handler_sign_identity_clear.c - SIGN_IDENTITY_CLEAR (PROTOCOL.md 0x36): an identity-key
 * signature over a preimage the device hashes and parses itself (id_statement.c), so it knows
 * what it signs: an operator or service-provider login, a transfer's per-leaf and package signatures (bound to the
 * approved TRANSFER_INTENT: no screen of their own), or a claim package. No statement moves value
 * away from the user without the intent the user approved; nothing here is blind signing. */
#include <string.h>

#include "dispatch.h"
#include "id_statement.h"
#include "identity_sign.h"
#include "intent.h"
#include "protocol.h"
#include "spark_keys.h"
#include "wipe.h"

static ids_parser_t g_parser;
static uint32_t g_account;
static bool g_started;

void sign_identity_clear_reset(void) {
    if (g_started) {
        wipe(&g_parser, sizeof g_parser);
    }
    g_started = false;
}

static uint16_t check(const ids_result_t *s, uint8_t mode) {
    uint8_t pub[33];
    switch (mode) {
    case IDS_LOGIN:
    case IDS_PROVIDER_LOGIN:
        /* a challenge for another key is not this device's login */
        if (!identity_public_key(g_account, pub)) {
            return SW_INTERNAL;
        }
        return memcmp(pub, s->pubkey, 33u) == 0 ? SW_OK : SW_BAD_DATA;
    case IDS_LEAF:
        return intent_check_leaf_statement(g_account, s->leaf_id, s->leaf_id_len, s->transfer_id, s->cipher_hash);
    case IDS_TRANSFER:
        return intent_check_package(g_account, s->transfer_id);
    default: /* IDS_CLAIM: a claim moves leaves to this user; nothing leaves */
        return SW_OK;
    }
}

static void finish(void) {
    ids_result_t s;
    uint8_t mode = g_parser.mode, out[72];
    size_t out_len = 0u;
    g_started = false;
    if (!ids_finish(&g_parser, &s)) {
        core_reply_sw(SW_BAD_DATA);
        return;
    }
    uint16_t sw = check(&s, mode);
    if (sw == SW_OK) {
        sw = identity_sign(g_account, mode == IDS_LEAF ? P1_ECDSA_COMPACT : P1_ECDSA_DER, s.digest, out, &out_len);
    }
    if (sw == SW_OK && mode == IDS_LEAF) {
        intent_commit_leaf_statement(s.leaf_id, s.leaf_id_len, s.transfer_id);
    } else if (sw == SW_OK && mode == IDS_TRANSFER) {
        intent_commit_package();
    }
    core_reply(out, out_len, sw);
    wipe(out, sizeof out);
    wipe(&s, sizeof s);
}

void handle_sign_identity_clear(const apdu_t *a) {
    const uint8_t *data = a->data;
    size_t len = a->lc;
    if ((a->p1 != P1_CHUNK_FIRST && a->p1 != P1_CHUNK_NEXT) || (a->p2 != P2_CHUNK_LAST && a->p2 != P2_CHUNK_MORE)) {
        sign_identity_clear_reset();
        core_reply_sw(SW_BAD_P1_P2);
        return;
    }
    if (a->p1 == P1_CHUNK_FIRST) {
        sign_identity_clear_reset();
        reader_t r;
        rd_init(&r, data, len);
        uint8_t mode = rd_u8(&r);
        g_account = rd_u32(&r);
        if (r.err) {
            core_reply_sw(SW_WRONG_LENGTH);
            return;
        }
        if (g_account > SPARK_MAX_ACCOUNT) {
            core_reply_sw(SW_PATH_REFUSED);
            return;
        }
        if (!ids_begin(&g_parser, mode)) {
            wipe(&g_parser, sizeof g_parser);
            core_reply_sw(SW_BAD_DATA);
            return;
        }
        g_started = true;
        data += 5;
        len -= 5u;
    } else if (!g_started) {
        core_reply_sw(SW_CHUNK_SEQUENCE);
        return;
    }
    if (!ids_feed(&g_parser, data, len)) {
        sign_identity_clear_reset();
        core_reply_sw(SW_BAD_DATA);
        return;
    }
    if (a->p2 == P2_CHUNK_MORE) {
        core_reply_sw(SW_OK);
        return;
    }
    finish();
}
