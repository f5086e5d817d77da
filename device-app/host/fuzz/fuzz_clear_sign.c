/* fuzz_clear_sign.c - libFuzzer target for clear signing (PROTOCOL.md FROST_SIGN_TX,
 * TRANSFER_INTENT). Byte 0 picks the target:
 *   0: the transaction parser on the rest; a parsed transaction is hashed (BIP341), classified
 *      and checked against a fixed approved intent (the refund rules), as FROST_SIGN_TX does;
 *   1: TRANSFER_INTENT with the rest as payload (chunked), approved or rejected by byte 1, then
 *      a KEY_SPLIT transfer and a FROST_SIGN_TX whose payloads follow in the input;
 *   2: FROST_SIGN_TX with the rest as payload (chunked);
 *   3: the identity statement parser (id_statement.c): byte 1 = mode, the rest fed in pieces
 *      whose sizes come from the data itself; then SIGN_IDENTITY_CLEAR (chunked) over the same
 *      bytes under an approved intent whose leaf was split (so the per-leaf and package checks
 *      run too). A statement that parses must hash to SHA-256 of what was fed, and the same
 *      bytes must parse under no other mode and not be 32 bytes long (PROTOCOL.md, "No
 *      statement is another");
 *   4: as 1 with SWAP_INTENT (whose refunds must carry an adaptor point).
 * In targets 1 and 4, with bit 7 of byte 0 set, the intent payload's length is bytes 1..2 (big
 * endian) instead of byte 1, so that intents up to and past the 64-leaf limit are reached.
 * Besides the sanitizers: one reply per APDU, a deferred reply always has a review on screen. */
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "host_platform.h"
#include "intent.h"
#include "protocol.h"
#include "sha256.h"
#include "id_statement.h"
#include "review.h"
#include "tx.h"
#include "tx_classify.h"

static const uint8_t SEED[64] = {7, 7, 7};

/* Sends payload in 255-byte chunks of `ins`; approves (or rejects) a review. */
static void send(uint8_t ins, const uint8_t *p, size_t len, bool approve) {
    uint8_t apdu[CORE_MAX_APDU];
    size_t off = 0;
    uint16_t sw;
    do {
        size_t take = len - off > 255u ? 255u : len - off;
        bool last = off + take == len;
        apdu[0] = CLA_SPARK;
        apdu[1] = ins;
        apdu[2] = off == 0 ? P1_CHUNK_FIRST : P1_CHUNK_NEXT;
        apdu[3] = last ? P2_CHUNK_LAST : P2_CHUNK_MORE;
        apdu[4] = (uint8_t)take;
        memcpy(apdu + 5, p + off, take);
        sw = host_exchange(apdu, 5 + take);
        off += take;
    } while (off < len && sw == SW_OK);
    if (sw == 0) {
        if (!review_active()) {
            abort();
        }
        if (host_decide(approve) == 0) {
            abort(); /* a decision always answers */
        }
    }
}

static void parse_and_check(const uint8_t *data, size_t size, bool swap) {
    tx_t tx;
    uint8_t h[32];
    static const uint8_t script[34] = {0x51, 0x20, 1, 2, 3};
    tx_prevout_t prev[TX_MAX_INPUTS];
    if (tx_parse(data, size, &tx) != TX_OK) {
        return;
    }
    for (uint32_t i = 0; i < tx.n_in; i++) {
        prev[i] = (tx_prevout_t){.value = 100000u, .script = script, .script_len = sizeof script};
    }
    tx_sighash_taproot(&tx, prev, 0, h);
    uint8_t own[1][TAPROOT_SCRIPT_LEN];
    memcpy(own[0], script, sizeof script);
    (void)tx_classify(&tx, tx_out_total(&tx), (const uint8_t(*)[TAPROOT_SCRIPT_LEN])own, 1);
    /* the intent's refund rules on this transaction */
    intent_t in;
    memset(&in, 0, sizeof in);
    in.kind = swap ? INTENT_SWAP : INTENT_TRANSFER;
    in.n = 1;
    in.leaves[0].value = 100000u;
    in.leaves[0].timelock = 2000u;
    in.leaves[0].split = 1u;
    memcpy(in.receiver_script, script, sizeof script);
    static const char leaf[] = "leaf";
    spark_key_t key;
    memset(&key, 0, sizeof key);
    key.kind = KEY_LEAF;
    key.leaf_id_len = 4;
    memcpy(key.leaf_id, leaf, 4);
    sha256((const uint8_t *)leaf, 4, in.leaves[0].id_hash);
    intent_activate(&in);
    (void)intent_check_refund(&key, &tx, prev, 0, false);
    (void)intent_check_refund(&key, &tx, prev, 0, true);
    intent_clear();
}

/* Whether the whole of p parses as the statement `mode` (fed at once). */
static bool parses_as(uint8_t mode, const uint8_t *p, size_t len) {
    ids_parser_t parser;
    ids_result_t out;
    return ids_begin(&parser, mode) && ids_feed(&parser, p, len) && ids_finish(&parser, &out);
}

/* The modes' accepted sets are disjoint, and none holds a 32-byte preimage. */
static void check_disjoint(const uint8_t *p, size_t len) {
    unsigned accepted = 0;
    for (uint8_t m = IDS_LOGIN; m <= IDS_PROVIDER_LOGIN; m++) {
        accepted += parses_as(m, p, len) ? 1u : 0u;
    }
    if (accepted > 1u || (accepted == 1u && len == 32u)) {
        abort();
    }
}

static void statement(uint8_t mode, const uint8_t *p, size_t len) {
    ids_parser_t parser;
    ids_result_t out;
    uint8_t h[32];
    mode &= 7u; /* the five statements and three unknown modes */
    if (ids_begin(&parser, mode)) {
        size_t off = 0;
        while (off < len) {
            size_t take = 1u + p[off] % 64u;
            take = take > len - off ? len - off : take;
            if (!ids_feed(&parser, p + off, take)) {
                break;
            }
            off += take;
        }
        if (ids_finish(&parser, &out)) {
            sha256(p, len, h);
            if (off != len || memcmp(h, out.digest, 32u) != 0) {
                abort();
            }
            check_disjoint(p, len);
        }
    }
    /* the command: an intent with one split leaf "leaf" first */
    intent_t in;
    memset(&in, 0, sizeof in);
    in.n = 1;
    in.leaves[0].value = 100000u;
    in.leaves[0].split = 1u;
    sha256((const uint8_t *)"leaf", 4, in.leaves[0].id_hash);
    if (len > 129u) {
        sha256(p + len - 129u, 129u, in.leaves[0].cipher_hash);
    }
    intent_activate(&in);
    static uint8_t payload[4096];
    size_t n = len > sizeof payload - 5u ? sizeof payload - 5u : len;
    payload[0] = mode;
    memset(payload + 1, 0, 4);
    memcpy(payload + 5, p, n);
    send(INS_SIGN_IDENTITY_CLEAR, payload, n + 5u, true);
    intent_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) {
        return 0;
    }
    host_reset(SEED, sizeof SEED);
    core_init();
    const uint8_t *p = data + 2;
    size_t len = size - 2;
    switch (data[0] % 5u) {
    case 0:
        parse_and_check(data + 1, size - 1, (data[0] & 8u) != 0u);
        break;
    case 1:
    case 4: {
        /* byte 1 (or 1..2): intent payload length (then split, then sign_tx payloads split at half) */
        size_t want = data[1];
        if ((data[0] & 0x80u) != 0u) {
            if (len == 0u) {
                return 0;
            }
            want = (size_t)data[1] << 8 | data[2];
            p++;
            len--;
        }
        size_t il = want < len ? want : len;
        send(data[0] % 5u == 1u ? INS_TRANSFER_INTENT : INS_SWAP_INTENT, p, il, true);
        size_t rest = len - il, half = rest / 2u;
        uint8_t apdu[CORE_MAX_APDU];
        size_t kl = half > 255u ? 255u : half;
        apdu[0] = CLA_SPARK;
        apdu[1] = INS_KEY_SPLIT;
        apdu[2] = P1_KEY_SPLIT_RUN;
        apdu[3] = 0;
        apdu[4] = (uint8_t)kl;
        memcpy(apdu + 5, p + il, kl);
        if (host_exchange(apdu, 5 + kl) == 0) {
            if (!review_active() || host_decide(true) == 0) {
                abort();
            }
        }
        send(INS_FROST_SIGN_TX, p + il + half, rest - half, true);
        break;
    }
    case 2:
        send(INS_FROST_SIGN_TX, p, len, (data[1] & 1u) == 0u);
        break;
    default:
        statement(data[1], p, len);
        break;
    }
    return 0;
}
