/* test_adaptor_rule.c - the adaptor rule (PROTOCOL.md "FROST_SIGN"): a FROST_SIGN
 * whose package carries an adaptor point spends every other outstanding nonce reference, so an
 * adaptor session is never open concurrently with another (ROS needs concurrent sessions).
 * Packages without an adaptor point leave the other references alone. */
#include "core_includes.h"
#include "frost_payload.h"
#include "test.h"

/* Vector 1 has an adaptor point (reference 1); vectors 0 and 2 (references 0 and 3) do not. */
static const tv_frost_t *adaptor_vec(void) { return &TV_FROST[1]; }

/* A reference is still outstanding iff a package with another reference's user commitments
 * (a forgery, without adaptor point) reaches the commitment check, NONCE_MISMATCH, rather than
 * NONCE_UNKNOWN. Needs blind signing on; spends the reference (and only it). */
static uint16_t probe(uint32_t ref) {
    uint8_t payload[FROST_MAX_PAYLOAD];
    const tv_frost_t *v = ref == TV_FROST[0].ref ? &TV_FROST[2] : &TV_FROST[0];
    size_t n = tv_frost_payload(v, ref, payload);
    return send_frost_sign(payload, n, 255);
}

static void check_all_unknown(uint32_t from, uint32_t to, uint32_t except) {
    for (uint32_t r = from; r <= to; r++) {
        if (r != except) {
            CHECK_EQ_U(probe(r), SW_NONCE_UNKNOWN);
        }
    }
}

static void check_adaptor_vectors(void) {
    const tv_frost_t *a = adaptor_vec();
    CHECK(a->has_adaptor);
    CHECK_EQ_U(a->ref, 1);
    CHECK(!TV_FROST[0].has_adaptor && TV_FROST[0].ref == 0);
    CHECK(!TV_FROST[2].has_adaptor && TV_FROST[2].ref == 3);
}

/* After an approved adaptor sign every reference issued before it is refused, including the
 * exact SDK packages of other vectors; the share itself equals the SDK's for the same nonces;
 * references issued afterwards work. */
static void test_adaptor_sign_spends_all_earlier(void) {
    uint8_t payload[FROST_MAX_PAYLOAD];
    const tv_frost_t *a = adaptor_vec();
    check_adaptor_vectors();
    fresh_core();
    host_enable_blind_signing();
    issue_commitments_until(5); /* references 0..5 outstanding */
    size_t n = tv_frost_payload(a, a->ref, payload);
    CHECK(frost_sign_approved_is(payload, n, 200, a->z)); /* byte for byte the SDK's signFrost */
    /* the exact SDK packages of the non-adaptor vectors: refused before anything else */
    n = tv_frost_payload(&TV_FROST[0], TV_FROST[0].ref, payload);
    CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_NONCE_UNKNOWN);
    n = tv_frost_payload(&TV_FROST[2], TV_FROST[2].ref, payload);
    CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_NONCE_UNKNOWN);
    check_all_unknown(0, 5, a->ref);
    CHECK_EQ_U(probe(a->ref), SW_NONCE_UNKNOWN); /* and its own, as always */
    /* a reference issued after the adaptor sign is outstanding (reaches the commitment check) */
    uint32_t fresh = issue_one_commitment();
    CHECK_EQ_U(fresh, 6);
    CHECK_EQ_U(probe(fresh), SW_NONCE_MISMATCH);
}

/* The other references are spent before the review and before any check that can fail: a
 * rejected adaptor review, a refused one (blind signing off) and one with forged user
 * commitments all spend them. */
static void test_adaptor_spends_even_when_refused(void) {
    uint8_t payload[FROST_MAX_PAYLOAD];
    const tv_frost_t *a = adaptor_vec();
    size_t n = tv_frost_payload(a, a->ref, payload);
    for (int mode = 0; mode < 3; mode++) {
        fresh_core();
        if (mode != 1) {
            host_enable_blind_signing();
        }
        issue_commitments_until(5);
        if (mode == 0) {
            CHECK_EQ_U(send_frost_sign(payload, n, 200), 0);
            CHECK_EQ_U(host_decide(false), SW_DENIED);
        } else if (mode == 1) {
            CHECK_EQ_U(send_frost_sign(payload, n, 200), SW_BLIND_SIGNING_DISABLED);
            host_enable_blind_signing();
        } else {
            uint8_t forged[FROST_MAX_PAYLOAD];
            size_t m = tv_frost_payload(a, 4, forged); /* reference 4, vector 1's commitments */
            CHECK_EQ_U(send_frost_sign(forged, m, 200), SW_NONCE_MISMATCH);
        }
        check_all_unknown(0, 5, 99);
    }
}

/* Without an adaptor point nothing else is spent: two non-adaptor signs leave reference 1
 * usable, and the adaptor share computed afterwards still equals the SDK's. */
static void test_non_adaptor_keeps_others(void) {
    uint8_t payload[FROST_MAX_PAYLOAD];
    const tv_frost_t *a = adaptor_vec();
    fresh_core();
    host_enable_blind_signing();
    issue_commitments_until(5);
    for (unsigned i = 0; i <= 2; i += 2) {
        const tv_frost_t *v = &TV_FROST[i];
        size_t n = tv_frost_payload(v, v->ref, payload);
        CHECK_EQ_U(send_frost_sign(payload, n, 255), 0);
        if (i == 0) {
            CHECK_EQ_U(host_decide(true), SW_OK);
            CHECK_BYTES(g_host_reply.data, v->z, 32);
        } else {
            CHECK_EQ_U(host_decide(false), SW_DENIED); /* a rejection spends only its own */
        }
    }
    CHECK_EQ_U(probe(5), SW_NONCE_MISMATCH); /* still outstanding */
    size_t n = tv_frost_payload(a, a->ref, payload);
    CHECK(frost_sign_approved_is(payload, n, 255, a->z));
    check_all_unknown(2, 4, 99); /* now the adaptor sign spent 2 and 4 (3 was rejected) */
}

/* A request that never consumes its reference spends nothing else: a structural error, or an
 * adaptor package naming a reference that is not outstanding (no session is opened). */
static void test_adaptor_without_consume_spends_nothing(void) {
    uint8_t payload[FROST_MAX_PAYLOAD];
    const tv_frost_t *a = adaptor_vec();
    fresh_core();
    host_enable_blind_signing();
    issue_commitments_until(5);
    size_t n = tv_frost_payload(a, a->ref, payload);
    CHECK_EQ_U(send_frost_sign(payload, n - 1, 200), SW_WRONG_LENGTH);
    n = tv_frost_payload(a, 77, payload);
    CHECK_EQ_U(send_frost_sign(payload, n, 200), SW_NONCE_UNKNOWN);
    for (uint32_t r = 2; r <= 5; r++) {
        CHECK_EQ_U(probe(r), SW_NONCE_MISMATCH);
    }
    n = tv_frost_payload(a, a->ref, payload);
    CHECK(frost_sign_approved_is(payload, n, 200, a->z));
}

void suite_adaptor_rule(void) {
    RUN(test_adaptor_sign_spends_all_earlier);
    RUN(test_adaptor_spends_even_when_refused);
    RUN(test_non_adaptor_keeps_others);
    RUN(test_adaptor_without_consume_spends_nothing);
}
