/* key_kinds.h - the one table of Spark key kinds (PROTOCOL.md, "Key references"): for each kind
 * its KEYREF tag, the shape of its BIP32 path, the commands that accept it, and the name the
 * screens show. Parsing and policing a KEYREF (key_policy.c), building a path to derive
 * (spark_keys.c) and describing a key on screen (review_key.c) all read this table, and a host
 * test checks PROTOCOL.md's table against it. */
#ifndef SPARK_KEY_KINDS_H
#define SPARK_KEY_KINDS_H
#include <stdbool.h>
#include <stdint.h>

/* The kind of a Spark key; its value is its KEYREF tag. */
typedef enum {
    KEY_IDENTITY = 0,
    KEY_SIGNING_BASE = 1,
    KEY_DEPOSIT = 2,
    KEY_STATIC_DEPOSIT = 3,
    KEY_HTLC_BASE = 4,
    KEY_LEAF = 5,
    KEY_EXPLICIT_PATH = 6 /* wire tag only: resolved to one of the above by its path, or refused */
} key_kind_t;

#define KEY_KINDS_N 6u

/* What follows the tag in a KEYREF of this kind. */
typedef enum {
    KEYREF_ACCOUNT = 0,         /* account u32 */
    KEYREF_ACCOUNT_INDEX = 1,   /* account u32, index u32 (< 2^31) */
    KEYREF_ACCOUNT_LEAF_ID = 2  /* account u32, len u8, leafId[len] (index = spark_leaf_index) */
} keyref_fields_t;

/* Commands, as bits of a kind's `named_by` (the host names the key in a KEYREF) and `used_by`
 * (the command derives it itself from an account). */
#define KEY_USE_GET_PUBLIC_KEY (1u << 0)
#define KEY_USE_SIGN_IDENTITY (1u << 1)
#define KEY_USE_FROST_SIGN (1u << 2)
#define KEY_USE_HTLC_HMAC (1u << 3)
#define KEY_USE_EXPORT_STATIC_KEY (1u << 4)
#define KEY_USE_ECIES_PUBLIC_KEY (1u << 5)
#define KEY_USE_KEY_SPLIT (1u << 6)
#define KEY_USE_SIGN_EXIT_SWEEP (1u << 7)

typedef struct {
    key_kind_t kind;
    uint8_t branch;       /* the path is m/8797555'/A'/branch' ... */
    uint8_t depth;        /* ... of depth 3, or 4 with an index element: m/8797555'/A'/branch'/I' */
    keyref_fields_t fields;
    uint8_t named_by;     /* KEY_USE_* bits: commands that accept it in a KEYREF */
    uint8_t used_by;      /* KEY_USE_* bits: commands that derive it from an account */
    const char *name;     /* on screen */
} key_kind_info_t;

/* The table, indexed by kind (KEY_KINDS[k].kind == k). */
extern const key_kind_info_t KEY_KINDS[KEY_KINDS_N];

/* The kind a KEYREF tag names; NULL for KEY_EXPLICIT_PATH and unknown tags. */
const key_kind_info_t *key_kind_by_tag(uint8_t tag);
/* The kind whose path has this depth and branch (element 2, without the hardened bit); NULL if none. */
const key_kind_info_t *key_kind_by_path(uint32_t depth, uint32_t branch);
/* True if the host may name a key of this kind in a KEYREF of the command (KEY_USE_* bit). */
bool key_kind_named_by(key_kind_t kind, uint8_t command);
#endif
