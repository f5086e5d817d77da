/* split_pool.c - see split_pool.h. */
#include "split_pool.h"

#include <string.h>

#include "ct.h"
#include "ecies.h"
#include "ge.h"
#include "platform.h"
#include "vss.h"
#include "wipe.h"

#define DRAW_ATTEMPTS 8u /* a draw is invalid with probability ~2^-128; 8 failures = broken RNG */

static split_entry_t g_pool[SPLIT_POOL_SLOTS];

void split_pool_clear(void) { wipe(g_pool, sizeof g_pool); }

bool split_draw_scalar(sc_t *out) {
    uint8_t b[32];
    uint32_t ok = 0u;
    for (uint32_t i = 0; i < DRAW_ATTEMPTS && ok == 0u; i++) {
        plat_random(b, sizeof b);
        ok = sc_from_bytes_nonzero(out, b);
        CT_DECLASSIFY(&ok, sizeof ok);
    }
    wipe(b, sizeof b);
    return ok != 0u;
}

/* e as bytes, valid as a scalar (ecies_encrypt takes it as bytes). */
static bool draw_ephemeral(uint8_t eph[32]) {
    sc_t e;
    bool ok = split_draw_scalar(&e);
    sc_to_bytes(eph, &e);
    wipe(&e, sizeof e);
    return ok;
}

/* Draws one entry for threshold t from the TRNG into *out and computes its public points. */
static bool split_entry_draw(uint32_t t, split_entry_t *out) {
    ge_t p;
    wipe(out, sizeof *out);
    bool ok = t >= 1u && t <= SPLIT_POOL_MAX_T && split_draw_scalar(&out->a_new) &&
              draw_ephemeral(out->eph);
    for (uint32_t j = 0; ok && j + 1u < t; j++) {
        ok = split_draw_scalar(&out->coeffs[j]);
    }
    if (ok) {
        ge_mul_gen(&p, &out->a_new);
        uint32_t enc = ge_encode(out->a_new_pub, &p);
        CT_DECLASSIFY(out->a_new_pub, 33u); /* leaves the device in the proofs (A_old − A_new) */
        enc &= ecies_ephemeral_public(out->eph, out->eph_pub);
        enc &= vss_proofs(out->coeffs, 0u, t - 1u, out->proofs[0]);
        CT_DECLASSIFY(&enc, sizeof enc);
        ok = enc != 0u; /* never 0 for nonzero scalars */
        plat_random(out->nonce, sizeof out->nonce);
        out->t = (uint8_t)t;
    }
    wipe(&p, sizeof p);
    if (!ok) {
        wipe(out, sizeof *out);
    }
    return ok;
}

/* A free slot, else one held for another threshold (its randomness is wiped), else none. */
static split_entry_t *slot_for(uint32_t t) {
    for (uint32_t i = 0; i < SPLIT_POOL_SLOTS; i++) {
        if (g_pool[i].t == 0u) {
            return &g_pool[i];
        }
    }
    for (uint32_t i = 0; i < SPLIT_POOL_SLOTS; i++) {
        if (g_pool[i].t != t) {
            return &g_pool[i];
        }
    }
    return NULL;
}

bool split_pool_prepare(uint32_t k, uint32_t t) {
    for (uint32_t i = 0; i < k; i++) {
        split_entry_t *s = slot_for(t);
        if (s == NULL) {
            return true; /* full of entries for t */
        }
        if (!split_entry_draw(t, s)) {
            return false;
        }
    }
    return true;
}

uint32_t split_pool_count(uint32_t t) {
    uint32_t c = 0u;
    for (uint32_t i = 0; i < SPLIT_POOL_SLOTS; i++) {
        c += (t != 0u && g_pool[i].t == t) ? 1u : 0u;
    }
    return c;
}

bool split_pool_take(uint32_t t, split_entry_t *out) {
    for (uint32_t i = 0; i < SPLIT_POOL_SLOTS; i++) {
        if (t != 0u && g_pool[i].t == t) {
            memcpy(out, &g_pool[i], sizeof *out);
            wipe(&g_pool[i], sizeof g_pool[i]);
            return true;
        }
    }
    wipe(out, sizeof *out);
    return false;
}
