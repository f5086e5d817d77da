/* HTLC_HMAC and EXPORT_STATIC_KEY: byte equality with the SDK's DefaultSparkSigner (vectors from
 * gen-vectors.ts), strict parsing, key policy, and the export approval flow. */
#include "core_includes.h"
#include "key_public.h"
#include "test.h"
#include "vectors/vectors.h"

static uint16_t htlc(uint8_t p1, uint32_t account, const char *id, size_t id_len, size_t extra) {
    uint8_t data[300], apdu[320];
    memset(data, 0, sizeof data);
    put_be32(data, account);
    data[4] = (uint8_t)id_len;
    memcpy(data + 5, id, id_len);
    size_t n = mk_apdu(apdu, INS_HTLC_HMAC, p1, 0, data, 5 + id_len + extra);
    return host_exchange(apdu, n);
}

static void test_htlc_hmac_equals_sdk(void) {
    fresh_core();
    for (unsigned i = 0; i < TV_HTLC_N; i++) {
        unsigned pages = g_host_pages;
        CHECK_EQ_U(htlc(0, TV_HTLC[i].account, TV_HTLC[i].id, strlen(TV_HTLC[i].id), 0), SW_OK);
        CHECK_EQ_U(g_host_reply.len, 32);
        CHECK_BYTES(g_host_reply.data, TV_HTLC[i].mac, 32);
        CHECK_EQ_U(g_host_pages, pages); /* nothing shown */
    }
}

static void test_htlc_hmac_refusals(void) {
    uint8_t apdu[16];
    fresh_core();
    const char *id = "0197a2b45c6d7e8f9a0b1c2d3e4f5a6b";
    CHECK_EQ_U(htlc(1, 0, id, 32, 0), SW_BAD_P1_P2);
    CHECK_EQ_U(htlc(0, 256, id, 32, 0), SW_PATH_REFUSED);
    CHECK_EQ_U(htlc(0, 0x80000000u, id, 32, 0), SW_PATH_REFUSED);
    CHECK_EQ_U(htlc(0, 0, id, 0, 0), SW_BAD_DATA);              /* empty id */
    CHECK_EQ_U(htlc(0, 0, "with space", 10, 0), SW_BAD_DATA);  /* not printable without space */
    CHECK_EQ_U(htlc(0, 0, "tab\tid", 6, 0), SW_BAD_DATA);
    CHECK_EQ_U(htlc(0, 0, id, 32, 1), SW_BAD_DATA);             /* trailing byte */
    char long_id[66];
    memset(long_id, 'a', sizeof long_id);
    CHECK_EQ_U(htlc(0, 0, long_id, 65, 0), SW_BAD_DATA);        /* longer than 64 */
    /* an id length that runs past the data */
    uint8_t data[10] = {0, 0, 0, 0, 20, 'a', 'b', 'c', 'd', 'e'};
    size_t n = mk_apdu(apdu, INS_HTLC_HMAC, 0, 0, data, sizeof data);
    CHECK_EQ_U(host_exchange(apdu, n), SW_WRONG_LENGTH);
    n = mk_apdu(apdu, INS_HTLC_HMAC, 0, 0, data, 3);
    CHECK_EQ_U(host_exchange(apdu, n), SW_WRONG_LENGTH);
    CHECK_EQ_U(g_host_reply.len, 0);
}

static uint16_t export_key(uint8_t p1, uint32_t account, uint32_t index, size_t len) {
    uint8_t data[16], apdu[32];
    memset(data, 0, sizeof data);
    put_be32(data, account);
    put_be32(data + 4, index);
    size_t n = mk_apdu(apdu, INS_EXPORT_STATIC_KEY, p1, 0, data, len);
    return host_exchange(apdu, n);
}

/* The export is shown even with blind signing off, and approval returns the SDK's key. */
static void test_export_approved_equals_sdk(void) {
    for (unsigned i = 0; i < TV_STATIC_N; i++) {
        const tv_static_t *v = &TV_STATIC[i];
        uint8_t pub[33];
        fresh_core();
        CHECK(!settings_blind_signing());
        CHECK_EQ_U(export_key(0, v->account, v->index, 8), 0); /* waits for the user */
        CHECK(REVIEW_SHOWS("Export key", "Static deposit", REVIEW_NEXT, "Warning", "learn this private",
                           REVIEW_NEXT, "Public key"));
        CHECK(key_public_from_private(v->priv, pub));
        CHECK(screen_has_hex(pub, 17)); /* the first line of the public key */
        CHECK_EQ_U(host_decide(true), SW_OK);
        CHECK_EQ_U(g_host_reply.len, 32);
        CHECK_BYTES(g_host_reply.data, v->priv, 32);
        CHECK(host_screen_has(APP_NAME)); /* back home */
    }
}

static void test_export_rejected(void) {
    fresh_core();
    CHECK_EQ_U(export_key(0, 0, 0, 8), 0);
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    CHECK_EQ_U(g_host_reply.len, 0);
    /* a new APDU during the review drops it without sending the key */
    CHECK_EQ_U(export_key(0, 0, 0, 8), 0);
    unsigned replies = g_host_reply.count;
    CHECK_EQ_U(htlc(0, 0, "x", 1, 0), SW_OK);
    CHECK_EQ_U(g_host_reply.count, replies + 1);
    host_press(BUTTON_BOTH);
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_BOTH);
    CHECK_EQ_U(g_host_reply.count, replies + 1); /* no late reply with the key */
}

static void test_export_refusals_show_nothing(void) {
    fresh_core();
    unsigned pages = g_host_pages;
    CHECK_EQ_U(export_key(0, 256, 0, 8), SW_PATH_REFUSED);
    CHECK_EQ_U(export_key(0, 0, 0x80000000u, 8), SW_PATH_REFUSED);
    CHECK_EQ_U(export_key(0, 0, 0, 7), SW_WRONG_LENGTH);
    CHECK_EQ_U(export_key(0, 0, 0, 9), SW_WRONG_LENGTH);
    CHECK_EQ_U(export_key(0, 0, 0, 0), SW_WRONG_LENGTH);
    CHECK_EQ_U(export_key(1, 0, 0, 8), SW_BAD_P1_P2);
    CHECK_EQ_U(g_host_pages, pages);
    CHECK(host_screen_has(APP_NAME));
}

void suite_signer_cmds(void) {
    RUN(test_htlc_hmac_equals_sdk);
    RUN(test_htlc_hmac_refusals);
    RUN(test_export_approved_equals_sdk);
    RUN(test_export_rejected);
    RUN(test_export_refusals_show_nothing);
}
