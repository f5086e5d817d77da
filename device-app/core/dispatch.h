/* dispatch.h - the core's reply helpers and the command handlers (one file each). */
#ifndef SPARK_DISPATCH_H
#define SPARK_DISPATCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apdu_reader.h"

/* Answer the pending APDU (exactly once per APDU). */
void core_reply(const uint8_t *data, size_t len, uint16_t sw);
void core_reply_sw(uint16_t sw);
/* The handler started a review: the reply will come from its callback. */
void core_defer_reply(void);
/* For a command that takes no parameters: true if P1 and P2 are 0, else answers SW_BAD_P1_P2. */
bool core_p1p2_zero(const apdu_t *a);

void handle_get_version(const apdu_t *a);
void handle_get_pubkey(const apdu_t *a);
void handle_sign_identity(const apdu_t *a);
void handle_frost_commit(const apdu_t *a);
void handle_frost_sign(const apdu_t *a);
void handle_ecies_pubkey(const apdu_t *a);
void handle_key_split(const apdu_t *a);
void handle_split_prepare(const apdu_t *a);
/* Wipe a KEY_SPLIT result not read yet (any other command arrived). */
void key_split_reset(void);
void handle_htlc_hmac(const apdu_t *a);
void handle_export_static_key(const apdu_t *a);
void handle_exit_sweep(const apdu_t *a);
void handle_frost_sign_tx(const apdu_t *a);
void handle_transfer_intent(const apdu_t *a);
void handle_swap_intent(const apdu_t *a);
void handle_exit_intent(const apdu_t *a);
/* The intent handlers' shared review state (one review at a time): intent_pending ends any
 * intent and returns the intent's own storage to parse the new one into, inactive until the
 * review's callback activates it on approval (and answers the APDU). */
#include "intent.h"
intent_t *intent_pending(void);
void intent_review_decided(bool approved);
void handle_sign_identity_clear(const apdu_t *a);
/* Forget a partial SIGN_IDENTITY_CLEAR preimage (any other command arrived). */
void sign_identity_clear_reset(void);
/* Forget a partial FROST_SIGN payload (any other command arrived). */
void frost_sign_reset(void);
#endif
