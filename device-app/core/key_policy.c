#include "key_policy.h"

#include <string.h>

#include "protocol.h"

#define MAX_WIRE_DEPTH 10u

uint16_t key_policy_check_path(const uint32_t *path, uint32_t depth, spark_key_t *key) {
    memset(key, 0, sizeof *key);
    if (depth < 3u || depth > 4u) {
        return SW_PATH_REFUSED;
    }
    for (uint32_t i = 0; i < depth; i++) {
        if ((path[i] & HARDENED) == 0u) {
            return SW_PATH_REFUSED;
        }
    }
    if (path[0] != (SPARK_PURPOSE | HARDENED)) {
        return SW_PATH_REFUSED;
    }
    uint32_t account = path[1] & ~HARDENED;
    uint32_t branch = path[2] & ~HARDENED;
    if (account > SPARK_MAX_ACCOUNT) {
        return SW_PATH_REFUSED;
    }
    key->account = account;
    const key_kind_info_t *info = key_kind_by_path(depth, branch);
    if (info == NULL) {
        return SW_PATH_REFUSED;
    }
    key->kind = info->kind;
    if (depth == 4u) {
        key->index = path[3] & ~HARDENED;
    }
    spark_key_build_path(key);
    return SW_OK;
}

bool key_policy_id_text_ok(const uint8_t *id, uint32_t len) {
    if (len == 0u || len > SPARK_LEAF_ID_MAX) {
        return false;
    }
    for (uint32_t i = 0; i < len; i++) {
        /* printable ASCII without space: shown on screen as-is */
        if (id[i] < 0x21u || id[i] > 0x7eu) {
            return false;
        }
    }
    return true;
}

uint16_t keyref_parse(reader_t *r, spark_key_t *key) {
    uint8_t kind = rd_u8(r);
    memset(key, 0, sizeof *key);
    if (r->err) {
        return SW_WRONG_LENGTH;
    }
    if (kind == (uint8_t)KEY_EXPLICIT_PATH) {
        uint32_t path[MAX_WIRE_DEPTH];
        uint8_t depth = rd_u8(r);
        if (r->err) {
            return SW_WRONG_LENGTH;
        }
        if (depth == 0u || depth > MAX_WIRE_DEPTH) {
            return SW_BAD_DATA;
        }
        for (uint32_t i = 0; i < depth; i++) {
            path[i] = rd_u32(r);
        }
        if (r->err) {
            return SW_WRONG_LENGTH;
        }
        return key_policy_check_path(path, depth, key);
    }
    const key_kind_info_t *info = key_kind_by_tag(kind);
    if (info == NULL) {
        return SW_BAD_DATA;
    }
    key->kind = info->kind;
    key->account = rd_u32(r);
    if (info->fields == KEYREF_ACCOUNT_INDEX) {
        key->index = rd_u32(r);
    } else if (info->fields == KEYREF_ACCOUNT_LEAF_ID) {
        uint8_t len = rd_u8(r);
        const uint8_t *id = rd_bytes(r, len);
        if (r->err) {
            return SW_WRONG_LENGTH;
        }
        if (!key_policy_id_text_ok(id, len)) {
            return SW_BAD_DATA;
        }
        memcpy(key->leaf_id, id, len);
        key->leaf_id[len] = '\0';
        key->leaf_id_len = len;
        key->index = spark_leaf_index(id, len);
    }
    if (r->err) {
        return SW_WRONG_LENGTH;
    }
    if (key->account > SPARK_MAX_ACCOUNT || (key->index & HARDENED) != 0u) {
        return SW_PATH_REFUSED;
    }
    spark_key_build_path(key);
    return SW_OK;
}

uint32_t key_policy_frost_allowed(const spark_key_t *key) {
    return key_kind_named_by(key->kind, KEY_USE_FROST_SIGN) ? 1u : 0u;
}

uint16_t key_policy_named_by(const spark_key_t *key, uint8_t command) {
    return key_kind_named_by(key->kind, command) ? SW_OK : SW_PATH_REFUSED;
}
