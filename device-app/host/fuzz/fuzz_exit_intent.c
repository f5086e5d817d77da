/* fuzz_exit_intent.c - libFuzzer target for the cooperative exit (PROTOCOL.md 0x38 EXIT_INTENT).
 * Byte 0 picks the target:
 *   0: the exit transaction parser (exit_tx.c) on the rest; a parsed transaction's every output
 *      is read back, and its values must add up within 21e14 sats;
 *   1: EXIT_INTENT with the rest as payload (chunked), approved or rejected by byte 1; after an
 *      approval, a KEY_SPLIT transfer and a FROST_SIGN_TX follow whose payloads are the same
 *      bytes again (so the connector rules run on whatever the fuzzer makes of them).
 * Besides the sanitizers: one reply per APDU, a deferred reply always has a review on screen, an
 * approved intent is an exit intent. */
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "exit_tx.h"
#include "frost_payload.h"
#include "host_platform.h"
#include "intent.h"
#include "protocol.h"
#include "review.h"

static const uint8_t SEED[64] = {9, 9, 9};

/* Sends payload in 255-byte chunks of `ins`; approves (or rejects) a review. Returns the SW. */
static uint16_t send(uint8_t ins, const uint8_t *p, size_t len, bool approve) {
    uint16_t sw = send_chunked(ins, p, len, 255u);
    if (sw == 0) {
        if (!review_active()) {
            abort();
        }
        sw = host_decide(approve);
        if (sw == 0) {
            abort(); /* a decision always answers */
        }
    }
    return sw;
}

static void parse(const uint8_t *p, size_t len) {
    exit_tx_t tx;
    if (exit_tx_parse(p, len, &tx) != TX_OK) {
        return;
    }
    if (tx.n_in == 0u || tx.n_out == 0u || tx.first_outpoint == NULL) {
        abort();
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < tx.n_out; i++) {
        uint64_t v = 0;
        const uint8_t *s = NULL;
        uint32_t sl = 0;
        if (!exit_tx_output(&tx, i, &v, &s, &sl) || s + sl > p + len) {
            abort();
        }
        total += v;
    }
    uint64_t v;
    const uint8_t *s;
    uint32_t sl;
    if (total > TX_MAX_SATS || exit_tx_output(&tx, tx.n_out, &v, &s, &sl) != 0u) {
        abort();
    }
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
    if (data[0] % 2u == 0u) {
        parse(data + 1, size - 1);
        return 0;
    }
    uint16_t sw = send(INS_EXIT_INTENT, p, len, (data[1] & 1u) == 0u);
    if (sw == SW_OK && !intent_active()) {
        abort(); /* approved: the intent is active */
    }
    if (sw != SW_OK) {
        return 0;
    }
    uint8_t apdu[CORE_MAX_APDU];
    size_t kl = len > 255u ? 255u : len;
    apdu[0] = CLA_SPARK;
    apdu[1] = INS_KEY_SPLIT;
    apdu[2] = P1_KEY_SPLIT_RUN;
    apdu[3] = 0;
    apdu[4] = (uint8_t)kl;
    memcpy(apdu + 5, p, kl);
    if (host_exchange(apdu, 5 + kl) == 0 && (!review_active() || host_decide(true) == 0)) {
        abort();
    }
    (void)send(INS_FROST_SIGN_TX, p, len, true);
    return 0;
}
