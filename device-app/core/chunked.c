/* chunked.c - see chunked.h. The payload stays untouched while a review is pending: no APDU can
 * arrive before the reply (and one that does drops the review first). */
#include "chunked.h"

#include <string.h>

#include "dispatch.h"
#include "protocol.h"

static uint8_t g_buf[CHUNKED_MAX];
static uint16_t g_len;
static uint8_t g_ins;
static uint8_t g_started;

void chunked_reset(void) {
    g_len = 0u;
    g_started = 0u;
}

const uint8_t *chunked_data(void) { return g_buf; }

uint16_t chunked_len(void) { return g_len; }

chunk_result_t chunked_accept(const apdu_t *a, uint16_t max) {
    if ((a->p1 != P1_CHUNK_FIRST && a->p1 != P1_CHUNK_NEXT) ||
        (a->p2 != P2_CHUNK_LAST && a->p2 != P2_CHUNK_MORE)) {
        chunked_reset();
        core_reply_sw(SW_BAD_P1_P2);
        return CHUNK_ERROR;
    }
    if (a->p1 == P1_CHUNK_FIRST) {
        g_len = 0u;
        g_started = 1u;
        g_ins = a->ins;
    } else if (!g_started || g_ins != a->ins) {
        chunked_reset();
        core_reply_sw(SW_CHUNK_SEQUENCE);
        return CHUNK_ERROR;
    }
    if (max > CHUNKED_MAX || (size_t)g_len + a->lc > max) {
        chunked_reset();
        core_reply_sw(SW_CHUNK_SEQUENCE);
        return CHUNK_ERROR;
    }
    memcpy(g_buf + g_len, a->data, a->lc);
    g_len = (uint16_t)(g_len + a->lc);
    if (a->p2 == P2_CHUNK_MORE) {
        core_reply_sw(SW_OK);
        return CHUNK_MORE;
    }
    g_started = 0u;
    return CHUNK_DONE;
}
