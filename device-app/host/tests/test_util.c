#include "core_includes.h"
#include "test.h"
#include "vectors/vectors.h"

size_t mk_apdu(uint8_t *buf, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
               size_t len) {
    buf[0] = CLA_SPARK;
    buf[1] = ins;
    buf[2] = p1;
    buf[3] = p2;
    if (data == NULL && len == 0) {
        return 4;
    }
    buf[4] = (uint8_t)len;
    if (len > 0) {
        memcpy(buf + 5, data, len);
    }
    return 5 + len;
}

void hex_to_bytes(const char *hex, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

void fresh_core(void) {
    host_reset(TV_SEED, sizeof TV_SEED);
    host_queue_random(TV_SESSION_SECRET, sizeof TV_SESSION_SECRET);
    core_init();
}

size_t put_leaf_ref(uint8_t *o, const char *leaf) {
    size_t l = strlen(leaf);
    o[0] = KEY_LEAF;
    memset(o + 1, 0, 4);
    o[5] = (uint8_t)l;
    memcpy(o + 6, leaf, l);
    return 6 + l;
}
