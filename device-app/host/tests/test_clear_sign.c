/* Clear signing (PROTOCOL.md "FROST_SIGN_TX", "TRANSFER_INTENT", "Security: what a lying host
 * can and cannot do with clear signing"): the device's sighash equals @scure/btc-signer's, its
 * share over it equals the SDK's signFrost, the classifier lets the user's own transactions
 * through without a screen, the intent is approved once on a screen that names the total and
 * the Spark address (byte-equal to the SDK's encodeSparkAddress), and every lie of the host is
 * refused with a typed status word and no state change. */
#include "core_includes.h"
#include "frost_payload.h"
#include "test.h"
#include "vectors/vectors.h"

#define NET_REGTEST 3u
#define CHUNK 200u

static void be_put(uint8_t *o, uint64_t v, size_t n) {
    for (size_t i = 0; i < n; i++) o[i] = (uint8_t)(v >> (8u * (n - 1u - i)));
}

/* The FROST_SIGN_TX payload of vector v under reference `ref`, with an adaptor point (33 bytes)
 * or none (NULL); `prev_amount` and `raw` may be altered by the caller. */
static size_t cs_payload_ref(const tv_cs_t *v, const uint8_t *raw, size_t raw_len, uint64_t prev_amount,
                             const uint8_t *prev_script, uint32_t ref, const uint8_t *adaptor, uint8_t *o) {
    uint8_t hiding[33], binding[33];
    size_t n = put_leaf_ref(o, v->leaf);
    memcpy(o + n, v->vk, 33);
    n += 33;
    be_put(o + n, ref, 4);
    n += 4;
    nonce_store_commitments(ref, hiding, binding);
    memcpy(o + n, hiding, 33);
    memcpy(o + n + 33, binding, 33);
    n += 66;
    o[n++] = 2;
    memcpy(o + n, v->ops, sizeof v->ops);
    n += sizeof v->ops;
    o[n++] = adaptor == NULL ? 0 : 1;
    if (adaptor != NULL) {
        memcpy(o + n, adaptor, 33);
        n += 33;
    }
    o[n++] = NET_REGTEST;
    o[n++] = 0; /* input index */
    be_put(o + n, raw_len, 2);
    n += 2;
    memcpy(o + n, raw, raw_len);
    n += raw_len;
    be_put(o + n, prev_amount, 8);
    n += 8;
    o[n++] = 34;
    memcpy(o + n, prev_script, 34);
    return n + 34;
}

/* The FROST_SIGN_TX payload of vector v as the vector has it (its reference, no adaptor). */
static size_t cs_payload(const tv_cs_t *v, const uint8_t *raw, size_t raw_len, uint64_t prev_amount,
                         const uint8_t *prev_script, uint8_t *o) {
    return cs_payload_ref(v, raw, raw_len, prev_amount, prev_script, v->ref, NULL, o);
}

static uint16_t sign_tx(const tv_cs_t *v) {
    uint8_t p[1200];
    size_t n = cs_payload(v, v->raw, v->raw_len, v->prev_amount, v->prev_script, p);
    return send_chunked(INS_FROST_SIGN_TX, p, n, CHUNK);
}

static bool reply_is_share(const tv_cs_t *v) {
    return g_host_reply.len == 32 && memcmp(g_host_reply.data, v->z, 32) == 0;
}

/* fresh core with every vector's reference outstanding */
static void cs_core(void) {
    fresh_core();
    issue_commitments_until(TV_CS_N);
}

typedef struct {
    const char *leaf;
    uint64_t value;
    uint16_t timelock;
} cs_leaf_t;

static size_t intent_payload(const uint8_t receiver[33], const cs_leaf_t *leaves, size_t n_leaves, uint8_t *o) {
    size_t n = 0;
    be_put(o, 0, 4); /* account 0 */
    n = 4;
    o[n++] = NET_REGTEST;
    memcpy(o + n, receiver, 33);
    n += 33;
    o[n++] = (uint8_t)n_leaves;
    for (size_t i = 0; i < n_leaves; i++) {
        size_t l = strlen(leaves[i].leaf);
        o[n++] = (uint8_t)l;
        memcpy(o + n, leaves[i].leaf, l);
        n += l;
        be_put(o + n, leaves[i].value, 8);
        n += 8;
        be_put(o + n, leaves[i].timelock, 2);
        n += 2;
    }
    return n;
}

static const cs_leaf_t TWO_LEAVES[] = {{"cs-leaf-1", 100000, 2000}, {"cs-leaf-2", 50000, 2000}};

/* Sends an intent (TRANSFER_INTENT or SWAP_INTENT) and approves or rejects it. */
static uint16_t send_intent_ins(uint8_t ins, const uint8_t receiver[33], const cs_leaf_t *leaves, size_t n,
                                bool approve) {
    uint8_t p[INTENT_MAX_PAYLOAD + 80u];
    size_t len = intent_payload(receiver, leaves, n, p);
    uint16_t sw = send_chunked(ins, p, len, CHUNK);
    if (sw != 0) {
        return sw;
    }
    return host_decide(approve);
}

static uint16_t send_intent(const uint8_t receiver[33], const cs_leaf_t *leaves, size_t n, bool approve) {
    return send_intent_ins(INS_TRANSFER_INTENT, receiver, leaves, n, approve);
}

static uint16_t split_to(const char *leaf, const uint8_t receiver[33]) {
    uint8_t d[120], apdu[300];
    size_t n = 0;
    d[n++] = KEY_SPLIT_TRANSFER;
    d[n++] = 2;
    d[n++] = 3;
    n += put_leaf_ref(d + n, leaf);
    memcpy(d + n, receiver, 33);
    n += 33;
    size_t a = mk_apdu(apdu, INS_KEY_SPLIT, P1_KEY_SPLIT_RUN, 0, d, n);
    return host_exchange(apdu, a);
}

/* ---- parser, sighash, classifier, address ---- */

static void test_sighash_equals_btc_signer(void) {
    for (size_t i = 0; i < TV_CS_N; i++) {
        const tv_cs_t *v = &TV_CS[i];
        tx_t tx;
        uint8_t h[32];
        CHECK_EQ_U(tx_parse(v->raw, v->raw_len, &tx), TX_OK);
        CHECK_EQ_U(tx.version, 3);
        CHECK_EQ_U(tx.n_in, 1);
        CHECK_EQ_U(tx.n_out, 2);
        tx_prevout_t prev = {.value = v->prev_amount, .script = v->prev_script, .script_len = 34};
        tx_sighash_taproot(&tx, &prev, 0, h);
        CHECK_BYTES(h, v->sighash, 32);
    }
}

static void test_parser_refusals(void) {
    const tv_cs_t *v = &TV_CS[TV_CS_REFUND_1];
    uint8_t raw[220];
    tx_t tx;
    for (size_t cut = 0; cut < v->raw_len; cut++) {
        CHECK(tx_parse(v->raw, cut, &tx) != TX_OK); /* every truncation */
    }
    memcpy(raw, v->raw, v->raw_len);
    raw[v->raw_len] = 0;
    CHECK_EQ_U(tx_parse(raw, v->raw_len + 1u, &tx), TX_MALFORMED); /* trailing byte */
    memcpy(raw, v->raw, v->raw_len);
    raw[4] = 0; /* BIP144 marker: a witness serialization */
    CHECK_EQ_U(tx_parse(raw, v->raw_len, &tx), TX_UNSUPPORTED);
    memcpy(raw, v->raw, v->raw_len);
    raw[4] = 5; /* 5 inputs */
    CHECK_EQ_U(tx_parse(raw, v->raw_len, &tx), TX_UNSUPPORTED);
    memcpy(raw, v->raw, v->raw_len);
    raw[4 + 1 + 36] = 1; /* a scriptSig */
    CHECK(tx_parse(raw, v->raw_len, &tx) != TX_OK);
    memcpy(raw, v->raw, v->raw_len);
    /* output 0's value above 21e14 sats (its 8 LE bytes follow the output count) */
    memset(raw + 4 + 1 + 41 + 1, 0xff, 8);
    CHECK_EQ_U(tx_parse(raw, v->raw_len, &tx), TX_MALFORMED);
}

static void test_classifier(void) {
    const tv_cs_t *own = &TV_CS[TV_CS_OWN_1], *node = &TV_CS[TV_CS_NODE_1], *pay = &TV_CS[TV_CS_REFUND_1];
    uint8_t scripts[2][TAPROOT_SCRIPT_LEN];
    tx_t tx;
    /* the user's scripts for cs-leaf-1: P2TR(leaf key) is the OWN vector's output 0 */
    CHECK_EQ_U(tx_parse(own->raw, own->raw_len, &tx), TX_OK);
    memcpy(scripts[0], tx.out[0].script, TAPROOT_SCRIPT_LEN);
    memcpy(scripts[1], own->prev_script, TAPROOT_SCRIPT_LEN);
    CHECK_EQ_U(tx_classify(&tx, own->prev_amount, (const uint8_t(*)[TAPROOT_SCRIPT_LEN])scripts, 2), TX_STAYS);
    CHECK_EQ_U(tx_output_class(&tx.out[1], (const uint8_t(*)[TAPROOT_SCRIPT_LEN])scripts, 2), OUT_ANCHOR);
    /* a large fee is value leaving the user's keys */
    CHECK_EQ_U(tx_classify(&tx, own->prev_amount + TX_STAYS_MAX_FEE + 1u, (const uint8_t(*)[TAPROOT_SCRIPT_LEN])scripts, 2), TX_PAYS);
    CHECK_EQ_U(tx_parse(node->raw, node->raw_len, &tx), TX_OK);
    memcpy(scripts[1], node->prev_script, TAPROOT_SCRIPT_LEN);
    CHECK_EQ_U(tx_classify(&tx, node->prev_amount, (const uint8_t(*)[TAPROOT_SCRIPT_LEN])scripts, 2), TX_STAYS);
    CHECK_EQ_U(tx_parse(pay->raw, pay->raw_len, &tx), TX_OK);
    CHECK_EQ_U(tx_classify(&tx, pay->prev_amount, (const uint8_t(*)[TAPROOT_SCRIPT_LEN])scripts, 2), TX_PAYS);
    /* only the anchor left: nothing stays with the user */
    tx.n_out = 1;
    tx.out[0] = tx.out[1];
    CHECK_EQ_U(tx_classify(&tx, 0, (const uint8_t(*)[TAPROOT_SCRIPT_LEN])scripts, 2), TX_PAYS);
}

static void test_spark_address_equals_sdk(void) {
    char addr[SPARK_ADDR_MAX + 1u];
    CHECK(spark_address(network_spark_hrp(3), TV_CS_RECEIVER, addr));
    CHECK(strcmp(addr, TV_CS_RECEIVER_SPARKRT) == 0);
    CHECK(spark_address(network_spark_hrp(4), TV_CS_RECEIVER, addr));
    CHECK(strcmp(addr, TV_CS_RECEIVER_SPARKL) == 0);
    CHECK(spark_address(network_spark_hrp(0), TV_CS_RECEIVER, addr));
    CHECK(strcmp(addr, TV_CS_RECEIVER_SPARK) == 0);
    CHECK(network_spark_hrp(NETWORK_COUNT) == NULL);
}

/* ---- FROST_SIGN_TX ---- */

static void test_stays_with_user_no_screen(void) {
    cs_core(); /* blind signing stays off */
    unsigned pages = g_host_pages;
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_OWN_1]), SW_OK);
    CHECK(reply_is_share(&TV_CS[TV_CS_OWN_1])); /* the SDK's share over btc-signer's sighash */
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_NODE_1]), SW_OK);
    CHECK(reply_is_share(&TV_CS[TV_CS_NODE_1]));
    CHECK_EQ_U(g_host_pages, pages); /* nothing shown */
}

static void test_payment_without_intent_is_reviewed(void) {
    cs_core();
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_1]), 0); /* waits for the user */
    CHECK(host_screen_has("Pay"));
    CHECK(host_screen_has("100000 sats"));
    CHECK(host_screen_has("Fee 0 sats"));
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("To"));
    CHECK(host_screen_has("bcrt1p"));
    CHECK_EQ_U(host_decide(true), SW_OK);
    CHECK(reply_is_share(&TV_CS[TV_CS_REFUND_1]));
    /* rejected: no share */
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_2]), 0);
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    CHECK_EQ_U(g_host_reply.len, 0);
}

static void test_unsupported_consumes_nothing(void) {
    const tv_cs_t *v = &TV_CS[TV_CS_OWN_1];
    uint8_t p[1200], other[34];
    cs_core();
    memcpy(other, v->prev_script, 34);
    other[5] ^= 1; /* the signed input does not spend P2TR(P) */
    size_t n = cs_payload(v, v->raw, v->raw_len, v->prev_amount, other, p);
    CHECK_EQ_U(send_chunked(INS_FROST_SIGN_TX, p, n, CHUNK), SW_TX_UNSUPPORTED);
    /* outputs above the prevout: not a transaction */
    n = cs_payload(v, v->raw, v->raw_len, v->prev_amount - 1u, v->prev_script, p);
    CHECK_EQ_U(send_chunked(INS_FROST_SIGN_TX, p, n, CHUNK), SW_BAD_DATA);
    /* the reference is still good */
    CHECK_EQ_U(sign_tx(v), SW_OK);
    CHECK(reply_is_share(v));
    /* and now spent */
    CHECK_EQ_U(sign_tx(v), SW_NONCE_UNKNOWN);
}

/* ---- TRANSFER_INTENT ---- */

/* The review of an intent for TWO_LEAVES to TV_CS_RECEIVER: `title` with the total and the leaf
 * count, then `to` with the receiver's Spark address, whole (its first and last lines). */
static void check_two_leaf_review(const char *title, const char *to) {
    CHECK(REVIEW_SHOWS(title, "150000 sats", "Leaves 2", REVIEW_NEXT, to));
    CHECK(screen_has_chars(TV_CS_RECEIVER_SPARKRT, 18));
    CHECK(screen_has_chars(&TV_CS_RECEIVER_SPARKRT[54], 16));
}

static void test_intent_screen_and_one_approval(void) {
    cs_core();
    uint8_t p[600];
    size_t len = intent_payload(TV_CS_RECEIVER, TWO_LEAVES, 2, p);
    CHECK_EQ_U(send_chunked(INS_TRANSFER_INTENT, p, len, 40), 0); /* several chunks */
    check_two_leaf_review("Send", "To");
    CHECK_EQ_U(host_decide(true), SW_OK);
    unsigned pages = g_host_pages;
    /* both leaves' key splits and refunds run without a screen */
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-2", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_1]), SW_OK);
    CHECK(reply_is_share(&TV_CS[TV_CS_REFUND_1]));
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_DIRECT_1]), SW_OK);
    CHECK(reply_is_share(&TV_CS[TV_CS_DIRECT_1]));
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_2]), SW_OK);
    CHECK(reply_is_share(&TV_CS[TV_CS_REFUND_2]));
    CHECK_EQ_U(g_host_pages, pages);
}

static void test_intent_rejected_or_malformed_leaves_none(void) {
    cs_core();
    CHECK_EQ_U(send_intent(TV_CS_RECEIVER, TWO_LEAVES, 2, false), SW_DENIED);
    CHECK(!intent_active());
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), 0); /* the per-leaf review, not silent */
    CHECK(host_screen_has("Send leaf"));
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    /* a leaf listed twice, a receiver that is not a point */
    const cs_leaf_t twice[] = {{"cs-leaf-1", 1, 2000}, {"cs-leaf-1", 1, 2000}};
    CHECK_EQ_U(send_intent(TV_CS_RECEIVER, twice, 2, true), SW_BAD_DATA);
    uint8_t bad[33];
    memcpy(bad, TV_CS_RECEIVER, 33);
    bad[0] = 0x05;
    CHECK_EQ_U(send_intent(bad, TWO_LEAVES, 2, true), SW_BAD_DATA);
    CHECK(!intent_active());
}

/* Approves the two-leaf intent with leaf 1 at `value1`. */
static void approved_intent(uint64_t value1) {
    cs_leaf_t leaves[2] = {TWO_LEAVES[0], TWO_LEAVES[1]};
    leaves[0].value = value1;
    cs_core();
    CHECK_EQ_U(send_intent(TV_CS_RECEIVER, leaves, 2, true), SW_OK);
}

static void test_adversarial_smaller_amount_shown(void) {
    approved_intent(10000); /* the screen said 60000 sats; leaf 1 really holds 100000 */
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_1]), SW_INTENT_MISMATCH);
    CHECK_EQ_U(g_host_reply.len, 0);
    /* a refund claiming the lied amount is signed over that amount: its sighash is not the
     * operators' (the real prevout is 100000), so the aggregate fails there */
    const tv_cs_t *v = &TV_CS[TV_CS_DIRECT_1];
    uint8_t p[1200];
    size_t n = cs_payload(v, v->raw, v->raw_len, 10000 + 100000, v->prev_script, p);
    CHECK_EQ_U(send_chunked(INS_FROST_SIGN_TX, p, n, CHUNK), SW_INTENT_MISMATCH);
}

static void test_adversarial_other_receiver(void) {
    approved_intent(100000);
    uint8_t other[33];
    memcpy(other, TV_CS[TV_CS_REFUND_1].vk, 33); /* any valid point that is not the receiver */
    unsigned pages = g_host_pages;
    CHECK_EQ_U(split_to("cs-leaf-1", other), SW_INTENT_MISMATCH);
    CHECK_EQ_U(g_host_pages, pages);
    CHECK_EQ_U(split_to("cs-leaf-2", TV_CS_RECEIVER), SW_OK); /* no state change: still usable */
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_STRANGER_2]), SW_INTENT_MISMATCH); /* a refund to a stranger */
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_2]), SW_OK);
    CHECK(reply_is_share(&TV_CS[TV_CS_REFUND_2]));
}

static void test_adversarial_extra_leaf(void) {
    approved_intent(100000);
    CHECK_EQ_U(split_to("cs-leaf-3", TV_CS_RECEIVER), SW_INTENT_MISMATCH);
    /* a refund of an approved leaf whose key split did not run under the intent */
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_1]), SW_INTENT_MISMATCH);
}

static void test_adversarial_longer_timelock(void) {
    approved_intent(100000);
    CHECK_EQ_U(split_to("cs-leaf-2", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_LONGER_2]), SW_INTENT_MISMATCH); /* 2100 > 1900 */
}

static void test_adversarial_replayed_approval(void) {
    approved_intent(100000);
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_INTENT_MISMATCH); /* second transfer, same leaf */
    /* refunds per leaf are bounded */
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_1]), SW_OK);
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_DIRECT_1]), SW_OK);
    /* the budget runs out: the intent is gone, a key split is reviewed again */
    uint8_t apdu[8];
    size_t a = mk_apdu(apdu, INS_GET_VERSION, 0, 0, NULL, 0);
    for (unsigned i = 0; i < INTENT_APDU_BUDGET_BASE + 2u * INTENT_APDU_BUDGET_PER_LEAF && intent_active(); i++) {
        host_exchange(apdu, a);
    }
    CHECK(!intent_active());
    CHECK_EQ_U(split_to("cs-leaf-2", TV_CS_RECEIVER), 0);
    CHECK(host_screen_has("Send leaf"));
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    /* once every leaf was split, a further split ends the intent and is reviewed on its own */
    approved_intent(100000);
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-2", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-3", TV_CS_RECEIVER), 0);
    CHECK(host_screen_has("Send leaf"));
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    CHECK(!intent_active());
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_1]), 0); /* no intent: a refund to the receiver is reviewed */
    CHECK(host_screen_has("Pay"));
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    /* a new intent replaces the old one: its leaves are not carried over */
    approved_intent(100000);
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    const cs_leaf_t one[] = {{"cs-leaf-2", 50000, 2000}};
    CHECK_EQ_U(send_intent(TV_CS_RECEIVER, one, 1, true), SW_OK);
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_1]), SW_INTENT_MISMATCH);
}

/* n leaves: with `vectors`, the two vector leaves first (their refunds are in the vectors); the
 * others synthetic, with distinct ids `id_len` characters long (>= 9) held in ids[]. */
static void many_leaves(cs_leaf_t *leaves, char ids[][INTENT_LEAF_ID_MAX + 1u], size_t n, size_t id_len, bool vectors) {
    for (size_t i = 0; i < n; i++) {
        if (vectors && i < 2u) {
            leaves[i] = TWO_LEAVES[i];
            continue;
        }
        memset(ids[i], 'x', id_len);
        snprintf(ids[i], 9, "leaf%04u", (unsigned)i); /* distinct prefix; the 'x' padding stays */
        ids[i][8] = 'x';
        ids[i][id_len] = 0;
        leaves[i] = (cs_leaf_t){ids[i], 1000u + i, 2000};
    }
}

static void test_intent_64_leaves_one_approval(void) {
    static cs_leaf_t leaves[INTENT_MAX_LEAVES + 1u];
    static char ids[INTENT_MAX_LEAVES + 1u][INTENT_LEAF_ID_MAX + 1u];
    static uint8_t p[INTENT_MAX_PAYLOAD + 200u];
    CHECK_EQ_U(INTENT_MAX_LEAVES, 64u);
    /* 64 leaves: one review for all of them, then the splits of the first and the last leaf and
     * the refunds of the vector leaves run without a screen */
    cs_core();
    many_leaves(leaves, ids, 64u, 20u, true);
    uint64_t total = 0;
    for (size_t i = 0; i < 64u; i++) total += leaves[i].value;
    size_t len = intent_payload(TV_CS_RECEIVER, leaves, 64u, p);
    CHECK_EQ_U(send_chunked(INS_TRANSFER_INTENT, p, len, CHUNK), 0);
    char shown[40];
    snprintf(shown, sizeof shown, "%llu sats", (unsigned long long)total);
    CHECK(host_screen_has(shown));
    CHECK(host_screen_has("Leaves 64"));
    CHECK_EQ_U(host_decide(true), SW_OK);
    unsigned pages = g_host_pages;
    CHECK_EQ_U(split_to(ids[63], TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-2", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_1]), SW_OK);
    CHECK(reply_is_share(&TV_CS[TV_CS_REFUND_1]));
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_2]), SW_OK);
    CHECK(reply_is_share(&TV_CS[TV_CS_REFUND_2]));
    CHECK_EQ_U(split_to(ids[63], TV_CS_RECEIVER), SW_INTENT_MISMATCH); /* once per intent */
    CHECK_EQ_U(g_host_pages, pages);
    /* the APDU budget grows with the leaves: 32 + 64 * 64 APDUs after approval */
    cs_core();
    CHECK_EQ_U(send_intent(TV_CS_RECEIVER, leaves, 64u, true), SW_OK);
    uint8_t apdu[8];
    size_t a = mk_apdu(apdu, INS_GET_VERSION, 0, 0, NULL, 0);
    for (unsigned i = 0; i + 1u < INTENT_APDU_BUDGET_BASE + 64u * INTENT_APDU_BUDGET_PER_LEAF; i++) {
        host_exchange(apdu, a);
    }
    CHECK(intent_active());
    host_exchange(apdu, a);
    CHECK(!intent_active());
}

static void test_intent_65_leaves_refused(void) {
    static cs_leaf_t leaves[INTENT_MAX_LEAVES + 1u];
    static char ids[INTENT_MAX_LEAVES + 1u][INTENT_LEAF_ID_MAX + 1u];
    static uint8_t p[INTENT_MAX_PAYLOAD + 200u];
    /* the largest payload: 64 leaves with 64-character ids, exactly INTENT_MAX_PAYLOAD bytes */
    cs_core();
    many_leaves(leaves, ids, 64u, INTENT_LEAF_ID_MAX, false);
    size_t len = intent_payload(TV_CS_RECEIVER, leaves, 64u, p);
    CHECK_EQ_U(len, INTENT_MAX_PAYLOAD);
    CHECK_EQ_U(send_chunked(INS_SWAP_INTENT, p, len, CHUNK), 0);
    CHECK(host_screen_has("Leaves 64"));
    CHECK_EQ_U(host_decide(true), SW_OK);
    CHECK(intent_active());
    /* one byte more than the limit: refused by the chunk rule, and no intent is left */
    p[len] = 0;
    CHECK_EQ_U(send_chunked(INS_SWAP_INTENT, p, len + 1u, CHUNK), SW_CHUNK_SEQUENCE);
    /* 65 leaves with short ids: within the byte limit, refused for the count; no intent left */
    cs_core();
    CHECK_EQ_U(send_intent(TV_CS_RECEIVER, TWO_LEAVES, 2, true), SW_OK);
    many_leaves(leaves, ids, 65u, 9u, true);
    len = intent_payload(TV_CS_RECEIVER, leaves, 65u, p);
    CHECK(len <= INTENT_MAX_PAYLOAD);
    unsigned pages = g_host_pages;
    CHECK_EQ_U(send_chunked(INS_TRANSFER_INTENT, p, len, CHUNK), SW_BAD_DATA);
    CHECK_EQ_U(g_host_pages, pages);
    CHECK(!intent_active());
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), 0); /* reviewed on its own */
    CHECK(host_screen_has("Send leaf"));
    CHECK_EQ_U(host_decide(false), SW_DENIED);
}

static void test_adversarial_stays_but_pays(void) {
    /* a "stays with the user" transaction whose output pays a stranger: shown, never silent */
    cs_core();
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_STRANGER_2]), 0);
    CHECK(host_screen_has("Pay"));
    CHECK(host_screen_has("50000 sats"));
    CHECK_EQ_U(host_decide(false), SW_DENIED);
}

/* ---- SWAP_INTENT ---- */

/* A point to use as the swap's adaptor point T (any valid point; the wallet draws t at random). */
static const uint8_t *adaptor_point(void) { return TV_CS[TV_CS_REFUND_2].vk; }

/* Vector v's transaction signed under a fresh reference (issued right before, as an adaptor sign
 * needs), with or without the adaptor point. */
static uint16_t sign_tx_fresh(const tv_cs_t *v, bool adaptor) {
    uint8_t p[1200];
    uint32_t ref = issue_one_commitment();
    size_t n = cs_payload_ref(v, v->raw, v->raw_len, v->prev_amount, v->prev_script, ref,
                              adaptor ? adaptor_point() : NULL, p);
    return send_chunked(INS_FROST_SIGN_TX, p, n, CHUNK);
}

static void test_swap_intent_screen_and_adaptor_refunds(void) {
    cs_core();
    uint8_t p[600];
    size_t len = intent_payload(TV_CS_RECEIVER, TWO_LEAVES, 2, p);
    CHECK_EQ_U(send_chunked(INS_SWAP_INTENT, p, len, 40), 0);
    check_two_leaf_review("Swap", "Provider");
    CHECK_EQ_U(host_decide(true), SW_OK);
    CHECK(intent_active());
    unsigned pages = g_host_pages;
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    /* the SDK signs the CPFP and direct refunds of a swap, each with the adaptor point */
    CHECK_EQ_U(sign_tx_fresh(&TV_CS[TV_CS_REFUND_1], true), SW_OK);
    CHECK_EQ_U(g_host_reply.len, 32);
    /* T is in R: the adaptor share is not the plain one */
    CHECK(memcmp(g_host_reply.data, TV_CS[TV_CS_REFUND_1].z, 32) != 0);
    CHECK_EQ_U(sign_tx_fresh(&TV_CS[TV_CS_DIRECT_1], true), SW_OK);
    CHECK_EQ_U(g_host_reply.len, 32);
    CHECK_EQ_U(g_host_pages, pages); /* no screen after the one approval */
}

static void test_swap_intent_refuses_plain_refunds(void) {
    /* a swap approval cannot sign a plain refund to the provider: that one could settle in a
     * start_transfer without the counter transfer the swap promises */
    cs_core();
    CHECK_EQ_U(send_intent_ins(INS_SWAP_INTENT, TV_CS_RECEIVER, TWO_LEAVES, 2, true), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    unsigned pages = g_host_pages;
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_1]), SW_INTENT_MISMATCH);
    CHECK_EQ_U(g_host_reply.len, 0);
    CHECK_EQ_U(g_host_pages, pages);
    CHECK(intent_active()); /* unchanged: the adaptor refund still fits */
    CHECK_EQ_U(sign_tx_fresh(&TV_CS[TV_CS_DIRECT_1], true), SW_OK);
    /* and a transfer approval cannot sign an adaptor refund */
    cs_core();
    CHECK_EQ_U(send_intent(TV_CS_RECEIVER, TWO_LEAVES, 2, true), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(sign_tx_fresh(&TV_CS[TV_CS_REFUND_1], true), SW_INTENT_MISMATCH);
    CHECK_EQ_U(sign_tx_fresh(&TV_CS[TV_CS_REFUND_1], false), SW_OK);
}

static void test_swap_intent_rules_as_transfer(void) {
    /* the transfer intent's rules hold for a swap: other receiver, extra leaf, lied value,
     * rejection, a new intent of the other kind replaces it */
    cs_core();
    CHECK_EQ_U(send_intent_ins(INS_SWAP_INTENT, TV_CS_RECEIVER, TWO_LEAVES, 2, false), SW_DENIED);
    CHECK(!intent_active());
    cs_leaf_t lied[2] = {TWO_LEAVES[0], TWO_LEAVES[1]};
    lied[0].value = 10000;
    CHECK_EQ_U(send_intent_ins(INS_SWAP_INTENT, TV_CS_RECEIVER, lied, 2, true), SW_OK);
    uint8_t other[33];
    memcpy(other, TV_CS[TV_CS_REFUND_1].vk, 33);
    CHECK_EQ_U(split_to("cs-leaf-1", other), SW_INTENT_MISMATCH);
    CHECK_EQ_U(split_to("cs-leaf-3", TV_CS_RECEIVER), SW_INTENT_MISMATCH);
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(sign_tx_fresh(&TV_CS[TV_CS_REFUND_1], true), SW_INTENT_MISMATCH); /* 100000 is not 10000 */
    CHECK_EQ_U(send_intent(TV_CS_RECEIVER, TWO_LEAVES, 2, false), SW_DENIED);
    CHECK(!intent_active());
}

/* ---- SIGN_IDENTITY_CLEAR: identity signatures over preimages the device parses ---- */

#define IDC_CHUNK 100u
static const char IDC_TID[] = "01890a5d-ac96-774b-bcce-b302099a8057";
static const uint8_t IDC_TID_BYTES[16] = {0x01, 0x89, 0x0a, 0x5d, 0xac, 0x96, 0x77, 0x4b,
                                          0xbc, 0xce, 0xb3, 0x02, 0x09, 0x9a, 0x80, 0x57};
/* SHA-256 of the SDK's serialized tags (hashstructure.ts), computed with the SDK's own encoding */
static const char TRANSFER_TAG_HEX[] = "cfd02068b60240781ad3fdf91e0269c97a428453aaa8e348befaf6ae25332e4d";
static const char CLAIM_TAG_HEX[] = "2c808446fc29e1fb632aebbf2b9c392e1c794053f2c681c19e43dc9abeb808de";

/* SIGN_IDENTITY_CLEAR of `mode` for account 0 over preimage pre (streamed in IDC_CHUNK pieces). */
static uint16_t sign_clear(uint8_t mode, const uint8_t *pre, size_t len) {
    static uint8_t p[9000];
    p[0] = mode;
    be_put(p + 1, 0, 4);
    memcpy(p + 5, pre, len);
    return send_chunked(INS_SIGN_IDENTITY_CLEAR, p, len + 5u, IDC_CHUNK);
}

/* the reply verifies under the identity key of account 0 over sha256(pre) (compact or DER) */
static bool reply_signs(const uint8_t *pre, size_t len, bool compact) {
    uint8_t pub[33], digest[32], sig[64], der[72];
    sha256(pre, len, digest);
    if (!identity_public_key(0, pub)) return false;
    if (compact) {
        return g_host_reply.len == 64 && ecdsa_verify(pub, digest, g_host_reply.data) != 0u;
    }
    /* deterministic (RFC 6979): the DER reply is the encoding of the compact signature */
    if (g_host_reply.len < 8 || g_host_reply.data[0] != 0x30) return false;
    size_t dl = g_host_reply.len;
    memcpy(der, g_host_reply.data, dl);
    uint8_t rl = der[3], sl = der[5u + rl];
    const uint8_t *r = der + 4, *sp = der + 6 + rl;
    memset(sig, 0, 64);
    memcpy(sig + 32 - (rl > 32 ? 32 : rl), r + (rl > 32 ? rl - 32 : 0), rl > 32 ? 32 : rl);
    memcpy(sig + 64 - (sl > 32 ? 32 : sl), sp + (sl > 32 ? sl - 32 : 0), sl > 32 ? 32 : sl);
    return ecdsa_verify(pub, digest, sig) != 0u;
}

/* canonical proto3 spark_authn.Challenge for `pub` */
static size_t login_preimage(const uint8_t pub[33], uint8_t *o) {
    static const uint8_t head[] = {0x08, 0x01, 0x10, 0x80, 0xe4, 0xd5, 0xc7, 0x06, 0x1a, 0x20};
    size_t n = sizeof head;
    memcpy(o, head, n);
    for (size_t i = 0; i < 32; i++) o[n++] = (uint8_t)(0xA0 + i); /* nonce */
    o[n++] = 0x22;
    o[n++] = 33;
    memcpy(o + n, pub, 33);
    return n + 33;
}

static size_t put_value(uint8_t *o, const uint8_t *v, size_t len) {
    be_put(o, len, 8);
    memcpy(o + 8, v, len);
    return 8 + len;
}

/* a key tweak package preimage: tag pair, transfer id, `entries` operators with `value_len`-byte values */
static size_t package_preimage(const char *tag_hex, const uint8_t tid[16], size_t entries, size_t value_len, uint8_t *o) {
    static uint8_t value[4000];
    size_t n = 0;
    hex_to_bytes(tag_hex, o, 32);
    memcpy(o + 32, o, 32);
    n = 64;
    n += put_value(o + n, tid, 16);
    be_put(o + n, 8, 8); /* the count is a value of its own: length 8, then the count */
    be_put(o + n + 8, entries, 8);
    n += 16;
    for (size_t e = 0; e < entries; e++) {
        char key[65];
        for (size_t i = 0; i < 64; i++) key[i] = (char)('0' + (i == 63 ? e + 1 : 0));
        n += put_value(o + n, (const uint8_t *)key, 64);
        memset(value, (int)(0x40 + e), value_len);
        n += put_value(o + n, value, value_len);
    }
    return n;
}

/* KEY_SPLIT transfer under the intent; the ciphertext it returned (the last 129 bytes) into ct */
static uint16_t split_cipher(const char *leaf, uint8_t ct[129]) {
    uint8_t whole[400];
    uint16_t sw = split_to(leaf, TV_CS_RECEIVER);
    if (sw != SW_OK) return sw;
    size_t len = g_host_reply.len;
    memcpy(whole, g_host_reply.data, len);
    uint8_t apdu[8];
    size_t a = mk_apdu(apdu, INS_KEY_SPLIT, P1_KEY_SPLIT_READ, 1, NULL, 0);
    if (host_exchange(apdu, a) != SW_OK) return 0xFFFF;
    memcpy(whole + len, g_host_reply.data, g_host_reply.len);
    len += g_host_reply.len;
    memcpy(ct, whole + len - 129, 129);
    return SW_OK;
}

static size_t leaf_preimage(const char *leaf, const char *tid, const uint8_t ct[129], uint8_t *o) {
    size_t n = strlen(leaf);
    memcpy(o, leaf, n);
    memcpy(o + n, tid, 36);
    memcpy(o + n + 36, ct, 129);
    return n + 36 + 129;
}

static void test_identity_login_no_screen(void) {
    uint8_t pub[33], pre[120];
    fresh_core();
    CHECK(identity_public_key(0, pub));
    size_t n = login_preimage(pub, pre);
    unsigned pages = g_host_pages;
    CHECK_EQ_U(sign_clear(IDS_LOGIN, pre, n), SW_OK);
    CHECK(reply_signs(pre, n, false));
    CHECK_EQ_U(g_host_pages, pages); /* no screen, whatever the blind-signing setting */
    /* a challenge for another key, a trailing byte, a field out of order: refused */
    uint8_t other[120];
    memcpy(other, pre, n);
    other[n - 1] ^= 1;
    CHECK_EQ_U(sign_clear(IDS_LOGIN, other, n), SW_BAD_DATA);
    other[n - 1] ^= 1;
    other[n] = 0;
    CHECK_EQ_U(sign_clear(IDS_LOGIN, other, n + 1), SW_BAD_DATA);
    CHECK_EQ_U(sign_clear(IDS_LOGIN, pre + 2, n - 2), SW_OK); /* version omitted (zero) is canonical */
    uint8_t swapped[120];
    memcpy(swapped, pre + 2, 6);
    memcpy(swapped + 6, pre, 2);
    memcpy(swapped + 8, pre + 8, n - 8);
    CHECK_EQ_U(sign_clear(IDS_LOGIN, swapped, n), SW_BAD_DATA);
    CHECK_EQ_U(g_host_reply.len, 0);
}

static void test_identity_login_is_not_a_package(void) {
    /* a transfer package (or a per-leaf payload) sent as a "login" does not parse as a challenge */
    static uint8_t pre[9000];
    fresh_core();
    size_t n = package_preimage(TRANSFER_TAG_HEX, IDC_TID_BYTES, 1, 10, pre);
    CHECK_EQ_U(sign_clear(IDS_LOGIN, pre, n), SW_BAD_DATA);
    n = package_preimage(CLAIM_TAG_HEX, IDC_TID_BYTES, 1, 10, pre);
    CHECK_EQ_U(sign_clear(IDS_LOGIN, pre, n), SW_BAD_DATA);
    uint8_t ct[129] = {4};
    n = leaf_preimage("cs-leaf-1", IDC_TID, ct, pre);
    CHECK_EQ_U(sign_clear(IDS_LOGIN, pre, n), SW_BAD_DATA);
    /* and a login is not a claim or a transfer package */
    uint8_t pub[33];
    CHECK(identity_public_key(0, pub));
    n = login_preimage(pub, pre);
    CHECK_EQ_U(sign_clear(IDS_CLAIM, pre, n), SW_BAD_DATA);
    CHECK_EQ_U(sign_clear(IDS_TRANSFER, pre, n), SW_BAD_DATA);
}

/* the service provider's challenge for `pub` (emulator/ssp/auth.ts): version, expiry, key, nonce, HMAC */
static size_t provider_preimage(const uint8_t pub[33], uint8_t *o) {
    o[0] = IDS_PROVIDER_VERSION;
    be_put(o + 1, 1767225600u, 8);
    memcpy(o + IDS_PROVIDER_KEY_AT, pub, 33);
    for (size_t i = 0; i < 16u + 32u; i++) o[42 + i] = (uint8_t)(0x5A ^ i); /* nonce, HMAC */
    return IDS_PROVIDER_LEN;
}

static void test_identity_provider_login_no_screen(void) {
    uint8_t pub[33], pre[120], other[120];
    fresh_core();
    CHECK(identity_public_key(0, pub));
    size_t n = provider_preimage(pub, pre);
    unsigned pages = g_host_pages;
    CHECK_EQ_U(sign_clear(IDS_PROVIDER_LOGIN, pre, n), SW_OK);
    CHECK(reply_signs(pre, n, false));
    CHECK_EQ_U(g_host_pages, pages); /* no screen with blind signing off */
    /* issued for another account's identity key */
    CHECK(identity_public_key(1, pub));
    CHECK_EQ_U(provider_preimage(pub, other), n);
    CHECK_EQ_U(sign_clear(IDS_PROVIDER_LOGIN, other, n), SW_BAD_DATA);
    CHECK_EQ_U(g_host_reply.len, 0);
    /* truncated, a trailing byte, another version */
    CHECK_EQ_U(sign_clear(IDS_PROVIDER_LOGIN, pre, n - 1), SW_BAD_DATA);
    memcpy(other, pre, n);
    other[n] = 0;
    CHECK_EQ_U(sign_clear(IDS_PROVIDER_LOGIN, other, n + 1), SW_BAD_DATA);
    other[0] = 0x02;
    CHECK_EQ_U(sign_clear(IDS_PROVIDER_LOGIN, other, n), SW_BAD_DATA);
    CHECK_EQ_U(g_host_pages, pages);
}

static void test_identity_provider_login_is_no_other_statement(void) {
    /* the preimages of the other modes, for this device's key, do not parse as a provider login */
    static uint8_t pre[9000];
    uint8_t pub[33], ct[129] = {4};
    fresh_core();
    CHECK(identity_public_key(0, pub));
    size_t n = login_preimage(pub, pre);
    CHECK_EQ_U(sign_clear(IDS_PROVIDER_LOGIN, pre, n), SW_BAD_DATA);
    n = leaf_preimage("cs-leaf-1", IDC_TID, ct, pre);
    CHECK_EQ_U(sign_clear(IDS_PROVIDER_LOGIN, pre, n), SW_BAD_DATA);
    n = package_preimage(TRANSFER_TAG_HEX, IDC_TID_BYTES, 1, 10, pre);
    CHECK_EQ_U(sign_clear(IDS_PROVIDER_LOGIN, pre, n), SW_BAD_DATA);
    n = package_preimage(CLAIM_TAG_HEX, IDC_TID_BYTES, 1, 10, pre);
    CHECK_EQ_U(sign_clear(IDS_PROVIDER_LOGIN, pre, n), SW_BAD_DATA);
    /* and a provider challenge is none of the others */
    n = provider_preimage(pub, pre);
    for (uint8_t mode = IDS_LOGIN; mode <= IDS_CLAIM; mode++) {
        CHECK_EQ_U(sign_clear(mode, pre, n), SW_BAD_DATA);
    }
    /* the mode after it is unknown */
    CHECK_EQ_U(sign_clear(IDS_PROVIDER_LOGIN + 1u, pre, n), SW_BAD_DATA);
}

static void test_identity_claim_no_screen(void) {
    static uint8_t pre[9000];
    fresh_core();
    unsigned pages = g_host_pages;
    size_t n = package_preimage(CLAIM_TAG_HEX, IDC_TID_BYTES, 3, 2000, pre); /* 3 operators, ~6 KB: 60 chunks */
    CHECK_EQ_U(sign_clear(IDS_CLAIM, pre, n), SW_OK);
    CHECK(reply_signs(pre, n, false));
    CHECK_EQ_U(g_host_pages, pages);
    /* a transfer package is not a claim; keys out of order, a truncated value, trailing bytes */
    size_t t = package_preimage(TRANSFER_TAG_HEX, IDC_TID_BYTES, 3, 20, pre);
    CHECK_EQ_U(sign_clear(IDS_CLAIM, pre, t), SW_BAD_DATA);
    n = package_preimage(CLAIM_TAG_HEX, IDC_TID_BYTES, 2, 20, pre);
    CHECK_EQ_U(sign_clear(IDS_CLAIM, pre, n - 1), SW_BAD_DATA);
    pre[n] = 0;
    CHECK_EQ_U(sign_clear(IDS_CLAIM, pre, n + 1), SW_BAD_DATA);
    uint8_t k = pre[64 + 24 + 16 + 8 + 63];
    pre[64 + 24 + 16 + 8 + 63] = '9'; /* first key now above the second */
    CHECK_EQ_U(sign_clear(IDS_CLAIM, pre, n), SW_BAD_DATA);
    pre[64 + 24 + 16 + 8 + 63] = k;
    CHECK_EQ_U(sign_clear(IDS_CLAIM, pre, n), SW_OK);
}

/* The whole transfer: one approval, then key splits, per-leaf signatures, refunds, package. */
static void test_identity_transfer_one_approval(void) {
    static uint8_t pre[9000];
    uint8_t ct1[129], ct2[129];
    approved_intent(100000);
    unsigned pages = g_host_pages;
    CHECK_EQ_U(split_cipher("cs-leaf-1", ct1), SW_OK);
    CHECK_EQ_U(split_cipher("cs-leaf-2", ct2), SW_OK);
    /* the package before every leaf's signature: refused */
    size_t n = package_preimage(TRANSFER_TAG_HEX, IDC_TID_BYTES, 3, 300, pre);
    CHECK_EQ_U(sign_clear(IDS_TRANSFER, pre, n), SW_INTENT_MISMATCH);
    n = leaf_preimage("cs-leaf-1", IDC_TID, ct1, pre);
    CHECK_EQ_U(sign_clear(IDS_LEAF, pre, n), SW_OK);
    CHECK(reply_signs(pre, n, true));
    n = leaf_preimage("cs-leaf-2", IDC_TID, ct2, pre);
    CHECK_EQ_U(sign_clear(IDS_LEAF, pre, n), SW_OK);
    CHECK(reply_signs(pre, n, true));
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_1]), SW_OK);
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_DIRECT_1]), SW_OK);
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_REFUND_2]), SW_OK);
    n = package_preimage(TRANSFER_TAG_HEX, IDC_TID_BYTES, 3, 300, pre);
    CHECK_EQ_U(sign_clear(IDS_TRANSFER, pre, n), SW_OK);
    CHECK(reply_signs(pre, n, false));
    CHECK_EQ_U(g_host_pages, pages); /* nothing shown after the one approval */
    /* replay: a second package under the same approval */
    CHECK_EQ_U(sign_clear(IDS_TRANSFER, pre, n), SW_INTENT_MISMATCH);
    CHECK_EQ_U(g_host_reply.len, 0);
}

static void test_identity_transfer_adversarial(void) {
    static uint8_t pre[9000];
    uint8_t ct1[129], ct2[129], tid2[16];
    /* no intent: the transfer statements are refused (the host may fall back to blind SIGN_IDENTITY) */
    fresh_core();
    uint8_t fake[129] = {4};
    size_t n = leaf_preimage("cs-leaf-1", IDC_TID, fake, pre);
    CHECK_EQ_U(sign_clear(IDS_LEAF, pre, n), SW_INTENT_MISMATCH);
    n = package_preimage(TRANSFER_TAG_HEX, IDC_TID_BYTES, 1, 10, pre);
    CHECK_EQ_U(sign_clear(IDS_TRANSFER, pre, n), SW_INTENT_MISMATCH);

    approved_intent(100000);
    CHECK_EQ_U(split_cipher("cs-leaf-1", ct1), SW_OK);
    CHECK_EQ_U(split_cipher("cs-leaf-2", ct2), SW_OK);
    /* a ciphertext the device did not make for that leaf (another leaf's, a forged one) */
    n = leaf_preimage("cs-leaf-1", IDC_TID, ct2, pre);
    CHECK_EQ_U(sign_clear(IDS_LEAF, pre, n), SW_INTENT_MISMATCH);
    n = leaf_preimage("cs-leaf-1", IDC_TID, fake, pre);
    CHECK_EQ_U(sign_clear(IDS_LEAF, pre, n), SW_INTENT_MISMATCH);
    /* a leaf not in the intent; a transfer id that is not a canonical UUID */
    n = leaf_preimage("cs-leaf-3", IDC_TID, ct1, pre);
    CHECK_EQ_U(sign_clear(IDS_LEAF, pre, n), SW_INTENT_MISMATCH);
    n = leaf_preimage("cs-leaf-1", "01890A5D-AC96-774B-BCCE-B302099A8057", ct1, pre);
    CHECK_EQ_U(sign_clear(IDS_LEAF, pre, n), SW_BAD_DATA);
    /* leaf 1 for transfer A fixes the transfer: leaf 2 for transfer B is refused */
    n = leaf_preimage("cs-leaf-1", IDC_TID, ct1, pre);
    CHECK_EQ_U(sign_clear(IDS_LEAF, pre, n), SW_OK);
    static const char other_tid[] = "01890a5d-ac96-774b-bcce-b302099a8058";
    n = leaf_preimage("cs-leaf-2", other_tid, ct2, pre);
    CHECK_EQ_U(sign_clear(IDS_LEAF, pre, n), SW_INTENT_MISMATCH);
    n = leaf_preimage("cs-leaf-2", IDC_TID, ct2, pre);
    CHECK_EQ_U(sign_clear(IDS_LEAF, pre, n), SW_OK);
    /* a package for another transfer id; a claim-tagged package is not a transfer package */
    memcpy(tid2, IDC_TID_BYTES, 16);
    tid2[15] ^= 1;
    n = package_preimage(TRANSFER_TAG_HEX, tid2, 3, 50, pre);
    CHECK_EQ_U(sign_clear(IDS_TRANSFER, pre, n), SW_INTENT_MISMATCH);
    n = package_preimage(CLAIM_TAG_HEX, IDC_TID_BYTES, 3, 50, pre);
    CHECK_EQ_U(sign_clear(IDS_TRANSFER, pre, n), SW_BAD_DATA);
    /* a per-leaf payload sent as a package does not parse */
    n = leaf_preimage("cs-leaf-2", IDC_TID, ct2, pre);
    CHECK_EQ_U(sign_clear(IDS_TRANSFER, pre, n), SW_BAD_DATA);
    n = package_preimage(TRANSFER_TAG_HEX, IDC_TID_BYTES, 3, 50, pre);
    CHECK_EQ_U(sign_clear(IDS_TRANSFER, pre, n), SW_OK);
    /* another command between chunks drops the partial preimage */
    uint8_t p[200];
    p[0] = IDS_CLAIM;
    be_put(p + 1, 0, 4);
    memcpy(p + 5, pre, 60);
    uint8_t apdu[300];
    size_t a = mk_apdu(apdu, INS_SIGN_IDENTITY_CLEAR, P1_CHUNK_FIRST, P2_CHUNK_MORE, p, 65);
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    a = mk_apdu(apdu, INS_GET_VERSION, 0, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    a = mk_apdu(apdu, INS_SIGN_IDENTITY_CLEAR, P1_CHUNK_NEXT, P2_CHUNK_LAST, pre + 60, 10);
    CHECK_EQ_U(host_exchange(apdu, a), SW_CHUNK_SEQUENCE);
    /* an unknown statement, a large account */
    uint8_t bad[5] = {IDS_PROVIDER_LOGIN + 1u, 0, 0, 0, 0};
    a = mk_apdu(apdu, INS_SIGN_IDENTITY_CLEAR, P1_CHUNK_FIRST, P2_CHUNK_LAST, bad, 5);
    CHECK_EQ_U(host_exchange(apdu, a), SW_BAD_DATA);
    uint8_t big[5] = {IDS_CLAIM, 0, 0, 1, 0};
    a = mk_apdu(apdu, INS_SIGN_IDENTITY_CLEAR, P1_CHUNK_FIRST, P2_CHUNK_LAST, big, 5);
    CHECK_EQ_U(host_exchange(apdu, a), SW_PATH_REFUSED);
}


/* ---- EXIT_INTENT: the cooperative exit ---- */

/* An exit transaction as the provider funds it (6 inputs, non-witness serialization): output 0
 * pays bcrt1qmvlsp4pf7fc48q7vt9p93mq36m09ye5hrymh56 149000 sats, output 1 the connector 990
 * sats, output 2 the provider's change. Made with @scure/btc-signer; its txid (display order)
 * EXIT_TXID_HEX. */
static const char EXIT_TX_HEX[] =
    "0200000006"
    "40404040404040404040404040404040404040404040404040404040404040400000000000fdffffff"
    "41414141414141414141414141414141414141414141414141414141414141410100000000fdffffff"
    "42424242424242424242424242424242424242424242424242424242424242420200000000fdffffff"
    "43434343434343434343434343434343434343434343434343434343434343430300000000fdffffff"
    "44444444444444444444444444444444444444444444444444444444444444440400000000fdffffff"
    "45454545454545454545454545454545454545454545454545454545454545450500000000fdffffff"
    "03"
    "0846020000000000160014db3f00d429f2715383cc594258ec11d6de526697"
    "de030000000000002251204f78821f08f119333f981396ec5941b9f67a05c5302ecb7031861a879bbb0fbb"
    "404b4c00000000002251204f78821f08f119333f981396ec5941b9f67a05c5302ecb7031861a879bbb0fbb"
    "00000000";
#define EXIT_TX_LEN 373u
static const char EXIT_TXID_HEX[] = "062a698538541023e808562c49b9200a35ec9a9442348961991daf16afc1f31d";
static const char EXIT_ADDRESS[] = "bcrt1qmvlsp4pf7fc48q7vt9p93mq36m09ye5hrymh56";
#define EXIT_PAYOUT 149000u
#define CONNECTOR_SATS 330u

typedef struct {
    uint8_t exit[EXIT_TX_LEN];
    uint8_t conn[400];
    size_t conn_len;
    uint8_t conn_txid[32];
    uint8_t conn_script[34];
} exit_fixture_t;

/* The exit transaction, with output 0 changed to `payout` sats (0: as is), and its connector:
 * version 3, one input spending exit:`spend_vout` (`spend_txid`: another txid), `n_out` outputs. */
static void exit_fixture(exit_fixture_t *f, uint64_t payout, uint32_t spend_vout, const uint8_t *spend_txid, uint32_t n_out) {
    hex_to_bytes(EXIT_TX_HEX, f->exit, EXIT_TX_LEN);
    if (payout != 0u) {
        for (size_t i = 0; i < 8; i++) f->exit[5u + 6u * 41u + 1u + i] = (uint8_t)(payout >> (8u * i));
    }
    exit_tx_t t;
    CHECK_EQ_U(exit_tx_parse(f->exit, EXIT_TX_LEN, &t), TX_OK);
    hex_to_bytes("51204f78821f08f119333f981396ec5941b9f67a05c5302ecb7031861a879bbb0fbb", f->conn_script, 34);
    uint8_t *o = f->conn;
    size_t n = 0;
    o[n++] = 3, o[n++] = 0, o[n++] = 0, o[n++] = 0, o[n++] = 1;
    memcpy(o + n, spend_txid != NULL ? spend_txid : t.txid, 32);
    n += 32;
    for (size_t i = 0; i < 4; i++) o[n++] = (uint8_t)(spend_vout >> (8u * i));
    o[n++] = 0;
    memset(o + n, 0xff, 4);
    n += 4;
    o[n++] = (uint8_t)n_out;
    for (uint32_t i = 0; i < n_out; i++) {
        uint64_t v = CONNECTOR_SATS;
        for (size_t b = 0; b < 8; b++) o[n++] = (uint8_t)(v >> (8u * b));
        o[n++] = 34;
        memcpy(o + n, f->conn_script, 34);
        n += 34;
    }
    memset(o + n, 0, 4);
    f->conn_len = n + 4u;
    exit_tx_t c;
    CHECK_EQ_U(exit_tx_parse(f->conn, f->conn_len, &c), TX_OK);
    memcpy(f->conn_txid, c.txid, 32);
}

/* An EXIT_INTENT payload: the intent's leaves to `provider`, then the payout vout and both transactions. */
static size_t exit_payload(const uint8_t provider[33], const cs_leaf_t *leaves, size_t n_leaves, const exit_fixture_t *f,
                           uint8_t payout_vout, uint8_t *o) {
    size_t n = intent_payload(provider, leaves, n_leaves, o);
    o[n++] = payout_vout;
    be_put(o + n, EXIT_TX_LEN, 2);
    n += 2;
    memcpy(o + n, f->exit, EXIT_TX_LEN);
    n += EXIT_TX_LEN;
    be_put(o + n, f->conn_len, 2);
    n += 2;
    memcpy(o + n, f->conn, f->conn_len);
    return n + f->conn_len;
}

static uint16_t send_exit(const exit_fixture_t *f, const cs_leaf_t *leaves, size_t n, uint8_t payout_vout, bool approve) {
    uint8_t p[2048];
    size_t len = exit_payload(TV_CS_RECEIVER, leaves, n, f, payout_vout, p);
    uint16_t sw = send_chunked(INS_EXIT_INTENT, p, len, CHUNK);
    return sw != 0 ? sw : host_decide(approve);
}

/* Vector v's refund with a second input spending connector `txid`:`vout` (default sequence), as
 * the SDK's createConnectorRefundTxs builds it, signed under a fresh reference; the prevouts are
 * the leaf's node output and the connector output. */
static uint16_t sign_connector_refund_a(const tv_cs_t *v, const exit_fixture_t *f, const uint8_t txid[32], uint32_t vout,
                                       bool adaptor) {
    uint8_t raw[300], p[1400];
    size_t n = 0;
    memcpy(raw, v->raw, 4);
    n = 4;
    raw[n++] = 2;
    memcpy(raw + n, v->raw + 5, 41); /* input 0 */
    n += 41;
    memcpy(raw + n, txid, 32);
    n += 32;
    for (size_t i = 0; i < 4; i++) raw[n++] = (uint8_t)(vout >> (8u * i));
    raw[n++] = 0;
    memset(raw + n, 0xff, 4);
    n += 4;
    memcpy(raw + n, v->raw + 46, v->raw_len - 46u); /* outputs, locktime */
    n += v->raw_len - 46u;
    uint32_t ref = issue_one_commitment();
    size_t len = cs_payload_ref(v, raw, n, v->prev_amount, v->prev_script, ref, adaptor ? adaptor_point() : NULL, p);
    be_put(p + len, CONNECTOR_SATS, 8);
    len += 8;
    p[len++] = 34;
    memcpy(p + len, f->conn_script, 34);
    len += 34;
    return send_chunked(INS_FROST_SIGN_TX, p, len, CHUNK);
}

static uint16_t sign_connector_refund(const tv_cs_t *v, const exit_fixture_t *f, const uint8_t txid[32], uint32_t vout) {
    return sign_connector_refund_a(v, f, txid, vout, false);
}

static void test_exit_tx_parser(void) {
    exit_fixture_t f;
    exit_fixture(&f, 0, 1, NULL, 3);
    exit_tx_t t;
    CHECK_EQ_U(exit_tx_parse(f.exit, EXIT_TX_LEN, &t), TX_OK);
    CHECK_EQ_U(t.n_in, 6);
    CHECK_EQ_U(t.n_out, 3);
    uint8_t want[32];
    hex_to_bytes(EXIT_TXID_HEX, want, 32);
    for (size_t i = 0; i < 16; i++) { /* display order is the reverse of the serialized one */
        uint8_t b = want[i];
        want[i] = want[31u - i];
        want[31u - i] = b;
    }
    CHECK_BYTES(t.txid, want, 32);
    uint64_t value = 0;
    const uint8_t *script = NULL;
    uint32_t sl = 0;
    CHECK_EQ_U(exit_tx_output(&t, 0, &value, &script, &sl), 1);
    CHECK_EQ_U(value, EXIT_PAYOUT);
    CHECK_EQ_U(sl, 22);
    CHECK_EQ_U(exit_tx_output(&t, 2, &value, &script, &sl), 1);
    CHECK_EQ_U(value, 5000000);
    CHECK_EQ_U(exit_tx_output(&t, 3, &value, &script, &sl), 0);
    /* truncated, trailing byte, witness marker, a value above 21e14 sats */
    CHECK_EQ_U(exit_tx_parse(f.exit, EXIT_TX_LEN - 1u, &t), TX_MALFORMED);
    uint8_t longer[EXIT_TX_LEN + 1u];
    memcpy(longer, f.exit, EXIT_TX_LEN);
    longer[EXIT_TX_LEN] = 0;
    CHECK_EQ_U(exit_tx_parse(longer, EXIT_TX_LEN + 1u, &t), TX_MALFORMED);
    uint8_t marker[EXIT_TX_LEN];
    memcpy(marker, f.exit, EXIT_TX_LEN);
    marker[4] = 0;
    CHECK_EQ_U(exit_tx_parse(marker, EXIT_TX_LEN, &t), TX_UNSUPPORTED);
    memcpy(marker, f.exit, EXIT_TX_LEN);
    for (size_t i = 0; i < 8; i++) marker[252u + i] = (uint8_t)(2100000000000001ull >> (8u * i));
    CHECK_EQ_U(exit_tx_parse(marker, EXIT_TX_LEN, &t), TX_MALFORMED);
}

static void test_exit_intent_screen_and_one_approval(void) {
    cs_core();
    exit_fixture_t f;
    exit_fixture(&f, 0, 1, NULL, 3);
    uint8_t p[2048];
    size_t len = exit_payload(TV_CS_RECEIVER, TWO_LEAVES, 2, &f, 0, p);
    CHECK(len > 255u); /* chunked */
    CHECK_EQ_U(send_chunked(INS_EXIT_INTENT, p, len, CHUNK), 0);
    CHECK(host_screen_has("Withdraw"));
    CHECK(host_screen_has("149000 sats"));
    CHECK(host_screen_has("Fee 1000 sats")); /* 150000 in leaves, 149000 paid out */
    CHECK(host_screen_has("Leaves 2"));
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("To"));
    CHECK(screen_has_chars(EXIT_ADDRESS, 18));
    CHECK(screen_has_chars(&EXIT_ADDRESS[36], 8));
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("Provider"));
    CHECK(screen_has_chars(TV_CS_RECEIVER_SPARKRT, 18));
    CHECK_EQ_U(host_decide(true), SW_OK);
    CHECK(intent_active());
    unsigned pages = g_host_pages;
    /* the key splits and the connector refunds of both leaves run without a screen */
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-2", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_1], &f, f.conn_txid, 0), SW_OK);
    CHECK_EQ_U(g_host_reply.len, 32);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_DIRECT_1], &f, f.conn_txid, 0), SW_OK);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_2], &f, f.conn_txid, 1), SW_OK);
    CHECK_EQ_U(g_host_reply.len, 32);
    CHECK_EQ_U(g_host_pages, pages);
}

static void test_exit_intent_malformed_leaves_none(void) {
    cs_core();
    exit_fixture_t f;
    exit_fixture(&f, 0, 1, NULL, 3);
    CHECK_EQ_U(send_exit(&f, TWO_LEAVES, 2, 0, false), SW_DENIED);
    CHECK(!intent_active());
    CHECK_EQ_U(send_exit(&f, TWO_LEAVES, 2, 3, true), SW_BAD_DATA);       /* no output 3 */
    exit_fixture(&f, 0, 0, NULL, 3);
    CHECK_EQ_U(send_exit(&f, TWO_LEAVES, 2, 0, true), SW_BAD_DATA);       /* the connector spends the payout */
    uint8_t other[32];
    memset(other, 0x77, 32);
    exit_fixture(&f, 0, 1, other, 3);
    CHECK_EQ_U(send_exit(&f, TWO_LEAVES, 2, 0, true), SW_BAD_DATA);       /* the connector spends another transaction */
    exit_fixture(&f, 0, 1, NULL, 4);
    CHECK_EQ_U(send_exit(&f, TWO_LEAVES, 2, 0, true), SW_BAD_DATA);       /* a connector output for a third leaf */
    exit_fixture(&f, 150001u, 1, NULL, 3);
    CHECK_EQ_U(send_exit(&f, TWO_LEAVES, 2, 0, true), SW_BAD_DATA);       /* pays out more than the leaves carry */
    CHECK(!intent_active());
    /* no intent: a key split to the provider is reviewed on its own */
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), 0);
    CHECK(host_screen_has("Send leaf"));
    CHECK_EQ_U(host_decide(false), SW_DENIED);
}

/* Approves the two-leaf exit with leaf 1 at `value1`; splits both leaves. */
static void approved_exit(exit_fixture_t *f, uint64_t value1) {
    cs_leaf_t leaves[2] = {TWO_LEAVES[0], TWO_LEAVES[1]};
    leaves[0].value = value1;
    cs_core();
    exit_fixture(f, value1 + 50000u - 1000u, 1, NULL, 3);
    CHECK_EQ_U(send_exit(f, leaves, 2, 0, true), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-2", TV_CS_RECEIVER), SW_OK);
}

static void test_exit_adversarial_smaller_amount_shown(void) {
    exit_fixture_t f;
    approved_exit(&f, 10000); /* the screen said 59000 sats out of 60000; leaf 1 really holds 100000 */
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_1], &f, f.conn_txid, 0), SW_INTENT_MISMATCH);
    CHECK_EQ_U(g_host_reply.len, 0);
    CHECK(intent_active());
}

static void test_exit_adversarial_other_address(void) {
    /* the approved exit pays the address shown; refunds bound to the connector of an exit that
     * pays elsewhere (another exit transaction, so another connector txid) do not fit */
    exit_fixture_t approved, other;
    approved_exit(&approved, 100000);
    exit_fixture(&other, 0, 1, NULL, 3);
    other.exit[5u + 6u * 41u + 1u + 8u + 1u + 3u] ^= 1u; /* another payout script */
    exit_tx_t t;
    CHECK_EQ_U(exit_tx_parse(other.exit, EXIT_TX_LEN, &t), TX_OK);
    exit_fixture(&other, 0, 1, t.txid, 3);
    CHECK(memcmp(other.conn_txid, approved.conn_txid, 32) != 0);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_1], &other, other.conn_txid, 0), SW_INTENT_MISMATCH);
    /* a refund to another receiver under the exit: a stranger */
    CHECK_EQ_U(sign_tx(&TV_CS[TV_CS_STRANGER_2]), SW_INTENT_MISMATCH);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_1], &approved, approved.conn_txid, 0), SW_OK);
}

static void test_exit_adversarial_not_the_connector(void) {
    exit_fixture_t f;
    approved_exit(&f, 100000);
    uint8_t exit_txid[32];
    exit_tx_t t;
    CHECK_EQ_U(exit_tx_parse(f.exit, EXIT_TX_LEN, &t), TX_OK);
    memcpy(exit_txid, t.txid, 32);
    /* the exit transaction's own output, the fee-bump output, an output past the end */
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_1], &f, exit_txid, 1), SW_INTENT_MISMATCH);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_1], &f, f.conn_txid, 2), SW_INTENT_MISMATCH);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_1], &f, f.conn_txid, 9), SW_INTENT_MISMATCH);
    /* a plain (one-input) refund to the provider: it would not wait for the exit to be mined */
    CHECK_EQ_U(sign_tx_fresh(&TV_CS[TV_CS_REFUND_1], false), SW_INTENT_MISMATCH);
    /* an adaptor-signed connector refund: not an exit's (a swap's) */
    CHECK_EQ_U(sign_connector_refund_a(&TV_CS[TV_CS_REFUND_1], &f, f.conn_txid, 0, true), SW_INTENT_MISMATCH);
    CHECK_EQ_U(g_host_reply.len, 0);
    /* leaf 1 binds connector output 0; then leaf 1 on output 1, and leaf 2 on output 0, do not fit */
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_1], &f, f.conn_txid, 0), SW_OK);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_DIRECT_1], &f, f.conn_txid, 1), SW_INTENT_MISMATCH);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_2], &f, f.conn_txid, 0), SW_INTENT_MISMATCH);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_DIRECT_1], &f, f.conn_txid, 0), SW_OK);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_2], &f, f.conn_txid, 1), SW_OK);
}

static void test_exit_adversarial_extra_leaf(void) {
    exit_fixture_t f;
    approved_exit(&f, 100000);
    CHECK_EQ_U(split_to("cs-leaf-3", TV_CS_RECEIVER), 0); /* every leaf was split: outside the intent, reviewed */
    CHECK(host_screen_has("Send leaf"));
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    CHECK(!intent_active());
    /* before every leaf was split, a leaf not in it is refused */
    cs_core();
    exit_fixture(&f, 0, 1, NULL, 3);
    CHECK_EQ_U(send_exit(&f, TWO_LEAVES, 2, 0, true), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-3", TV_CS_RECEIVER), SW_INTENT_MISMATCH);
}

static void test_exit_adversarial_replay(void) {
    exit_fixture_t f;
    approved_exit(&f, 100000);
    /* each leaf splits once */
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), 0);
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    approved_exit(&f, 100000);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_1], &f, f.conn_txid, 0), SW_OK);
    }
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_1], &f, f.conn_txid, 0), SW_INTENT_MISMATCH); /* at most 3 */
    /* a second exit of the same leaves (another exit transaction, another connector): its refunds
     * fit nothing approved */
    exit_fixture_t second;
    exit_fixture(&second, 149999u, 1, NULL, 3);
    CHECK(memcmp(second.conn_txid, f.conn_txid, 32) != 0);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_2], &second, second.conn_txid, 1), SW_INTENT_MISMATCH);
    /* the approval expires after its APDU budget */
    uint8_t apdu[8];
    size_t a = mk_apdu(apdu, INS_GET_VERSION, 0, 0, NULL, 0);
    for (unsigned i = 0; i < INTENT_APDU_BUDGET_BASE + 2u * INTENT_APDU_BUDGET_PER_LEAF && intent_active(); i++) {
        host_exchange(apdu, a);
    }
    CHECK(!intent_active());
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_2], &f, f.conn_txid, 1), 0); /* reviewed, not silent */
    CHECK(host_screen_has("Pay"));
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    /* and a new intent of another kind replaces it */
    approved_exit(&f, 100000);
    CHECK_EQ_U(send_intent(TV_CS_RECEIVER, TWO_LEAVES, 2, true), SW_OK);
    CHECK_EQ_U(split_to("cs-leaf-1", TV_CS_RECEIVER), SW_OK);
    CHECK_EQ_U(sign_connector_refund(&TV_CS[TV_CS_REFUND_1], &f, f.conn_txid, 0), SW_INTENT_MISMATCH);
}

void suite_clear_sign(void) {
    RUN(test_sighash_equals_btc_signer);
    RUN(test_parser_refusals);
    RUN(test_classifier);
    RUN(test_spark_address_equals_sdk);
    RUN(test_stays_with_user_no_screen);
    RUN(test_payment_without_intent_is_reviewed);
    RUN(test_unsupported_consumes_nothing);
    RUN(test_intent_screen_and_one_approval);
    RUN(test_intent_rejected_or_malformed_leaves_none);
    RUN(test_adversarial_smaller_amount_shown);
    RUN(test_adversarial_other_receiver);
    RUN(test_adversarial_extra_leaf);
    RUN(test_adversarial_longer_timelock);
    RUN(test_adversarial_replayed_approval);
    RUN(test_adversarial_stays_but_pays);
    RUN(test_intent_64_leaves_one_approval);
    RUN(test_intent_65_leaves_refused);
    RUN(test_swap_intent_screen_and_adaptor_refunds);
    RUN(test_swap_intent_refuses_plain_refunds);
    RUN(test_swap_intent_rules_as_transfer);
    RUN(test_identity_login_no_screen);
    RUN(test_identity_login_is_not_a_package);
    RUN(test_identity_provider_login_no_screen);
    RUN(test_identity_provider_login_is_no_other_statement);
    RUN(test_identity_claim_no_screen);
    RUN(test_identity_transfer_one_approval);
    RUN(test_identity_transfer_adversarial);
    RUN(test_exit_tx_parser);
    RUN(test_exit_intent_screen_and_one_approval);
    RUN(test_exit_intent_malformed_leaves_none);
    RUN(test_exit_adversarial_smaller_amount_shown);
    RUN(test_exit_adversarial_other_address);
    RUN(test_exit_adversarial_not_the_connector);
    RUN(test_exit_adversarial_extra_leaf);
    RUN(test_exit_adversarial_replay);
}
