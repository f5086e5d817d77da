#include "core_includes.h"
#include "test.h"
#include "vectors/vectors.h"

static size_t keyref_of(const tv_key_t *k, uint8_t *o) {
    return put_keyref(o, k->kind, k->account, k->index, k->leaf);
}

static uint16_t get_pub(const uint8_t *ref, size_t len) {
    uint8_t apdu[300];
    size_t a = mk_apdu(apdu, INS_GET_PUBLIC_KEY, P1_SILENT, 0, ref, len);
    return host_exchange(apdu, a);
}

/* Public keys equal the TypeScript (@scure/bip32) derivation, by kind and by explicit path. */
static void test_pubkeys_match_ts(void) {
    uint8_t ref[100];
    fresh_core();
    for (unsigned i = 0; i < TV_KEYS_N; i++) {
        const tv_key_t *k = &TV_KEYS[i];
        size_t n = keyref_of(k, ref);
        CHECK_EQ_U(get_pub(ref, n), SW_OK);
        CHECK_EQ_U(g_host_reply.len, 33);
        CHECK_BYTES(g_host_reply.data, k->pub, 33);
        /* the same key as an explicit path */
        spark_key_t sk = spark_key_of((key_kind_t)k->kind, k->account, k->index);
        n = put_path_ref(ref, sk.path, sk.depth);
        CHECK_EQ_U(get_pub(ref, n), SW_OK);
        CHECK_BYTES(g_host_reply.data, k->pub, 33);
    }
}

static void test_leaf_index(void) {
    for (unsigned i = 0; i < TV_KEYS_N; i++) {
        if (TV_KEYS[i].kind == KEY_LEAF) {
            CHECK_EQ_U(spark_leaf_index((const uint8_t *)TV_KEYS[i].leaf,
                                        strlen(TV_KEYS[i].leaf)),
                       TV_KEYS[i].index);
        }
    }
}

static void test_non_spark_paths_refused(void) {
    uint8_t ref[64];
    const uint32_t H = HARDENED, P = SPARK_PURPOSE | HARDENED;
    const struct {
        uint32_t path[6];
        uint8_t depth;
    } bad[] = {
        {{44 | H, 0 | H, 0 | H, 0, 0}, 5},      /* BIP44 */
        {{84 | H, 0 | H, 0 | H}, 3},            /* BIP84 account */
        {{P, 0 | H}, 2},                        /* too short */
        {{P, 0 | H, 0 | H, 0 | H, 0 | H}, 5},   /* too deep */
        {{P, 0 | H, 0}, 3},                     /* identity, not hardened */
        {{P, 0, 0 | H}, 3},                     /* account not hardened */
        {{SPARK_PURPOSE, 0 | H, 0 | H}, 3},     /* purpose not hardened */
        {{P, 0 | H, 5 | H}, 3},                 /* unknown branch */
        {{P, 0 | H, 3 | H}, 3},                 /* static deposit needs an index */
        {{P, 0 | H, 2 | H, 0 | H}, 4},          /* deposit has no children */
        {{P, 0 | H, 1 | H, 7}, 4},              /* leaf not hardened */
        {{P, 256 | H, 0 | H}, 3},               /* account out of range */
        {{P + 1, 0 | H, 0 | H}, 3},             /* wrong purpose */
    };
    fresh_core();
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = put_path_ref(ref, bad[i].path, bad[i].depth);
        CHECK_EQ_U(get_pub(ref, n), SW_PATH_REFUSED);
        CHECK_EQ_U(g_host_reply.len, 0);
    }
    /* malformed path references */
    ref[0] = KEY_EXPLICIT_PATH;
    ref[1] = 0;
    CHECK_EQ_U(get_pub(ref, 2), SW_BAD_DATA);
    ref[1] = 11;
    CHECK_EQ_U(get_pub(ref, 2 + 44), SW_BAD_DATA);
    ref[1] = 3;
    CHECK_EQ_U(get_pub(ref, 2 + 8), SW_WRONG_LENGTH);
}

static void test_keyref_errors(void) {
    uint8_t ref[80] = {0};
    fresh_core();
    /* account > 255 */
    ref[0] = KEY_IDENTITY;
    ref[3] = 1;
    ref[4] = 0;
    CHECK_EQ_U(get_pub(ref, 5), SW_PATH_REFUSED);
    /* static deposit index with the hardened bit */
    memset(ref, 0, sizeof ref);
    ref[0] = KEY_STATIC_DEPOSIT;
    ref[5] = 0x80;
    CHECK_EQ_U(get_pub(ref, 9), SW_PATH_REFUSED);
    /* unknown kind, empty, short, trailing */
    ref[0] = 7;
    CHECK_EQ_U(get_pub(ref, 5), SW_BAD_DATA);
    CHECK_EQ_U(get_pub(ref, 0), SW_WRONG_LENGTH);
    ref[0] = KEY_DEPOSIT;
    CHECK_EQ_U(get_pub(ref, 3), SW_WRONG_LENGTH);
    CHECK_EQ_U(get_pub(ref, 6), SW_BAD_DATA);
    /* leaf ids: empty, too long, non-printable, length beyond the payload */
    memset(ref, 0, sizeof ref);
    ref[0] = KEY_LEAF;
    ref[5] = 0;
    CHECK_EQ_U(get_pub(ref, 6), SW_BAD_DATA);
    ref[5] = 65;
    memset(ref + 6, 'a', 65);
    CHECK_EQ_U(get_pub(ref, 6 + 65), SW_BAD_DATA);
    ref[5] = 3;
    ref[6] = 'a';
    ref[7] = ' ';
    ref[8] = 'b';
    CHECK_EQ_U(get_pub(ref, 9), SW_BAD_DATA);
    ref[7] = 'z';
    CHECK_EQ_U(get_pub(ref, 8), SW_WRONG_LENGTH);
    CHECK_EQ_U(get_pub(ref, 9), SW_OK);
    /* bad P1/P2 */
    uint8_t apdu[20];
    size_t a = mk_apdu(apdu, INS_GET_PUBLIC_KEY, 2, 0, ref, 9);
    CHECK_EQ_U(host_exchange(apdu, a), SW_BAD_P1_P2);
    a = mk_apdu(apdu, INS_GET_PUBLIC_KEY, 0, 1, ref, 9);
    CHECK_EQ_U(host_exchange(apdu, a), SW_BAD_P1_P2);
}

static void test_frost_kinds(void) {
    spark_key_t k;
    memset(&k, 0, sizeof k);
    k.kind = KEY_LEAF;
    CHECK(key_policy_frost_allowed(&k));
    k.kind = KEY_DEPOSIT;
    CHECK(key_policy_frost_allowed(&k));
    k.kind = KEY_STATIC_DEPOSIT;
    CHECK(key_policy_frost_allowed(&k));
    k.kind = KEY_IDENTITY;
    CHECK(!key_policy_frost_allowed(&k));
    k.kind = KEY_SIGNING_BASE;
    CHECK(!key_policy_frost_allowed(&k));
    k.kind = KEY_HTLC_BASE;
    CHECK(!key_policy_frost_allowed(&k));
}

void suite_policy(void) {
    RUN(test_pubkeys_match_ts);
    RUN(test_leaf_index);
    RUN(test_non_spark_paths_refused);
    RUN(test_keyref_errors);
    RUN(test_frost_kinds);
}
