/* handler_frost_sign.c - FROST_SIGN (PROTOCOL.md 0x31): the blind path. The chunked package
 * carries the 32-byte sighash itself; the steps are frost_request's, the review shows the hash. */
#include "chunked.h"
#include "dispatch.h"
#include "frost_request.h"
#include "protocol.h"
#include "review.h"
#include "review_key.h"
#include "settings.h"
#include "ux_text.h"

/* The parsed request (pointing into the chunk buffer, untouched while the review is pending) and
 * the public part of its share, computed before the review. */
static frost_req_t g_req;
static frost_plan_t g_plan;

void frost_sign_reset(void) { chunked_reset(); }

static void on_decision(bool approved) {
    if (approved) {
        frost_req_reply_share(&g_req, &g_plan);
    } else {
        core_reply_sw(SW_DENIED);
    }
    chunked_reset();
}

static uint16_t run(void) {
    reader_t r;
    uint16_t key_sw;
    rd_init(&r, chunked_data(), chunked_len());
    uint16_t sw = frost_req_parse(&r, &g_req, true, &key_sw);
    if (sw != SW_OK) {
        return sw;
    }
    if (!rd_finished(&r)) {
        return SW_BAD_DATA; /* trailing bytes */
    }
    sw = frost_req_begin(&g_req, key_sw);
    if (sw != SW_OK) {
        return sw;
    }
    if (!settings_blind_signing()) {
        return SW_BLIND_SIGNING_DISABLED;
    }
    sw = frost_req_check_commitments(&g_req);
    if (sw == SW_OK) {
        sw = frost_req_prepare(&g_req, &g_plan);
    }
    return sw;
}

void handle_frost_sign(const apdu_t *a) {
    if (chunked_accept(a, FROST_MAX_PAYLOAD) != CHUNK_DONE) {
        return;
    }
    uint16_t sw = run();
    if (sw != SW_OK) {
        chunked_reset();
        core_reply_sw(sw);
        return;
    }
    review_reset();
    ux_page_t *p = review_add_page("Blind signing");
    page_add_line(p, "FROST share");
    review_describe_key(p, &g_req.key);
    review_add_leaf_page(&g_req.key);
    p = review_add_page("Message hash");
    page_add_hex(p, g_req.msg, 32u, 16u);
    core_defer_reply();
    review_start(on_decision);
}
