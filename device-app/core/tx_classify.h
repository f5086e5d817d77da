/* tx_classify.h - who a transaction's outputs pay (PROTOCOL.md, "FROST_SIGN_TX"): the user
 * (P2TR of a key the device derives, or of the statechain key P the share belongs to), nobody
 * (an empty P2A anchor), or someone else. */
#ifndef SPARK_TX_CLASSIFY_H
#define SPARK_TX_CLASSIFY_H
#include <stdint.h>

#include "taproot.h"
#include "tx.h"

typedef enum { OUT_OWN = 0, OUT_ANCHOR = 1, OUT_FOREIGN = 2 } out_class_t;
typedef enum { TX_STAYS = 0, TX_PAYS = 1 } tx_class_t;

/* Class of one output, given the user's scripts (each TAPROOT_SCRIPT_LEN bytes). */
out_class_t tx_output_class(const tx_out_t *o, const uint8_t (*own)[TAPROOT_SCRIPT_LEN], uint32_t n_own);
/* The most a transaction may leave to miners and still "stay with the user": the SDK's direct
 * transactions pay 955 sats (docs/transfers.md, section "Constants and timelock scheme"). */
#define TX_STAYS_MAX_FEE 1000u

/* TX_STAYS iff no output is someone else's, one is the user's, and the fee (in_total − out
 * total, the caller checked in_total >= out total) is at most TX_STAYS_MAX_FEE. */
tx_class_t tx_classify(const tx_t *tx, uint64_t in_total, const uint8_t (*own)[TAPROOT_SCRIPT_LEN],
                       uint32_t n_own);
/* Σ of the outputs' values (tx_parse bounds it by 21e14). */
uint64_t tx_out_total(const tx_t *tx);
/* 1 for the pay-to-anchor output: value 0, script 51 02 4e 73. */
uint32_t tx_is_anchor(const tx_out_t *o);
#endif
