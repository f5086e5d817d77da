#include "nonce_store.h"

#include <string.h>

#include "ge.h"
#include "h2f.h"
#include "platform.h"
#include "session_cache.h"
#include "ct.h"
#include "wipe.h"

static nonce_store_t g_store;

static const uint8_t NONCE_DST[] = "SparkLedger-nonce-v1";

void nonce_store_init(void) {
    wipe(&g_store, sizeof g_store);
    session_cache_clear();
    plat_random(g_store.secret, sizeof g_store.secret);
}

void nonce_store_clear(void) {
    wipe(&g_store, sizeof g_store);
    session_cache_clear(); /* the session's public values go with it */
}

static uint32_t bit_index(uint32_t ref) { return ref % NONCE_WINDOW; }

bool nonce_store_issue(uint32_t *ref) {
    if (g_store.next == UINT32_MAX) {
        return false;
    }
    uint32_t r = g_store.next++;
    uint32_t b = bit_index(r);
    /* setting the bit also retires r - NONCE_WINDOW, which shared it */
    g_store.outstanding[b / 8u] = (uint8_t)(g_store.outstanding[b / 8u] | (1u << (b % 8u)));
    *ref = r;
    return true;
}

bool nonce_store_consume(uint32_t ref) {
    if (ref >= g_store.next || g_store.next - ref > NONCE_WINDOW) {
        return false; /* never issued, or slid out of the window */
    }
    uint32_t b = bit_index(ref);
    uint8_t mask = (uint8_t)(1u << (b % 8u));
    if ((g_store.outstanding[b / 8u] & mask) == 0u) {
        return false; /* already used */
    }
    g_store.outstanding[b / 8u] = (uint8_t)(g_store.outstanding[b / 8u] & (uint8_t)~mask);
    return true;
}

void nonce_store_retire_all(void) {
    wipe(g_store.outstanding, sizeof g_store.outstanding);
    commit_cache_clear();
}

bool nonce_store_nonces(uint32_t ref, sc_t *d, sc_t *e) {
    sc_t out[2];
    uint8_t ctr[4] = {(uint8_t)(ref >> 24), (uint8_t)(ref >> 16), (uint8_t)(ref >> 8),
                      (uint8_t)ref};
    (void)hash_to_scalars(out, 2u, g_store.secret, sizeof g_store.secret, ctr, sizeof ctr,
                          NONCE_DST, sizeof NONCE_DST - 1u);
    *d = out[0];
    *e = out[1];
    wipe(out, sizeof out);
    uint32_t ok = (sc_is_zero(d) | sc_is_zero(e)) ^ 1u;
    CT_DECLASSIFY(&ok, sizeof ok); /* a zero nonce (p ~ 2^-255) is refused, not hidden */
    return ok != 0u;
}

bool nonce_store_commitments(uint32_t ref, uint8_t hiding[33], uint8_t binding[33]) {
    sc_t d, e;
    ge_t p;
    bool ok = nonce_store_nonces(ref, &d, &e);
    ge_mul_gen(&p, &d);
    (void)ge_encode(hiding, &p);
    ge_mul_gen(&p, &e);
    (void)ge_encode(binding, &p);
    CT_DECLASSIFY(hiding, 33u); /* commitments are public */
    CT_DECLASSIFY(binding, 33u);
    wipe(&d, sizeof d);
    wipe(&e, sizeof e);
    return ok;
}

uint32_t nonce_store_size(void) { return (uint32_t)sizeof(nonce_store_t); }
