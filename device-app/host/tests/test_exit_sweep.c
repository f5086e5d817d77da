/* SIGN_EXIT_SWEEP: the device's BIP341 sighash equals @scure/btc-signer's for the same sweep,
 * the signature verifies against the leaf's taproot output key, the screen shows fee, amount and
 * address, and malformed or out-of-policy requests are refused without a screen. */
#include "bip340.h"
#include "core_includes.h"
#include "test.h"
#include "vectors/vectors.h"

static void be64(uint8_t *o, uint64_t v) {
    for (int i = 0; i < 8; i++) o[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* leaf KEYREF || network || version || locktime || txid || vout || amount || sequence ||
 * out amount || script len || script */
static size_t sweep_request(uint8_t *d, uint8_t network, uint64_t out_amount, const uint8_t *script, uint8_t script_len) {
    size_t n = put_keyref(d, KEY_LEAF, 0, 0, TV_SWEEP_LEAF);
    d[n++] = network;
    put_be32(d + n, 2);
    n += 4;
    put_be32(d + n, 0);
    n += 4;
    memcpy(d + n, TV_SWEEP_TXID_LE, 32);
    n += 32;
    put_be32(d + n, 1);
    n += 4;
    be64(d + n, TV_SWEEP_AMOUNT);
    n += 8;
    put_be32(d + n, TV_SWEEP_SEQUENCE);
    n += 4;
    be64(d + n, out_amount);
    n += 8;
    d[n++] = script_len;
    memcpy(d + n, script, script_len);
    return n + script_len;
}

static uint16_t send_sweep(const uint8_t *d, size_t len) {
    uint8_t apdu[300];
    size_t n = mk_apdu(apdu, INS_SIGN_EXIT_SWEEP, 0, 0, d, len);
    return host_exchange(apdu, n);
}

static void test_sweep_signs_btc_signer_sighash(void) {
    uint8_t d[200];
    fresh_core(); /* blind signing stays off: this is clear signing */
    size_t n = sweep_request(d, 2, TV_SWEEP_OUT_AMOUNT, TV_SWEEP_DEST, sizeof TV_SWEEP_DEST);
    CHECK_EQ_U(send_sweep(d, n), 0);
    CHECK(REVIEW_SHOWS("Exit sweep", "Fee 1000 sats", REVIEW_NEXT, "Leaf id", REVIEW_NEXT, "Amount",
                       "99000 sats", REVIEW_NEXT, "To"));
    CHECK(screen_has_chars(TV_SWEEP_ADDR, 18));
    CHECK_EQ_U(host_decide(true), SW_OK);
    CHECK_EQ_U(g_host_reply.len, 64);
    CHECK_EQ_U(bip340_verify(TV_SWEEP_QX, TV_SWEEP_DIGEST, g_host_reply.data), 1);
}

static void test_sweep_refusals(void) {
    uint8_t d[200];
    fresh_core();
    unsigned pages = g_host_pages;
    size_t n = sweep_request(d, 3, TV_SWEEP_OUT_AMOUNT, TV_SWEEP_DEST, sizeof TV_SWEEP_DEST);
    CHECK_EQ_U(send_sweep(d, n), SW_BAD_DATA); /* unknown network */
    n = sweep_request(d, 2, TV_SWEEP_AMOUNT + 1u, TV_SWEEP_DEST, sizeof TV_SWEEP_DEST);
    CHECK_EQ_U(send_sweep(d, n), SW_BAD_DATA); /* pays more than it spends */
    const uint8_t p2pkh[25] = {0x76, 0xa9, 0x14};
    n = sweep_request(d, 2, TV_SWEEP_OUT_AMOUNT, p2pkh, sizeof p2pkh);
    CHECK_EQ_U(send_sweep(d, n), SW_BAD_DATA); /* not a segwit output */
    n = sweep_request(d, 2, TV_SWEEP_OUT_AMOUNT, TV_SWEEP_DEST, sizeof TV_SWEEP_DEST);
    CHECK_EQ_U(send_sweep(d, n - 1), SW_WRONG_LENGTH);
    d[n] = 0;
    CHECK_EQ_U(send_sweep(d, n + 1), SW_BAD_DATA); /* trailing byte */
    /* the deposit key (any key but a leaf or the identity key) cannot sign a sweep */
    uint8_t dep[200];
    dep[0] = KEY_DEPOSIT;
    memset(dep + 1, 0, 4);
    size_t l = 6 + strlen(TV_SWEEP_LEAF);
    memcpy(dep + 5, d + l, n - l);
    CHECK_EQ_U(send_sweep(dep, 5 + n - l), SW_PATH_REFUSED);
    CHECK_EQ_U(g_host_pages, pages);
    /* reject */
    CHECK_EQ_U(send_sweep(d, n), 0);
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    CHECK_EQ_U(g_host_reply.len, 0);
}

/* The identity key sweeps too (a received, unclaimed transfer's refund pays it): the signature
 * verifies under the identity key's taproot key for the same sighash construction. */
static void test_sweep_identity_key(void) {
    uint8_t d[200], id[200];
    fresh_core();
    size_t n = sweep_request(d, 2, TV_SWEEP_OUT_AMOUNT, TV_SWEEP_DEST, sizeof TV_SWEEP_DEST);
    size_t l = 6 + strlen(TV_SWEEP_LEAF);
    id[0] = KEY_IDENTITY;
    memset(id + 1, 0, 4);
    memcpy(id + 5, d + l, n - l);
    CHECK_EQ_U(send_sweep(id, 5 + n - l), 0);
    CHECK(host_screen_has("Exit sweep"));
    CHECK(host_screen_has("Identity"));
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("Amount")); /* no leaf id page */
    CHECK_EQ_U(host_decide(true), SW_OK);
    CHECK_EQ_U(g_host_reply.len, 64);
    /* a signature by the identity taproot key does not verify under the leaf's */
    CHECK_EQ_U(bip340_verify(TV_SWEEP_QX, TV_SWEEP_DIGEST, g_host_reply.data), 0);
}

void suite_exit_sweep(void) {
    RUN(test_sweep_identity_key);
    RUN(test_sweep_signs_btc_signer_sighash);
    RUN(test_sweep_refusals);
}
