/* handler_transfer_intent.c - TRANSFER_INTENT (PROTOCOL.md 0x35) and SWAP_INTENT (0x37): the
 * user approves a whole transfer, or a whole leaf swap with the service provider, once — the
 * total of its leaves and the receiver (the provider) as a Spark address — and the key splits and
 * refunds that fit it then run without a screen (intent.c). The two share the payload; a swap's
 * refunds must carry an adaptor point, a transfer's none. */
#include <string.h>

#include "bech32.h"
#include "chunked.h"
#include "dispatch.h"
#include "intent.h"
#include "network.h"
#include "protocol.h"
#include "review.h"
#include "ux_text.h"

_Static_assert(INTENT_MAX_PAYLOAD <= CHUNKED_MAX, "a full intent fits the chunk buffer");

/* the intent under review: the intent's own storage, inactive until approved (intent_draft) */
static intent_t *g_pending;

intent_t *intent_pending(void) {
    g_pending = intent_draft();
    return g_pending;
}

static uint16_t parse(bool swap, uint64_t *total) {
    reader_t r;
    rd_init(&r, chunked_data(), chunked_len());
    g_pending->kind = swap ? INTENT_SWAP : INTENT_TRANSFER;
    uint16_t sw = intent_parse_leaves(&r, g_pending, total);
    if (sw == SW_OK && !rd_finished(&r)) {
        return SW_BAD_DATA;
    }
    return sw == SW_OK && g_pending->account > SPARK_MAX_ACCOUNT ? SW_PATH_REFUSED : sw;
}

void intent_review_decided(bool approved) {
    if (approved) {
        intent_activate(g_pending);
        core_reply_sw(SW_OK);
    } else {
        intent_clear();
        core_reply_sw(SW_DENIED);
    }
    chunked_reset();
}

static void run(const apdu_t *a, bool swap) {
    if (chunked_accept(a, INTENT_MAX_PAYLOAD) != CHUNK_DONE) {
        return;
    }
    /* a new intent (of either kind) ends the old one, whatever becomes of the new one */
    (void)intent_pending();
    uint64_t total = 0;
    uint16_t sw = parse(swap, &total);
    if (sw != SW_OK) {
        intent_clear();
        chunked_reset();
        core_reply_sw(sw);
        return;
    }
    char addr[SPARK_ADDR_MAX + 1u];
    if (!spark_address(network_spark_hrp(g_pending->network), g_pending->receiver, addr)) {
        intent_clear();
        chunked_reset();
        core_reply_sw(SW_INTERNAL);
        return;
    }
    review_reset();
    ux_page_t *p = review_add_page(swap ? "Swap" : "Send");
    page_add_sats(p, "", total);
    page_add_number(p, "Leaves ", g_pending->n);
    page_add_number(p, "Account ", g_pending->account);
    p = review_add_page(swap ? "Provider" : "To");
    page_add_wrapped(p, addr, UX_LINE_CHARS);
    core_defer_reply();
    review_start(intent_review_decided);
}

void handle_transfer_intent(const apdu_t *a) { run(a, false); }

void handle_swap_intent(const apdu_t *a) { run(a, true); }
