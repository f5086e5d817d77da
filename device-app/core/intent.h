/* intent.h - the approved transfer intent (PROTOCOL.md, "TRANSFER_INTENT", "SWAP_INTENT",
 * "EXIT_INTENT"): who receives, which leaves at which values and timelocks, for an exit the
 * connector outputs its refunds spend, and what of it was used. RAM only: it dies with the app. */
#ifndef SPARK_INTENT_H
#define SPARK_INTENT_H
#include <stdbool.h>
#include <stdint.h>

#include "apdu_reader.h"
#include "spark_keys.h"
#include "taproot.h"
#include "tx.h"

/* The SDK swaps at most 64 leaves at once (spark-sdk services/swap.ts, MAX_BATCH_SIZE; its
 * optimizer's maxLeavesPerSwap is 64 too): one intent holds a whole batch. */
#define INTENT_MAX_LEAVES 64u
#define INTENT_LEAF_ID_MAX 64u
/* account u32, network u8, receiver [33], n u8; per leaf: id len u8, id, value u64, timelock u16 */
#define INTENT_MAX_PAYLOAD (4u + 1u + 33u + 1u + INTENT_MAX_LEAVES * (1u + INTENT_LEAF_ID_MAX + 8u + 2u))
#define INTENT_MAX_REFUNDS_PER_LEAF 3u /* CPFP, direct-from-CPFP, direct */
#define INTENT_APDU_BUDGET_BASE 32u
#define INTENT_APDU_BUDGET_PER_LEAF 64u
#define DIRECT_FEE_SATS 955u      /* the SDK's DEFAULT_FEE_SATS: what a direct node tx pays */
#define TIMELOCK_INTERVAL 100u    /* one transfer hop */
#define DIRECT_TIMELOCK_OFFSET 50u
#define INTENT_NO_CONNECTOR 0xFFu

/* What the user approved: a transfer (refunds without an adaptor point), a leaf swap with the
 * service provider (refunds with one), or a cooperative exit (connector refunds, none). */
#define INTENT_TRANSFER 0u
#define INTENT_SWAP 1u
#define INTENT_EXIT 2u

typedef struct {
    uint8_t id_hash[32]; /* sha256 of the leaf id text */
    uint64_t value;
    uint16_t timelock; /* the leaf's current refund timelock T */
    uint8_t split;     /* KEY_SPLIT ran for it under this intent */
    uint8_t refunds;   /* refunds signed for it under this intent */
    uint8_t cipher_hash[32]; /* SHA-256 of the ciphertext its KEY_SPLIT returned */
    uint8_t leaf_signed;     /* its per-leaf identity signature was made (SIGN_IDENTITY_CLEAR) */
    uint8_t connector;       /* exit: the connector output its refunds spend (bound by the first), or INTENT_NO_CONNECTOR */
} intent_leaf_t;

typedef struct {
    uint8_t kind; /* INTENT_TRANSFER, INTENT_SWAP, INTENT_EXIT */
    uint32_t account;
    uint8_t network;
    uint8_t receiver[33];
    uint8_t receiver_script[TAPROOT_SCRIPT_LEN];
    uint32_t n;
    intent_leaf_t leaves[INTENT_MAX_LEAVES];
    uint8_t transfer_id[16]; /* fixed by the first per-leaf identity signature */
    uint8_t transfer_id_set;
    uint8_t package_signed;  /* the transfer package's identity signature was made */
    /* exit: the connector transaction's txid (as serialized) and its leaf outputs 0..n-1 */
    uint8_t connector_txid[32];
} intent_t;

/* The part every intent payload starts with: account u32 || network u8 || receiver [33] || n u8 ||
 * n × (leaf id len u8 || leaf id || value u64 || timelock u16). Fills *out (kind set by the
 * caller) and the leaves' total; WRONG_LENGTH or BAD_DATA. The account is not checked: the caller
 * refuses one above SPARK_MAX_ACCOUNT (PATH_REFUSED) once the whole payload parsed. */
uint16_t intent_parse_leaves(reader_t *r, intent_t *out, uint64_t *total);

void intent_clear(void);
/* Clears the current intent and hands out its storage, zeroed and inactive, for the next one to
 * be parsed into while the user reviews it (one intent's worth of RAM, not two). */
intent_t *intent_draft(void);
/* Makes *in (the draft, or a copy) the active intent (after the user approved it) with its APDU
 * budget. */
void intent_activate(const intent_t *in);
bool intent_active(void);
/* Counts one APDU against the budget; wipes the intent when it is used up. */
void intent_on_apdu(void);

/* Ends the intent if every one of its leaves was split already: a further key split cannot
 * belong to this transfer, so it is treated as outside any intent (reviewed on its own). */
void intent_end_if_all_split(void);
/* KEY_SPLIT transfer under the intent: SW_OK if the leaf is in it, not yet split, and the
 * receiver is the intent's; SW_INTENT_MISMATCH otherwise. Changes nothing. */
uint16_t intent_check_split(const spark_key_t *leaf, const uint8_t receiver[33]);
/* Marks the leaf split and remembers the hash of the ciphertext it returned (call after the
 * split succeeded). */
void intent_commit_split(const spark_key_t *leaf, const uint8_t *cipher, uint32_t cipher_len);
/* The per-leaf identity signature of a transfer (leafId || transferId || ciphertext): SW_OK if
 * the leaf is in the intent and was split under it, the ciphertext is the one that split
 * returned, and the transfer id is the intent's (the first such signature fixes it);
 * SW_INTENT_MISMATCH otherwise. Changes nothing. */
uint16_t intent_check_leaf_statement(uint32_t account, const uint8_t *leaf_id, uint32_t leaf_id_len, const uint8_t transfer_id[16],
                                     const uint8_t cipher_hash[32]);
void intent_commit_leaf_statement(const uint8_t *leaf_id, uint32_t leaf_id_len, const uint8_t transfer_id[16]);
/* The transfer package's identity signature: SW_OK if every leaf's per-leaf signature was made
 * for this transfer id and the package was not signed yet under this intent. Changes nothing. */
uint16_t intent_check_package(uint32_t account, const uint8_t transfer_id[16]);
/* Marks the package signed; wipes the intent once every refund was signed too. */
void intent_commit_package(void);
/* A transaction that pays someone else, signed by `key` on input `index`, whose package does
 * (`adaptor`) or does not carry an adaptor point: SW_OK if it is a refund that fits the intent
 * (PROTOCOL.md, "FROST_SIGN_TX"; a swap's refunds carry one, a transfer's and an exit's none; an
 * exit's spend a connector output as input 1), SW_INTENT_MISMATCH otherwise. Changes nothing. */
uint16_t intent_check_refund(const spark_key_t *key, const tx_t *tx, const tx_prevout_t *prevouts, uint32_t index,
                             bool adaptor);
/* Counts the refund against its leaf (an exit's binds the leaf to its connector output); wipes
 * the intent once every leaf is fully used. */
void intent_commit_refund(const spark_key_t *key, const tx_t *tx);
#endif
