/* frost_share.h - the user's share of Spark's nested FROST signature
 * (ciphersuite FROST-secp256k1-SHA256-TR-v1, RFC 9591 + BIP340/341, as written out in
 * docs/keys-and-frost.md, section "The user's share, written out"; must equal the SDK's signFrost byte
 * for byte). */
#ifndef SPARK_FROST_SHARE_H
#define SPARK_FROST_SHARE_H
#include <stdint.h>

#include "sc.h"

/* One operator's commitments, pointing into the request payload. */
typedef struct {
    const uint8_t *id;      /* 32-byte big-endian identifier scalar */
    const uint8_t *hiding;  /* 33-byte compressed D_i */
    const uint8_t *binding; /* 33-byte compressed E_i */
} frost_commit_ref_t;

typedef enum {
    FROST_OK = 0,
    FROST_ERR_POINT = 1,      /* a point failed to decode */
    FROST_ERR_ID = 2,         /* identifier zero, >= n, duplicated, or equal to the user's */
    FROST_ERR_DEGENERATE = 3  /* R or Q at infinity */
} frost_err_t;

#define FROST_MAX_PARTICIPANTS 9u /* 8 operators + the user */

/* Everything in the share that involves no secret: computed (and every check made) BEFORE the
 * review, so a package that cannot be signed (bad id or point, R or Q at infinity) is refused
 * before the user is asked to approve it. Public values only. */
typedef struct {
    sc_t rho_user;     /* the user's binding factor rho_user */
    sc_t c;            /* the BIP340 challenge c */
    uint32_t r_odd;    /* R has odd y: the nonces are negated */
    uint32_t s_neg;    /* P and Q differ in y parity: the secret is negated */
    uint8_t r_enc[33]; /* the group commitment R (adaptor included), compressed */
} frost_plan_t;

/* The user's identifier: HID("user") = hash_to_field with DST context || "id". */
void frost_user_identifier(uint8_t id[32]);

/* The user's share is computed in two steps, as FROST_SIGN does (handler_frost_sign.c):
 *
 * 1. frost_prepare, before the review: everything that involves no secret. It validates the
 *    package (operator ids valid, distinct and not the user's: FROST_ERR_ID; every point
 *    decodes: FROST_ERR_POINT) and computes, in order, the sorted participants, the taproot
 *    output key Q, the binding-factor prefix, the group commitment R with rho_user, and the
 *    challenge c. FROST_ERR_DEGENERATE if Q or R is the point at infinity. */
frost_err_t frost_prepare(const uint8_t msg[32], const uint8_t verifying_key[33],
                          const frost_commit_ref_t *ops, uint32_t n_ops,
                          const uint8_t user_hiding[33], const uint8_t user_binding[33],
                          const uint8_t *adaptor /* 33 bytes or NULL */, frost_plan_t *plan);
/* 2. frost_finish, after the approval: z = d' + rho_user * e' + c * s' from a prepared plan
 *    (docs/keys-and-frost.md), with secret, d, e the user's key and nonces; constant time,
 *    on the platform's arithmetic on secrets (platform.h). */
void frost_finish(const frost_plan_t *plan, const sc_t *secret, const sc_t *d, const sc_t *e,
                  uint8_t z_out[32]);
#endif
