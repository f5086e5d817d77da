/* intent.h - the approved transfer intent (PROTOCOL.md, "TRANSFER_INTENT"): who receives, which
 * leaves at which values and timelocks, and what of it was used. RAM only: it dies with the app. */
#ifndef SPARK_INTENT_H
#define SPARK_INTENT_H
#include <stdbool.h>
#include <stdint.h>

#include "spark_keys.h"
#include "taproot.h"
#include "tx.h"

#define INTENT_MAX_LEAVES 16u
#define INTENT_MAX_REFUNDS_PER_LEAF 3u /* CPFP, direct-from-CPFP, direct */
#define INTENT_APDU_BUDGET_BASE 32u
#define INTENT_APDU_BUDGET_PER_LEAF 64u
#define DIRECT_FEE_SATS 955u      /* the SDK's DEFAULT_FEE_SATS: what a direct node tx pays */
#define TIMELOCK_INTERVAL 100u    /* one transfer hop */
#define DIRECT_TIMELOCK_OFFSET 50u

typedef struct {
    uint8_t id_hash[32]; /* sha256 of the leaf id text */
    uint64_t value;
    uint16_t timelock; /* the leaf's current refund timelock T */
    uint8_t split;     /* KEY_SPLIT ran for it under this intent */
    uint8_t refunds;   /* refunds signed for it under this intent */
} intent_leaf_t;

typedef struct {
    uint8_t swap; /* SWAP_INTENT: its refunds carry an adaptor point; TRANSFER_INTENT: none */
    uint32_t account;
    uint8_t network;
    uint8_t receiver[33];
    uint8_t receiver_script[TAPROOT_SCRIPT_LEN];
    uint32_t n;
    intent_leaf_t leaves[INTENT_MAX_LEAVES];
} intent_t;

void intent_clear(void);
/* Makes *in the active intent (after the user approved it) with its APDU budget. */
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
/* Marks the leaf split (call after the split succeeded). */
void intent_commit_split(const spark_key_t *leaf);
/* A transaction that pays someone else, signed by `key` on input `index`, whose package does
 * (`adaptor`) or does not carry an adaptor point: SW_OK if it is a refund that fits the intent
 * (PROTOCOL.md, "FROST_SIGN_TX"; a swap's refunds carry one, a transfer's none),
 * SW_INTENT_MISMATCH otherwise. Changes nothing. */
uint16_t intent_check_refund(const spark_key_t *key, const tx_t *tx, const tx_prevout_t *prevouts, uint32_t index,
                             bool adaptor);
/* Counts the refund against its leaf; wipes the intent once every leaf is fully used. */
void intent_commit_refund(const spark_key_t *key);
#endif
