/* id_statement.h - what an identity-key signature says (PROTOCOL.md, "0x36 SIGN_IDENTITY_CLEAR"):
 * the host sends the preimage, not its hash; this streams it through SHA-256 and parses it as
 * one of the statements the SDK 0.8.8 wallet signs with the identity key. Pure logic: no
 * key, no screen, no state outside the parser. */
#ifndef SPARK_ID_STATEMENT_H
#define SPARK_ID_STATEMENT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

/* The statements (the payload's mode byte). */
#define IDS_LOGIN 0x00u    /* operator authentication challenge: canonical proto3 spark_authn.Challenge */
#define IDS_LEAF 0x01u     /* a transfer's per-leaf signature: leafId || transferId || secretCipher */
#define IDS_TRANSFER 0x02u /* a transfer package: tagged hash "spark/transfer/signing payload" */
#define IDS_CLAIM 0x03u    /* a claim package: tagged hash "spark/claim/signing payload" */
#define IDS_PROVIDER_LOGIN 0x04u /* the service provider's challenge (emulator/ssp/auth.ts) */

/* The provider challenge: version 0x01 || expiry u64 || public key [33] || nonce [16] || HMAC [32] */
#define IDS_PROVIDER_VERSION 0x01u
#define IDS_PROVIDER_KEY_AT 9u
#define IDS_PROVIDER_LEN 90u

#define IDS_UUID_TEXT_LEN 36u
#define IDS_CIPHER_LEN 129u      /* the SDK's ECIES ciphertext of a 32-byte key (KEY_SPLIT) */
#define IDS_SMALL_MAX 232u       /* login (<= 91) and leaf (<= 64 + 36 + 129) are buffered */
#define IDS_MAX_ENTRIES 16u      /* key tweak package: one entry per operator */
#define IDS_KEY_MAX 64u          /* an operator identifier: 64 hex characters */
#define IDS_VALUE_MAX 0x100000u  /* one operator's encrypted key tweaks, 1 MiB at most */

typedef struct {
    uint8_t digest[32];     /* SHA-256 of the preimage (for packages: the tagged hash) */
    uint8_t transfer_id[16]; /* leaf, transfer, claim: the transfer's UUID as 16 bytes */
    uint8_t pubkey[33];     /* login, provider login: the key the challenge was issued for */
    uint8_t leaf_id[64];    /* leaf: the leaf id text */
    uint8_t leaf_id_len;
    uint8_t cipher_hash[32]; /* leaf: SHA-256 of the ciphertext */
} ids_result_t;

typedef struct {
    uint8_t mode;
    uint8_t failed;  /* sticky: a byte did not fit the statement */
    uint8_t state;
    sha256_ctx_t sha;
    /* buffered statements */
    uint8_t buf[IDS_SMALL_MAX];
    uint16_t buf_len;
    /* streamed packages */
    uint8_t field[IDS_KEY_MAX];
    uint32_t field_len, need;
    uint64_t skip;
    uint32_t entries, entry;
    uint8_t prev_key[IDS_KEY_MAX];
    uint8_t prev_key_len;
    uint8_t transfer_id[16];
} ids_parser_t;

/* false if mode is not a statement. */
bool ids_begin(ids_parser_t *p, uint8_t mode);
/* Feeds the next bytes of the preimage; false once they cannot be the statement. */
bool ids_feed(ids_parser_t *p, const uint8_t *data, size_t len);
/* The preimage ended: true and *out filled if it is a whole statement. Wipes the parser. */
bool ids_finish(ids_parser_t *p, ids_result_t *out);
/* The 16 bytes of a canonical lowercase UUID text (8-4-4-4-12 hex digits); false otherwise. */
bool ids_uuid_parse(const uint8_t *text, size_t len, uint8_t out[16]);
#endif
