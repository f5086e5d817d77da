/* handler_exit_sweep.c - SIGN_EXIT_SWEEP (PROTOCOL.md 0x51): the unilateral-exit sweep, a BIP341
 * key-path signature by the key a refund pays (a leaf key, or the identity key for a received,
 * unclaimed transfer) over a one-input, one-output transaction the device hashes itself. The
 * spent output is taken to be P2TR of that key's own taproot key (empty script tree), so the
 * signature is good only for that exit output; the destination and the amounts are shown
 * before anything is signed (clear signing: no blind-signing setting). */
#include <string.h>

#include "bech32.h"
#include "bip340.h"
#include "ct.h"
#include "dispatch.h"
#include "ge.h"
#include "key_policy.h"
#include "key_public.h"
#include "platform.h"
#include "protocol.h"
#include "review.h"
#include "review_key.h"
#include "sc.h"
#include "taproot.h"
#include "tx.h"
#include "ux_text.h"
#include "wipe.h"


static const char *const HRP[] = {"bc", "tb", "bcrt"};

/* The request waiting for approval (public) and its sighash. */
static struct {
    spark_key_t leaf;   /* the refund key: a leaf key or the identity key */
    taproot_key_t q;    /* its taproot output key (empty script tree) */
    uint8_t digest[32]; /* BIP341 SIGHASH_DEFAULT */
} g_req;

static void on_decision(bool approved) {
    uint8_t priv[32], sig[64], aux[32];
    sc_t d, t;
    uint16_t sw = SW_OK;
    if (!approved) {
        core_reply_sw(SW_DENIED);
        return;
    }
    if (!plat_derive_secp256k1(g_req.leaf.path, g_req.leaf.depth, priv)) {
        sw = SW_INTERNAL;
    } else {
        /* d' = ±d + t: the secret of Q (BIP341 taproot_tweak_seckey) */
        uint32_t ok = sc_from_bytes_nonzero(&d, priv);
        sc_cond_neg(&d, &d, g_req.q.p_odd);
        sc_from_bytes_reduce(&t, g_req.q.tweak);
        sc_add(&d, &d, &t);
        sc_to_bytes(priv, &d);
        plat_random(aux, sizeof aux);
        ok &= bip340_sign(priv, g_req.digest, aux, sig);
        CT_DECLASSIFY(&ok, sizeof ok);
        CT_DECLASSIFY(sig, sizeof sig);
        /* never send a signature that does not verify (a fault would leak the key) */
        if (ok == 0u || bip340_verify(g_req.q.qx, g_req.digest, sig) == 0u) {
            sw = SW_INTERNAL;
        }
    }
    wipe(priv, sizeof priv);
    wipe(&d, sizeof d);
    core_reply(sig, sw == SW_OK ? sizeof sig : 0u, sw);
    wipe(sig, sizeof sig);
}

void handle_exit_sweep(const apdu_t *a) {
    reader_t r;
    char addr[SEGWIT_ADDR_MAX + 1u];

    if (!core_p1p2_zero(a)) {
        return;
    }
    rd_init(&r, a->data, a->lc);
    uint16_t sw = keyref_parse(&r, &g_req.leaf);
    if (sw != SW_OK) {
        core_reply_sw(sw);
        return;
    }
    uint8_t network = rd_u8(&r);
    uint32_t version = rd_u32(&r);
    uint32_t locktime = rd_u32(&r);
    const uint8_t *txid = rd_bytes(&r, 32u);
    uint32_t vout = rd_u32(&r);
    uint64_t in_amount = rd_u64(&r);
    uint32_t sequence = rd_u32(&r);
    uint64_t out_amount = rd_u64(&r);
    uint8_t script_len = rd_u8(&r);
    const uint8_t *script = rd_bytes(&r, script_len);
    if (r.err || txid == NULL || script == NULL) {
        core_reply_sw(SW_WRONG_LENGTH);
        return;
    }
    if (!rd_finished(&r) || network > 2u || out_amount > in_amount || in_amount > 2100000000000000ull ||
        !segwit_address(HRP[network], script, script_len, addr)) {
        core_reply_sw(SW_BAD_DATA);
        return;
    }
    if (key_policy_named_by(&g_req.leaf, KEY_USE_SIGN_EXIT_SWEEP) != SW_OK) {
        /* the keys Spark refunds pay: a leaf key (owned leaf), the identity key (a received,
         * unclaimed transfer's intermediate refund) */
        core_reply_sw(SW_PATH_REFUSED);
        return;
    }
    uint8_t pub[33];
    if (!key_public_of(&g_req.leaf, pub) || !taproot_output_key(pub, &g_req.q)) {
        core_reply_sw(SW_INTERNAL);
        return;
    }
    /* one input spending P2TR(Q) (the spent script is not sent: the device's own), one output */
    uint8_t outpoint[36], spent[TAPROOT_SCRIPT_LEN];
    memcpy(outpoint, txid, 32u);
    for (int i = 0; i < 4; i++) outpoint[32 + i] = (uint8_t)(vout >> (8 * i));
    spent[0] = 0x51u;
    spent[1] = 0x20u;
    memcpy(spent + 2, g_req.q.qx, 32u);
    tx_t tx = {.version = version, .locktime = locktime, .n_in = 1u, .n_out = 1u};
    tx.in[0].outpoint = outpoint;
    tx.in[0].sequence = sequence;
    tx.out[0] = (tx_out_t){.value = out_amount, .script = script, .script_len = script_len};
    tx_prevout_t prevout = {.value = in_amount, .script = spent, .script_len = TAPROOT_SCRIPT_LEN};
    tx_sighash_taproot(&tx, &prevout, 0u, g_req.digest);

    review_reset();
    ux_page_t *p = review_add_page("Exit sweep");
    review_describe_key(p, &g_req.leaf);
    page_add_sats(p, "Fee ", in_amount - out_amount);
    review_add_leaf_page(&g_req.leaf);
    p = review_add_page("Amount");
    page_add_sats(p, "", out_amount);
    p = review_add_page("To");
    page_add_wrapped(p, addr, UX_LINE_CHARS);
    core_defer_reply();
    review_start(on_decision);
}
