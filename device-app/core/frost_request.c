/* frost_request.c - see frost_request.h. */
#include "frost_request.h"

#include "ct.h"
#include "dispatch.h"
#include "key_policy.h"
#include "nonce_store.h"
#include "platform.h"
#include "session_cache.h"
#include "wipe.h"

uint16_t frost_req_parse(reader_t *r, frost_req_t *req, bool with_msg, uint16_t *key_sw) {
    *key_sw = keyref_parse(r, &req->key);
    if (*key_sw != SW_OK && *key_sw != SW_PATH_REFUSED) {
        return *key_sw;
    }
    req->msg = with_msg ? rd_bytes(r, 32u) : NULL;
    req->vk = rd_bytes(r, 33u);
    req->ref = rd_u32(r);
    req->user_hiding = rd_bytes(r, 33u);
    req->user_binding = rd_bytes(r, 33u);
    req->n_ops = rd_u8(r);
    if (r->err) {
        return SW_WRONG_LENGTH;
    }
    if (req->n_ops == 0u || req->n_ops > FROST_MAX_OPERATORS) {
        return SW_BAD_DATA;
    }
    for (uint32_t i = 0; i < req->n_ops; i++) {
        req->ops[i].id = rd_bytes(r, 32u);
        req->ops[i].hiding = rd_bytes(r, 33u);
        req->ops[i].binding = rd_bytes(r, 33u);
    }
    uint8_t has_adaptor = rd_u8(r);
    if (r->err) {
        return SW_WRONG_LENGTH;
    }
    if (has_adaptor > 1u) {
        return SW_BAD_DATA;
    }
    req->adaptor = has_adaptor ? rd_bytes(r, 33u) : NULL;
    return r->err ? SW_WRONG_LENGTH : SW_OK;
}

uint16_t frost_req_begin(const frost_req_t *req, uint16_t key_sw) {
    /* Consume the reference before anything else: whatever happens next, it is spent. */
    if (!nonce_store_consume(req->ref)) {
        return SW_NONCE_UNKNOWN;
    }
    /* Adaptor rule (PROTOCOL.md, "Security notes on FROST_SIGN"): the adaptor point is not bound
     * by the binding factors, so the host steers the challenge of an adaptor session; ROS needs
     * many such sessions open at once. Spending every other reference here, before any check
     * that can fail and before the review (so also on reject), keeps adaptor sessions sequential. */
    if (req->adaptor != NULL) {
        nonce_store_retire_all();
    }
    if (key_sw != SW_OK || !key_policy_frost_allowed(&req->key)) {
        return SW_PATH_REFUSED;
    }
    return SW_OK;
}

uint16_t frost_req_check_commitments(const frost_req_t *req) {
    uint8_t hiding[33], binding[33];
    /* the digest remembered when the reference was issued spares d·G and e·G */
    cache_match_t m = commit_cache_match(req->ref, req->user_hiding, req->user_binding);
    if (m != CACHE_MISS) {
        return m == CACHE_EQUAL ? SW_OK : SW_NONCE_MISMATCH;
    }
    bool ok = nonce_store_commitments(req->ref, hiding, binding);
    if (!ok || !ct_equal(hiding, req->user_hiding, 33u) || !ct_equal(binding, req->user_binding, 33u)) {
        return SW_NONCE_MISMATCH;
    }
    return SW_OK;
}

uint16_t frost_req_prepare(const frost_req_t *req, frost_plan_t *plan) {
    /* every check on the package (ids, points, R and Q not at infinity) happens here, before
     * the user is asked: an approval is never followed by a refusal */
    return frost_prepare(req->msg, req->vk, req->ops, req->n_ops, req->user_hiding, req->user_binding,
                         req->adaptor, plan) == FROST_OK
               ? SW_OK
               : SW_BAD_DATA;
}

uint16_t frost_req_share(const frost_req_t *req, const frost_plan_t *plan, uint8_t z[32]) {
    uint8_t priv[32];
    sc_t s, d, e;
    uint16_t sw = SW_INTERNAL;
    bool ok = plat_derive_secp256k1(req->key.path, req->key.depth, priv);
    uint32_t key_ok = sc_from_bytes_nonzero(&s, priv);
    CT_DECLASSIFY(&key_ok, sizeof key_ok);
    ok = ok && key_ok;
    ok = ok && nonce_store_nonces(req->ref, &d, &e);
    if (ok) {
        frost_finish(plan, &s, &d, &e, z);
        sw = SW_OK;
    }
    wipe(priv, sizeof priv);
    wipe(&s, sizeof s);
    wipe(&d, sizeof d);
    wipe(&e, sizeof e);
    return sw;
}

void frost_req_reply_share(const frost_req_t *req, const frost_plan_t *plan) {
    uint8_t z[32];
    uint16_t sw = frost_req_share(req, plan, z);
    core_reply(z, sw == SW_OK ? 32u : 0u, sw);
    wipe(z, sizeof z);
}
