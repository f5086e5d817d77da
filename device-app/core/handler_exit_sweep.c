/* handler_exit_sweep.c - SIGN_EXIT_SWEEP (PROTOCOL.md 0x51): the unilateral-exit sweep, a BIP341
 * key-path signature by the key a refund pays (a leaf key, or the identity key for a received,
 * unclaimed transfer) over a one-input, one-output transaction the device hashes itself. The
 * spent output is taken to be P2TR of that key's own taproot key (empty script tree), so the
 * signature is good only for that exit output; the destination and the amounts are shown
 * before anything is signed (clear signing: no blind-signing setting). */
#include <string.h>

#include "bech32.h"
#include "bip340.h"
#include "ct.h"
#include "dispatch.h"
#include "ge.h"
#include "key_policy.h"
#include "key_public.h"
#include "platform.h"
#include "protocol.h"
#include "review.h"
#include "review_key.h"
#include "sc.h"
#include "sha256.h"
#include "tagged.h"
#include "ux_text.h"
#include "wipe.h"

#define MAX_SCRIPT 42u

static const char *const HRP[] = {"bc", "tb", "bcrt"};

/* The request waiting for approval (public) and its sighash. */
static struct {
    spark_key_t leaf; /* the refund key: a leaf key or the identity key */
    uint8_t tweak[32];  /* TapTweak(P'.x) */
    uint8_t p_odd;      /* the leaf key's public key had odd y (the secret is negated) */
    uint8_t qx[32];     /* x of the tweaked output key */
    uint8_t digest[32]; /* BIP341 SIGHASH_DEFAULT */
} g_req;

static void le32(uint8_t *o, uint32_t v) {
    for (int i = 0; i < 4; i++) o[i] = (uint8_t)(v >> (8 * i));
}

static void le64(uint8_t *o, uint64_t v) {
    for (int i = 0; i < 8; i++) o[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rd_u64(reader_t *r) {
    uint64_t hi = rd_u32(r);
    return (hi << 32) | rd_u32(r);
}

/* Q = P' + TapTweak(P'.x)·G for the leaf key's public key P (P' = P made even). */
static bool tweak_key(void) {
    uint8_t pub[33], q[33];
    ge_t p, t, sum;
    sc_t tw;
    if (!key_public_of(&g_req.leaf, pub) || ge_decode(&p, pub) == 0u) {
        return false;
    }
    g_req.p_odd = (uint8_t)(pub[0] == 0x03u);
    if (g_req.p_odd) {
        ge_neg(&p, &p);
    }
    tagged_hash("TapTweak", pub + 1, 32u, g_req.tweak);
    if (sc_from_bytes_reduce(&tw, g_req.tweak) != 0u) {
        return false; /* t >= n: BIP341 fails the tweak */
    }
    ge_mul_gen(&t, &tw);
    ge_add(&sum, &p, &t);
    if (ge_encode(q, &sum) == 0u) {
        return false;
    }
    memcpy(g_req.qx, q + 1, 32u);
    return true;
}

static void sha_of(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t out[32]) {
    sha256_ctx_t c;
    sha256_init(&c);
    sha256_update(&c, a, alen);
    sha256_update(&c, b, blen);
    sha256_final(&c, out);
}

static void on_decision(bool approved) {
    uint8_t priv[32], sig[64], aux[32];
    sc_t d, t;
    uint16_t sw = SW_OK;
    if (!approved) {
        core_reply_sw(SW_DENIED);
        return;
    }
    if (!plat_derive_secp256k1(g_req.leaf.path, g_req.leaf.depth, priv)) {
        sw = SW_INTERNAL;
    } else {
        /* d' = ±d + t: the secret of Q (BIP341 taproot_tweak_seckey) */
        uint32_t ok = sc_from_bytes_nonzero(&d, priv);
        sc_cond_neg(&d, &d, g_req.p_odd);
        sc_from_bytes_reduce(&t, g_req.tweak);
        sc_add(&d, &d, &t);
        sc_to_bytes(priv, &d);
        plat_random(aux, sizeof aux);
        ok &= bip340_sign(priv, g_req.digest, aux, sig);
        CT_DECLASSIFY(&ok, sizeof ok);
        CT_DECLASSIFY(sig, sizeof sig);
        /* never send a signature that does not verify (a fault would leak the key) */
        if (ok == 0u || bip340_verify(g_req.qx, g_req.digest, sig) == 0u) {
            sw = SW_INTERNAL;
        }
    }
    wipe(priv, sizeof priv);
    wipe(&d, sizeof d);
    core_reply(sig, sw == SW_OK ? sizeof sig : 0u, sw);
    wipe(sig, sizeof sig);
}

void handle_exit_sweep(const apdu_t *a) {
    reader_t r;
    uint8_t buf[36 + 8 + 1 + MAX_SCRIPT], h[5][32], msg[1 + 1 + 4 + 4 + 5 * 32 + 1 + 4];
    char addr[SEGWIT_ADDR_MAX + 1u];

    if (a->p1 != 0u || a->p2 != 0u) {
        core_reply_sw(SW_BAD_P1_P2);
        return;
    }
    rd_init(&r, a->data, a->lc);
    uint16_t sw = keyref_parse(&r, &g_req.leaf);
    if (sw != SW_OK) {
        core_reply_sw(sw);
        return;
    }
    uint8_t network = rd_u8(&r);
    uint32_t version = rd_u32(&r);
    uint32_t locktime = rd_u32(&r);
    const uint8_t *txid = rd_bytes(&r, 32u);
    uint32_t vout = rd_u32(&r);
    uint64_t in_amount = rd_u64(&r);
    uint32_t sequence = rd_u32(&r);
    uint64_t out_amount = rd_u64(&r);
    uint8_t script_len = rd_u8(&r);
    const uint8_t *script = rd_bytes(&r, script_len);
    if (r.err || txid == NULL || script == NULL) {
        core_reply_sw(SW_WRONG_LENGTH);
        return;
    }
    if (!rd_finished(&r) || network > 2u || out_amount > in_amount || in_amount > 2100000000000000ull ||
        !segwit_address(HRP[network], script, script_len, addr)) {
        core_reply_sw(SW_BAD_DATA);
        return;
    }
    if (key_policy_named_by(&g_req.leaf, KEY_USE_SIGN_EXIT_SWEEP) != SW_OK) {
        /* the keys Spark refunds pay: a leaf key (owned leaf), the identity key (a received,
         * unclaimed transfer's intermediate refund) */
        core_reply_sw(SW_PATH_REFUSED);
        return;
    }
    if (!tweak_key()) {
        core_reply_sw(SW_INTERNAL);
        return;
    }
    /* BIP341 SigMsg for SIGHASH_DEFAULT, key path, no annex, input 0 */
    memcpy(buf, txid, 32u);
    le32(buf + 32, vout);
    sha256(buf, 36u, h[0]); /* sha_prevouts */
    le64(buf, in_amount);
    sha256(buf, 8u, h[1]); /* sha_amounts */
    buf[0] = 34u;
    buf[1] = 0x51u;
    buf[2] = 0x20u;
    memcpy(buf + 3, g_req.qx, 32u);
    sha256(buf, 35u, h[2]); /* sha_scriptpubkeys: P2TR(Q) */
    le32(buf, sequence);
    sha256(buf, 4u, h[3]); /* sha_sequences */
    le64(buf, out_amount);
    buf[8] = script_len;
    sha_of(buf, 9u, script, script_len, h[4]); /* sha_outputs */
    size_t n = 0;
    msg[n++] = 0x00u; /* epoch */
    msg[n++] = 0x00u; /* SIGHASH_DEFAULT */
    le32(msg + n, version);
    n += 4u;
    le32(msg + n, locktime);
    n += 4u;
    for (int i = 0; i < 5; i++) {
        memcpy(msg + n, h[i], 32u);
        n += 32u;
    }
    msg[n++] = 0x00u; /* spend type: key path, no annex */
    le32(msg + n, 0u); /* input index */
    n += 4u;
    tagged_hash("TapSighash", msg, n, g_req.digest);

    review_reset();
    ux_page_t *p = review_add_page("Exit sweep");
    review_describe_key(p, &g_req.leaf);
    page_add_sats(p, "Fee ", in_amount - out_amount);
    review_add_leaf_page(&g_req.leaf);
    p = review_add_page("Amount");
    page_add_sats(p, "", out_amount);
    p = review_add_page("To");
    page_add_wrapped(p, addr, UX_LINE_CHARS);
    core_defer_reply();
    review_start(on_decision);
}
