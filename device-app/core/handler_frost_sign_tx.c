/* handler_frost_sign_tx.c - FROST_SIGN_TX (PROTOCOL.md 0x34): a FROST share over a sighash the
 * device recomputes from the transaction and its prevouts. It runs FROST_SIGN's steps
 * (frost_request) and decides by what the outputs pay: the user's own keys → no screen;
 * someone else → the approved transfer intent, or a review naming amount and address. */
#include <string.h>

#include "bech32.h"
#include "chunked.h"
#include "dispatch.h"
#include "frost_request.h"
#include "intent.h"
#include "key_public.h"
#include "network.h"
#include "protocol.h"
#include "review.h"
#include "tx.h"
#include "tx_classify.h"
#include "ux_text.h"

#define FROST_TX_MAX_PAYLOAD 2048u
#define FROST_TX_MAX_RAW 1200u

static struct {
    frost_req_t frost;
    uint8_t network;
    uint8_t index;
    tx_t tx;
    tx_prevout_t prevouts[TX_MAX_INPUTS];
    uint64_t in_total;
    uint8_t sighash[32];
    uint8_t own[2][TAPROOT_SCRIPT_LEN]; /* P2TR of the signing key, P2TR of P */
    bool under_intent;
} g_req;
static frost_plan_t g_plan;

/* Structure only: nothing is consumed when this fails. */
static uint16_t parse(uint16_t *key_sw) {
    reader_t r;
    rd_init(&r, chunked_data(), chunked_len());
    uint16_t sw = frost_req_parse(&r, &g_req.frost, false, key_sw);
    if (sw != SW_OK) {
        return sw;
    }
    g_req.network = rd_u8(&r);
    g_req.index = rd_u8(&r);
    uint16_t raw_len = rd_u16(&r);
    const uint8_t *raw = rd_bytes(&r, raw_len);
    if (r.err) {
        return SW_WRONG_LENGTH;
    }
    if (network_btc_hrp(g_req.network) == NULL || raw_len == 0u || raw_len > FROST_TX_MAX_RAW) {
        return SW_BAD_DATA;
    }
    tx_err_t te = tx_parse(raw, raw_len, &g_req.tx);
    if (te != TX_OK) {
        return te == TX_UNSUPPORTED ? SW_TX_UNSUPPORTED : SW_BAD_DATA;
    }
    g_req.in_total = 0;
    for (uint32_t i = 0; i < g_req.tx.n_in; i++) {
        tx_prevout_t *p = &g_req.prevouts[i];
        p->value = rd_u64(&r);
        uint8_t sl = rd_u8(&r);
        p->script_len = sl;
        p->script = rd_bytes(&r, sl);
        if (r.err) {
            return SW_WRONG_LENGTH;
        }
        if (sl > TX_MAX_SCRIPT || p->value > TX_MAX_SATS || (g_req.in_total += p->value) > TX_MAX_SATS) {
            return SW_BAD_DATA;
        }
    }
    if (!rd_finished(&r) || g_req.index >= g_req.tx.n_in || tx_out_total(&g_req.tx) > g_req.in_total) {
        return SW_BAD_DATA;
    }
    /* the signed input must spend P2TR(P): the share is a share of that key only */
    const tx_prevout_t *spent = &g_req.prevouts[g_req.index];
    if (!taproot_script(g_req.frost.vk, g_req.own[1])) {
        return SW_BAD_DATA;
    }
    if (spent->script_len != TAPROOT_SCRIPT_LEN || memcmp(spent->script, g_req.own[1], TAPROOT_SCRIPT_LEN) != 0) {
        return SW_TX_UNSUPPORTED;
    }
    return SW_OK;
}

static void on_decision(bool approved) {
    if (approved) {
        frost_req_reply_share(&g_req.frost, &g_plan);
    } else {
        core_reply_sw(SW_DENIED);
    }
    chunked_reset();
}

static void review_payment(void) {
    uint64_t foreign = 0;
    uint32_t n_foreign = 0, first = 0;
    for (uint32_t i = 0; i < g_req.tx.n_out; i++) {
        if (tx_output_class(&g_req.tx.out[i], (const uint8_t(*)[TAPROOT_SCRIPT_LEN])g_req.own, 2u) == OUT_FOREIGN) {
            if (n_foreign++ == 0u) {
                first = i;
            }
            foreign += g_req.tx.out[i].value;
        }
    }
    review_reset();
    ux_page_t *p = review_add_page("Pay");
    page_add_sats(p, "", foreign);
    page_add_sats(p, "Fee ", g_req.in_total - tx_out_total(&g_req.tx));
    if (n_foreign > 0u) {
        p = review_add_page("To");
        const tx_out_t *o = &g_req.tx.out[first];
        page_add_address(p, network_btc_hrp(g_req.network), o->script, o->script_len);
    }
    if (n_foreign > 1u) {
        p = review_add_page("Outputs");
        page_add_number(p, "Recipients ", n_foreign);
    }
    core_defer_reply();
    review_start(on_decision);
}

/* Steps 2..6 (PROTOCOL.md "FROST_SIGN_TX"); SW_OK means: sign now without a screen if
 * *needs_review is false. */
static uint16_t run(bool *needs_review) {
    uint16_t key_sw;
    uint16_t sw = parse(&key_sw);
    if (sw != SW_OK) {
        return sw;
    }
    sw = frost_req_begin(&g_req.frost, key_sw);
    if (sw == SW_OK) {
        sw = frost_req_check_commitments(&g_req.frost);
    }
    if (sw != SW_OK) {
        return sw;
    }
    tx_sighash_taproot(&g_req.tx, g_req.prevouts, g_req.index, g_req.sighash);
    g_req.frost.msg = g_req.sighash;
    sw = frost_req_prepare(&g_req.frost, &g_plan);
    if (sw != SW_OK) {
        return sw;
    }
    uint8_t pub[33];
    if (!key_public_of(&g_req.frost.key, pub) || !taproot_script(pub, g_req.own[0])) {
        return SW_INTERNAL;
    }
    g_req.under_intent = false;
    if (tx_classify(&g_req.tx, g_req.in_total, (const uint8_t(*)[TAPROOT_SCRIPT_LEN])g_req.own, 2u) == TX_STAYS) {
        *needs_review = false;
        return SW_OK;
    }
    if (intent_active()) {
        sw = intent_check_refund(&g_req.frost.key, &g_req.tx, g_req.prevouts, g_req.index, g_req.frost.adaptor != NULL);
        g_req.under_intent = sw == SW_OK;
        *needs_review = false;
        return sw;
    }
    *needs_review = true;
    return SW_OK;
}

void handle_frost_sign_tx(const apdu_t *a) {
    if (chunked_accept(a, FROST_TX_MAX_PAYLOAD) != CHUNK_DONE) {
        return;
    }
    bool needs_review = true;
    uint16_t sw = run(&needs_review);
    if (sw != SW_OK) {
        chunked_reset();
        core_reply_sw(sw);
        return;
    }
    if (needs_review) {
        review_payment();
        return;
    }
    if (g_req.under_intent) {
        intent_commit_refund(&g_req.frost.key, &g_req.tx);
    }
    frost_req_reply_share(&g_req.frost, &g_plan);
    chunked_reset();
}
