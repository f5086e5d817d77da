/* handler_split_prepare.c - SPLIT_PREPARE (PROTOCOL.md 0x3A): the host asks the device to make
 * the randomness of up to k future KEY_SPLIT transfers of threshold t ahead, while it is idle.
 * The host names only k and t; what is drawn never leaves the device. Answers how many entries
 * are ready for t (k = 0 only asks). */
#include "dispatch.h"
#include "protocol.h"
#include "split_pool.h"

void handle_split_prepare(const apdu_t *a) {
    uint32_t k = a->p1;
    if (k > SPLIT_POOL_SLOTS || a->p2 != 0u) {
        core_reply_sw(SW_BAD_P1_P2);
        return;
    }
    if (a->lc != 1u) {
        core_reply_sw(SW_WRONG_LENGTH);
        return;
    }
    uint32_t t = a->data[0];
    if (t == 0u || t > SPLIT_POOL_MAX_T) {
        core_reply_sw(SW_BAD_DATA);
        return;
    }
    if (!split_pool_prepare(k, t)) {
        core_reply_sw(SW_INTERNAL); /* the TRNG gave no valid scalar */
        return;
    }
    uint8_t ready = (uint8_t)split_pool_count(t);
    core_reply(&ready, 1u, SW_OK);
}
