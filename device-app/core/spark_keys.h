/* spark_keys.h - resolved Spark keys and their BIP32 paths (the kinds: key_kinds.h) (docs/keys-and-frost.md, section "Spark keys":
 * purpose 8797555' = last 3 bytes of sha256("spark"); SDK src/signer/signer.ts). */
#ifndef SPARK_SPARK_KEYS_H
#define SPARK_SPARK_KEYS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "key_kinds.h"

#define SPARK_PURPOSE 8797555u
#define HARDENED 0x80000000u
#define SPARK_MAX_ACCOUNT 255u
#define SPARK_LEAF_ID_MAX 64u
#define SPARK_MAX_DEPTH 4u

/* A resolved, policy-checked Spark key. */
typedef struct {
    key_kind_t kind;        /* never KEY_EXPLICIT_PATH after resolution */
    uint32_t account;       /* 0..SPARK_MAX_ACCOUNT */
    uint32_t index;         /* static deposit index or leaf index (without the hardened bit) */
    uint8_t leaf_id_len;    /* 0 if the leaf key came as an explicit path */
    char leaf_id[SPARK_LEAF_ID_MAX + 1u];
    uint32_t path[SPARK_MAX_DEPTH];
    uint8_t depth;
} spark_key_t;

/* Leaf index: u32_be(sha256(leafId)[0..4]) mod 2^31 (hardened bit added by the path). */
uint32_t spark_leaf_index(const uint8_t *leaf_id, size_t len);
/* Fill key->path/depth from kind, account and index (the kind's path shape in key_kinds.c). */
void spark_key_build_path(spark_key_t *key);
/* The key of a kind, account and index (index: static deposit or leaf index, 0 for the others),
 * with its path built; no leaf id. */
spark_key_t spark_key_of(key_kind_t kind, uint32_t account, uint32_t index);
/* The key of a kind that has one key per account (identity, signing base, deposit, HTLC base),
 * with its path built. */
spark_key_t spark_account_key(key_kind_t kind, uint32_t account);
/* Derives the private key of a kind that has one key per account (identity, signing base,
 * deposit, HTLC base) into priv; false if the platform's derivation failed. */
bool spark_key_derive_account_key(key_kind_t kind, uint32_t account, uint8_t priv[32]);
/* Short display name, e.g. "Identity" (key_kinds.c); "Key" for a kind that is not one. */
const char *spark_key_name(key_kind_t kind);
#endif
