/* split_pool.h - the randomness of future KEY_SPLIT transfers, drawn and multiplied out ahead
 * (SPLIT_PREPARE, PROTOCOL.md 0x3A): a transfer split then has only the ECDH with the receiver
 * and the share evaluations left on its critical path. Each entry holds the fresh leaf key
 * a_new, the ECIES ephemeral secret e, the t − 1 random polynomial coefficients, and their
 * public points. Rules (PROTOCOL.md, "Prepared splits"): entries come from the TRNG only, never
 * leave the device, are taken at most once and wiped when taken, and the pool is wiped at app
 * start and exit. RAM: SPLIT_POOL_SLOTS × sizeof(split_entry_t). */
#ifndef SPARK_SPLIT_POOL_H
#define SPARK_SPLIT_POOL_H
#include <stdbool.h>
#include <stdint.h>

#include "sc.h"

#define SPLIT_POOL_SLOTS 8u
/* Thresholds up to 3 are prepared (Spark's operator groups split 2 of 3; the local operator
 * network of the tests also uses t <= 3); a split with a larger threshold draws fresh. 8 slots
 * of 316 bytes: 2.5 KiB of RAM (PROTOCOL.md, "Prepared splits", has the budget). */
#define SPLIT_POOL_MAX_T 3u

typedef struct {
    uint8_t t;                /* the threshold it was prepared for; 0 = empty slot */
    sc_t a_new;               /* the receiver's new leaf key */
    uint8_t a_new_pub[33];    /* a_new·G, compressed */
    uint8_t eph[32];          /* the ECIES ephemeral secret e */
    uint8_t eph_pub[65];      /* e·G, uncompressed (as the ciphertext carries it) */
    uint8_t nonce[16];        /* the AES-GCM nonce */
    sc_t coeffs[SPLIT_POOL_MAX_T - 1u];                /* a_1 .. a_{t-1} */
    uint8_t proofs[SPLIT_POOL_MAX_T - 1u][33];         /* a_j·G, compressed */
} split_entry_t;

/* Wipes every entry (app start and exit). */
void split_pool_clear(void);
/* Prepares up to k more entries for threshold t (1 <= t <= SPLIT_POOL_MAX_T) in free slots, or
 * in slots held for another threshold when none is free. False if the TRNG gave no valid scalar
 * (nothing half-made is kept). */
bool split_pool_prepare(uint32_t k, uint32_t t);
/* How many entries are ready for threshold t. */
uint32_t split_pool_count(uint32_t t);
/* Moves one entry for threshold t into *out and wipes its slot; false (out zeroed) if none. The
 * caller wipes *out. */
bool split_pool_take(uint32_t t, split_entry_t *out);
/* A uniformly drawn nonzero scalar from the TRNG; false if 8 draws failed (a broken TRNG). */
bool split_draw_scalar(sc_t *out);
#endif
