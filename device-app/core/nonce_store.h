/* nonce_store.h - FROST nonces that can never be used twice (PROTOCOL.md "Nonce store").
 * Nonces are derived, not stored: (d, e) = hash_to_field(S || u32_be(ref), 2) with a per-run
 * random secret S. A bitmap over the last NONCE_WINDOW references marks which are outstanding.
 * Total RAM: sizeof(nonce_store_t) = 164 bytes for 1024 outstanding commitments. */
#ifndef SPARK_NONCE_STORE_H
#define SPARK_NONCE_STORE_H
#include <stdbool.h>
#include <stdint.h>

#include "sc.h"

#define NONCE_WINDOW 1024u

typedef struct {
    uint8_t secret[32];                  /* S: from the TRNG at start, RAM only */
    uint32_t next;                       /* next reference to issue; only increases */
    uint8_t outstanding[NONCE_WINDOW / 8u]; /* bit (ref mod W) set = ref issued, not used */
} nonce_store_t;

/* Draw a fresh secret (plat_random) and forget every outstanding reference. */
void nonce_store_init(void);
/* Wipe the secret (app exit). */
void nonce_store_clear(void);
/* Issue the next reference and mark it outstanding; false when the counter is exhausted. */
bool nonce_store_issue(uint32_t *ref);
/* If ref is outstanding, clear it (it can never be used again) and return true. */
bool nonce_store_consume(uint32_t ref);
/* Spend every outstanding reference (the adaptor rule, PROTOCOL.md "FROST_SIGN"). Only the
 * bitmap is cleared: nonces are re-derived from S and the reference, so a session that already
 * consumed its own reference can still compute its share; S and the counter are kept. */
void nonce_store_retire_all(void);
/* The nonces (d, e) of a reference (whether or not it is outstanding: callers consume first).
 * Returns false if a nonce is zero (probability ~2^-256). Caller wipes d and e. */
bool nonce_store_nonces(uint32_t ref, sc_t *d, sc_t *e);
/* Commitments D = d*G, E = e*G of a reference, compressed. */
bool nonce_store_commitments(uint32_t ref, uint8_t hiding[33], uint8_t binding[33]);
/* For tests and documentation: the size of the whole store. */
uint32_t nonce_store_size(void);
#endif
