/* test_adversarial.c - a lying host against the core: interleaved and
 * cancelled signing flows, degenerate FROST packages, non-canonical encodings, the signature
 * edge cases libsecp256k1's tests also try (low-S, BIP340 even y), checked by independent
 * verifiers written here from the primitives. */
#include "core_includes.h"
#include "frost_payload.h"
#include "test.h"
#include "vectors/vectors.h"

static void load_ops(const tv_frost_t *v, frost_commit_ref_t *ops) {
    for (unsigned j = 0; j < v->nops; j++) {
        ops[j].id = v->ops[j].id;
        ops[j].hiding = v->ops[j].hiding;
        ops[j].binding = v->ops[j].binding;
    }
}

static void identity_priv(uint32_t account, uint8_t priv[32]) {
    uint32_t path[3] = {SPARK_PURPOSE | HARDENED, account | HARDENED, HARDENED};
    CHECK(host_bip32_derive(TV_SEED, sizeof TV_SEED, path, 3, priv));
}

/* Regression: an adaptor point that cancels the group commitment (R at
 * infinity) used to be detected only after the user approved; now it is BAD_DATA before
 * anything is shown, the reference is spent, and the same package signs nothing later. */
static void test_adaptor_cancelling_r_refused_before_review(void) {
    const tv_frost_t *v = &TV_FROST[0]; /* no adaptor in the vector */
    frost_commit_ref_t ops[8];
    frost_plan_t plan;
    uint8_t neg_r[33], z[32], payload[FROST_MAX_PAYLOAD];
    sc_t s, d, e;
    CHECK(!v->has_adaptor);
    load_ops(v, ops);
    CHECK_EQ_U(frost_prepare(v->msg, v->vk, ops, v->nops, v->hiding, v->binding, NULL, &plan),
               FROST_OK);
    memcpy(neg_r, plan.r_enc, 33);
    neg_r[0] ^= 1u; /* -R */
    CHECK_EQ_U(
        frost_prepare(v->msg, v->vk, ops, v->nops, v->hiding, v->binding, neg_r, &plan),
        FROST_ERR_DEGENERATE);
    sc_from_bytes_reduce(&s, v->secret);
    sc_from_bytes_reduce(&d, v->d);
    sc_from_bytes_reduce(&e, v->e);
    CHECK_EQ_U(tv_frost_share(v, &s, &d, &e, ops, v->nops, neg_r, z), FROST_ERR_DEGENERATE);

    /* through the APDUs */
    fresh_core();
    host_enable_blind_signing();
    issue_commitments_until(v->ref);
    size_t n = tv_frost_payload(v, v->ref, payload);
    CHECK_EQ_U(payload[n - 1], 0);
    payload[n - 1] = 1;
    memcpy(payload + n, neg_r, 33);
    unsigned pages = g_host_pages;
    CHECK_EQ_U(send_frost_sign(payload, n + 33, 255), SW_BAD_DATA);
    CHECK_EQ_U(g_host_pages, pages); /* nothing shown */
    CHECK(!core_reply_pending());
    /* spent: not even the honest package works with it now */
    n = tv_frost_payload(v, v->ref, payload);
    CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_NONCE_UNKNOWN);
}

/* The split share (public plan before the review, secret part after) equals the SDK's. */
static void test_prepare_then_finish_equals_sdk(void) {
    for (unsigned i = 0; i < TV_FROST_N; i++) {
        const tv_frost_t *v = &TV_FROST[i];
        frost_commit_ref_t ops[8];
        frost_plan_t plan;
        sc_t s, d, e;
        uint8_t z[32];
        load_ops(v, ops);
        CHECK_EQ_U(frost_prepare(v->msg, v->vk, ops, v->nops, v->hiding, v->binding,
                                 v->has_adaptor ? v->adaptor : NULL, &plan),
                   FROST_OK);
        sc_from_bytes_reduce(&s, v->secret);
        sc_from_bytes_reduce(&d, v->d);
        sc_from_bytes_reduce(&e, v->e);
        frost_finish(&plan, &s, &d, &e, z);
        CHECK_BYTES(z, v->z, 32);
    }
}

/* A second signing request while a review is on screen drops the first one without a reply;
 * the dropped request's reference stays spent, and the second signs with its own nonce. */
static void test_sign_during_review_drops_first(void) {
    const tv_frost_t *v = &TV_FROST[0], *w = &TV_FROST[1];
    uint8_t pv[FROST_MAX_PAYLOAD], pw[FROST_MAX_PAYLOAD];
    fresh_core();
    host_enable_blind_signing();
    issue_commitments_until(w->ref);
    size_t nv = tv_frost_payload(v, v->ref, pv), nw = tv_frost_payload(w, w->ref, pw);
    unsigned replies = g_host_reply.count;
    CHECK_EQ_U(send_frost_sign(pv, nv, 255), 0);
    CHECK(core_reply_pending());
    CHECK_EQ_U(send_frost_sign(pw, nw, 255), 0);
    /* the first flow was dropped silently: only the intermediate chunk replies so far */
    CHECK(core_reply_pending());
    CHECK_EQ_U(host_decide(true), SW_OK);
    CHECK_BYTES(g_host_reply.data, w->z, 32);
    /* exactly one final reply for the two requests (plus one per intermediate chunk) */
    unsigned chunks = (unsigned)((nv + 254) / 255 - 1 + (nw + 254) / 255 - 1);
    CHECK_EQ_U(g_host_reply.count, replies + chunks + 1);
    CHECK_EQ_U(send_frost_sign(pv, nv, 255), SW_NONCE_UNKNOWN);
    CHECK_EQ_U(send_frost_sign(pw, nw, 255), SW_NONCE_UNKNOWN);
    /* buttons with nothing pending never reply */
    replies = g_host_reply.count;
    host_press(BUTTON_BOTH);
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_BOTH);
    host_press(BUTTON_LEFT);
    host_press(BUTTON_BOTH);
    CHECK_EQ_U(g_host_reply.count, replies);
}

/* Chunk sequencing games: a continuation of a package whose review is showing cancels the
 * review (and is refused), a FIRST chunk restarts, and a later NEXT chunk cannot graft onto a
 * payload that was already processed. */
static void test_chunk_games(void) {
    /* w without an adaptor point: an adaptor sign would spend v's reference too */
    const tv_frost_t *v = &TV_FROST[0], *w = &TV_FROST[2];
    uint8_t pv[FROST_MAX_PAYLOAD], pw[FROST_MAX_PAYLOAD], apdu[300];
    fresh_core();
    host_enable_blind_signing();
    issue_commitments_until(w->ref);
    size_t nv = tv_frost_payload(v, v->ref, pv), nw = tv_frost_payload(w, w->ref, pw);
    /* v: first chunk only, then w from its own first chunk: w wins */
    size_t a = mk_apdu(apdu, INS_FROST_SIGN, P1_CHUNK_FIRST, P2_CHUNK_MORE, pv, 200);
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    CHECK_EQ_U(send_frost_sign(pw, nw, 200), 0);
    /* a NEXT chunk while w's review is showing: review dropped, chunk refused */
    a = mk_apdu(apdu, INS_FROST_SIGN, P1_CHUNK_NEXT, P2_CHUNK_LAST, pv + 200, nv - 200);
    CHECK_EQ_U(host_exchange(apdu, a), SW_CHUNK_SEQUENCE);
    CHECK(!core_reply_pending());
    unsigned replies = g_host_reply.count;
    CHECK(host_screen_has(APP_NAME)); /* back home */
    host_press(BUTTON_BOTH);          /* nothing to approve any more */
    CHECK_EQ_U(g_host_reply.count, replies);
    /* w's reference was spent by the dropped review; v's is intact */
    CHECK_EQ_U(send_frost_sign(pw, nw, 200), SW_NONCE_UNKNOWN);
    CHECK(frost_sign_approved_is(pv, nv, 200, v->z));
    /* empty chunks: FIRST+LAST with no data, and empty NEXT chunks in the middle */
    a = mk_apdu(apdu, INS_FROST_SIGN, P1_CHUNK_FIRST, P2_CHUNK_LAST, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, a), SW_WRONG_LENGTH);
    apdu[4] = 0;
    CHECK_EQ_U(host_exchange(apdu, 5), SW_WRONG_LENGTH);
}

/* The user commitment swapped (binding, hiding) is a forgery: NONCE_MISMATCH, and the
 * reference is spent. A package that repeats the user's own commitments as an operator's is
 * still one use of one reference. */
static void test_swapped_and_repeated_user_commitment(void) {
    const tv_frost_t *v = &TV_FROST[1]; /* deposit key: KEYREF is 5 bytes */
    uint8_t payload[FROST_MAX_PAYLOAD], tmp[33];
    fresh_core();
    host_enable_blind_signing();
    issue_commitments_until(v->ref + 3);
    size_t n = tv_frost_payload(v, v->ref, payload);
    size_t hid = 5 + 32 + 33 + 4, bin = hid + 33;
    memcpy(tmp, payload + hid, 33);
    memcpy(payload + hid, payload + bin, 33);
    memcpy(payload + bin, tmp, 33);
    CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_NONCE_MISMATCH);
    n = tv_frost_payload(v, v->ref, payload);
    CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_NONCE_UNKNOWN);
    /* v has an adaptor point, so the refused request also spent every other reference */
    CHECK_EQ_U(send_frost_sign(payload, tv_frost_payload(v, v->ref + 1, payload), 255),
               SW_NONCE_UNKNOWN);
    /* a fresh reference (unused by the vectors) with its real commitments, copied into the
     * first operator's slot as well */
    uint8_t h[33], b[33];
    uint32_t fresh = issue_one_commitment();
    CHECK(fresh > v->ref + 3);
    CHECK(nonce_store_commitments(fresh, h, b));
    n = tv_frost_payload(v, fresh, payload);
    memcpy(payload + hid, h, 33);
    memcpy(payload + bin, b, 33);
    size_t op0 = bin + 33 + 1 + 32;
    memcpy(payload + op0, h, 33);
    memcpy(payload + op0 + 33, b, 33);
    CHECK_EQ_U(send_frost_sign(payload, n, 255), 0);
    CHECK_EQ_U(host_decide(true), SW_OK);
    CHECK_EQ_U(g_host_reply.len, 32);
    CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_NONCE_UNKNOWN);
}

/* Keys FROST must refuse even when spelled as explicit paths, and each refusal spends the
 * reference (so a refused request cannot be retried with another key). */
static void test_frost_refuses_base_keys_by_path(void) {
    const tv_frost_t *v = &TV_FROST[1]; /* deposit key, account 0 */
    uint8_t payload[FROST_MAX_PAYLOAD], alt[FROST_MAX_PAYLOAD];
    const uint32_t branches[] = {0u, 1u, 4u}; /* identity, signing base, HTLC base */
    fresh_core();
    host_enable_blind_signing();
    for (unsigned i = 0; i < 3; i++) {
        /* one fresh reference per attempt: v carries an adaptor point, so each refused
         * attempt also spends every reference issued before it */
        uint32_t ref = issue_one_commitment();
        size_t n = tv_frost_payload(v, ref, payload);
        CHECK_EQ_U(payload[0], KEY_DEPOSIT);
        /* replace the 5-byte KEYREF by an explicit depth-3 path */
        uint32_t path[3] = {SPARK_PURPOSE | HARDENED, HARDENED, branches[i] | HARDENED};
        size_t k = put_path_ref(alt, path, 3);
        memcpy(alt + k, payload + 5, n - 5);
        CHECK_EQ_U(send_frost_sign(alt, k + n - 5, 255), SW_PATH_REFUSED);
        CHECK(!core_reply_pending());
        /* the refusal spent the reference: the allowed key cannot use it either */
        CHECK_EQ_U(send_frost_sign(payload, n, 255), SW_NONCE_UNKNOWN);
    }
}

/* Encodings with x >= p are refused even when x - p is a valid x coordinate (the reduced value
 * would be on the curve), and x = p itself is refused. */
static void test_decode_noncanonical_x(void) {
    static const uint8_t P_BE[32] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xfc, 0x2f};
    uint8_t enc[33];
    ge_t pt;
    unsigned found = 0;
    for (uint32_t x = 1; x < 64u && found < 3u; x++) {
        memset(enc, 0, sizeof enc);
        enc[0] = 0x02;
        enc[32] = (uint8_t)x;
        if (!ge_decode(&pt, enc)) {
            continue;
        }
        found++;
        /* x + p, big-endian (no overflow: x < 2^256 - p) */
        memcpy(enc + 1, P_BE, 32);
        unsigned carry = x;
        for (int i = 31; i >= 0 && carry != 0u; i--) {
            unsigned sum = enc[1 + i] + carry;
            enc[1 + i] = (uint8_t)sum;
            carry = sum >> 8;
        }
        CHECK(!ge_decode(&pt, enc));
        enc[0] = 0x03;
        CHECK(!ge_decode(&pt, enc));
        fe_t f;
        CHECK(!fe_from_bytes(&f, enc + 1));
    }
    CHECK(found == 3u);
    memcpy(enc + 1, P_BE, 32);
    enc[0] = 0x02;
    CHECK(!ge_decode(&pt, enc));
    CHECK(!ge_lift_x(&pt, P_BE));
}

/* Operator identifiers: n is refused (non-canonical 0), n - 1 is accepted. */
static void test_operator_id_n_and_n_minus_1(void) {
    static const char *N_HEX = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
    static const char *NM1_HEX = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140";
    const tv_frost_t *v = &TV_FROST[0];
    frost_commit_ref_t ops[8];
    frost_plan_t plan;
    uint8_t id[32];
    load_ops(v, ops);
    hex_to_bytes(N_HEX, id, 32);
    ops[1].id = id;
    CHECK_EQ_U(tv_frost_prepare(v, v->vk, ops, v->nops, NULL), FROST_ERR_ID);
    CHECK_EQ_U(frost_prepare(v->msg, v->vk, ops, v->nops, v->hiding, v->binding, NULL, &plan),
               FROST_ERR_ID);
    hex_to_bytes(NM1_HEX, id, 32);
    CHECK_EQ_U(tv_frost_prepare(v, v->vk, ops, v->nops, NULL), FROST_OK);
    CHECK_EQ_U(frost_prepare(v->msg, v->vk, ops, v->nops, v->hiding, v->binding, NULL, &plan),
               FROST_OK);
    /* the user's own identifier among the operators */
    frost_user_identifier(id);
    CHECK_EQ_U(frost_prepare(v->msg, v->vk, ops, v->nops, v->hiding, v->binding, NULL, &plan),
               FROST_ERR_ID);
}

static void pub_of(const uint8_t priv[32], ge_t *p) {
    sc_t k;
    CHECK(sc_from_bytes_nonzero(&k, priv));
    ge_mul_gen(p, &k);
}

/* ECDSA verification written here from the primitives: X = (z/s) G + (r/s) P, X.x mod n == r. */
static int ref_ecdsa_verify(const ge_t *pub, const uint8_t digest[32], const uint8_t sig[64]) {
    sc_t r, s, z, w, u1, u2;
    ge_t a, b, x;
    fe_t xx, xy;
    uint8_t xb[32];
    if (!sc_from_bytes_nonzero(&r, sig) || !sc_from_bytes_nonzero(&s, sig + 32)) {
        return 0;
    }
    (void)sc_from_bytes_reduce(&z, digest);
    sc_inv(&w, &s);
    sc_mul(&u1, &z, &w);
    sc_mul(&u2, &r, &w);
    ge_mul_gen(&a, &u1);
    ge_mul(&b, &u2, pub);
    ge_add(&x, &a, &b);
    if (!ge_to_affine(&xx, &xy, &x)) {
        return 0;
    }
    fe_to_bytes(xb, &xx);
    sc_t xr;
    (void)sc_from_bytes_reduce(&xr, xb);
    return u256_eq(&xr, &r) ? 1 : 0;
}

/* Low-S: every signature verifies and has s <= n/2. Over 48 digests the raw s is above n/2
 * about half the time, so the negation path is exercised (all-low has probability 2^-48). */
static void test_ecdsa_low_s_verifies(void) {
    uint8_t priv[32], digest[32], sig[64];
    ge_t pub;
    identity_priv(0, priv);
    pub_of(priv, &pub);
    memset(digest, 0x42, sizeof digest);
    for (unsigned i = 0; i < 48; i++) {
        sha256(digest, 32, digest);
        CHECK(ecdsa_sign(priv, digest, sig));
        sc_t s;
        CHECK(sc_from_bytes_nonzero(&s, sig + 32));
        CHECK(!sc_is_high(&s));
        CHECK(ref_ecdsa_verify(&pub, digest, sig));
        /* a flipped digest bit must not verify (the verifier can fail) */
        digest[0] ^= 1;
        CHECK(!ref_ecdsa_verify(&pub, digest, sig));
        digest[0] ^= 1;
    }
    /* digests >= n are reduced (bits2int then mod n), as in RFC 6979 / libsecp256k1 */
    memset(digest, 0xff, sizeof digest);
    CHECK(ecdsa_sign(priv, digest, sig));
    CHECK(ref_ecdsa_verify(&pub, digest, sig));
}

/* BIP340 verification from the primitives (BIP340 "Verification"): P = lift_x(pk),
 * e = H(r || pk || m), R = sG - eP, R not infinity, R.y even, R.x == r. */
static int ref_bip340_verify(const uint8_t pk[32], const uint8_t msg[32], const uint8_t sig[64]) {
    ge_t P, R, sg, ep;
    sc_t s, e;
    fe_t rx, ry, r;
    uint8_t h[32], rxb[32];
    sha256_ctx_t c;
    if (!ge_lift_x(&P, pk) || !fe_from_bytes(&r, sig)) {
        return 0;
    }
    u256_from_be(&s, sig + 32);
    if (!u256_lt(&s, &SC_MOD.m)) {
        return 0;
    }
    tagged_init(&c, "BIP0340/challenge");
    sha256_update(&c, sig, 32);
    sha256_update(&c, pk, 32);
    sha256_update(&c, msg, 32);
    sha256_final(&c, h);
    (void)sc_from_bytes_reduce(&e, h);
    ge_mul_gen(&sg, &s);
    ge_mul(&ep, &e, &P);
    ge_neg(&ep, &ep);
    ge_add(&R, &sg, &ep);
    if (!ge_to_affine(&rx, &ry, &R) || fe_is_odd(&ry)) {
        return 0;
    }
    fe_to_bytes(rxb, &rx);
    return memcmp(rxb, sig, 32) == 0 ? 1 : 0;
}

/* BIP340 with keys of both y parities: the device must negate an odd-y key (and an odd-y R)
 * itself; signatures verify against the x-only key. */
static void test_bip340_even_y_handling(void) {
    unsigned odd_keys = 0, even_keys = 0;
    uint8_t priv[32], msg[32], aux[32], sig[64], pk[32];
    memset(msg, 0x17, sizeof msg);
    memset(aux, 0x99, sizeof aux);
    for (uint32_t acct = 0; acct < 12; acct++) {
        ge_t P;
        fe_t x, y;
        identity_priv(acct, priv);
        pub_of(priv, &P);
        CHECK(ge_to_affine(&x, &y, &P));
        fe_to_bytes(pk, &x);
        if (fe_is_odd(&y)) {
            odd_keys++;
        } else {
            even_keys++;
        }
        for (unsigned j = 0; j < 4; j++) {
            msg[0] = (uint8_t)(acct * 4 + j);
            CHECK(bip340_sign(priv, msg, aux, sig));
            CHECK(ref_bip340_verify(pk, msg, sig));
            sig[63] ^= 1;
            CHECK(!ref_bip340_verify(pk, msg, sig));
        }
    }
    CHECK(odd_keys > 0 && even_keys > 0);
    /* secret keys 0 and n are invalid: refused, signature zeroed */
    memset(priv, 0, sizeof priv);
    memset(sig, 0xaa, sizeof sig);
    CHECK(!bip340_sign(priv, msg, aux, sig));
    uint8_t zero[64] = {0};
    CHECK_BYTES(sig, zero, 64);
    hex_to_bytes("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", priv, 32);
    CHECK(!bip340_sign(priv, msg, aux, sig));
    CHECK(!ecdsa_sign(priv, msg, sig));
    /* n - 1 is a valid key */
    hex_to_bytes("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140", priv, 32);
    CHECK(bip340_sign(priv, msg, aux, sig));
    {
        ge_t P;
        fe_t x, y;
        pub_of(priv, &P);
        CHECK(ge_to_affine(&x, &y, &P));
        fe_to_bytes(pk, &x);
        CHECK(ref_bip340_verify(pk, msg, sig));
    }
}

/* APDU size extremes on every command: full 255-byte payloads, Lc mismatches by one. */
static void test_apdu_extremes(void) {
    static const uint8_t ins[] = {INS_GET_VERSION, INS_GET_PUBLIC_KEY, INS_SIGN_IDENTITY,
                                  INS_FROST_COMMIT, INS_FROST_SIGN};
    uint8_t apdu[CORE_MAX_APDU + 8], data[255];
    memset(data, 0x41, sizeof data);
    fresh_core();
    host_enable_blind_signing();
    for (unsigned i = 0; i < sizeof ins; i++) {
        size_t a = mk_apdu(apdu, ins[i], 0, 0, data, sizeof data);
        CHECK_EQ_U(a, CORE_MAX_APDU);
        uint16_t sw = host_exchange(apdu, a);
        CHECK(sw != 0 && sw != SW_OK);
        CHECK_EQ_U(g_host_reply.len, 0);
        CHECK_EQ_U(host_exchange(apdu, a - 1), SW_WRONG_LENGTH);
        CHECK_EQ_U(host_exchange(apdu, a + 1), SW_WRONG_LENGTH);
    }
    /* a leaf KEYREF claiming 255 id bytes with fewer present, and one with exactly 64 */
    uint8_t ref[80];
    ref[0] = KEY_LEAF;
    memset(ref + 1, 0, 4);
    ref[5] = 255;
    memset(ref + 6, 'a', 64);
    size_t a = mk_apdu(apdu, INS_GET_PUBLIC_KEY, P1_SILENT, 0, ref, 70);
    CHECK_EQ_U(host_exchange(apdu, a), SW_WRONG_LENGTH);
    ref[5] = 64;
    a = mk_apdu(apdu, INS_GET_PUBLIC_KEY, P1_SILENT, 0, ref, 70);
    CHECK_EQ_U(host_exchange(apdu, a), SW_OK);
    CHECK_EQ_U(g_host_reply.len, 33);
    /* the 64-character id is shown whole: 4 lines of 16 */
    a = mk_apdu(apdu, INS_GET_PUBLIC_KEY, P1_SHOW, 0, ref, 70);
    CHECK_EQ_U(host_exchange(apdu, a), 0);
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("Leaf id"));
    CHECK_EQ_U(g_host_page.n_lines, 4);
    CHECK_EQ_U(strlen(g_host_page.lines[3]), 16);
    CHECK_EQ_U(host_decide(false), SW_DENIED);
}

void suite_adversarial(void) {
    RUN(test_adaptor_cancelling_r_refused_before_review);
    RUN(test_prepare_then_finish_equals_sdk);
    RUN(test_sign_during_review_drops_first);
    RUN(test_chunk_games);
    RUN(test_swapped_and_repeated_user_commitment);
    RUN(test_frost_refuses_base_keys_by_path);
    RUN(test_decode_noncanonical_x);
    RUN(test_operator_id_n_and_n_minus_1);
    RUN(test_ecdsa_low_s_verifies);
    RUN(test_bip340_even_y_handling);
    RUN(test_apdu_extremes);
}
