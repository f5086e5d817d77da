/* exit_tx.c - see exit_tx.h. Every read goes through the bounds-checked reader. */
#include "exit_tx.h"

#include <string.h>

#include "apdu_reader.h"
#include "sha256.h"

uint32_t outpoint_vout(const uint8_t *outpoint) {
    return (uint32_t)outpoint[32] | ((uint32_t)outpoint[33] << 8) | ((uint32_t)outpoint[34] << 16) |
           ((uint32_t)outpoint[35] << 24);
}

/* Walks the outputs from the reader's position; stops at `want` (if < n) with its fields. */
static tx_err_t walk_outputs(reader_t *r, uint32_t n, uint32_t want, uint64_t *value, const uint8_t **script,
                             uint32_t *script_len) {
    bool unsupported = false;
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v = tx_rd_le(r, 8u);
        uint32_t sl = tx_rd_count(r, &unsupported);
        const uint8_t *s = rd_bytes(r, sl);
        if (r->err) {
            return TX_MALFORMED;
        }
        if (unsupported) {
            return TX_UNSUPPORTED;
        }
        if (v > TX_MAX_SATS || (total += v) > TX_MAX_SATS) {
            return TX_MALFORMED;
        }
        if (i == want) {
            *value = v;
            *script = s;
            *script_len = sl;
        }
    }
    return TX_OK;
}

tx_err_t exit_tx_parse(const uint8_t *raw, size_t len, exit_tx_t *tx) {
    reader_t r;
    bool unsupported = false;
    rd_init(&r, raw, len);
    memset(tx, 0, sizeof *tx);
    (void)tx_rd_le(&r, 4u); /* version: the operators check the connector's; the exit's is the provider's */
    tx->n_in = tx_rd_count(&r, &unsupported);
    if (r.err) {
        return TX_MALFORMED;
    }
    if (unsupported || tx->n_in == 0u) { /* 0 inputs is the BIP144 witness marker */
        return TX_UNSUPPORTED;
    }
    for (uint32_t i = 0; i < tx->n_in; i++) {
        const uint8_t *op = rd_bytes(&r, 36u);
        uint32_t sl = tx_rd_count(&r, &unsupported);
        (void)rd_bytes(&r, sl);
        (void)tx_rd_le(&r, 4u);
        if (r.err) {
            return TX_MALFORMED;
        }
        if (unsupported) {
            return TX_UNSUPPORTED;
        }
        if (i == 0u) {
            tx->first_outpoint = op;
        }
    }
    tx->n_out = tx_rd_count(&r, &unsupported);
    if (r.err) {
        return TX_MALFORMED;
    }
    if (unsupported || tx->n_out == 0u) {
        return TX_UNSUPPORTED;
    }
    uint64_t v;
    const uint8_t *s;
    uint32_t sl;
    tx_err_t e = walk_outputs(&r, tx->n_out, UINT32_MAX, &v, &s, &sl);
    if (e != TX_OK) {
        return e;
    }
    (void)tx_rd_le(&r, 4u); /* locktime */
    if (r.err || r.off != r.len) {
        return TX_MALFORMED;
    }
    tx->raw = raw;
    tx->len = len;
    uint8_t h[32];
    sha256(raw, len, h);
    sha256(h, 32u, tx->txid);
    return TX_OK;
}

uint32_t exit_tx_output(const exit_tx_t *tx, uint32_t index, uint64_t *value, const uint8_t **script, uint32_t *script_len) {
    if (tx->raw == NULL || index >= tx->n_out) {
        return 0u;
    }
    /* re-walk the parsed (so well-formed) bytes up to the outputs */
    reader_t r;
    bool unsupported = false;
    rd_init(&r, tx->raw, tx->len);
    (void)tx_rd_le(&r, 4u);
    uint32_t n_in = tx_rd_count(&r, &unsupported);
    for (uint32_t i = 0; i < n_in; i++) {
        (void)rd_bytes(&r, 36u);
        (void)rd_bytes(&r, tx_rd_count(&r, &unsupported));
        (void)tx_rd_le(&r, 4u);
    }
    uint32_t n_out = tx_rd_count(&r, &unsupported);
    return walk_outputs(&r, n_out, index, value, script, script_len) == TX_OK && !r.err ? 1u : 0u;
}
