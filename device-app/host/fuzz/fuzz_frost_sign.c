/* fuzz_frost_sign.c - libFuzzer target for the FROST_SIGN payload parser and the whole signing
 * path behind it. Byte 0 selects the mode: even = the rest is a raw payload; odd = the rest is
 * XORed onto a valid payload built from the SDK vectors (so mutations stay near the valid
 * format and reach the review and the share computation). The payload is sent in chunks whose
 * size also comes from byte 0; a review, if shown, is approved. Invariants: one reply per
 * APDU, a reply of 32 bytes only with 0x9000, and the consumed reference never works twice. */
#include <stdlib.h>
#include <string.h>

#include "frost_payload.h"
#include "host_platform.h"
#include "nonce_store.h"
#include "protocol.h"
#include "test.h"
#include "vectors/vectors.h"

unsigned g_checks_failed_in_test; /* test.h helpers link against it */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static uint8_t payload[FROST_MAX_PAYLOAD + 64];
    if (size < 1u) {
        return 0;
    }
    /* vectors 0 and 1 use references 0 and 1: one FROST_COMMIT batch suffices (keeps it fast) */
    const tv_frost_t *v = &TV_FROST[(data[0] >> 1) & 1u];
    size_t n;
    host_reset(TV_SEED, sizeof TV_SEED);
    host_queue_random(TV_SESSION_SECRET, sizeof TV_SESSION_SECRET);
    core_init();
    host_enable_blind_signing();
    /* outstanding references 0..v->ref (+ up to 2 more) */
    issue_commitments_until(v->ref);
    if (data[0] & 1u) {
        n = tv_frost_payload(v, v->ref, payload);
        for (size_t i = 1; i < size && i - 1u < n; i++) {
            payload[i - 1u] ^= data[i];
        }
    } else {
        n = size - 1u;
        if (n > sizeof payload) {
            n = sizeof payload;
        }
        memcpy(payload, data + 1, n);
    }
    size_t chunk = 60u + (size_t)(data[0] % 196u);
    uint16_t sw = send_frost_sign(payload, n, chunk);
    if (sw == 0u) {
        sw = host_decide(true);
    }
    if (sw == SW_OK && g_host_reply.len != 32u) {
        abort();
    }
    if (sw != SW_OK && g_host_reply.len != 0u) {
        abort();
    }
    if (sw == SW_OK) {
        /* the same payload again must be refused: the reference is spent */
        uint16_t again = send_frost_sign(payload, n, chunk);
        if (again != SW_NONCE_UNKNOWN) {
            abort();
        }
    }
    return 0;
}
