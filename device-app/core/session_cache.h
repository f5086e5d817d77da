/* session_cache.h - public values the app computed once in this run and would otherwise
 * recompute with the platform's scalar multiplication on secrets (one k·G each, the dominant
 * cost of a command under Speculos: docs/speculos.md, "The OS crypto syscalls"):
 *   - the commitments (D, E) of recently issued nonce references, as a SHA-256 digest, so that
 *     FROST_SIGN / FROST_SIGN_TX check the package's user commitments without d·G and e·G again;
 *   - the public keys of recently used device keys, by derivation path.
 * Only public values are kept; RAM only, wiped at app start and exit and (the commitments) when
 * the adaptor rule spends every reference. A miss falls back to the full computation, so the
 * caches change no result, only the time (PROTOCOL.md, "Session caches"). */
#ifndef SPARK_SESSION_CACHE_H
#define SPARK_SESSION_CACHE_H
#include <stdbool.h>
#include <stdint.h>

#include "spark_keys.h"

#define COMMIT_CACHE_SLOTS 32u
#define PUBKEY_CACHE_SLOTS 16u

typedef enum { CACHE_MISS = 0, CACHE_EQUAL = 1, CACHE_DIFFERENT = 2 } cache_match_t;

/* Forgets everything (app start and exit). */
void session_cache_clear(void);

/* Forgets the commitments (the adaptor rule spent every reference). */
void commit_cache_clear(void);
/* Remembers the commitments issued under `ref` (right after FROST_COMMIT computed them). */
void commit_cache_put(uint32_t ref, const uint8_t hiding[33], const uint8_t binding[33]);
/* Whether (hiding, binding) are the commitments remembered for `ref`; CACHE_MISS if none are. */
cache_match_t commit_cache_match(uint32_t ref, const uint8_t hiding[33], const uint8_t binding[33]);

/* The public key of `key` if it is remembered (by its derivation path). */
bool pubkey_cache_get(const spark_key_t *key, uint8_t pub[33]);
/* Remembers the public key of `key`. */
void pubkey_cache_put(const spark_key_t *key, const uint8_t pub[33]);
#endif
