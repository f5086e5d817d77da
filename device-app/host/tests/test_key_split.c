/* KEY_SPLIT: the shares verify against their proofs, t of them reconstruct the right difference
 * (the test knows the seed), the transfer's ciphertext decrypts to the key that was subtracted,
 * the receiver is shown before anything is computed, and every malformed or out-of-policy
 * request is refused. */
#include "core_includes.h"
#include "ecies.h"
#include "split_pool.h"
#include "test.h"
#include "vectors/vectors.h"

#define RESULT_CAP 700u

static uint8_t g_out[RESULT_CAP];
static size_t g_out_len;

static uint16_t send_split(const uint8_t *data, size_t len) {
    uint8_t apdu[300];
    size_t n = mk_apdu(apdu, INS_KEY_SPLIT, P1_KEY_SPLIT_RUN, 0, data, len);
    return host_exchange(apdu, n);
}

static uint16_t read_page(uint8_t page) {
    uint8_t apdu[8];
    size_t n = mk_apdu(apdu, INS_KEY_SPLIT, P1_KEY_SPLIT_READ, page, NULL, 0);
    return host_exchange(apdu, n);
}

/* Collects the first page (in g_host_reply) and the rest, expecting `total` bytes. */
static void collect(size_t total) {
    g_out_len = 0;
    memcpy(g_out, g_host_reply.data, g_host_reply.len);
    g_out_len = g_host_reply.len;
    for (uint8_t page = 1; g_out_len < total; page++) {
        CHECK_EQ_U(read_page(page), SW_OK);
        if (g_host_reply.len == 0) {
            return;
        }
        memcpy(g_out + g_out_len, g_host_reply.data, g_host_reply.len);
        g_out_len += g_host_reply.len;
    }
    CHECK_EQ_U(g_out_len, total);
    CHECK_EQ_U(read_page((uint8_t)(total / CORE_MAX_REPLY + 1u)), SW_CHUNK_SEQUENCE); /* past the end */
}

static void scalar_of(const uint8_t b[32], sc_t *s) { CHECK(sc_from_bytes_nonzero(s, b)); }

static void priv_of_path(const uint32_t *path, size_t depth, sc_t *s) {
    uint8_t priv[32];
    CHECK(host_bip32_derive(TV_SEED, sizeof TV_SEED, path, depth, priv));
    scalar_of(priv, s);
}

static void leaf_scalar(const char *leaf, sc_t *s) {
    uint32_t path[4] = {SPARK_PURPOSE | HARDENED, HARDENED, 1u | HARDENED,
                        spark_leaf_index((const uint8_t *)leaf, strlen(leaf)) | HARDENED};
    priv_of_path(path, 4, s);
}

/* share_i·G == Σ_j proofs_j · i^j for every share, and proofs[0] == expected·G. */
static void check_proofs(const uint8_t *proofs, const uint8_t *shares, uint32_t t, uint32_t n, const sc_t *expected) {
    ge_t lhs, rhs, pj, term;
    sc_t s, x, xp;
    uint8_t enc[33];
    ge_mul_gen(&lhs, expected);
    ge_encode(enc, &lhs);
    CHECK_BYTES(enc, proofs, 33);
    for (uint32_t i = 1; i <= n; i++) {
        sc_from_bytes_reduce(&s, shares + 32u * (i - 1u));
        ge_mul_gen(&lhs, &s);
        ge_set_infinity(&rhs);
        sc_set_u32(&x, i);
        sc_set_u32(&xp, 1);
        for (uint32_t j = 0; j < t; j++) {
            CHECK(ge_decode(&pj, proofs + 33u * j));
            ge_mul(&term, &xp, &pj);
            ge_add(&rhs, &rhs, &term);
            sc_mul(&xp, &xp, &x);
        }
        CHECK(ge_eq(&lhs, &rhs));
    }
}

/* Lagrange interpolation at 0 from the shares with the given 1-based indices. */
static void reconstruct(const uint8_t *shares, const uint32_t *idx, uint32_t k, sc_t *out) {
    sc_t acc, num, den, tmp, si, xi, xj;
    sc_set_u32(&acc, 0);
    for (uint32_t a = 0; a < k; a++) {
        sc_set_u32(&num, 1);
        sc_set_u32(&den, 1);
        sc_set_u32(&xi, idx[a]);
        for (uint32_t b = 0; b < k; b++) {
            if (a == b) continue;
            sc_set_u32(&xj, idx[b]);
            sc_mul(&num, &num, &xj);
            sc_sub(&tmp, &xj, &xi);
            sc_mul(&den, &den, &tmp);
        }
        sc_inv(&den, &den);
        sc_mul(&num, &num, &den);
        sc_from_bytes_reduce(&si, shares + 32u * (idx[a] - 1u));
        sc_mul(&tmp, &si, &num);
        sc_add(&acc, &acc, &tmp);
    }
    *out = acc;
}

static void test_transfer_split(void) {
    const char *leaf = "leaf-1";
    const uint8_t *recv_priv = TV_ECIES[1].secret; /* any key the test holds */
    uint8_t data[200], recv_pub[33];
    sc_t r, a_old, a_new, diff, rec;
    ge_t p;
    scalar_of(recv_priv, &r);
    ge_mul_gen(&p, &r);
    ge_encode(recv_pub, &p);
    fresh_core();
    size_t n = put_key_split_transfer(data, 2, 3, leaf, recv_pub);
    CHECK_EQ_U(send_split(data, n), 0); /* waits for the user */
    CHECK(host_screen_has("Send leaf"));
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("Leaf id"));
    CHECK(host_screen_has(leaf));
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("Receiver"));
    CHECK(screen_has_hex(recv_pub, 16));
    CHECK_EQ_U(host_decide(true), SW_OK);
    collect(2u * 33u + 3u * 32u + 129u);
    const uint8_t *proofs = g_out, *shares = g_out + 66, *ct = g_out + 66 + 96;
    uint8_t a_new_bytes[32];
    CHECK_EQ_U(ecies_decrypt(recv_priv, ct, 129, a_new_bytes), 1);
    scalar_of(a_new_bytes, &a_new);
    leaf_scalar(leaf, &a_old);
    sc_sub(&diff, &a_old, &a_new);
    check_proofs(proofs, shares, 2, 3, &diff);
    const uint32_t pairs[3][2] = {{1, 2}, {1, 3}, {2, 3}};
    for (int i = 0; i < 3; i++) {
        reconstruct(shares, pairs[i], 2, &rec);
        CHECK(memcmp(&rec, &diff, sizeof rec) == 0);
    }
    /* a second run draws a different key */
    CHECK_EQ_U(send_split(data, n), 0);
    CHECK_EQ_U(host_decide(true), SW_OK);
    CHECK(memcmp(g_host_reply.data, g_out, 66) != 0);
}

static void test_transfer_rejected(void) {
    uint8_t data[200], recv_pub[33];
    fresh_core();
    memcpy(recv_pub, TV_KEYS[0].pub, 33);
    size_t n = put_key_split_transfer(data, 1, 1, "x", recv_pub);
    CHECK_EQ_U(send_split(data, n), 0);
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    CHECK_EQ_U(read_page(1), SW_CHUNK_SEQUENCE);
}

static void test_claim_split(void) {
    const tv_ecies_t *v = &TV_ECIES[0]; /* account 0 */
    const char *leaf = "x";
    uint8_t data[250];
    sc_t a_new, b, diff, rec;
    fresh_core();
    unsigned pages = g_host_pages;
    size_t n = put_key_split_claim(data, 3, 5, 0, v->ct, leaf);
    CHECK_EQ_U(send_split(data, n), SW_OK);
    CHECK_EQ_U(g_host_pages, pages); /* nothing shown */
    collect(3u * 33u + 5u * 32u);
    scalar_of(v->secret, &a_new);
    leaf_scalar(leaf, &b);
    sc_sub(&diff, &a_new, &b);
    check_proofs(g_out, g_out + 99, 3, 5, &diff);
    const uint32_t idx[3] = {1, 3, 5};
    reconstruct(g_out + 99, idx, 3, &rec);
    CHECK(memcmp(&rec, &diff, sizeof rec) == 0);
    /* two shares do not give it */
    reconstruct(g_out + 99, idx, 2, &rec);
    CHECK(memcmp(&rec, &diff, sizeof rec) != 0);
    /* another command wipes the result */
    uint8_t apdu[8];
    size_t an = mk_apdu(apdu, INS_GET_VERSION, 0, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, an), SW_OK);
    CHECK_EQ_U(read_page(1), SW_CHUNK_SEQUENCE);
    /* a tampered ciphertext */
    data[3 + 4 + 128] ^= 1u;
    CHECK_EQ_U(send_split(data, n), SW_BAD_DATA);
    CHECK_EQ_U(read_page(1), SW_CHUNK_SEQUENCE);
}

static void test_split_refusals(void) {
    uint8_t data[250];
    fresh_core();
    unsigned pages = g_host_pages;
    /* header problems */
    const uint8_t bad_headers[][3] = {{0, 0, 3}, {0, 4, 3}, {0, 2, 9}, {2, 2, 3}};
    for (int i = 0; i < 4; i++) {
        memcpy(data, bad_headers[i], 3);
        size_t n = 3 + put_leaf_ref(data + 3, "x");
        memcpy(data + n, TV_KEYS[0].pub, 33);
        CHECK_EQ_U(send_split(data, n + 33), SW_BAD_DATA);
    }
    CHECK_EQ_U(send_split(data, 2), SW_WRONG_LENGTH);
    /* transfer with a deposit key / identity key: only leaf keys */
    data[0] = KEY_SPLIT_TRANSFER;
    data[1] = 2;
    data[2] = 3;
    const uint8_t deposit_ref[5] = {KEY_DEPOSIT, 0, 0, 0, 0};
    memcpy(data + 3, deposit_ref, 5);
    memcpy(data + 8, TV_KEYS[0].pub, 33);
    CHECK_EQ_U(send_split(data, 41), SW_PATH_REFUSED);
    /* a receiver that is not a point; a missing receiver; a trailing byte */
    size_t n = 3 + put_leaf_ref(data + 3, "x");
    memset(data + n, 0x05, 33);
    CHECK_EQ_U(send_split(data, n + 33), SW_BAD_DATA);
    CHECK_EQ_U(send_split(data, n + 10), SW_WRONG_LENGTH);
    memcpy(data + n, TV_KEYS[0].pub, 33);
    data[n + 33] = 0;
    CHECK_EQ_U(send_split(data, n + 34), SW_BAD_DATA);
    /* claim into the identity key; claim for account 256 */
    data[0] = KEY_SPLIT_CLAIM;
    memset(data + 3, 0, 4);
    memcpy(data + 7, TV_ECIES[0].ct, 129);
    const uint8_t identity_ref[5] = {KEY_IDENTITY, 0, 0, 0, 0};
    memcpy(data + 136, identity_ref, 5);
    CHECK_EQ_U(send_split(data, 141), SW_PATH_REFUSED);
    n = 136 + put_leaf_ref(data + 136, "x");
    data[5] = 1; /* account 256 */
    CHECK_EQ_U(send_split(data, n), SW_PATH_REFUSED);
    data[5] = 0;
    CHECK_EQ_U(send_split(data, 100), SW_WRONG_LENGTH);
    /* P1/P2 */
    uint8_t apdu[300];
    size_t an = mk_apdu(apdu, INS_KEY_SPLIT, 2, 0, data, n);
    CHECK_EQ_U(host_exchange(apdu, an), SW_BAD_P1_P2);
    an = mk_apdu(apdu, INS_KEY_SPLIT, P1_KEY_SPLIT_RUN, 1, data, n);
    CHECK_EQ_U(host_exchange(apdu, an), SW_BAD_P1_P2);
    CHECK_EQ_U(read_page(0), SW_CHUNK_SEQUENCE);
    CHECK_EQ_U(g_host_pages, pages); /* nothing was shown */
}


/* ---- prepared splits (SPLIT_PREPARE, PROTOCOL.md 0x3A) ---- */

/* SPLIT_PREPARE k entries for threshold t; returns the SW, *ready = the reply's count. */
static uint16_t prepare(uint8_t k, uint8_t t, uint32_t *ready) {
    uint8_t apdu[8];
    size_t n = mk_apdu(apdu, INS_SPLIT_PREPARE, k, 0, &t, 1);
    uint16_t sw = host_exchange(apdu, n);
    *ready = (sw == SW_OK && g_host_reply.len == 1u) ? g_host_reply.data[0] : 0xFFFFu;
    return sw;
}

/* One approved transfer split of "leaf-1" t of n to the test's receiver, checked in full (shares
 * against proofs, t shares reconstruct a_old − a_new, the ciphertext decrypts with the receiver's
 * key to a_new). Writes a_new and the ephemeral key of the ciphertext; returns the device's
 * scalar multiplications on secrets during the split. */
static unsigned checked_transfer(uint8_t t, uint8_t n, sc_t *a_new, uint8_t eph_pub[65]) {
    const char *leaf = "leaf-1";
    const uint8_t *recv_priv = TV_ECIES[1].secret;
    uint8_t data[200], recv_pub[33], a_new_bytes[32];
    sc_t r, a_old, diff, rec;
    ge_t p;
    scalar_of(recv_priv, &r);
    ge_mul_gen(&p, &r);
    ge_encode(recv_pub, &p);
    size_t len = put_key_split_transfer(data, t, n, leaf, recv_pub);
    CHECK_EQ_U(send_split(data, len), 0);
    unsigned muls = g_host_ec_muls;
    CHECK_EQ_U(host_decide(true), SW_OK);
    muls = g_host_ec_muls - muls;
    collect(t * 33u + n * 32u + 129u);
    const uint8_t *ct = g_out + t * 33u + n * 32u;
    CHECK_EQ_U(ecies_decrypt(recv_priv, ct, 129, a_new_bytes), 1);
    scalar_of(a_new_bytes, a_new);
    memcpy(eph_pub, ct, 65);
    leaf_scalar(leaf, &a_old);
    sc_sub(&diff, &a_old, a_new);
    check_proofs(g_out, g_out + t * 33u, t, n, &diff);
    uint32_t idx[8];
    for (uint32_t i = 0; i < t; i++) {
        idx[i] = n - i; /* the last t shares */
    }
    reconstruct(g_out + t * 33u, idx, t, &rec);
    CHECK(memcmp(&rec, &diff, sizeof rec) == 0);
    return muls;
}

/* The leaf's public key in the session cache, as after the wallet's first look at the leaf. */
static void warm_leaf_key(void) {
    uint8_t data[80], apdu[100];
    size_t n = put_leaf_ref(data, "leaf-1");
    size_t an = mk_apdu(apdu, INS_GET_PUBLIC_KEY, P1_SILENT, 0, data, n);
    CHECK_EQ_U(host_exchange(apdu, an), SW_OK);
}

/* A prepared entry gives the same verifiable result with one multiplication left (e·R), each
 * split takes its own entry, and an empty pool falls back to drawing fresh (4 for t = 2). */
static void test_prepared_split(void) {
    uint32_t ready = 0;
    sc_t keys[3];
    uint8_t ephs[3][65];
    fresh_core();
    warm_leaf_key();
    unsigned muls = g_host_ec_muls;
    CHECK_EQ_U(prepare(2, 2, &ready), SW_OK);
    CHECK_EQ_U(ready, 2);
    CHECK_EQ_U(g_host_ec_muls - muls, 2u * 3u); /* a_new·G, e·G, a_1·G per entry */
    CHECK_EQ_U(checked_transfer(2, 3, &keys[0], ephs[0]), 1); /* e·R only */
    CHECK_EQ_U(split_pool_count(2), 1);
    CHECK_EQ_U(checked_transfer(2, 3, &keys[1], ephs[1]), 1);
    CHECK_EQ_U(split_pool_count(2), 0);
    CHECK_EQ_U(checked_transfer(2, 3, &keys[2], ephs[2]), 4); /* exhausted: fresh */
    /* no two splits share a_new or e */
    for (int i = 0; i < 3; i++) {
        for (int j = i + 1; j < 3; j++) {
            CHECK(memcmp(&keys[i], &keys[j], sizeof keys[i]) != 0);
            CHECK(memcmp(ephs[i], ephs[j], 65) != 0);
        }
    }
    /* t = 1 (the secret's proof alone) and t = 3 of 5, from the pool */
    CHECK_EQ_U(prepare(1, 1, &ready), SW_OK);
    CHECK_EQ_U(prepare(1, 3, &ready), SW_OK);
    CHECK_EQ_U(ready, 1);
    CHECK_EQ_U(checked_transfer(1, 1, &keys[0], ephs[0]), 1);
    CHECK_EQ_U(checked_transfer(3, 5, &keys[1], ephs[1]), 1);
    CHECK_EQ_U(split_pool_count(1) + split_pool_count(3), 0);
    /* a leaf key not in the session cache: the secret's proof is (a_old − a_new)·G, one more
     * multiplication, and the leaf key is derived once */
    fresh_core();
    CHECK_EQ_U(prepare(1, 2, &ready), SW_OK);
    unsigned derives = g_host_derives;
    CHECK_EQ_U(checked_transfer(2, 3, &keys[0], ephs[0]), 2);
    CHECK_EQ_U(g_host_derives - derives, 1);
}

/* An entry is taken when the split is accepted and wiped whatever follows: a refusal on screen,
 * another command during the review; the pool is wiped at app exit. */
static void test_prepared_wiped(void) {
    uint8_t data[200];
    uint32_t ready = 0;
    fresh_core();
    CHECK_EQ_U(prepare(3, 2, &ready), SW_OK);
    CHECK_EQ_U(ready, 3);
    size_t n = put_key_split_transfer(data, 2, 3, "x", TV_KEYS[0].pub);
    CHECK_EQ_U(send_split(data, n), 0);
    CHECK_EQ_U(host_decide(false), SW_DENIED);
    CHECK_EQ_U(split_pool_count(2), 2);
    CHECK_EQ_U(send_split(data, n), 0);
    CHECK_EQ_U(prepare(0, 2, &ready), SW_OK); /* drops the review */
    CHECK_EQ_U(ready, 1);
    /* a split it cannot serve (t above SPLIT_POOL_MAX_T) takes nothing */
    n = put_key_split_transfer(data, 4, 5, "x", TV_KEYS[0].pub);
    CHECK_EQ_U(send_split(data, n), 0);
    CHECK_EQ_U(host_decide(true), SW_OK);
    CHECK_EQ_U(split_pool_count(2), 1);
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_BOTH); /* Quit */
    CHECK(g_host_exited);
    CHECK_EQ_U(split_pool_count(2), 0);
}

/* Bad SPLIT_PREPARE input: a typed error, no multiplication, the pool unchanged. A full pool
 * prepares nothing more; entries of another threshold give way to the asked one. */
static void test_prepare_refusals(void) {
    uint32_t ready = 0;
    uint8_t apdu[16], two[2] = {2, 2};
    fresh_core();
    CHECK_EQ_U(prepare(1, 2, &ready), SW_OK);
    unsigned muls = g_host_ec_muls;
    CHECK_EQ_U(prepare(SPLIT_POOL_SLOTS + 1u, 2, &ready), SW_BAD_P1_P2);
    size_t an = mk_apdu(apdu, INS_SPLIT_PREPARE, 1, 1, two, 1);
    CHECK_EQ_U(host_exchange(apdu, an), SW_BAD_P1_P2);
    an = mk_apdu(apdu, INS_SPLIT_PREPARE, 1, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(apdu, an), SW_WRONG_LENGTH);
    an = mk_apdu(apdu, INS_SPLIT_PREPARE, 1, 0, two, 2);
    CHECK_EQ_U(host_exchange(apdu, an), SW_WRONG_LENGTH);
    CHECK_EQ_U(prepare(1, 0, &ready), SW_BAD_DATA);
    CHECK_EQ_U(prepare(1, SPLIT_POOL_MAX_T + 1u, &ready), SW_BAD_DATA);
    CHECK_EQ_U(g_host_ec_muls, muls);
    CHECK_EQ_U(split_pool_count(2), 1);
    CHECK_EQ_U(prepare(SPLIT_POOL_SLOTS, 2, &ready), SW_OK);
    CHECK_EQ_U(ready, SPLIT_POOL_SLOTS);
    muls = g_host_ec_muls;
    CHECK_EQ_U(prepare(1, 2, &ready), SW_OK);
    CHECK_EQ_U(ready, SPLIT_POOL_SLOTS);
    CHECK_EQ_U(g_host_ec_muls, muls); /* full: nothing drawn */
    CHECK_EQ_U(prepare(2, 3, &ready), SW_OK);
    CHECK_EQ_U(ready, 2);
    CHECK_EQ_U(split_pool_count(2), SPLIT_POOL_SLOTS - 2u);
}

void suite_key_split(void) {
    RUN(test_transfer_split);
    RUN(test_transfer_rejected);
    RUN(test_claim_split);
    RUN(test_split_refusals);
    RUN(test_prepared_split);
    RUN(test_prepared_wiped);
    RUN(test_prepare_refusals);
}
