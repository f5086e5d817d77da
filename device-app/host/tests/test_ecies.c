/* AES-256, AES-256-GCM and ECIES against vectors from OpenSSL (node) and from src/crypto's ECIES,
 * whose ciphertexts the SDK's own decryptEcies opens (gen-vectors.ts checks that). */
#include "aes256.h"
#include "core_includes.h"
#include "ecies.h"
#include "gcm.h"
#include "test.h"
#include "vectors/vectors.h"

static void test_aes256_block(void) {
    aes256_t c;
    uint8_t out[16];
    aes256_init(&c, TV_AES_KEY);
    aes256_encrypt(&c, TV_AES_IN, out);
    CHECK_BYTES(out, TV_AES_OUT, 16);
}

static void test_gcm_vectors(void) {
    for (unsigned i = 0; i < TV_GCM_N; i++) {
        const tv_gcm_t *v = &TV_GCM[i];
        uint8_t ct[80], tag[16], pt[80];
        gcm_encrypt(v->key, v->nonce, v->pt, v->len, ct, tag);
        CHECK_BYTES(ct, v->ct, v->len);
        CHECK_BYTES(tag, v->tag, 16);
        CHECK_EQ_U(gcm_decrypt(v->key, v->nonce, v->ct, v->len, v->tag, pt), 1);
        CHECK_BYTES(pt, v->pt, v->len);
        /* any flipped bit in the tag or the ciphertext fails, and nothing is released */
        uint8_t bad_tag[16];
        memcpy(bad_tag, v->tag, 16);
        bad_tag[i % 16] ^= 0x01u;
        memset(pt, 0xaa, sizeof pt);
        CHECK_EQ_U(gcm_decrypt(v->key, v->nonce, v->ct, v->len, bad_tag, pt), 0);
        for (unsigned j = 0; j < v->len; j++) {
            CHECK_EQ_U(pt[j], 0);
        }
        if (v->len > 0) {
            uint8_t bad_ct[80];
            memcpy(bad_ct, v->ct, v->len);
            bad_ct[v->len - 1] ^= 0x80u;
            CHECK_EQ_U(gcm_decrypt(v->key, v->nonce, bad_ct, v->len, v->tag, pt), 0);
        }
    }
}

static void identity_priv(uint32_t account, uint8_t priv[32]) {
    const uint32_t path[3] = {SPARK_PURPOSE | HARDENED, account | HARDENED, HARDENED};
    CHECK(host_bip32_derive(TV_SEED, sizeof TV_SEED, path, 3, priv));
}

static void test_ecies_decrypts_and_encrypts_like_the_sdk(void) {
    for (unsigned i = 0; i < TV_ECIES_N; i++) {
        const tv_ecies_t *v = &TV_ECIES[i];
        uint8_t priv[32], pt[32], pub[33], ct[129];
        identity_priv(v->account, priv);
        CHECK_EQ_U(ecies_decrypt(priv, v->ct, sizeof v->ct, pt), 1);
        CHECK_BYTES(pt, v->secret, 32);
        /* the same ephemeral secret and nonce give the same bytes as src/crypto's encryptEcies */
        sc_t k;
        ge_t p;
        sc_from_bytes_nonzero(&k, priv);
        ge_mul_gen(&p, &k);
        ge_encode(pub, &p);
        CHECK_EQ_U(ecies_encrypt(pub, v->secret, 32, v->eph, v->nonce, ct), 1);
        CHECK_BYTES(ct, v->ct, 129);
        /* the other account's identity key cannot open it */
        uint8_t other[32];
        identity_priv(v->account + 7u, other);
        CHECK_EQ_U(ecies_decrypt(other, v->ct, sizeof v->ct, pt), 0);
    }
}

static void test_ecies_malformed(void) {
    const tv_ecies_t *v = &TV_ECIES[0];
    uint8_t priv[32], pt[32], ct[129];
    identity_priv(v->account, priv);
    memcpy(ct, v->ct, sizeof ct);
    ct[0] = 0x02u; /* not an uncompressed key */
    CHECK_EQ_U(ecies_decrypt(priv, ct, sizeof ct, pt), 0);
    memcpy(ct, v->ct, sizeof ct);
    ct[64] ^= 0x01u; /* off the curve */
    CHECK_EQ_U(ecies_decrypt(priv, ct, sizeof ct, pt), 0);
    memcpy(ct, v->ct, sizeof ct);
    ct[70] ^= 0x01u; /* nonce changed: tag fails */
    CHECK_EQ_U(ecies_decrypt(priv, ct, sizeof ct, pt), 0);
    CHECK_EQ_U(ecies_decrypt(priv, v->ct, 96, pt), 0); /* shorter than the header */
    uint8_t zero[32] = {0};
    CHECK_EQ_U(ecies_decrypt(zero, v->ct, sizeof v->ct, pt), 0); /* invalid private key */
    uint8_t bad_pub[33] = {0x05};
    CHECK_EQ_U(ecies_encrypt(bad_pub, v->secret, 32, v->eph, v->nonce, ct), 0);
}

static uint16_t ecies_pub(uint8_t p1, uint32_t account, const uint8_t *ct, size_t ct_len) {
    uint8_t data[200], apdu[220];
    put_be32(data, account);
    memcpy(data + 4, ct, ct_len);
    size_t n = mk_apdu(apdu, INS_ECIES_PUBLIC_KEY, p1, 0, data, 4 + ct_len);
    return host_exchange(apdu, n);
}

static void test_ecies_pubkey_command(void) {
    fresh_core();
    unsigned pages = g_host_pages;
    for (unsigned i = 0; i < TV_ECIES_N; i++) {
        const tv_ecies_t *v = &TV_ECIES[i];
        uint8_t pub[33];
        sc_t k;
        ge_t p;
        sc_from_bytes_nonzero(&k, v->secret);
        ge_mul_gen(&p, &k);
        ge_encode(pub, &p);
        CHECK_EQ_U(ecies_pub(0, v->account, v->ct, sizeof v->ct), SW_OK);
        CHECK_EQ_U(g_host_reply.len, 33);
        CHECK_BYTES(g_host_reply.data, pub, 33);
        /* to another account's identity: the tag fails */
        CHECK_EQ_U(ecies_pub(0, v->account + 1u, v->ct, sizeof v->ct), SW_BAD_DATA);
        CHECK_EQ_U(g_host_reply.len, 0);
    }
    const tv_ecies_t *v = &TV_ECIES[0];
    uint8_t ct[130];
    memcpy(ct, v->ct, 129);
    ct[128] ^= 1u;
    CHECK_EQ_U(ecies_pub(0, v->account, ct, 129), SW_BAD_DATA);
    CHECK_EQ_U(ecies_pub(0, v->account, v->ct, 128), SW_WRONG_LENGTH);
    memcpy(ct, v->ct, 129);
    ct[129] = 0;
    CHECK_EQ_U(ecies_pub(0, v->account, ct, 130), SW_WRONG_LENGTH);
    CHECK_EQ_U(ecies_pub(0, 256, v->ct, 129), SW_PATH_REFUSED);
    CHECK_EQ_U(ecies_pub(1, 0, v->ct, 129), SW_BAD_P1_P2);
    CHECK_EQ_U(g_host_pages, pages); /* never a screen */
}

/* A plaintext that is not a key (here n itself) is refused, though it decrypts. */
static void test_ecies_pubkey_not_a_key(void) {
    static const uint8_t n_bytes[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                        0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
    const tv_ecies_t *v = &TV_ECIES[0];
    uint8_t priv[32], pub[33], ct[129];
    identity_priv(v->account, priv);
    sc_t k;
    ge_t p;
    sc_from_bytes_nonzero(&k, priv);
    ge_mul_gen(&p, &k);
    ge_encode(pub, &p);
    CHECK_EQ_U(ecies_encrypt(pub, n_bytes, 32, v->eph, v->nonce, ct), 1);
    fresh_core();
    CHECK_EQ_U(ecies_pub(0, v->account, ct, 129), SW_BAD_DATA);
}

void suite_ecies(void) {
    RUN(test_ecies_pubkey_command);
    RUN(test_ecies_pubkey_not_a_key);
    RUN(test_aes256_block);
    RUN(test_gcm_vectors);
    RUN(test_ecies_decrypts_and_encrypts_like_the_sdk);
    RUN(test_ecies_malformed);
}
