#include "key_kinds.h"

#include <stddef.h>

/* Why each kind is accepted where it is: PROTOCOL.md, "Why each command accepts the keys it does".
 * In short: only leaf, deposit and static deposit keys hold FROST-shared funds; the identity key
 * authenticates (SIGN_IDENTITY), decrypts what a sender encrypted to it (ECIES_PUBLIC_KEY, the
 * claim of KEY_SPLIT) and receives an unclaimed transfer's refund (SIGN_EXIT_SWEEP); the HTLC
 * base key serves only the HTLC HMAC; the static deposit key is the only one ever exported. */
const key_kind_info_t KEY_KINDS[KEY_KINDS_N] = {
    {KEY_IDENTITY, 0u, 3u, KEYREF_ACCOUNT, KEY_USE_GET_PUBLIC_KEY | KEY_USE_SIGN_EXIT_SWEEP,
     KEY_USE_SIGN_IDENTITY | KEY_USE_ECIES_PUBLIC_KEY | KEY_USE_KEY_SPLIT, "Identity"},
    /* the parent of the leaf keys; signs nothing itself */
    {KEY_SIGNING_BASE, 1u, 3u, KEYREF_ACCOUNT, KEY_USE_GET_PUBLIC_KEY, 0u, "Signing base"},
    /* a single-use deposit address without a leaf id */
    {KEY_DEPOSIT, 2u, 3u, KEYREF_ACCOUNT, KEY_USE_GET_PUBLIC_KEY | KEY_USE_FROST_SIGN, 0u, "Deposit"},
    {KEY_STATIC_DEPOSIT, 3u, 4u, KEYREF_ACCOUNT_INDEX, KEY_USE_GET_PUBLIC_KEY | KEY_USE_FROST_SIGN,
     KEY_USE_EXPORT_STATIC_KEY, "Static deposit"},
    {KEY_HTLC_BASE, 4u, 3u, KEYREF_ACCOUNT, KEY_USE_GET_PUBLIC_KEY, KEY_USE_HTLC_HMAC, "HTLC base"},
    /* leaf keys are children of the signing base, indexed by their leaf id's hash */
    {KEY_LEAF, 1u, 4u, KEYREF_ACCOUNT_LEAF_ID,
     KEY_USE_GET_PUBLIC_KEY | KEY_USE_FROST_SIGN | KEY_USE_KEY_SPLIT | KEY_USE_SIGN_EXIT_SWEEP, 0u, "Leaf"},
};

const key_kind_info_t *key_kind_by_tag(uint8_t tag) {
    return tag < KEY_KINDS_N ? &KEY_KINDS[tag] : NULL;
}

const key_kind_info_t *key_kind_by_path(uint32_t depth, uint32_t branch) {
    for (uint32_t i = 0; i < KEY_KINDS_N; i++) {
        if (KEY_KINDS[i].depth == depth && KEY_KINDS[i].branch == branch) {
            return &KEY_KINDS[i];
        }
    }
    return NULL;
}

bool key_kind_named_by(key_kind_t kind, uint8_t command) {
    const key_kind_info_t *info = key_kind_by_tag((uint8_t)kind);
    return info != NULL && (info->named_by & command) != 0u;
}
