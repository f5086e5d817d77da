#include "core_includes.h"
#include "test.h"
#include "vectors/vectors.h"

static void test_header_errors(void) {
    uint8_t apdu[10] = {CLA_SPARK, INS_GET_VERSION, 0, 0, 0};
    fresh_core();
    CHECK_EQ_U(host_exchange(apdu, 3), SW_WRONG_LENGTH);
    CHECK_EQ_U(host_exchange(apdu, 4), SW_OK);
    CHECK_EQ_U(host_exchange(apdu, 5), SW_OK); /* Lc = 0 */
    apdu[4] = 2;
    CHECK_EQ_U(host_exchange(apdu, 6), SW_WRONG_LENGTH); /* Lc says 2, 1 byte present */
    CHECK_EQ_U(host_exchange(apdu, 8), SW_WRONG_LENGTH);
    CHECK_EQ_U(host_exchange(apdu, 7), SW_WRONG_LENGTH); /* GET_VERSION takes no data */
    apdu[0] = 0xB0;
    CHECK_EQ_U(host_exchange(apdu, 4), SW_CLA_NOT_SUPPORTED);
    apdu[0] = CLA_SPARK;
    apdu[1] = 0x99;
    CHECK_EQ_U(host_exchange(apdu, 4), SW_INS_NOT_SUPPORTED);
    CHECK_EQ_U(host_exchange(NULL, 0), SW_WRONG_LENGTH);
}

static void test_reader_bounds(void) {
    uint8_t d[5] = {1, 2, 3, 4, 5};
    reader_t r;
    rd_init(&r, d, sizeof d);
    CHECK_EQ_U(rd_u32(&r), 0x01020304u);
    CHECK_EQ_U(rd_u8(&r), 5);
    CHECK(rd_finished(&r));
    CHECK_EQ_U(rd_u8(&r), 0);
    CHECK(r.err);
    CHECK(!rd_finished(&r));
    rd_init(&r, d, sizeof d);
    CHECK(rd_bytes(&r, 6) == NULL);
    CHECK(r.err);
    CHECK(rd_bytes(&r, 0) == NULL); /* sticky */
    rd_init(&r, d, sizeof d);
    CHECK(rd_bytes(&r, 2) == d);
    CHECK_EQ_U(rd_u32(&r), 0);
    CHECK(r.err);
}

static void test_get_version(void) {
    uint8_t apdu[8];
    fresh_core();
    size_t a = mk_apdu(apdu, INS_GET_VERSION, 0, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    CHECK_EQ_U(g_host_reply.len, 8);
    CHECK_EQ_U(g_host_reply.data[0], APP_VERSION_MAJOR);
    CHECK_EQ_U(g_host_reply.data[1], APP_VERSION_MINOR);
    CHECK_EQ_U(g_host_reply.data[2], APP_VERSION_PATCH);
    CHECK_EQ_U(g_host_reply.data[3], VERSION_FLAG_PROVIDER_LOGIN); /* blind signing off by default */
    CHECK_EQ_U(g_host_reply.data[4], FROST_MAX_COMMIT_BATCH);
    CHECK_EQ_U((g_host_reply.data[5] << 8) | g_host_reply.data[6], NONCE_WINDOW);
    CHECK_EQ_U(g_host_reply.data[7], FROST_MAX_OPERATORS);
    host_enable_blind_signing();
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    CHECK_EQ_U(g_host_reply.data[3], VERSION_FLAG_BLIND_SIGNING | VERSION_FLAG_PROVIDER_LOGIN);
    a = mk_apdu(apdu, INS_GET_VERSION, 1, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, a), SW_BAD_P1_P2);
}

static size_t identity_req(uint8_t *apdu, uint8_t mode, uint32_t account, const uint8_t *dg) {
    uint8_t data[36];
    put_be32(data, account);
    memcpy(data + 4, dg, 32);
    return mk_apdu(apdu, INS_SIGN_IDENTITY, mode, 0, data, sizeof data);
}

static void test_identity_blind_off(void) {
    uint8_t apdu[64];
    fresh_core();
    unsigned pages = g_host_pages;
    size_t a = identity_req(apdu, P1_ECDSA_DER, 0, TV_SIGS[0].digest);
    CHECK_EQ_U(host_exchange(apdu, a), SW_BLIND_SIGNING_DISABLED);
    CHECK_EQ_U(g_host_pages, pages);
}

static void test_identity_signatures(void) {
    uint8_t apdu[64];
    fresh_core();
    host_enable_blind_signing();
    for (unsigned i = 0; i < TV_SIGS_N; i++) {
        const tv_sig_t *v = &TV_SIGS[i];
        const struct {
            uint8_t p1;
            const char *scheme; /* as the review names it */
            const uint8_t *sig;
            size_t len;
        } modes[] = {
            {P1_ECDSA_DER, "ECDSA", v->der, v->der_len},
            {P1_ECDSA_COMPACT, "ECDSA compact", v->compact, 64},
            {P1_SCHNORR, "Schnorr", v->schnorr, 64},
        };
        for (unsigned m = 0; m < sizeof modes / sizeof modes[0]; m++) {
            if (modes[m].p1 == P1_SCHNORR) {
                /* the device draws BIP340 aux randomness from its RNG: script it */
                host_queue_random(v->aux, 32);
            }
            size_t a = identity_req(apdu, modes[m].p1, 0, v->digest);
            CHECK_EQ_U(host_exchange(apdu, a), 0);
            CHECK(host_screen_has("Blind signing"));
            CHECK(host_screen_has("Identity key"));
            CHECK(host_screen_has(modes[m].scheme));
            CHECK_EQ_U(host_decide(true), SW_OK);
            CHECK_EQ_U(g_host_reply.len, modes[m].len);
            CHECK_BYTES(g_host_reply.data, modes[m].sig, modes[m].len);
        }
    }
}

static void test_identity_reject_and_errors(void) {
    uint8_t apdu[64];
    fresh_core();
    host_enable_blind_signing();
    size_t a = identity_req(apdu, P1_ECDSA_DER, 0, TV_SIGS[0].digest);
    CHECK_EQ_U(host_exchange(apdu, a), 0);
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("Message hash"));
    CHECK(screen_has_hex(TV_SIGS[0].digest, 16));
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    CHECK_EQ_U(g_host_reply.len, 0);
    a = identity_req(apdu, 3, 0, TV_SIGS[0].digest);
    CHECK_EQ_U(host_exchange(apdu, a), SW_BAD_P1_P2);
    a = identity_req(apdu, P1_SCHNORR, 256, TV_SIGS[0].digest);
    CHECK_EQ_U(host_exchange(apdu, a), SW_PATH_REFUSED);
    a = identity_req(apdu, P1_SCHNORR, 0, TV_SIGS[0].digest);
    apdu[4] = 35;
    CHECK_EQ_U(host_exchange(apdu, a - 1), SW_WRONG_LENGTH);
}

static void test_show_pubkey(void) {
    uint8_t apdu[80], ref[60];
    fresh_core();
    /* find the leaf key with the UUID id, account 0 */
    const tv_key_t *k = NULL;
    for (unsigned i = 0; i < TV_KEYS_N; i++) {
        if (TV_KEYS[i].kind == KEY_LEAF && strlen(TV_KEYS[i].leaf) > 30 &&
            TV_KEYS[i].account == 0) {
            k = &TV_KEYS[i];
        }
    }
    CHECK(k != NULL);
    if (k == NULL) {
        return;
    }
    size_t n = put_keyref(ref, KEY_LEAF, 0, 0, k->leaf);
    size_t a = mk_apdu(apdu, INS_GET_PUBLIC_KEY, P1_SHOW, 0, ref, n);
    CHECK_EQ_U(host_exchange(apdu, a), 0);
    CHECK(host_screen_has("Verify key"));
    CHECK(host_screen_has("Leaf"));
    CHECK(host_screen_has("Account 0"));
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("Leaf id"));
    CHECK(screen_has_chars(k->leaf, 16));
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("Public key"));
    CHECK(screen_has_hex(k->pub, 16));
    CHECK_EQ_U(host_decide(true), SW_OK);
    CHECK_BYTES(g_host_reply.data, k->pub, 33);
    /* rejected */
    CHECK_EQ_U(host_exchange(apdu, a), 0);
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    CHECK_EQ_U(g_host_reply.len, 0);
}

void suite_apdu(void) {
    RUN(test_header_errors);
    RUN(test_reader_bounds);
    RUN(test_get_version);
    RUN(test_identity_blind_off);
    RUN(test_identity_signatures);
    RUN(test_identity_reject_and_errors);
    RUN(test_show_pubkey);
}
