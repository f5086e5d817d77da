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
    const key_kind_info_t *info = key_kind_by_tag((uint8_t)key->kind);
    if (info == NULL) {
        info = &KEY_KINDS[KEY_LEAF]; /* an unresolved kind builds a leaf path, as it always did */
    }
    key->path[0] = SPARK_PURPOSE | HARDENED;
    key->path[1] = key->account | HARDENED;
    key->path[2] = (uint32_t)info->branch | HARDENED;
    key->depth = info->depth;
    if (info->depth == 4u) {
        key->path[3] = key->index | HARDENED;
    }
}

const char *spark_key_name(key_kind_t kind) {
    const key_kind_info_t *info = key_kind_by_tag((uint8_t)kind);
    return info != NULL ? info->name : "Key";
}

spark_key_t spark_key_of(key_kind_t kind, uint32_t account, uint32_t index) {
    spark_key_t key;
    memset(&key, 0, sizeof key);
    key.kind = kind;
    key.account = account;
    key.index = index;
    spark_key_build_path(&key);
    return key;
}

spark_key_t spark_account_key(key_kind_t kind, uint32_t account) { return spark_key_of(kind, account, 0u); }

bool spark_key_derive_account_key(key_kind_t kind, uint32_t account, uint8_t priv[32]) {
    spark_key_t key = spark_account_key(kind, account);
    return plat_derive_secp256k1(key.path, key.depth, priv);
}
