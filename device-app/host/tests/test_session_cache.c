/* Session caches (PROTOCOL.md "Session caches"; core/session_cache.c): the commitments of recent
 * nonce references and the public keys of recent keys are remembered, so that FROST_SIGN checks
 * the package's commitments and SIGN_IDENTITY verifies its signature without another scalar
 * multiplication on secrets (counted here: g_host_ec_muls). A cache miss computes in full, with
 * the same result; the caches die with the app and the commitments with the adaptor rule. */
#include "core_includes.h"
#include "frost_payload.h"
#include "test.h"
#include "vectors/vectors.h"

static const uint8_t H1[33] = {2, 1}, B1[33] = {3, 1}, H2[33] = {2, 2};

static void test_commit_cache_unit(void) {
    session_cache_clear();
    CHECK_EQ_U(commit_cache_match(5, H1, B1), CACHE_MISS);
    commit_cache_put(5, H1, B1);
    CHECK_EQ_U(commit_cache_match(5, H1, B1), CACHE_EQUAL);
    CHECK_EQ_U(commit_cache_match(5, H2, B1), CACHE_DIFFERENT);
    CHECK_EQ_U(commit_cache_match(5, B1, H1), CACHE_DIFFERENT); /* hiding and binding swapped */
    /* the slot of a later reference with the same residue replaces it */
    commit_cache_put(5 + COMMIT_CACHE_SLOTS, H2, B1);
    CHECK_EQ_U(commit_cache_match(5, H1, B1), CACHE_MISS);
    CHECK_EQ_U(commit_cache_match(5 + COMMIT_CACHE_SLOTS, H2, B1), CACHE_EQUAL);
    commit_cache_clear();
    CHECK_EQ_U(commit_cache_match(5 + COMMIT_CACHE_SLOTS, H2, B1), CACHE_MISS);
}

static spark_key_t leaf_key(uint32_t index) { return spark_key_of(KEY_LEAF, 0u, index); }

static void test_pubkey_cache_unit(void) {
    uint8_t pub[33], got[33];
    memset(pub, 0x02, sizeof pub);
    session_cache_clear();
    spark_key_t a = leaf_key(1), b = leaf_key(2);
    CHECK(!pubkey_cache_get(&a, got));
    pubkey_cache_put(&a, pub);
    CHECK(pubkey_cache_get(&a, got));
    CHECK_BYTES(got, pub, 33);
    CHECK(!pubkey_cache_get(&b, got)); /* another path */
    /* the oldest entry gives way after PUBKEY_CACHE_SLOTS others */
    for (uint32_t i = 0; i < PUBKEY_CACHE_SLOTS; i++) {
        spark_key_t k = leaf_key(100 + i);
        pubkey_cache_put(&k, pub);
    }
    CHECK(!pubkey_cache_get(&a, got));
    session_cache_clear();
    spark_key_t last = leaf_key(100 + PUBKEY_CACHE_SLOTS - 1u);
    CHECK(!pubkey_cache_get(&last, got));
}

/* The first non-adaptor FROST vector after index `from`. */
static const tv_frost_t *plain_vector(unsigned from) {
    for (unsigned i = from; i < TV_FROST_N; i++) {
        if (!TV_FROST[i].has_adaptor) {
            return &TV_FROST[i];
        }
    }
    return NULL;
}

static void test_frost_sign_costs_no_multiplication_on_a_hit(void) {
    uint8_t payload[FROST_MAX_PAYLOAD], apdu[8];
    const tv_frost_t *v = plain_vector(0);
    CHECK(v != NULL);
    if (v == NULL) return;
    fresh_core();
    host_enable_blind_signing();
    unsigned muls = g_host_ec_muls;
    size_t a = mk_apdu(apdu, INS_FROST_COMMIT, 1, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    CHECK_EQ_U(g_host_ec_muls - muls, 2); /* d·G and e·G, once */
    issue_commitments_until(v->ref);
    size_t n = tv_frost_payload(v, v->ref, payload);
    muls = g_host_ec_muls;
    CHECK(frost_sign_approved_is(payload, n, 200, v->z));
    CHECK_EQ_U(g_host_ec_muls - muls, 0); /* the commitments came from the cache */
}

static void test_frost_sign_miss_recomputes_same_share(void) {
    uint8_t payload[FROST_MAX_PAYLOAD];
    const tv_frost_t *v = plain_vector(0);
    if (v == NULL) return;
    fresh_core();
    host_enable_blind_signing();
    /* v's slot is reused by later references: the check falls back to d·G, e·G */
    issue_commitments_until(v->ref + COMMIT_CACHE_SLOTS + 3u);
    size_t n = tv_frost_payload(v, v->ref, payload);
    unsigned muls = g_host_ec_muls;
    CHECK(frost_sign_approved_is(payload, n, 200, v->z));
    CHECK_EQ_U(g_host_ec_muls - muls, 2);
}

/* Swaps the package's user hiding and binding commitments (a forgery that still decodes). */
static void forge(const tv_frost_t *v, uint8_t *payload, size_t n) {
    uint8_t tmp[33];
    for (size_t i = 0; i + 66 <= n; i++) {
        if (memcmp(payload + i, v->hiding, 33) == 0 && memcmp(payload + i + 33, v->binding, 33) == 0) {
            memcpy(tmp, payload + i, 33);
            memmove(payload + i, payload + i + 33, 33);
            memcpy(payload + i + 33, tmp, 33);
            return;
        }
    }
    CHECK(false); /* the commitments were not found in the payload */
}

static void test_forged_commitments_refused_hit_or_miss(void) {
    uint8_t payload[FROST_MAX_PAYLOAD];
    const tv_frost_t *v = plain_vector(0);
    if (v == NULL) return;
    for (int miss = 0; miss < 2; miss++) {
        fresh_core();
        host_enable_blind_signing();
        issue_commitments_until(miss ? v->ref + COMMIT_CACHE_SLOTS + 3u : v->ref);
        size_t n = tv_frost_payload(v, v->ref, payload);
        forge(v, payload, n);
        CHECK_EQ_U(send_frost_sign(payload, n, 200), SW_NONCE_MISMATCH);
        /* and the reference is spent */
        n = tv_frost_payload(v, v->ref, payload);
        CHECK_EQ_U(send_frost_sign(payload, n, 200), SW_NONCE_UNKNOWN);
    }
}

static void test_adaptor_rule_and_exit_clear_the_caches(void) {
    uint8_t payload[FROST_MAX_PAYLOAD], apdu[8], h[33], b[33];
    const tv_frost_t *adaptor = NULL;
    for (unsigned i = 0; i < TV_FROST_N; i++) {
        if (TV_FROST[i].has_adaptor) adaptor = &TV_FROST[i];
    }
    CHECK(adaptor != NULL);
    if (adaptor == NULL) return;
    fresh_core();
    host_enable_blind_signing();
    uint32_t next = 0;
    issue_commitments_through(adaptor->ref + 1u, &next); /* one reference more than it needs */
    CHECK(nonce_store_commitments(adaptor->ref + 1u, h, b));
    CHECK_EQ_U(commit_cache_match(adaptor->ref + 1u, h, b), CACHE_EQUAL);
    size_t n = tv_frost_payload(adaptor, adaptor->ref, payload);
    CHECK(frost_sign_approved_is(payload, n, 200, adaptor->z));
    CHECK_EQ_U(commit_cache_match(adaptor->ref + 1u, h, b), CACHE_MISS);
    /* exit wipes the public keys too */
    size_t a = mk_apdu(apdu, INS_FROST_COMMIT, 1, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    spark_key_t id = spark_account_key(KEY_IDENTITY, 0);
    uint8_t pub[33];
    CHECK(key_public_of(&id, pub));
    CHECK(pubkey_cache_get(&id, pub));
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_BOTH);
    CHECK(g_host_exited);
    CHECK(!pubkey_cache_get(&id, pub));
}

static uint16_t sign_identity(uint8_t mode, const uint8_t digest[32]) {
    uint8_t d[36], apdu[48];
    put_be32(d, 0);
    memcpy(d + 4, digest, 32);
    size_t a = mk_apdu(apdu, INS_SIGN_IDENTITY, mode, 0, d, sizeof d);
    uint16_t sw = host_exchange(apdu, a);
    return sw != 0 ? sw : host_decide(true);
}

static void test_identity_signature_verified_against_the_session_key(void) {
    static const uint8_t digest[32] = {9, 8, 7};
    fresh_core();
    host_enable_blind_signing();
    unsigned muls = g_host_ec_muls;
    CHECK_EQ_U(sign_identity(P1_ECDSA_COMPACT, digest), SW_OK);
    CHECK_EQ_U(g_host_ec_muls - muls, 2); /* k·G, and the identity key's public key once */
    uint8_t first[64];
    memcpy(first, g_host_reply.data, 64);
    muls = g_host_ec_muls;
    CHECK_EQ_U(sign_identity(P1_ECDSA_COMPACT, digest), SW_OK);
    CHECK_EQ_U(g_host_ec_muls - muls, 1); /* k·G only */
    CHECK_BYTES(g_host_reply.data, first, 64); /* RFC 6979: the same signature */
    /* the signature verifies against the identity key (the cached key is the real one) */
    spark_key_t id = spark_account_key(KEY_IDENTITY, 0);
    uint8_t pub[33];
    CHECK(key_public_of(&id, pub));
    CHECK(ecdsa_verify(pub, digest, first) != 0u);
}

static void test_key_split_transfer_costs(void) {
    uint8_t d[200], apdu[260];
    spark_key_t id = spark_account_key(KEY_IDENTITY, 0);
    uint8_t receiver[33];
    fresh_core();
    CHECK(key_public_of(&id, receiver)); /* any valid point as the receiver */
    size_t n = put_key_split_transfer(d, 2, 3, "leaf-costs", receiver);
    size_t a = mk_apdu(apdu, INS_KEY_SPLIT, P1_KEY_SPLIT_RUN, 0, d, n);
    CHECK_EQ_U(host_exchange(apdu, a), 0); /* "Send leaf" review: no intent */
    unsigned muls = g_host_ec_muls;
    CHECK_EQ_U(host_decide(true), SW_OK);
    CHECK_EQ_U(g_host_ec_muls - muls, 4); /* 2 VSS commitments, ECIES ephemeral key, ECDH */
}

void suite_session_cache(void) {
    RUN(test_commit_cache_unit);
    RUN(test_pubkey_cache_unit);
    RUN(test_frost_sign_costs_no_multiplication_on_a_hit);
    RUN(test_frost_sign_miss_recomputes_same_share);
    RUN(test_forged_commitments_refused_hit_or_miss);
    RUN(test_adaptor_rule_and_exit_clear_the_caches);
    RUN(test_identity_signature_verified_against_the_session_key);
    RUN(test_key_split_transfer_costs);
}
