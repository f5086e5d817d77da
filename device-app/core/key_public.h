/* key_public.h - compressed public keys of device keys, computed in constant time and then
 * declassified (a public key is public). Shared by every command that shows or returns one. */
#ifndef SPARK_KEY_PUBLIC_H
#define SPARK_KEY_PUBLIC_H
#include <stdbool.h>
#include <stdint.h>

#include "spark_keys.h"

/* pub = priv·G, compressed. False (pub unspecified) if priv is 0 or >= n. */
bool key_public_from_private(const uint8_t priv[32], uint8_t pub[33]);
/* The public key of the policy-checked key: from the session cache, or derived (the private key
 * is wiped) and then remembered. */
bool key_public_of(const spark_key_t *key, uint8_t pub[33]);
/* The public key of an account-level key (identity, signing base, deposit, HTLC base), as
 * key_public_of. */
bool key_public_of_account_key(key_kind_t kind, uint32_t account, uint8_t pub[33]);
#endif
