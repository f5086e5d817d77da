/* handler_key_split.c - KEY_SPLIT (PROTOCOL.md 0x32): the key tweaks of a transfer and of a
 * claim. Transfer: a fresh key a_new from the TRNG replaces the leaf key a_old; a_old − a_new is
 * split with Feldman VSS (device randomness) and a_new leaves only ECIES-encrypted to the
 * receiver shown on screen. Claim: a_new comes out of the transfer's ciphertext (identity key),
 * and a_new − leaf key is split; nothing leaves the user's control, so nothing is shown.
 * A transfer takes a prepared entry (split_pool.h, SPLIT_PREPARE) when one is ready for its
 * threshold: a_new, e and the random coefficients with their points were made ahead, so only
 * the ECDH with the receiver and the share evaluations remain; the output is the same layout.
 * The result is read in 255-byte pages; any other command wipes it. */
#include <string.h>

#include "ct.h"
#include "dispatch.h"
#include "ecies.h"
#include "ge.h"
#include "intent.h"
#include "key_policy.h"
#include "platform.h"
#include "protocol.h"
#include "review.h"
#include "review_key.h"
#include "sc.h"
#include "spark_keys.h"
#include "split_pool.h"
#include "session_cache.h"
#include "ux_text.h"
#include "vss.h"
#include "wipe.h"

#define KEY_CIPHERTEXT_LEN (ECIES_OVERHEAD + 32u)
#define RESULT_MAX (VSS_MAX_SHARES * 33u + VSS_MAX_SHARES * 32u + KEY_CIPHERTEXT_LEN)
#define DRAW_ATTEMPTS 8u /* see split_draw_scalar: 8 invalid draws = a broken RNG */

/* The parsed request (public) and the result waiting to be read (public: it leaves the device). */
static struct {
    uint8_t mode;
    uint32_t t, n;
    spark_key_t leaf;
    uint32_t account;
    uint8_t receiver[33];
    uint8_t ciphertext[KEY_CIPHERTEXT_LEN];
} g_req;
static uint8_t g_result[RESULT_MAX];
static uint16_t g_result_len;
/* The prepared entry this transfer took from the pool (secret); wiped when used or refused. */
static split_entry_t g_taken;
static bool g_has_taken;

void key_split_reset(void) {
    wipe(g_result, sizeof g_result);
    g_result_len = 0u;
    wipe(&g_taken, sizeof g_taken);
    g_has_taken = false;
}

static bool derive_scalar(const spark_key_t *key, sc_t *out) {
    uint8_t priv[32];
    bool ok = plat_derive_secp256k1(key->path, key->depth, priv);
    uint32_t valid = sc_from_bytes_nonzero(out, priv);
    CT_DECLASSIFY(&valid, sizeof valid);
    wipe(priv, sizeof priv);
    return ok && valid != 0u;
}

/* Splits coeffs[0] into g_result (proofs || shares); draws the other coefficients. */
static bool split(sc_t coeffs[VSS_MAX_SHARES]) {
    for (uint32_t attempt = 0; attempt < DRAW_ATTEMPTS; attempt++) {
        bool drawn = true;
        for (uint32_t j = 1; j < g_req.t; j++) {
            drawn = drawn && split_draw_scalar(&coeffs[j]);
        }
        if (!drawn) {
            return false;
        }
        if (vss_split(coeffs, g_req.t, g_req.n, g_result, g_result + 33u * g_req.t) != 0u) {
            g_result_len = (uint16_t)(33u * g_req.t + 32u * g_req.n);
            return true;
        }
    }
    return false;
}

static uint16_t compute_transfer(sc_t coeffs[VSS_MAX_SHARES]) {
    sc_t a_new;
    uint8_t a_new_bytes[32], eph[32], nonce[16];
    uint16_t sw = SW_INTERNAL;
    if (derive_scalar(&g_req.leaf, &coeffs[0]) && split_draw_scalar(&a_new)) {
        sc_sub(&coeffs[0], &coeffs[0], &a_new); /* a_old − a_new */
        sc_to_bytes(a_new_bytes, &a_new);
        plat_random(eph, sizeof eph);
        plat_random(nonce, sizeof nonce);
        if (split(coeffs)) {
            uint8_t *ct = g_result + g_result_len;
            if (ecies_encrypt(g_req.receiver, a_new_bytes, 32u, eph, nonce, ct) != 0u) {
                CT_DECLASSIFY(ct, KEY_CIPHERTEXT_LEN);
                g_result_len = (uint16_t)(g_result_len + KEY_CIPHERTEXT_LEN);
                sw = SW_OK;
            }
        }
    }
    wipe(&a_new, sizeof a_new);
    wipe(a_new_bytes, sizeof a_new_bytes);
    wipe(eph, sizeof eph);
    return sw;
}

/* proofs[0] = (a_old − a_new)·G: A_old − A_new from public points when the leaf's public key is
 * in the session cache (no multiplication, no second derivation), else coeffs[0]·G (one); 0 if
 * it is infinity (a_new = a_old). */
static uint32_t secret_proof(const sc_t coeffs[VSS_MAX_SHARES], const uint8_t a_new_pub[33],
                             uint8_t out[33]) {
    uint8_t a_old_pub[33];
    ge_t a_old, a_new;
    if (!pubkey_cache_get(&g_req.leaf, a_old_pub)) {
        return vss_proofs(coeffs, 0u, 1u, out);
    }
    if (ge_decode(&a_old, a_old_pub) == 0u || ge_decode(&a_new, a_new_pub) == 0u) {
        return 0u;
    }
    ge_neg(&a_new, &a_new);
    ge_add(&a_old, &a_old, &a_new);
    return ge_encode(out, &a_old);
}

/* The transfer from the prepared entry g_taken: the same result as compute_transfer. */
static uint16_t compute_prepared(sc_t coeffs[VSS_MAX_SHARES]) {
    uint8_t a_new_bytes[32];
    uint32_t t = g_req.t;
    uint16_t sw = SW_INTERNAL;
    bool derived = derive_scalar(&g_req.leaf, &coeffs[0]);
    if (derived) {
        sc_sub(&coeffs[0], &coeffs[0], &g_taken.a_new); /* a_old − a_new */
    }
    if (derived && secret_proof(coeffs, g_taken.a_new_pub, g_result) != 0u) {
        for (uint32_t j = 1; j < t; j++) {
            coeffs[j] = g_taken.coeffs[j - 1u];
            memcpy(g_result + 33u * j, g_taken.proofs[j - 1u], 33u);
        }
        vss_shares(coeffs, t, g_req.n, g_result + 33u * t);
        g_result_len = (uint16_t)(33u * t + 32u * g_req.n);
        sc_to_bytes(a_new_bytes, &g_taken.a_new);
        uint8_t *ct = g_result + g_result_len;
        if (ecies_encrypt_prepared(g_req.receiver, a_new_bytes, 32u, g_taken.eph, g_taken.eph_pub,
                                   g_taken.nonce, ct) != 0u) {
            CT_DECLASSIFY(ct, KEY_CIPHERTEXT_LEN);
            g_result_len = (uint16_t)(g_result_len + KEY_CIPHERTEXT_LEN);
            sw = SW_OK;
        }
    }
    wipe(a_new_bytes, sizeof a_new_bytes);
    wipe(&g_taken, sizeof g_taken);
    g_has_taken = false;
    return sw;
}

static uint16_t compute_claim(sc_t coeffs[VSS_MAX_SHARES]) {
    uint8_t priv[32], a_new_bytes[32];
    sc_t b;
    uint16_t sw = SW_OK;
    if (!spark_key_derive_account_key(KEY_IDENTITY, g_req.account, priv)) {
        sw = SW_INTERNAL;
    } else if (ecies_decrypt(priv, g_req.ciphertext, KEY_CIPHERTEXT_LEN, a_new_bytes) == 0u) {
        sw = SW_BAD_DATA; /* not encrypted to this identity key, or tampered */
    } else {
        uint32_t valid = sc_from_bytes_nonzero(&coeffs[0], a_new_bytes);
        CT_DECLASSIFY(&valid, sizeof valid);
        if (valid == 0u) {
            sw = SW_BAD_DATA; /* the plaintext is not a key */
        } else if (!derive_scalar(&g_req.leaf, &b)) {
            sw = SW_INTERNAL;
        } else {
            sc_sub(&coeffs[0], &coeffs[0], &b); /* a_new − b */
            sw = split(coeffs) ? SW_OK : SW_INTERNAL;
        }
    }
    wipe(priv, sizeof priv);
    wipe(a_new_bytes, sizeof a_new_bytes);
    wipe(&b, sizeof b);
    return sw;
}

/* Computes the result and answers with its first page. */
static void compute_and_reply(void) {
    sc_t coeffs[VSS_MAX_SHARES];
    wipe(g_result, sizeof g_result);
    g_result_len = 0u;
    uint16_t sw = g_req.mode == KEY_SPLIT_CLAIM ? compute_claim(coeffs)
                  : g_has_taken                 ? compute_prepared(coeffs)
                                                : compute_transfer(coeffs);
    wipe(coeffs, sizeof coeffs);
    if (sw != SW_OK) {
        key_split_reset();
        core_reply_sw(sw);
        return;
    }
    if (g_req.mode == KEY_SPLIT_TRANSFER && intent_active()) {
        intent_commit_split(&g_req.leaf, g_result + g_result_len - KEY_CIPHERTEXT_LEN, KEY_CIPHERTEXT_LEN);
    }
    core_reply(g_result, g_result_len < CORE_MAX_REPLY ? g_result_len : CORE_MAX_REPLY, SW_OK);
}

static void on_decision(bool approved) {
    if (approved) {
        compute_and_reply();
    } else {
        key_split_reset(); /* a prepared entry taken for this split dies with it */
        core_reply_sw(SW_DENIED);
    }
}

/* A leaf key only: both modes move value between a leaf key and a key the device does not
 * derive (PROTOCOL.md, "Why each command accepts the keys it does"). */
static uint16_t parse_leaf(reader_t *r) {
    uint16_t sw = keyref_parse(r, &g_req.leaf);
    if (sw == SW_OK) {
        sw = key_policy_named_by(&g_req.leaf, KEY_USE_KEY_SPLIT);
    }
    return sw;
}

static uint16_t parse(const apdu_t *a) {
    reader_t r;
    rd_init(&r, a->data, a->lc);
    g_req.mode = rd_u8(&r);
    g_req.t = rd_u8(&r);
    g_req.n = rd_u8(&r);
    if (r.err) {
        return SW_WRONG_LENGTH;
    }
    if (g_req.mode > KEY_SPLIT_CLAIM || g_req.t == 0u || g_req.t > g_req.n || g_req.n > VSS_MAX_SHARES) {
        return SW_BAD_DATA;
    }
    uint16_t sw;
    if (g_req.mode == KEY_SPLIT_TRANSFER) {
        sw = parse_leaf(&r);
        if (sw != SW_OK) {
            return sw;
        }
        const uint8_t *recv = rd_bytes(&r, 33u);
        if (recv == NULL) {
            return SW_WRONG_LENGTH;
        }
        ge_t p;
        if (ge_decode(&p, recv) == 0u) {
            return SW_BAD_DATA;
        }
        memcpy(g_req.receiver, recv, 33u);
    } else {
        g_req.account = rd_u32(&r);
        const uint8_t *ct = rd_bytes(&r, KEY_CIPHERTEXT_LEN);
        if (ct == NULL) {
            return SW_WRONG_LENGTH;
        }
        memcpy(g_req.ciphertext, ct, KEY_CIPHERTEXT_LEN);
        sw = parse_leaf(&r);
        if (sw != SW_OK) {
            return sw;
        }
        if (g_req.account > SPARK_MAX_ACCOUNT) {
            return SW_PATH_REFUSED;
        }
    }
    return rd_finished(&r) ? SW_OK : SW_BAD_DATA;
}

static void read_page(const apdu_t *a) {
    uint32_t off = (uint32_t)a->p2 * CORE_MAX_REPLY;
    if (a->lc != 0u) {
        core_reply_sw(SW_WRONG_LENGTH);
        return;
    }
    if (g_result_len == 0u || a->p2 == 0u || off >= g_result_len) {
        core_reply_sw(SW_CHUNK_SEQUENCE); /* nothing to read there */
        return;
    }
    uint32_t len = g_result_len - off;
    core_reply(g_result + off, len < CORE_MAX_REPLY ? len : CORE_MAX_REPLY, SW_OK);
}

void handle_key_split(const apdu_t *a) {
    if (a->p1 == P1_KEY_SPLIT_READ) {
        read_page(a);
        return;
    }
    key_split_reset();
    if (a->p1 != P1_KEY_SPLIT_RUN || a->p2 != 0u) {
        core_reply_sw(SW_BAD_P1_P2);
        return;
    }
    uint16_t sw = parse(a);
    if (sw != SW_OK) {
        core_reply_sw(sw);
        return;
    }
    if (g_req.mode == KEY_SPLIT_CLAIM) {
        compute_and_reply();
        return;
    }
    intent_end_if_all_split();
    if (intent_active()) {
        /* covered by the approved transfer (PROTOCOL.md "TRANSFER_INTENT"), or refused */
        sw = intent_check_split(&g_req.leaf, g_req.receiver);
        if (sw != SW_OK) {
            core_reply_sw(sw);
            return;
        }
        g_has_taken = split_pool_take(g_req.t, &g_taken);
        compute_and_reply();
        return;
    }
    /* taken now, used once: approved or refused, it is wiped (PROTOCOL.md "Prepared splits") */
    g_has_taken = split_pool_take(g_req.t, &g_taken);
    review_reset();
    ux_page_t *p = review_add_page("Send leaf");
    review_describe_key(p, &g_req.leaf);
    review_add_leaf_page(&g_req.leaf);
    p = review_add_page("Receiver");
    page_add_hex(p, g_req.receiver, sizeof g_req.receiver, 17u);
    core_defer_reply();
    review_start(on_decision);
}
