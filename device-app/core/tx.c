/* tx.c - see tx.h. Little-endian as Bitcoin serializes; every read goes through the bounds-checked
 * payload reader (apdu_reader.h). */
#include "tx.h"

#include <string.h>

#include "apdu_reader.h"
#include "sha256.h"
#include "tagged.h"

uint64_t tx_rd_le(reader_t *r, size_t n) {
    const uint8_t *q = rd_bytes(r, n);
    uint64_t v = 0;
    for (size_t i = 0; q != NULL && i < n; i++) {
        v |= (uint64_t)q[i] << (8u * i);
    }
    return v;
}

/* every count and script here is < 0xfd */
uint32_t tx_rd_count(reader_t *r, bool *unsupported) {
    uint64_t v = tx_rd_le(r, 1u);
    if (v >= 0xfdu) {
        *unsupported = true;
    }
    return (uint32_t)v;
}

tx_err_t tx_parse(const uint8_t *raw, size_t len, tx_t *tx) {
    reader_t r;
    bool unsupported = false;
    rd_init(&r, raw, len);
    memset(tx, 0, sizeof *tx);
    tx->version = (uint32_t)tx_rd_le(&r, 4u);
    tx->n_in = tx_rd_count(&r, &unsupported);
    if (r.err) {
        return TX_MALFORMED;
    }
    /* 0 inputs is the BIP144 marker of a witness serialization */
    if (unsupported || tx->n_in == 0u || tx->n_in > TX_MAX_INPUTS) {
        return TX_UNSUPPORTED;
    }
    for (uint32_t i = 0; i < tx->n_in; i++) {
        tx->in[i].outpoint = rd_bytes(&r, 36u);
        uint32_t script_sig = tx_rd_count(&r, &unsupported);
        if (script_sig != 0u) {
            unsupported = true; /* taproot key-path inputs have an empty scriptSig */
        }
        tx->in[i].sequence = (uint32_t)tx_rd_le(&r, 4u);
        if (r.err) {
            return TX_MALFORMED;
        }
        if (unsupported) {
            return TX_UNSUPPORTED;
        }
    }
    tx->n_out = tx_rd_count(&r, &unsupported);
    if (r.err) {
        return TX_MALFORMED;
    }
    if (unsupported || tx->n_out == 0u || tx->n_out > TX_MAX_OUTPUTS) {
        return TX_UNSUPPORTED;
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < tx->n_out; i++) {
        tx->out[i].value = tx_rd_le(&r, 8u);
        uint32_t sl = tx_rd_count(&r, &unsupported);
        if (r.err) {
            return TX_MALFORMED;
        }
        if (unsupported || sl > TX_MAX_SCRIPT) {
            return TX_UNSUPPORTED;
        }
        tx->out[i].script_len = (uint8_t)sl;
        tx->out[i].script = rd_bytes(&r, sl);
        if (r.err) {
            return TX_MALFORMED;
        }
        if (tx->out[i].value > TX_MAX_SATS || (total += tx->out[i].value) > TX_MAX_SATS) {
            return TX_MALFORMED;
        }
    }
    tx->locktime = (uint32_t)tx_rd_le(&r, 4u);
    if (r.err || r.off != r.len) {
        return TX_MALFORMED;
    }
    return TX_OK;
}

static void put_le(uint8_t *o, uint64_t v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        o[i] = (uint8_t)(v >> (8u * i));
    }
}

/* sha256 over (amount || script) of each output-like entry, or over amounts / scripts only. */
enum { OUTS_FULL, OUTS_AMOUNTS, OUTS_SCRIPTS };

static void hash_outs(const tx_out_t *o, uint32_t n, int what, uint8_t out[32]) {
    sha256_ctx_t c;
    uint8_t b[9];
    sha256_init(&c);
    for (uint32_t i = 0; i < n; i++) {
        put_le(b, o[i].value, 8u);
        b[8] = o[i].script_len;
        if (what != OUTS_SCRIPTS) {
            sha256_update(&c, b, 8u);
        }
        if (what != OUTS_AMOUNTS) {
            sha256_update(&c, b + 8, 1u);
            sha256_update(&c, o[i].script, o[i].script_len);
        }
    }
    sha256_final(&c, out);
}

void tx_sighash_taproot(const tx_t *tx, const tx_prevout_t *prevouts, uint32_t index, uint8_t out[32]) {
    uint8_t msg[1 + 1 + 4 + 4 + 5 * 32 + 1 + 4], b[4];
    sha256_ctx_t c;
    size_t n = 0;
    msg[n++] = 0x00u; /* epoch */
    msg[n++] = 0x00u; /* SIGHASH_DEFAULT */
    put_le(msg + n, tx->version, 4u);
    n += 4u;
    put_le(msg + n, tx->locktime, 4u);
    n += 4u;
    sha256_init(&c); /* sha_prevouts */
    for (uint32_t i = 0; i < tx->n_in; i++) {
        sha256_update(&c, tx->in[i].outpoint, 36u);
    }
    sha256_final(&c, msg + n);
    n += 32u;
    hash_outs(prevouts, tx->n_in, OUTS_AMOUNTS, msg + n); /* sha_amounts */
    n += 32u;
    hash_outs(prevouts, tx->n_in, OUTS_SCRIPTS, msg + n); /* sha_scriptpubkeys */
    n += 32u;
    sha256_init(&c); /* sha_sequences */
    for (uint32_t i = 0; i < tx->n_in; i++) {
        put_le(b, tx->in[i].sequence, 4u);
        sha256_update(&c, b, 4u);
    }
    sha256_final(&c, msg + n);
    n += 32u;
    hash_outs(tx->out, tx->n_out, OUTS_FULL, msg + n); /* sha_outputs */
    n += 32u;
    msg[n++] = 0x00u; /* spend type: key path, no annex */
    put_le(msg + n, index, 4u);
    n += 4u;
    tagged_hash("TapSighash", msg, n, out);
}
