#include "spark_keys.h"

#include <string.h>

#include "platform.h"
#include "sha256.h"

uint32_t spark_leaf_index(const uint8_t *leaf_id, size_t len) {
    uint8_t h[32];
    sha256(leaf_id, len, h);
    uint32_t v = ((uint32_t)h[0] << 24) | ((uint32_t)h[1] << 16) | ((uint32_t)h[2] << 8) | h[3];
    return v & 0x7fffffffu;
}

void spark_key_build_path(spark_key_t *key) {
    key->path[0] = SPARK_PURPOSE | HARDENED;
    key->path[1] = key->account | HARDENED;
    key->depth = 3u;
    switch (key->kind) {
    case KEY_IDENTITY:
        key->path[2] = 0u | HARDENED;
        break;
    case KEY_SIGNING_BASE:
        key->path[2] = 1u | HARDENED;
        break;
    case KEY_DEPOSIT:
        key->path[2] = 2u | HARDENED;
        break;
    case KEY_STATIC_DEPOSIT:
        key->path[2] = 3u | HARDENED;
        key->path[3] = key->index | HARDENED;
        key->depth = 4u;
        break;
    case KEY_HTLC_BASE:
        key->path[2] = 4u | HARDENED;
        break;
    case KEY_LEAF:
    case KEY_EXPLICIT_PATH:
    default:
        /* leaf keys are children of the signing base */
        key->path[2] = 1u | HARDENED;
        key->path[3] = key->index | HARDENED;
        key->depth = 4u;
        break;
    }
}

const char *spark_key_name(key_kind_t kind) {
    switch (kind) {
    case KEY_IDENTITY:
        return "Identity";
    case KEY_SIGNING_BASE:
        return "Signing base";
    case KEY_DEPOSIT:
        return "Deposit";
    case KEY_STATIC_DEPOSIT:
        return "Static deposit";
    case KEY_HTLC_BASE:
        return "HTLC base";
    case KEY_LEAF:
        return "Leaf";
    case KEY_EXPLICIT_PATH:
    default:
        return "Key";
    }
}

bool spark_key_derive_account_key(key_kind_t kind, uint32_t account, uint8_t priv[32]) {
    spark_key_t key;
    memset(&key, 0, sizeof key);
    key.kind = kind;
    key.account = account;
    spark_key_build_path(&key);
    return plat_derive_secp256k1(key.path, key.depth, priv);
}
