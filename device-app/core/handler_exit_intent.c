/* handler_exit_intent.c - EXIT_INTENT (PROTOCOL.md 0x38): the user approves a cooperative exit
 * once — the amount the withdrawal address receives, read from the provider's exit transaction
 * itself, the fee (what the leaves carry beyond it), the address, and the service provider's
 * Spark address — and the key splits, connector refunds and identity signatures that fit it then
 * run without a screen (intent.c). The refunds must spend outputs of the connector transaction
 * that spends this exit transaction, so an approval serves this exit only. */
#include <string.h>

#include "bech32.h"
#include "chunked.h"
#include "dispatch.h"
#include "exit_tx.h"
#include "intent.h"
#include "network.h"
#include "protocol.h"
#include "review.h"
#include "ux_text.h"

static struct {
    uint64_t total, payout;
    uint32_t payout_script_len;
    uint8_t payout_script[TX_MAX_SCRIPT];
} g_shown;

static uint16_t tx_sw(tx_err_t e) { return e == TX_UNSUPPORTED ? SW_TX_UNSUPPORTED : SW_BAD_DATA; }

static uint16_t parse(intent_t *pending) {
    reader_t r;
    rd_init(&r, chunked_data(), chunked_len());
    memset(pending, 0, sizeof *pending);
    memset(&g_shown, 0, sizeof g_shown);
    pending->kind = INTENT_EXIT;
    uint16_t sw = intent_parse_leaves(&r, pending, &g_shown.total);
    if (sw != SW_OK) {
        return sw;
    }
    uint8_t payout_vout = rd_u8(&r);
    uint16_t exit_len = rd_u16(&r);
    const uint8_t *exit_raw = rd_bytes(&r, exit_len);
    uint16_t conn_len = rd_u16(&r);
    const uint8_t *conn_raw = rd_bytes(&r, conn_len);
    if (r.err) {
        return SW_WRONG_LENGTH;
    }
    if (!rd_finished(&r)) {
        return SW_BAD_DATA;
    }
    exit_tx_t exit_tx, conn;
    tx_err_t e = exit_tx_parse(exit_raw, exit_len, &exit_tx);
    if (e != TX_OK) {
        return tx_sw(e);
    }
    e = exit_tx_parse(conn_raw, conn_len, &conn);
    if (e != TX_OK) {
        return tx_sw(e);
    }
    /* what the address receives: the exit transaction's own output, not a number the host states */
    const uint8_t *script = NULL;
    uint32_t script_len = 0;
    if (!exit_tx_output(&exit_tx, payout_vout, &g_shown.payout, &script, &script_len)) {
        return SW_BAD_DATA;
    }
    if (script_len > TX_MAX_SCRIPT) {
        return SW_TX_UNSUPPORTED; /* no standard address is that long */
    }
    g_shown.payout_script_len = script_len;
    memcpy(g_shown.payout_script, script, script_len);
    /* the leaves pay for the payout: what they carry beyond it is the fee shown */
    if (g_shown.payout > g_shown.total) {
        return SW_BAD_DATA;
    }
    /* the connector spends one of the exit's other outputs (so it exists only once the exit is
     * mined) and has one output per leaf plus the fee-bump output (the SDK's and the operators'
     * layout, docs/ssp.md, section "Cooperative exits") */
    uint32_t conn_vout = outpoint_vout(conn.first_outpoint);
    if (conn.n_in != 1u || memcmp(conn.first_outpoint, exit_tx.txid, 32u) != 0 || conn_vout >= exit_tx.n_out ||
        conn_vout == payout_vout || conn.n_out != pending->n + 1u) {
        return SW_BAD_DATA;
    }
    memcpy(pending->connector_txid, conn.txid, 32u);
    return pending->account > SPARK_MAX_ACCOUNT ? SW_PATH_REFUSED : SW_OK;
}

void handle_exit_intent(const apdu_t *a) {
    if (chunked_accept(a, CHUNKED_MAX) != CHUNK_DONE) {
        return;
    }
    /* a new intent (of any kind) ends the old one, whatever becomes of the new one */
    intent_t *pending = intent_pending();
    uint16_t sw = parse(pending);
    char spark[SPARK_ADDR_MAX + 1u];
    if (sw == SW_OK && !spark_address(network_spark_hrp(pending->network), pending->receiver, spark)) {
        sw = SW_INTERNAL;
    }
    if (sw != SW_OK) {
        intent_clear();
        chunked_reset();
        core_reply_sw(sw);
        return;
    }
    review_reset();
    ux_page_t *p = review_add_page("Withdraw");
    page_add_sats(p, "", g_shown.payout);
    page_add_sats(p, "Fee ", g_shown.total - g_shown.payout);
    page_add_number(p, "Leaves ", pending->n);
    page_add_number(p, "Account ", pending->account);
    p = review_add_page("To");
    page_add_address(p, network_btc_hrp(pending->network), g_shown.payout_script, g_shown.payout_script_len);
    p = review_add_page("Provider");
    page_add_wrapped(p, spark, UX_LINE_CHARS);
    core_defer_reply();
    review_start(intent_review_decided);
}
