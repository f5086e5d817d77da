#include "core_includes.h"
#include "frost_payload.h"
#include "test.h"

static void load_ops(const tv_frost_t *v, frost_commit_ref_t *ops) {
    for (unsigned j = 0; j < v->nops; j++) {
        ops[j].id = v->ops[j].id;
        ops[j].hiding = v->ops[j].hiding;
        ops[j].binding = v->ops[j].binding;
    }
}

/* The share equals the SDK's signFrost for the same key, nonces and package. */
static void test_share_equals_sdk(void) {
    unsigned vk_odd = 0, with_adaptor = 0;
    for (unsigned i = 0; i < TV_FROST_N; i++) {
        const tv_frost_t *v = &TV_FROST[i];
        sc_t s, d, e;
        uint8_t z[32];
        frost_commit_ref_t ops[8];
        sc_from_bytes_reduce(&s, v->secret);
        sc_from_bytes_reduce(&d, v->d);
        sc_from_bytes_reduce(&e, v->e);
        load_ops(v, ops);
        CHECK_EQ_U(tv_frost_share(v, &s, &d, &e, ops, v->nops, v->has_adaptor ? v->adaptor : NULL,
                                  z),
                   FROST_OK);
        CHECK_BYTES(z, v->z, 32);
        vk_odd += v->vk[0] & 1u;
        with_adaptor += v->has_adaptor;
    }
    /* the vectors cover both parities of the verifying key, with and without adaptor, and
     * both outcomes of "P and Q differ in y parity" (the user's secret negated or not) */
    CHECK(vk_odd > 0 && vk_odd < TV_FROST_N);
    unsigned flips = 0;
    for (unsigned i = 0; i < TV_FROST_N; i++) {
        ge_t P, T, Q;
        sc_t t;
        fe_t x, y;
        uint8_t h[32];
        CHECK(ge_decode(&P, TV_FROST[i].vk));
        if (TV_FROST[i].vk[0] & 1u) {
            ge_neg(&P, &P);
        }
        tagged_hash("TapTweak", TV_FROST[i].vk + 1, 32, h);
        (void)sc_from_bytes_reduce(&t, h);
        ge_mul_gen(&T, &t);
        ge_add(&Q, &P, &T);
        CHECK(ge_to_affine(&x, &y, &Q));
        flips += (TV_FROST[i].vk[0] & 1u) ^ fe_is_odd(&y);
    }
    CHECK(flips > 0 && flips < TV_FROST_N);
    CHECK(with_adaptor > 0 && with_adaptor < TV_FROST_N);
}

/* The nonces derived from the session secret equal the TypeScript derivation. */
static void test_nonce_derivation_matches_ts(void) {
    fresh_core();
    for (unsigned i = 0; i < TV_FROST_N; i++) {
        sc_t d, e;
        uint8_t db[32], eb[32], h[33], b[33];
        CHECK(nonce_store_nonces(TV_FROST[i].ref, &d, &e));
        sc_to_bytes(db, &d);
        sc_to_bytes(eb, &e);
        CHECK_BYTES(db, TV_FROST[i].d, 32);
        CHECK_BYTES(eb, TV_FROST[i].e, 32);
        CHECK(nonce_store_commitments(TV_FROST[i].ref, h, b));
        CHECK_BYTES(h, TV_FROST[i].hiding, 33);
        CHECK_BYTES(b, TV_FROST[i].binding, 33);
    }
}

static void test_bad_packages(void) {
    const tv_frost_t *v = &TV_FROST[0];
    frost_commit_ref_t ops[8];
    uint8_t bad_id[32], user_id[32], bad_pt[33];
    sc_t s, d, e;
    uint8_t z[32];
    load_ops(v, ops);
    CHECK_EQ_U(tv_frost_prepare(v, v->vk, ops, v->nops, NULL), FROST_OK);
    /* zero id, id >= n, duplicate id, the user's id */
    memset(bad_id, 0, 32);
    ops[0].id = bad_id;
    CHECK_EQ_U(tv_frost_prepare(v, v->vk, ops, v->nops, NULL), FROST_ERR_ID);
    memset(bad_id, 0xff, 32);
    CHECK_EQ_U(tv_frost_prepare(v, v->vk, ops, v->nops, NULL), FROST_ERR_ID);
    ops[0].id = v->ops[1].id;
    CHECK_EQ_U(tv_frost_prepare(v, v->vk, ops, v->nops, NULL), FROST_ERR_ID);
    frost_user_identifier(user_id);
    ops[0].id = user_id;
    CHECK_EQ_U(tv_frost_prepare(v, v->vk, ops, v->nops, NULL), FROST_ERR_ID);
    sc_from_bytes_reduce(&s, v->secret);
    sc_from_bytes_reduce(&d, v->d);
    sc_from_bytes_reduce(&e, v->e);
    CHECK_EQ_U(tv_frost_share(v, &s, &d, &e, ops, v->nops, NULL, z), FROST_ERR_ID);
    /* invalid points: operator commitment, verifying key, adaptor */
    load_ops(v, ops);
    memcpy(bad_pt, v->vk, 33);
    bad_pt[0] = 0x05;
    ops[1].binding = bad_pt;
    CHECK_EQ_U(tv_frost_prepare(v, v->vk, ops, v->nops, NULL), FROST_ERR_POINT);
    load_ops(v, ops);
    CHECK_EQ_U(tv_frost_prepare(v, bad_pt, ops, v->nops, NULL), FROST_ERR_POINT);
    CHECK_EQ_U(tv_frost_prepare(v, v->vk, ops, v->nops, bad_pt), FROST_ERR_POINT);
    CHECK_EQ_U(tv_frost_prepare(v, v->vk, ops, 0, NULL), FROST_ERR_ID);
    CHECK_EQ_U(tv_frost_prepare(v, v->vk, ops, FROST_MAX_PARTICIPANTS, NULL), FROST_ERR_ID);
}

/* Whole flow through APDUs: commitments from the device, payload in chunks, approval on
 * screen, share equal to the SDK's. */
static void test_frost_sign_end_to_end(void) {
    uint8_t payload[FROST_MAX_PAYLOAD];
    uint32_t next = 0;
    fresh_core();
    host_enable_blind_signing();
    for (unsigned i = 0; i < TV_FROST_N; i++) {
        const tv_frost_t *v = &TV_FROST[i];
        /* references issued right before use: an adaptor sign spends all earlier ones */
        issue_commitments_through(v->ref, &next);
        size_t n = tv_frost_payload(v, v->ref, payload);
        CHECK_EQ_U(send_frost_sign(payload, n, 100 + 50 * (i % 4)), 0); /* review shown */
        CHECK(host_screen_has("Blind signing"));
        CHECK(host_screen_has("FROST share"));
        CHECK(core_reply_pending());
        CHECK_EQ_U(host_decide(true), SW_OK);
        CHECK_EQ_U(g_host_reply.len, 32);
        CHECK_BYTES(g_host_reply.data, v->z, 32);
        CHECK(!core_reply_pending());
        CHECK(host_screen_has(APP_NAME)); /* back home */
        /* the same reference again: refused */
        CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_NONCE_UNKNOWN);
    }
}

static void test_frost_sign_reject(void) {
    uint8_t payload[FROST_MAX_PAYLOAD];
    const tv_frost_t *v = &TV_FROST[0];
    fresh_core();
    host_enable_blind_signing();
    issue_commitments_until(v->ref);
    size_t n = tv_frost_payload(v, v->ref, payload);
    CHECK_EQ_U(send_frost_sign(payload, n, 200), 0);
    /* the message hash page shows the message */
    host_press(BUTTON_RIGHT);
    if (v->kind == KEY_LEAF) {
        host_press(BUTTON_RIGHT);
    }
    CHECK(host_screen_has("Message hash"));
    CHECK(screen_has_hex(v->msg, 16));
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    /* a rejected request spent its reference */
    CHECK_EQ_U(send_frost_sign(payload, n, 200), SW_NONCE_UNKNOWN);
}

static void test_frost_sign_blind_off(void) {
    uint8_t payload[FROST_MAX_PAYLOAD];
    const tv_frost_t *v = &TV_FROST[0];
    fresh_core();
    issue_commitments_until(v->ref);
    unsigned pages = g_host_pages;
    size_t n = tv_frost_payload(v, v->ref, payload);
    CHECK_EQ_U(send_frost_sign(payload, n, 200), SW_BLIND_SIGNING_DISABLED);
    CHECK_EQ_U(g_host_pages, pages); /* nothing shown */
    CHECK_EQ_U(send_frost_sign(payload, n, 200), SW_NONCE_UNKNOWN);
}

static void test_frost_chunking_errors(void) {
    uint8_t payload[FROST_MAX_PAYLOAD], apdu[300];
    const tv_frost_t *v = &TV_FROST[1];
    fresh_core();
    host_enable_blind_signing();
    issue_commitments_until(v->ref);
    size_t n = tv_frost_payload(v, v->ref, payload);
    /* NEXT without FIRST */
    size_t a = mk_apdu(apdu, INS_FROST_SIGN, P1_CHUNK_NEXT, P2_CHUNK_LAST, payload, 10);
    CHECK_EQ_U(host_exchange(apdu, a), SW_CHUNK_SEQUENCE);
    /* bad P1/P2 */
    a = mk_apdu(apdu, INS_FROST_SIGN, 2, 0, payload, 10);
    CHECK_EQ_U(host_exchange(apdu, a), SW_BAD_P1_P2);
    a = mk_apdu(apdu, INS_FROST_SIGN, 0, 2, payload, 10);
    CHECK_EQ_U(host_exchange(apdu, a), SW_BAD_P1_P2);
    /* another command between chunks discards the partial payload */
    a = mk_apdu(apdu, INS_FROST_SIGN, P1_CHUNK_FIRST, P2_CHUNK_MORE, payload, 200);
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    a = mk_apdu(apdu, INS_GET_VERSION, 0, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    a = mk_apdu(apdu, INS_FROST_SIGN, P1_CHUNK_NEXT, P2_CHUNK_LAST, payload + 200, 100);
    CHECK_EQ_U(host_exchange(apdu, a), SW_CHUNK_SEQUENCE);
    /* overflow: more than FROST_MAX_PAYLOAD bytes */
    uint8_t junk[250];
    memset(junk, 1, sizeof junk);
    a = mk_apdu(apdu, INS_FROST_SIGN, P1_CHUNK_FIRST, P2_CHUNK_MORE, junk, sizeof junk);
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    uint16_t sw = SW_OK;
    for (int i = 0; i < 6 && sw == SW_OK; i++) {
        a = mk_apdu(apdu, INS_FROST_SIGN, P1_CHUNK_NEXT, P2_CHUNK_MORE, junk, sizeof junk);
        sw = host_exchange(apdu, a);
    }
    CHECK_EQ_U(sw, SW_CHUNK_SEQUENCE);
    /* trailing byte, truncated payload: structural errors do not consume the reference */
    payload[n] = 0;
    CHECK_EQ_U(send_frost_sign(payload, n + 1, 200), SW_BAD_DATA);
    CHECK_EQ_U(send_frost_sign(payload, n - 1, 200), SW_WRONG_LENGTH);
    CHECK(frost_sign_approved_is(payload, n, 200, v->z));
}

void suite_frost(void) {
    RUN(test_share_equals_sdk);
    RUN(test_nonce_derivation_matches_ts);
    RUN(test_bad_packages);
    RUN(test_frost_sign_end_to_end);
    RUN(test_frost_sign_reject);
    RUN(test_frost_sign_blind_off);
    RUN(test_frost_chunking_errors);
}
