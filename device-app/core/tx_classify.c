/* tx_classify.c - see tx_classify.h. */
#include "tx_classify.h"

#include <string.h>

static const uint8_t P2A[4] = {0x51u, 0x02u, 0x4eu, 0x73u};

uint32_t tx_is_anchor(const tx_out_t *o) {
    return o->value == 0u && o->script_len == sizeof P2A && memcmp(o->script, P2A, sizeof P2A) == 0;
}

out_class_t tx_output_class(const tx_out_t *o, const uint8_t (*own)[TAPROOT_SCRIPT_LEN], uint32_t n_own) {
    if (tx_is_anchor(o)) {
        return OUT_ANCHOR;
    }
    for (uint32_t k = 0; k < n_own; k++) {
        if (o->script_len == TAPROOT_SCRIPT_LEN && memcmp(o->script, own[k], TAPROOT_SCRIPT_LEN) == 0) {
            return OUT_OWN;
        }
    }
    return OUT_FOREIGN;
}

uint64_t tx_out_total(const tx_t *tx) {
    uint64_t t = 0;
    for (uint32_t i = 0; i < tx->n_out; i++) {
        t += tx->out[i].value;
    }
    return t;
}

tx_class_t tx_classify(const tx_t *tx, uint64_t in_total, const uint8_t (*own)[TAPROOT_SCRIPT_LEN],
                       uint32_t n_own) {
    uint32_t owned = 0;
    for (uint32_t i = 0; i < tx->n_out; i++) {
        out_class_t c = tx_output_class(&tx->out[i], own, n_own);
        if (c == OUT_FOREIGN) {
            return TX_PAYS;
        }
        owned += c == OUT_OWN ? 1u : 0u;
    }
    /* all to the anchor, or a large fee: value leaves the user's keys */
    if (owned == 0u || in_total - tx_out_total(tx) > TX_STAYS_MAX_FEE) {
        return TX_PAYS;
    }
    return TX_STAYS;
}
