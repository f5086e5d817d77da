/* exit_tx.h - the two L1 transactions of a cooperative exit as the device reads them
 * (PROTOCOL.md, "0x38 EXIT_INTENT"; docs/ssp.md, section "Cooperative exits"): the exit
 * transaction the service provider funds, which pays the withdrawal address, and the connector
 * transaction that spends one of its outputs and whose outputs the leaves' connector refunds
 * spend. Unlike tx.h (the small transactions the device signs) these are only read: any number
 * of inputs and outputs up to one-byte counts, scriptSigs and scripts of any one-byte length.
 * The legacy (non-witness) serialization, the one a txid hashes. */
#ifndef SPARK_EXIT_TX_H
#define SPARK_EXIT_TX_H
#include <stddef.h>
#include <stdint.h>

#include "tx.h"

typedef struct {
    const uint8_t *raw;
    size_t len;
    uint32_t n_in, n_out;
    const uint8_t *first_outpoint; /* input 0: txid (as serialized) || vout (LE), 36 bytes */
    uint8_t txid[32];              /* SHA-256d of raw: as serialized (the reverse of the displayed txid) */
} exit_tx_t;

/* Parses raw[0..len) (pointers into raw) and computes its txid. TX_MALFORMED: truncated,
 * trailing bytes, a value above 21e14 sats (each or in total); TX_UNSUPPORTED: the BIP144
 * witness marker (0 inputs), no output, a count or length of 0xfd or more. */
tx_err_t exit_tx_parse(const uint8_t *raw, size_t len, exit_tx_t *tx);
/* Output `index` of a parsed transaction (its script may be longer than TX_MAX_SCRIPT); 0 if
 * index >= n_out. */
uint32_t exit_tx_output(const exit_tx_t *tx, uint32_t index, uint64_t *value, const uint8_t **script, uint32_t *script_len);
/* The vout (LE) of a 36-byte outpoint. */
uint32_t outpoint_vout(const uint8_t *outpoint);
#endif
