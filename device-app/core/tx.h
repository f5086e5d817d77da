/* tx.h - Bitcoin transactions as the device reads them: the legacy (non-witness) serialization
 * of the small transactions Spark signs (docs/transfers.md, section "Transaction shapes"), and
 * their BIP341 signature hash. */
#ifndef SPARK_TX_H
#define SPARK_TX_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apdu_reader.h"

#define TX_MAX_INPUTS 4u
#define TX_MAX_OUTPUTS 4u
#define TX_MAX_SCRIPT 42u /* the longest segwit output script: OP_n <40-byte program> */
#define TX_MAX_SATS 2100000000000000ull

typedef struct {
    const uint8_t *outpoint; /* 36 bytes: txid (as serialized) || vout (LE) */
    uint32_t sequence;
} tx_in_t;

typedef struct {
    uint64_t value;
    const uint8_t *script;
    uint8_t script_len;
} tx_out_t;

typedef struct {
    uint32_t version;
    uint32_t locktime;
    uint32_t n_in, n_out;
    tx_in_t in[TX_MAX_INPUTS];
    tx_out_t out[TX_MAX_OUTPUTS];
} tx_t;

/* What an input spends (BIP341 signs every input's amount and script). */
typedef tx_out_t tx_prevout_t;

typedef enum {
    TX_OK = 0,
    TX_MALFORMED = 1,  /* truncated, trailing bytes, a value above 21e14 sats */
    TX_UNSUPPORTED = 2 /* well-formed Bitcoin, outside what the device handles (witness
                          serialization, counts, scriptSig, long scripts) */
} tx_err_t;

/* Little-endian n-byte integer (n <= 8) from r; and a CompactSize of which only the one-byte
 * form is accepted (*unsupported set for 0xfd and above): what Bitcoin's serialization uses. */
uint64_t tx_rd_le(reader_t *r, size_t n);
uint32_t tx_rd_count(reader_t *r, bool *unsupported);
/* Parses raw[0..len) into tx (pointers into raw). */
tx_err_t tx_parse(const uint8_t *raw, size_t len, tx_t *tx);
/* BIP341 SigMsg for SIGHASH_DEFAULT, key path, no annex, input `index`, hashed with the
 * "TapSighash" tag; prevouts has tx->n_in entries. */
void tx_sighash_taproot(const tx_t *tx, const tx_prevout_t *prevouts, uint32_t index, uint8_t out[32]);
#endif
