/* handler_frost_commit.c - FROST_COMMIT (PROTOCOL.md 0x30): issue up to 3 nonce references and
 * their commitments from the nonce store. */
#include "dispatch.h"
#include "nonce_store.h"
#include "protocol.h"
#include "session_cache.h"

void handle_frost_commit(const apdu_t *a) {
    uint8_t out[4u + 66u * FROST_MAX_COMMIT_BATCH];
    uint32_t k = a->p1;
    if (k == 0u || k > FROST_MAX_COMMIT_BATCH || a->p2 != 0u) {
        core_reply_sw(SW_BAD_P1_P2);
        return;
    }
    if (a->lc != 0u) {
        core_reply_sw(SW_WRONG_LENGTH);
        return;
    }
    uint32_t first = 0u;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t ref;
        if (!nonce_store_issue(&ref)) {
            core_reply_sw(SW_INTERNAL); /* 2^32 commitments in one run: counter exhausted */
            return;
        }
        if (i == 0u) {
            first = ref;
        }
        if (!nonce_store_commitments(ref, out + 4u + 66u * i, out + 4u + 66u * i + 33u)) {
            (void)nonce_store_consume(ref);
            core_reply_sw(SW_INTERNAL);
            return;
        }
        commit_cache_put(ref, out + 4u + 66u * i, out + 4u + 66u * i + 33u);
    }
    out[0] = (uint8_t)(first >> 24);
    out[1] = (uint8_t)(first >> 16);
    out[2] = (uint8_t)(first >> 8);
    out[3] = (uint8_t)first;
    core_reply(out, 4u + 66u * k, SW_OK);
}
