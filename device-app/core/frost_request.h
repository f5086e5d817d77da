/* frost_request.h - the FROST signing package (PROTOCOL.md, "FROST_SIGN") and the steps every
 * command that returns a user share runs in the same order: parse, spend the nonce reference
 * (and, with an adaptor point, every other one), key policy, commitment check, public part of the
 * share, and after the decision the share itself. FROST_SIGN (blind) and FROST_SIGN_TX (clear)
 * differ only in where the message comes from and what they show. */
#ifndef SPARK_FROST_REQUEST_H
#define SPARK_FROST_REQUEST_H
#include <stdint.h>

#include "apdu_reader.h"
#include "frost_share.h"
#include "protocol.h"
#include "spark_keys.h"

typedef struct {
    spark_key_t key;
    const uint8_t *msg; /* 32 bytes: FROST_SIGN's field, or FROST_SIGN_TX's recomputed sighash */
    const uint8_t *vk;  /* 33 bytes, the verifying key P */
    uint32_t ref;
    const uint8_t *user_hiding;
    const uint8_t *user_binding;
    uint32_t n_ops;
    frost_commit_ref_t ops[FROST_MAX_OPERATORS];
    const uint8_t *adaptor; /* 33 bytes or NULL */
} frost_req_t;

/* Reads the package from r (with the 32-byte message after the KEYREF iff with_msg). Returns
 * SW_OK, SW_WRONG_LENGTH or SW_BAD_DATA; *key_sw gets the key policy verdict, reported only
 * after the reference was consumed. Does not require r to be finished. */
uint16_t frost_req_parse(reader_t *r, frost_req_t *req, bool with_msg, uint16_t *key_sw);
/* Consumes the reference (SW_NONCE_UNKNOWN), applies the adaptor rule, then the key policy
 * (SW_PATH_REFUSED). */
uint16_t frost_req_begin(const frost_req_t *req, uint16_t key_sw);
/* The package's user commitments are the ones issued under its reference (SW_NONCE_MISMATCH). */
uint16_t frost_req_check_commitments(const frost_req_t *req);
/* The public part of the share over req->msg (SW_BAD_DATA for an unusable package). */
uint16_t frost_req_prepare(const frost_req_t *req, frost_plan_t *plan);
/* The share z (after the decision): SW_OK, or SW_INTERNAL (z unspecified). */
uint16_t frost_req_share(const frost_req_t *req, const frost_plan_t *plan, uint8_t z[32]);
/* Computes the share and replies with it (32 bytes, or the status word alone on failure). */
void frost_req_reply_share(const frost_req_t *req, const frost_plan_t *plan);
#endif
