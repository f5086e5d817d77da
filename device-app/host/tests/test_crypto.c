#include "core_includes.h"
#include "test.h"
#include "vectors/vectors.h"

static void test_sha256_nist(void) {
    /* FIPS 180-2 appendix B examples */
    uint8_t out[32], exp[32];
    sha256((const uint8_t *)"abc", 3, out);
    hex_to_bytes("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", exp, 32);
    CHECK_BYTES(out, exp, 32);
    sha256((const uint8_t *)"", 0, out);
    hex_to_bytes("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", exp, 32);
    CHECK_BYTES(out, exp, 32);
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256((const uint8_t *)m, strlen(m), out);
    hex_to_bytes("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", exp, 32);
    CHECK_BYTES(out, exp, 32);
    /* streaming in odd pieces equals one shot: one million 'a' (FIPS 180-2 B.3) */
    sha256_ctx_t c;
    uint8_t a[1000];
    memset(a, 'a', sizeof a);
    sha256_init(&c);
    for (int i = 0; i < 1000; i++) {
        sha256_update(&c, a, 1000);
    }
    sha256_final(&c, out);
    hex_to_bytes("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", exp, 32);
    CHECK_BYTES(out, exp, 32);
}

static void test_hmac_rfc4231(void) {
    uint8_t key[131], out[32], exp[32];
    memset(key, 0x0b, 20);
    hmac_sha256(key, 20, (const uint8_t *)"Hi There", 8, out);
    hex_to_bytes("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", exp, 32);
    CHECK_BYTES(out, exp, 32);
    const char *d2 = "what do ya want for nothing?";
    hmac_sha256((const uint8_t *)"Jefe", 4, (const uint8_t *)d2, strlen(d2), out);
    hex_to_bytes("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", exp, 32);
    CHECK_BYTES(out, exp, 32);
    /* test case 6: 131-byte key (hashed first) */
    memset(key, 0xaa, sizeof key);
    const char *d6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    hmac_sha256(key, sizeof key, (const uint8_t *)d6, strlen(d6), out);
    hex_to_bytes("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", exp, 32);
    CHECK_BYTES(out, exp, 32);
}

static void test_sha512_host(void) {
    uint8_t out[64];
    sha512(TV_SHA512_MSG, sizeof TV_SHA512_MSG, out);
    CHECK_BYTES(out, TV_SHA512_OUT, 64);
    hmac_sha512(TV_HMAC512_KEY, sizeof TV_HMAC512_KEY, TV_SHA512_MSG, 100, TV_SHA512_MSG + 100,
                sizeof TV_SHA512_MSG - 100, out);
    CHECK_BYTES(out, TV_HMAC512_OUT, 64);
}

static void test_expand_message_xmd(void) {
    static const uint8_t dst[] = "QUUX-V01-CS02-with-expander-SHA256-128";
    uint8_t out[200], exp[32];
    /* RFC 9380 appendix K.1, msg = "", len_in_bytes = 0x20 */
    CHECK(expand_message_xmd(out, 32, (const uint8_t *)"", 0, NULL, 0, dst, sizeof dst - 1));
    hex_to_bytes("68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235", exp, 32);
    CHECK_BYTES(out, exp, 32);
    CHECK_BYTES(out, TV_XMD_OUT_EMPTY_32, 32);
    /* split message, 200 bytes output: cross-checked with @noble/curves */
    CHECK(expand_message_xmd(out, 200, TV_XMD_MSG, 30, TV_XMD_MSG + 30, sizeof TV_XMD_MSG - 30,
                             dst, sizeof dst - 1));
    CHECK_BYTES(out, TV_XMD_OUT_MSG_200, 200);
    CHECK(!expand_message_xmd(out, 0, NULL, 0, NULL, 0, dst, 3));
}

static void test_field_scalar(void) {
    fe_t a, b, c;
    uint8_t buf[32];
    memset(buf, 0xff, 32);
    CHECK(!fe_from_bytes(&a, buf)); /* >= p */
    hex_to_bytes("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e", buf, 32);
    CHECK(fe_from_bytes(&a, buf)); /* p - 1 */
    fe_add(&b, &a, &FE_ONE);
    CHECK(fe_is_zero(&b));
    fe_inv(&b, &a);
    fe_mul(&c, &a, &b);
    CHECK(fe_eq(&c, &FE_ONE));
    fe_set_u32(&a, 4);
    CHECK(fe_sqrt(&b, &a));
    fe_sqr(&c, &b);
    CHECK(fe_eq(&c, &a));
    fe_set_u32(&a, 3); /* -1 is a non-residue mod p (p = 3 mod 4); check 3 via the root test */
    fe_t r;
    uint32_t is_sq = fe_sqrt(&r, &a);
    fe_sqr(&c, &r);
    CHECK_EQ_U(is_sq, fe_eq(&c, &a));

    sc_t x, y, z;
    memset(buf, 0xff, 32);
    CHECK(sc_from_bytes_reduce(&x, buf) == 1);
    CHECK(!sc_from_bytes_nonzero(&y, buf));
    memset(buf, 0, 32);
    CHECK(!sc_from_bytes_nonzero(&y, buf));
    sc_set_u32(&x, 12345);
    sc_inv(&y, &x);
    sc_mul(&z, &x, &y);
    sc_set_u32(&x, 1);
    CHECK(u256_eq(&z, &x));
    hex_to_bytes("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", buf, 32);
    sc_from_bytes_reduce(&x, buf);
    CHECK(!sc_is_high(&x)); /* n/2 itself is low */
    sc_set_u32(&y, 1);
    sc_add(&x, &x, &y);
    CHECK(sc_is_high(&x));
    /* 48-byte reduction: 2^256 mod n = 2^256 - n */
    uint8_t b48[48] = {0};
    b48[15] = 1;
    sc_from_bytes48(&x, b48);
    sc_to_bytes(buf, &x);
    uint8_t exp[32];
    hex_to_bytes("000000000000000000000000000000014551231950b75fc4402da1732fc9bebf", exp, 32);
    CHECK_BYTES(buf, exp, 32);
}

/* The special-reduction field multiplication agrees with generic Montgomery multiplication
 * on edge values and on a pseudo-random stream. */
static void test_fe_mul_matches_montgomery(void) {
    static const char *edges[] = {
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e", /* p - 1 */
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2d",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "00000000000000000000000000000000000000000000000000000001000003d1",
        "8000000000000000000000000000000000000000000000000000000000000000",
        "ffffffff00000000ffffffff00000000ffffffff00000000ffffffff00000000",
        "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    };
    uint8_t buf[32], seed[32];
    fe_t vals[8 + 64];
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        hex_to_bytes(edges[i], buf, 32);
        CHECK(fe_from_bytes(&vals[n++], buf));
    }
    memset(seed, 0x5a, sizeof seed);
    while (n < sizeof vals / sizeof vals[0]) {
        sha256(seed, 32, seed);
        if (fe_from_bytes(&vals[n], seed)) {
            n++;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = 0; j < n; j++) {
            fe_t fast, mont;
            fe_mul(&fast, &vals[i], &vals[j]);
            mod_mont_mul(&mont, &vals[i], &vals[j], &FE_MOD);
            mod_mont_mul(&mont, &mont, &FE_MOD.r2, &FE_MOD);
            CHECK(u256_eq(&fast, &mont));
            CHECK(u256_lt(&fast, &FE_MOD.m));
        }
    }
    /* inverse and square root by addition chains */
    for (unsigned i = 3; i < n; i++) {
        fe_t inv, prod, root, sq;
        fe_inv(&inv, &vals[i]);
        fe_mul(&prod, &inv, &vals[i]);
        CHECK(fe_eq(&prod, &FE_ONE));
        fe_sqr(&sq, &vals[i]);
        CHECK(fe_sqrt(&root, &sq));
        fe_sqr(&prod, &root);
        CHECK(fe_eq(&prod, &sq));
    }
}

static void test_points(void) {
    uint8_t k[32] = {0}, enc[33], exp[33];
    sc_t s;
    ge_t p, q, g, acc;
    /* k*G for small k against repeated addition and known encodings */
    ge_set_generator(&g);
    ge_set_infinity(&acc);
    for (unsigned i = 1; i <= 20; i++) {
        ge_add(&acc, &acc, &g);
        k[31] = (uint8_t)i;
        sc_from_bytes_reduce(&s, k);
        ge_mul_gen(&p, &s);
        CHECK(ge_eq(&p, &acc));
    }
    k[31] = 2;
    sc_from_bytes_reduce(&s, k);
    ge_mul_gen(&p, &s);
    ge_encode(enc, &p);
    hex_to_bytes("02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5", exp, 33);
    CHECK_BYTES(enc, exp, 33);
    /* doubling equals adding to itself; P + (-P) = infinity */
    ge_dbl(&q, &p);
    ge_add(&acc, &p, &p);
    CHECK(ge_eq(&q, &acc));
    ge_neg(&q, &p);
    ge_add(&acc, &p, &q);
    CHECK(ge_is_infinity(&acc));
    CHECK(!ge_encode(enc, &acc));
    /* (n-1)*G = -G */
    hex_to_bytes("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140", k, 32);
    sc_from_bytes_reduce(&s, k);
    ge_mul_gen(&p, &s);
    ge_neg(&q, &g);
    CHECK(ge_eq(&p, &q));
    /* decode: round trip, bad prefix, x >= p, x not on the curve */
    ge_encode(enc, &p);
    CHECK(ge_decode(&q, enc));
    CHECK(ge_eq(&p, &q));
    enc[0] = 0x04;
    CHECK(!ge_decode(&q, enc));
    enc[0] = 0x02;
    memset(enc + 1, 0xff, 32);
    CHECK(!ge_decode(&q, enc));
    memset(enc + 1, 0, 32);
    enc[32] = 5; /* x = 5: 125 + 7 = 132 is not a square mod p */
    CHECK(!ge_decode(&q, enc));
}

/* The fixed-base path (table + signed digits) equals the generic ladder, including scalars
 * whose recoding carries through every position. */
static void test_mul_gen_matches_generic(void) {
    static const char *edges[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
        "8888888888888888888888888888888888888888888888888888888888888888",
        "9999999999999999999999999999999999999999999999999999999999999999",
        "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0",
        "0000000000000000000000000000000000000000000000000000000000000009",
    };
    uint8_t buf[32];
    sc_t k;
    ge_t g, a, b;
    ge_set_generator(&g);
    for (unsigned i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        hex_to_bytes(edges[i], buf, 32);
        (void)sc_from_bytes_reduce(&k, buf);
        ge_mul_gen(&a, &k);
        ge_mul(&b, &k, &g);
        CHECK(ge_eq(&a, &b));
    }
    memset(buf, 0x33, sizeof buf);
    for (unsigned i = 0; i < 40; i++) {
        sha256(buf, 32, buf);
        (void)sc_from_bytes_reduce(&k, buf);
        ge_mul_gen(&a, &k);
        ge_mul(&b, &k, &g);
        CHECK(ge_eq(&a, &b));
    }
    /* every table row's first and last entry: (j + 1) * 16^i * G */
    for (unsigned i = 0; i < GEN_TABLE_POSITIONS; i++) {
        for (unsigned j = 0; j < GEN_TABLE_ENTRIES; j += GEN_TABLE_ENTRIES - 1) {
            memset(buf, 0, sizeof buf);
            if (i == 64) {
                continue; /* 16^64 > 2^256: only reached by the final carry (edges above) */
            }
            /* (j + 1) * 16^i as 32 big-endian bytes: nibble i holds j + 1 <= 8 */
            buf[31 - i / 2] = (uint8_t)((j + 1) << (4 * (i % 2)));
            (void)sc_from_bytes_reduce(&k, buf);
            ge_mul(&b, &k, &g);
            fe_t x, y;
            CHECK(ge_to_affine(&x, &y, &b));
            CHECK(fe_eq(&x, &GE_GEN_TABLE[i][j].x) && fe_eq(&y, &GE_GEN_TABLE[i][j].y));
        }
    }
}

/* Variable-time multi-scalar multiplication equals the sum of constant-time multiplications,
 * for 1..4 terms, including scalars whose wNAF carries past bit 255. */
static void test_mul_multi_matches_sum(void) {
    static const char *edges[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
        "ffffffffffffffffffffffffffffffff00000000000000000000000000000000",
        "7777777777777777777777777777777777777777777777777777777777777777",
        "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0",
    };
    uint8_t buf[32];
    sc_t k[GE_MULTI_MAX];
    ge_t p[GE_MULTI_MAX], r, t, sum;
    memset(buf, 0x77, sizeof buf);
    for (unsigned round = 0; round < 12; round++) {
        uint32_t count = 1u + round % GE_MULTI_MAX;
        ge_set_infinity(&sum);
        for (uint32_t i = 0; i < count; i++) {
            sha256(buf, 32, buf);
            sc_t s;
            (void)sc_from_bytes_reduce(&s, buf);
            ge_mul_gen(&p[i], &s);
            if ((round + i) % 3 == 0) {
                hex_to_bytes(edges[(round + i) % (sizeof edges / sizeof edges[0])], buf, 32);
            } else {
                sha256(buf, 32, buf);
            }
            (void)sc_from_bytes_reduce(&k[i], buf);
            ge_mul(&t, &k[i], &p[i]);
            ge_add(&sum, &sum, &t);
        }
        CHECK(ge_mul_multi_vartime(&r, k, p, count));
        CHECK(ge_eq(&r, &sum));
    }
    CHECK(!ge_mul_multi_vartime(&r, k, p, 0));
    CHECK(!ge_mul_multi_vartime(&r, k, p, GE_MULTI_MAX + 1));
}

static void test_ecdsa_vectors(void) {
    uint8_t priv[32], sig[64], der[72];
    uint32_t path[3] = {SPARK_PURPOSE | HARDENED, HARDENED, HARDENED};
    CHECK(host_bip32_derive(TV_SEED, sizeof TV_SEED, path, 3, priv));
    for (unsigned i = 0; i < TV_SIGS_N; i++) {
        CHECK(ecdsa_sign(priv, TV_SIGS[i].digest, sig));
        CHECK_BYTES(sig, TV_SIGS[i].compact, 64);
        size_t n = ecdsa_der_encode(sig, der);
        CHECK_EQ_U(n, TV_SIGS[i].der_len);
        CHECK_BYTES(der, TV_SIGS[i].der, n);
    }
    uint8_t zero[32] = {0};
    CHECK(!ecdsa_sign(zero, TV_SIGS[0].digest, sig));
}

static void test_ecdsa_der_edges(void) {
    uint8_t sig[64] = {0}, der[72];
    /* r with high bit set gets a 0x00 pad; s = 1 is one byte */
    sig[0] = 0x80;
    sig[63] = 1;
    size_t n = ecdsa_der_encode(sig, der);
    CHECK_EQ_U(n, 2 + 2 + 33 + 2 + 1);
    CHECK_EQ_U(der[0], 0x30);
    CHECK_EQ_U(der[1], n - 2);
    CHECK_EQ_U(der[3], 33);
    CHECK_EQ_U(der[4], 0);
    CHECK_EQ_U(der[5], 0x80);
    CHECK_EQ_U(der[n - 1], 1);
}

static void test_bip340_official(void) {
    /* BIP340 test-vectors.csv, indices 0 and 1 */
    uint8_t sk[32], msg[32], aux[32], exp[64], sig[64];
    hex_to_bytes("0000000000000000000000000000000000000000000000000000000000000003", sk, 32);
    memset(msg, 0, 32);
    memset(aux, 0, 32);
    hex_to_bytes("e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca8215"
                 "25f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0",
                 exp, 64);
    CHECK(bip340_sign(sk, msg, aux, sig));
    CHECK_BYTES(sig, exp, 64);
    hex_to_bytes("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef", sk, 32);
    hex_to_bytes("243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89", msg, 32);
    memset(aux, 0, 32);
    aux[31] = 1;
    hex_to_bytes("6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de3341"
                 "8906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a",
                 exp, 64);
    CHECK(bip340_sign(sk, msg, aux, sig));
    CHECK_BYTES(sig, exp, 64);
}

static void test_bip340_vectors(void) {
    uint8_t priv[32], sig[64];
    uint32_t path[3] = {SPARK_PURPOSE | HARDENED, HARDENED, HARDENED};
    CHECK(host_bip32_derive(TV_SEED, sizeof TV_SEED, path, 3, priv));
    for (unsigned i = 0; i < TV_SIGS_N; i++) {
        CHECK(bip340_sign(priv, TV_SIGS[i].digest, TV_SIGS[i].aux, sig));
        CHECK_BYTES(sig, TV_SIGS[i].schnorr, 64);
    }
}

/* The verifiers the device runs on its own identity signatures before sending them (fault
 * protection: a glitched deterministic signature would leak the key): the reference signatures verify; any changed bit, another digest or
 * another key does not. */
static void test_verify_own_signatures(void) {
    uint8_t priv[32], pub[33], other[33], sig[64], digest[32];
    uint32_t path[3] = {SPARK_PURPOSE | HARDENED, HARDENED, HARDENED};
    sc_t d;
    ge_t p;
    CHECK(host_bip32_derive(TV_SEED, sizeof TV_SEED, path, 3, priv));
    CHECK(sc_from_bytes_nonzero(&d, priv));
    ge_mul_gen(&p, &d);
    CHECK(ge_encode(pub, &p));
    ge_dbl(&p, &p);
    CHECK(ge_encode(other, &p));
    for (unsigned i = 0; i < TV_SIGS_N; i++) {
        const tv_sig_t *v = &TV_SIGS[i];
        CHECK(ecdsa_verify(pub, v->digest, v->compact));
        CHECK(bip340_verify(pub + 1, v->digest, v->schnorr));
        CHECK(!ecdsa_verify(other, v->digest, v->compact));
        CHECK(!bip340_verify(other + 1, v->digest, v->schnorr));
        memcpy(digest, v->digest, 32);
        digest[31] ^= 1u;
        CHECK(!ecdsa_verify(pub, digest, v->compact));
        CHECK(!bip340_verify(pub + 1, digest, v->schnorr));
        for (unsigned bit = 0; bit < 512; bit += 37) {
            memcpy(sig, v->compact, 64);
            sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            CHECK(!ecdsa_verify(pub, v->digest, sig));
            memcpy(sig, v->schnorr, 64);
            sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            CHECK(!bip340_verify(pub + 1, v->digest, sig));
        }
    }
    /* out-of-range r / s: zero, and all-ones (>= n, >= p) */
    memset(sig, 0, 64);
    CHECK(!ecdsa_verify(pub, TV_SIGS[0].digest, sig));
    memset(sig, 0xff, 64);
    CHECK(!ecdsa_verify(pub, TV_SIGS[0].digest, sig));
    CHECK(!bip340_verify(pub + 1, TV_SIGS[0].digest, sig));
    /* BIP340 test-vectors.csv index 0: sk = 3, m = 0, aux = 0 */
    uint8_t pkx[32], msg[32] = {0}, exp[64];
    hex_to_bytes("f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9", pkx, 32);
    hex_to_bytes("e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca8215"
                 "25f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0",
                 exp, 64);
    CHECK(bip340_verify(pkx, msg, exp));
}

static void test_wipe_and_ct_equal(void) {
    uint8_t a[16], b[16];
    memset(a, 7, sizeof a);
    memcpy(b, a, sizeof a);
    CHECK(ct_equal(a, b, 16) == 1);
    b[15] ^= 0x80;
    CHECK(ct_equal(a, b, 16) == 0);
    wipe(a, sizeof a);
    memset(b, 0, sizeof b);
    CHECK_BYTES(a, b, 16);
}

void suite_crypto(void) {
    RUN(test_sha256_nist);
    RUN(test_hmac_rfc4231);
    RUN(test_sha512_host);
    RUN(test_expand_message_xmd);
    RUN(test_field_scalar);
    RUN(test_fe_mul_matches_montgomery);
    RUN(test_points);
    RUN(test_mul_gen_matches_generic);
    RUN(test_mul_multi_matches_sum);
    RUN(test_ecdsa_vectors);
    RUN(test_ecdsa_der_edges);
    RUN(test_bip340_official);
    RUN(test_bip340_vectors);
    RUN(test_verify_own_signatures);
    RUN(test_wipe_and_ct_equal);
}
