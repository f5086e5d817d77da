/* intent.c - see intent.h. */
#include "intent.h"

#include <string.h>

#include "exit_tx.h"
#include "ge.h"
#include "key_policy.h"
#include "network.h"
#include "protocol.h"
#include "sha256.h"
#include "tx_classify.h"
#include "wipe.h"

static intent_t g_intent;
static bool g_active;
static uint32_t g_budget;

void intent_clear(void) {
    wipe(&g_intent, sizeof g_intent);
    g_active = false;
    g_budget = 0u;
}

intent_t *intent_draft(void) {
    intent_clear();
    return &g_intent;
}

void intent_activate(const intent_t *in) {
    if (in != &g_intent) {
        g_intent = *in;
    }
    g_active = true;
    g_budget = INTENT_APDU_BUDGET_BASE + INTENT_APDU_BUDGET_PER_LEAF * in->n;
}

bool intent_active(void) { return g_active; }

void intent_on_apdu(void) {
    if (g_active && --g_budget == 0u) {
        intent_clear();
    }
}

static intent_leaf_t *find_leaf_by_id(const uint8_t *id, uint32_t len) {
    uint8_t h[32];
    if (!g_active || len == 0u) {
        return NULL;
    }
    sha256(id, len, h);
    for (uint32_t i = 0; i < g_intent.n; i++) {
        if (memcmp(g_intent.leaves[i].id_hash, h, 32u) == 0) {
            return &g_intent.leaves[i];
        }
    }
    return NULL;
}

static intent_leaf_t *find_leaf(const spark_key_t *key) {
    if (key->kind != KEY_LEAF || key->account != g_intent.account) {
        return NULL;
    }
    return find_leaf_by_id((const uint8_t *)key->leaf_id, key->leaf_id_len);
}

/* every leaf signed all its refunds */
static bool refunds_done(void) {
    for (uint32_t i = 0; i < g_intent.n; i++) {
        if (g_intent.leaves[i].refunds < INTENT_MAX_REFUNDS_PER_LEAF) {
            return false;
        }
    }
    return true;
}

void intent_end_if_all_split(void) {
    if (!g_active) {
        return;
    }
    for (uint32_t i = 0; i < g_intent.n; i++) {
        if (!g_intent.leaves[i].split) {
            return;
        }
    }
    intent_clear();
}

uint16_t intent_check_split(const spark_key_t *leaf, const uint8_t receiver[33]) {
    intent_leaf_t *l = find_leaf(leaf);
    if (l == NULL || l->split || memcmp(receiver, g_intent.receiver, 33u) != 0) {
        return SW_INTENT_MISMATCH;
    }
    return SW_OK;
}

void intent_commit_split(const spark_key_t *leaf, const uint8_t *cipher, uint32_t cipher_len) {
    intent_leaf_t *l = find_leaf(leaf);
    if (l != NULL) {
        l->split = 1u;
        sha256(cipher, cipher_len, l->cipher_hash);
    }
}

uint16_t intent_check_leaf_statement(uint32_t account, const uint8_t *leaf_id, uint32_t leaf_id_len,
                                     const uint8_t transfer_id[16], const uint8_t cipher_hash[32]) {
    const intent_leaf_t *l = find_leaf_by_id(leaf_id, leaf_id_len);
    if (l == NULL || account != g_intent.account || !l->split || g_intent.package_signed || memcmp(l->cipher_hash, cipher_hash, 32u) != 0 ||
        (g_intent.transfer_id_set && memcmp(g_intent.transfer_id, transfer_id, 16u) != 0)) {
        return SW_INTENT_MISMATCH;
    }
    return SW_OK;
}

void intent_commit_leaf_statement(const uint8_t *leaf_id, uint32_t leaf_id_len, const uint8_t transfer_id[16]) {
    intent_leaf_t *l = find_leaf_by_id(leaf_id, leaf_id_len);
    if (l != NULL) {
        l->leaf_signed = 1u;
        memcpy(g_intent.transfer_id, transfer_id, 16u);
        g_intent.transfer_id_set = 1u;
    }
}

uint16_t intent_check_package(uint32_t account, const uint8_t transfer_id[16]) {
    if (!g_active || account != g_intent.account || !g_intent.transfer_id_set || g_intent.package_signed ||
        memcmp(g_intent.transfer_id, transfer_id, 16u) != 0) {
        return SW_INTENT_MISMATCH;
    }
    for (uint32_t i = 0; i < g_intent.n; i++) {
        if (!g_intent.leaves[i].leaf_signed) {
            return SW_INTENT_MISMATCH;
        }
    }
    return SW_OK;
}

void intent_commit_package(void) {
    if (!g_active) {
        return;
    }
    g_intent.package_signed = 1u;
    if (refunds_done()) {
        intent_clear(); /* the whole transfer is signed */
    }
}

uint16_t intent_parse_leaves(reader_t *r, intent_t *out, uint64_t *total) {
    ge_t p;
    out->account = rd_u32(r);
    out->network = rd_u8(r);
    const uint8_t *recv = rd_bytes(r, 33u);
    out->n = rd_u8(r);
    if (r->err) {
        return SW_WRONG_LENGTH;
    }
    if (network_spark_hrp(out->network) == NULL || out->n == 0u || out->n > INTENT_MAX_LEAVES || ge_decode(&p, recv) == 0u) {
        return SW_BAD_DATA;
    }
    memcpy(out->receiver, recv, 33u);
    if (!taproot_script(recv, out->receiver_script)) {
        return SW_BAD_DATA;
    }
    *total = 0;
    for (uint32_t i = 0; i < out->n; i++) {
        intent_leaf_t *l = &out->leaves[i];
        uint8_t len = rd_u8(r);
        const uint8_t *id = rd_bytes(r, len);
        l->value = rd_u64(r);
        l->timelock = rd_u16(r);
        l->connector = INTENT_NO_CONNECTOR;
        if (r->err) {
            return SW_WRONG_LENGTH;
        }
        if (!key_policy_id_text_ok(id, len) || l->value > TX_MAX_SATS || (*total += l->value) > TX_MAX_SATS) {
            return SW_BAD_DATA;
        }
        sha256(id, len, l->id_hash);
        for (uint32_t j = 0; j < i; j++) {
            if (memcmp(out->leaves[j].id_hash, l->id_hash, 32u) == 0) {
                return SW_BAD_DATA; /* a leaf listed twice would be counted twice */
            }
        }
    }
    return SW_OK;
}

/* An exit's refund spends, as input 1, output `vout` of the approved connector transaction, an
 * output no other leaf of the exit spends (the operators' layout: one connector output per leaf,
 * docs/transfers.md, section "cooperative_exit_v2 on the operators"). */
static bool connector_fits(const intent_leaf_t *l, const tx_t *tx) {
    const uint8_t *op = tx->in[1].outpoint;
    uint32_t vout = outpoint_vout(op);
    if (memcmp(op, g_intent.connector_txid, 32u) != 0 || vout >= g_intent.n) {
        return false;
    }
    if (l->connector != INTENT_NO_CONNECTOR) {
        return l->connector == vout;
    }
    for (uint32_t i = 0; i < g_intent.n; i++) {
        if (g_intent.leaves[i].connector == vout) {
            return false;
        }
    }
    return true;
}

uint16_t intent_check_refund(const spark_key_t *key, const tx_t *tx, const tx_prevout_t *prevouts, uint32_t index,
                             bool adaptor) {
    intent_leaf_t *l = find_leaf(key);
    bool exit = g_intent.kind == INTENT_EXIT;
    if (l == NULL || !l->split || l->refunds >= INTENT_MAX_REFUNDS_PER_LEAF || tx->n_in != (exit ? 2u : 1u) || index != 0u) {
        return SW_INTENT_MISMATCH;
    }
    /* An approved swap's refunds are adaptor-signed: only a swap primary transfer can use them,
     * and the operators settle it only against a counter transfer of the same value back
     * (PROTOCOL.md, "SWAP_INTENT"). A transfer's and an exit's refunds carry no adaptor. */
    if ((adaptor ? 1u : 0u) != (g_intent.kind == INTENT_SWAP ? 1u : 0u)) {
        return SW_INTENT_MISMATCH;
    }
    /* An exit's refund is valid only once the approved exit transaction is mined: it spends a
     * connector output, which exists only then (PROTOCOL.md, "EXIT_INTENT"). */
    if (exit && !connector_fits(l, tx)) {
        return SW_INTENT_MISMATCH;
    }
    /* timelock: exactly one hop below the leaf's current one (CPFP), or that + 50 (direct) */
    uint32_t seq = tx->in[0].sequence;
    uint32_t base = (uint32_t)(l->timelock / TIMELOCK_INTERVAL) * TIMELOCK_INTERVAL;
    if (base <= TIMELOCK_INTERVAL || (seq & 0x80400000u) != 0u) {
        return SW_INTENT_MISMATCH;
    }
    uint32_t cpfp = base - TIMELOCK_INTERVAL, lock = seq & 0xFFFFu;
    bool direct = lock == cpfp + DIRECT_TIMELOCK_OFFSET;
    if (lock != cpfp && !direct) {
        return SW_INTENT_MISMATCH;
    }
    /* value: the node output carries the leaf's value; a direct node tx paid the direct fee */
    uint64_t in = prevouts[0].value;
    if (in != l->value && !(direct && l->value > DIRECT_FEE_SATS && in == l->value - DIRECT_FEE_SATS)) {
        return SW_INTENT_MISMATCH;
    }
    /* outputs: 0 pays the receiver (no more than is spent), the rest are anchors */
    const tx_out_t *o = &tx->out[0];
    if (o->script_len != TAPROOT_SCRIPT_LEN || memcmp(o->script, g_intent.receiver_script, TAPROOT_SCRIPT_LEN) != 0 ||
        o->value > in) {
        return SW_INTENT_MISMATCH;
    }
    for (uint32_t i = 1; i < tx->n_out; i++) {
        if (!tx_is_anchor(&tx->out[i])) {
            return SW_INTENT_MISMATCH;
        }
    }
    return SW_OK;
}

void intent_commit_refund(const spark_key_t *key, const tx_t *tx) {
    intent_leaf_t *l = find_leaf(key);
    if (l == NULL) {
        return;
    }
    if (g_intent.kind == INTENT_EXIT && tx->n_in == 2u) {
        l->connector = (uint8_t)outpoint_vout(tx->in[1].outpoint);
    }
    l->refunds++;
    if (refunds_done() && g_intent.package_signed) {
        intent_clear(); /* every leaf fully used, the package signed */
    }
}
