/* fuzz_keyref.c - libFuzzer target for the KEYREF parser and the path policy. Whatever the
 * input, an accepted key must be a Spark path: depth 3 or 4, every element hardened, purpose
 * 8797555', account <= 255, and a known branch. */
#include <stdlib.h>
#include <string.h>

#include "key_policy.h"
#include "protocol.h"

static void check_key(const spark_key_t *k) {
    if (k->depth != 3u && k->depth != 4u) {
        abort();
    }
    for (unsigned i = 0; i < k->depth; i++) {
        if ((k->path[i] & HARDENED) == 0u) {
            abort();
        }
    }
    if (k->path[0] != (SPARK_PURPOSE | HARDENED) || k->account > SPARK_MAX_ACCOUNT ||
        k->path[1] != (k->account | HARDENED)) {
        abort();
    }
    uint32_t branch = k->path[2] & ~HARDENED;
    if (k->depth == 3u ? !(branch == 0u || branch == 1u || branch == 2u || branch == 4u)
                       : !(branch == 1u || branch == 3u)) {
        abort();
    }
    if (k->leaf_id_len > SPARK_LEAF_ID_MAX || strlen(k->leaf_id) != k->leaf_id_len) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader_t r;
    spark_key_t key;
    rd_init(&r, data, size);
    if (keyref_parse(&r, &key) == SW_OK) {
        check_key(&key);
        if (r.off > size) {
            abort();
        }
    }
    /* the same bytes as a raw path */
    uint32_t path[8];
    uint32_t depth = (uint32_t)(size / 4u);
    if (depth > 8u) {
        depth = 8u;
    }
    for (uint32_t i = 0; i < depth; i++) {
        path[i] = ((uint32_t)data[4 * i] << 24) | ((uint32_t)data[4 * i + 1] << 16) |
                  ((uint32_t)data[4 * i + 2] << 8) | data[4 * i + 3];
    }
    if (key_policy_check_path(path, depth, &key) == SW_OK) {
        check_key(&key);
    }
    return 0;
}
