#include "core_includes.h"
#include "frost_payload.h"
#include "test.h"

static void test_store_fits_1kib(void) {
    CHECK(sizeof(nonce_store_t) <= 1024);
    CHECK_EQ_U(nonce_store_size(), sizeof(nonce_store_t));
    CHECK(NONCE_WINDOW >= 1000);
}

static void test_thousand_outstanding(void) {
    uint32_t ref;
    fresh_core();
    for (uint32_t i = 0; i < 1000; i++) {
        CHECK(nonce_store_issue(&ref));
        CHECK_EQ_U(ref, i);
    }
    /* every one of the 1000 is usable, exactly once, in any order */
    for (uint32_t i = 0; i < 1000; i++) {
        uint32_t r = (i * 7u) % 1000u;
        CHECK(nonce_store_consume(r));
    }
    for (uint32_t i = 0; i < 1000; i++) {
        CHECK(!nonce_store_consume(i));
    }
}

static void test_replay_and_unknown(void) {
    uint32_t ref;
    fresh_core();
    CHECK(!nonce_store_consume(0)); /* never issued */
    CHECK(nonce_store_issue(&ref));
    CHECK(!nonce_store_consume(ref + 1));
    CHECK(!nonce_store_consume(UINT32_MAX));
    CHECK(nonce_store_consume(ref));
    CHECK(!nonce_store_consume(ref)); /* replay */
}

static void test_window_slides(void) {
    uint32_t ref;
    fresh_core();
    for (uint32_t i = 0; i < NONCE_WINDOW + 5; i++) {
        CHECK(nonce_store_issue(&ref));
    }
    /* 0..4 were retired when 1024..1028 took their bits */
    for (uint32_t i = 0; i < 5; i++) {
        CHECK(!nonce_store_consume(i));
    }
    CHECK(nonce_store_consume(5));
    CHECK(nonce_store_consume(NONCE_WINDOW + 4));
    CHECK(nonce_store_consume(NONCE_WINDOW)); /* shares bit 0 with the retired ref 0 */
    CHECK(!nonce_store_consume(0));
}

static void test_forged_reference_refused(void) {
    uint8_t payload[FROST_MAX_PAYLOAD];
    const tv_frost_t *v = &TV_FROST[0];
    const tv_frost_t *w = &TV_FROST[1];
    fresh_core();
    host_enable_blind_signing();
    issue_commitments_until(w->ref + 3);
    /* v's commitments under w's reference: forged */
    size_t n = tv_frost_payload(v, w->ref, payload);
    CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_NONCE_MISMATCH);
    /* the reference was consumed by the failed attempt */
    n = tv_frost_payload(w, w->ref, payload);
    CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_NONCE_UNKNOWN);
    /* never-issued reference */
    n = tv_frost_payload(v, 5000, payload);
    CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_NONCE_UNKNOWN);
    /* v's own reference still works */
    n = tv_frost_payload(v, v->ref, payload);
    CHECK(frost_sign_approved_is(payload, n, 255, v->z));
}

static void test_refused_path_consumes(void) {
    uint8_t payload[FROST_MAX_PAYLOAD];
    const tv_frost_t *v = &TV_FROST[1]; /* deposit key */
    fresh_core();
    host_enable_blind_signing();
    issue_commitments_until(v->ref);
    /* same package but with the identity key: not allowed for FROST */
    size_t n = tv_frost_payload(v, v->ref, payload);
    payload[0] = KEY_IDENTITY;
    CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_PATH_REFUSED);
    payload[0] = v->kind;
    CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_NONCE_UNKNOWN);
}

static void test_commitments_die_with_the_app(void) {
    uint8_t apdu[8], first[66];
    fresh_core();
    size_t a = mk_apdu(apdu, INS_FROST_COMMIT, 1, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    memcpy(first, g_host_reply.data + 4, 66);
    /* Quit */
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("Quit"));
    host_press(BUTTON_BOTH);
    CHECK(g_host_exited);
    CHECK(!nonce_store_consume(0)); /* store wiped */
    unsigned before = g_host_reply.count;
    core_on_apdu(apdu, a);
    CHECK_EQ_U(g_host_reply.count, before); /* exited app ignores input */
    /* next run: a new secret, so reference 0 has different commitments */
    host_reset(TV_SEED, sizeof TV_SEED);
    core_init();
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    CHECK_EQ_U(g_host_reply.data[3], 0);
    CHECK(memcmp(first, g_host_reply.data + 4, 66) != 0);
}

static void test_commit_batches(void) {
    uint8_t apdu[8];
    fresh_core();
    size_t a = mk_apdu(apdu, INS_FROST_COMMIT, 3, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    CHECK_EQ_U(g_host_reply.len, 4 + 3 * 66);
    CHECK_EQ_U(g_host_reply.data[3], 0);
    /* the commitments are the TS-derived ones for refs 0, 1, 2 */
    for (unsigned i = 0; i < TV_FROST_N; i++) {
        if (TV_FROST[i].ref < 3) {
            const uint8_t *c = g_host_reply.data + 4 + 66 * TV_FROST[i].ref;
            CHECK_BYTES(c, TV_FROST[i].hiding, 33);
            CHECK_BYTES(c + 33, TV_FROST[i].binding, 33);
        }
    }
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    CHECK_EQ_U(g_host_reply.data[3], 3);
    a = mk_apdu(apdu, INS_FROST_COMMIT, 0, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, a), SW_BAD_P1_P2);
    a = mk_apdu(apdu, INS_FROST_COMMIT, 4, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, a), SW_BAD_P1_P2);
    a = mk_apdu(apdu, INS_FROST_COMMIT, 1, 1, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, a), SW_BAD_P1_P2);
    uint8_t one = 0;
    a = mk_apdu(apdu, INS_FROST_COMMIT, 1, 0, &one, 1);
    CHECK_EQ_U(host_exchange(apdu, a), SW_WRONG_LENGTH);
}

void suite_nonce(void) {
    RUN(test_store_fits_1kib);
    RUN(test_thousand_outstanding);
    RUN(test_replay_and_unknown);
    RUN(test_window_slides);
    RUN(test_forged_reference_refused);
    RUN(test_refused_path_consumes);
    RUN(test_commitments_die_with_the_app);
    RUN(test_commit_batches);
}
