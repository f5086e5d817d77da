/* handler_frost_sign.c - FROST_SIGN (PROTOCOL.md 0x31): reassemble the chunked signing
 * package, spend the nonce reference first (with an adaptor point: every outstanding
 * reference), check policy, setting and commitments, review,
 * then compute the user's share. */
#include <string.h>

#include "dispatch.h"
#include "frost_share.h"
#include "key_policy.h"
#include "nonce_store.h"
#include "platform.h"
#include "protocol.h"
#include "review.h"
#include "review_key.h"
#include "settings.h"
#include "ux_text.h"
#include "ct.h"
#include "wipe.h"

/* The reassembled payload (PROTOCOL.md "FROST_SIGN (chunked)"). It stays untouched while the
 * review is pending: no APDU can arrive before the reply. */
static uint8_t g_buf[FROST_MAX_PAYLOAD];
static uint16_t g_len;
static bool g_started;

/* The parsed request, pointing into g_buf. */
static struct {
    spark_key_t key;
    const uint8_t *msg;
    const uint8_t *vk;
    uint32_t ref;
    const uint8_t *user_hiding;
    const uint8_t *user_binding;
    uint32_t n_ops;
    frost_commit_ref_t ops[FROST_MAX_OPERATORS];
    const uint8_t *adaptor;
} g_req;

/* The public part of the share (binding factor, challenge, parities), computed and checked
 * before the review: only frost_finish, with the secrets, runs after the approval. */
static frost_plan_t g_plan;

void frost_sign_reset(void) {
    g_len = 0u;
    g_started = false;
}

/* Structural parse. Returns SW_OK, or the first error; *key_sw gets the key policy verdict,
 * which is reported only after the nonce reference was consumed. */
static uint16_t parse_request(uint16_t *key_sw) {
    reader_t r;
    rd_init(&r, g_buf, g_len);
    *key_sw = keyref_parse(&r, &g_req.key);
    if (*key_sw != SW_OK && *key_sw != SW_PATH_REFUSED) {
        return *key_sw;
    }
    g_req.msg = rd_bytes(&r, 32u);
    g_req.vk = rd_bytes(&r, 33u);
    g_req.ref = rd_u32(&r);
    g_req.user_hiding = rd_bytes(&r, 33u);
    g_req.user_binding = rd_bytes(&r, 33u);
    g_req.n_ops = rd_u8(&r);
    if (r.err) {
        return SW_WRONG_LENGTH;
    }
    if (g_req.n_ops == 0u || g_req.n_ops > FROST_MAX_OPERATORS) {
        return SW_BAD_DATA;
    }
    for (uint32_t i = 0; i < g_req.n_ops; i++) {
        g_req.ops[i].id = rd_bytes(&r, 32u);
        g_req.ops[i].hiding = rd_bytes(&r, 33u);
        g_req.ops[i].binding = rd_bytes(&r, 33u);
    }
    uint8_t has_adaptor = rd_u8(&r);
    if (r.err) {
        return SW_WRONG_LENGTH;
    }
    if (has_adaptor > 1u) {
        return SW_BAD_DATA;
    }
    g_req.adaptor = has_adaptor ? rd_bytes(&r, 33u) : NULL;
    if (r.err) {
        return SW_WRONG_LENGTH;
    }
    if (!rd_finished(&r)) {
        return SW_BAD_DATA; /* trailing bytes */
    }
    return SW_OK;
}

static void sign_now(void) {
    uint8_t priv[32], z[32];
    sc_t s, d, e;
    uint16_t sw = SW_INTERNAL;
    bool ok = plat_derive_secp256k1(g_req.key.path, g_req.key.depth, priv);
    uint32_t key_ok = sc_from_bytes_nonzero(&s, priv);
    CT_DECLASSIFY(&key_ok, sizeof key_ok);
    ok = ok && key_ok;
    ok = ok && nonce_store_nonces(g_req.ref, &d, &e);
    if (ok) {
        frost_finish(&g_plan, &s, &d, &e, z);
        sw = SW_OK;
    }
    wipe(priv, sizeof priv);
    wipe(&s, sizeof s);
    wipe(&d, sizeof d);
    wipe(&e, sizeof e);
    core_reply(z, sw == SW_OK ? 32u : 0u, sw);
    wipe(z, sizeof z);
    frost_sign_reset();
}

static void on_decision(bool approved) {
    if (approved) {
        sign_now();
    } else {
        frost_sign_reset();
        core_reply_sw(SW_DENIED);
    }
}

static void process(void) {
    uint16_t key_sw;
    uint16_t sw = parse_request(&key_sw);
    if (sw != SW_OK) {
        core_reply_sw(sw);
        return;
    }
    /* Consume the reference before anything else: whatever happens next, it is spent. */
    if (!nonce_store_consume(g_req.ref)) {
        core_reply_sw(SW_NONCE_UNKNOWN);
        return;
    }
    /* Adaptor rule (PROTOCOL.md, "Security notes on FROST_SIGN"): the adaptor point is not bound by the binding
     * factors, so the host steers the challenge of an adaptor session; ROS needs many such
     * sessions open at once. Spending every other reference here, before any check that can
     * fail and before the review (so also on reject), keeps adaptor sessions sequential. */
    if (g_req.adaptor != NULL) {
        nonce_store_retire_all();
    }
    if (key_sw != SW_OK || !key_policy_frost_allowed(&g_req.key)) {
        core_reply_sw(SW_PATH_REFUSED);
        return;
    }
    if (!settings_blind_signing()) {
        core_reply_sw(SW_BLIND_SIGNING_DISABLED);
        return;
    }
    uint8_t hiding[33], binding[33];
    bool ok = nonce_store_commitments(g_req.ref, hiding, binding);
    if (!ok || !ct_equal(hiding, g_req.user_hiding, 33u) ||
        !ct_equal(binding, g_req.user_binding, 33u)) {
        core_reply_sw(SW_NONCE_MISMATCH);
        return;
    }
    /* every check on the package (ids, points, R and Q not at infinity) happens here, before
     * the user is asked: an approval is never followed by a refusal */
    if (frost_prepare(g_req.msg, g_req.vk, g_req.ops, g_req.n_ops, g_req.user_hiding,
                      g_req.user_binding, g_req.adaptor, &g_plan) != FROST_OK) {
        core_reply_sw(SW_BAD_DATA);
        return;
    }
    review_reset();
    ux_page_t *p = review_add_page("Blind signing");
    page_add_line(p, "FROST share");
    review_describe_key(p, &g_req.key);
    review_add_leaf_page(&g_req.key);
    p = review_add_page("Message hash");
    page_add_hex(p, g_req.msg, 32u, 16u);
    core_defer_reply();
    review_start(on_decision);
}

void handle_frost_sign(const apdu_t *a) {
    if ((a->p1 != P1_CHUNK_FIRST && a->p1 != P1_CHUNK_NEXT) ||
        (a->p2 != P2_CHUNK_LAST && a->p2 != P2_CHUNK_MORE)) {
        frost_sign_reset();
        core_reply_sw(SW_BAD_P1_P2);
        return;
    }
    if (a->p1 == P1_CHUNK_FIRST) {
        g_len = 0u;
        g_started = true;
    } else if (!g_started) {
        core_reply_sw(SW_CHUNK_SEQUENCE);
        return;
    }
    if ((size_t)g_len + a->lc > sizeof g_buf) {
        frost_sign_reset();
        core_reply_sw(SW_CHUNK_SEQUENCE);
        return;
    }
    memcpy(g_buf + g_len, a->data, a->lc);
    g_len = (uint16_t)(g_len + a->lc);
    if (a->p2 == P2_CHUNK_MORE) {
        core_reply_sw(SW_OK);
        return;
    }
    g_started = false;
    process();
}
