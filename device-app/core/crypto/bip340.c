#include "bip340.h"

#include <string.h>

#include "ge.h"
#include "ge_multi.h"
#include "tagged.h"
#include "ct.h"
#include "wipe.h"

/* int(tagged_hash(tag, a || b || m)) mod n: the nonce and the challenge of BIP340 alike. The
 * digest is wiped: for the nonce it is secret. */
static void hash3_reduce(sc_t *out, const char *tag, const uint8_t a[32], const uint8_t b[32],
                         const uint8_t m[32]) {
    sha256_ctx_t c;
    uint8_t h[32];
    tagged_init(&c, tag);
    sha256_update(&c, a, 32u);
    sha256_update(&c, b, 32u);
    sha256_update(&c, m, 32u);
    sha256_final(&c, h);
    (void)sc_from_bytes_reduce(out, h);
    wipe(h, sizeof h);
    wipe(&c, sizeof c);
}

void bip340_challenge(sc_t *e, const uint8_t rx[32], const uint8_t px[32], const uint8_t msg[32]) {
    hash3_reduce(e, "BIP0340/challenge", rx, px, msg);
}

uint32_t bip340_sign(const uint8_t priv[32], const uint8_t msg[32], const uint8_t aux[32],
                     uint8_t sig[64]) {
    sc_t d, k, e, s;
    ge_t P, R;
    fe_t px, py, rx, ry;
    uint8_t pxb[32], rxb[32], t[32], h[32];
    uint32_t ok;

    ok = sc_from_bytes_nonzero(&d, priv);
    ge_mul_gen(&P, &d);
    (void)ge_to_affine(&px, &py, &P);
    sc_cond_neg(&d, &d, fe_is_odd(&py)); /* key with even y */
    fe_to_bytes(pxb, &px);

    /* t = bytes(d) xor hash_aux(a) */
    tagged_hash("BIP0340/aux", aux, 32u, h);
    sc_to_bytes(t, &d);
    for (unsigned i = 0; i < 32u; i++) {
        t[i] = (uint8_t)(t[i] ^ h[i]);
    }
    /* k' = int(hash_nonce(t || P.x || m)) mod n */
    hash3_reduce(&k, "BIP0340/nonce", t, pxb, msg);
    ok &= sc_is_zero(&k) ^ 1u;

    ge_mul_gen(&R, &k);
    (void)ge_to_affine(&rx, &ry, &R);
    sc_cond_neg(&k, &k, fe_is_odd(&ry));
    fe_to_bytes(rxb, &rx);

    bip340_challenge(&e, rxb, pxb, msg);

    sc_mul(&s, &e, &d);
    sc_add(&s, &s, &k);
    memcpy(sig, rxb, 32u);
    sc_to_bytes(sig + 32, &s);
    CT_DECLASSIFY(sig, 64u); /* the signature is public */
    CT_DECLASSIFY(&ok, sizeof ok); /* failure (invalid key, k = 0) is reported */
    if (!ok) {
        memset(sig, 0, 64u);
    }
    wipe(&d, sizeof d);
    wipe(&k, sizeof k);
    wipe(&s, sizeof s);
    wipe(t, sizeof t);
    wipe(h, sizeof h);
    wipe(&R, sizeof R);
    return ok;
}

uint32_t bip340_verify(const uint8_t pkx[32], const uint8_t msg[32], const uint8_t sig[64]) {
    ge_t pts[2], R;
    sc_t k[2];
    fe_t r, x, y;
    if (!ge_lift_x(&pts[1], pkx) || !fe_from_bytes(&r, sig) ||
        sc_from_bytes_reduce(&k[0], sig + 32)) {
        return 0u; /* bad key, r >= p or s >= n */
    }
    /* R = s G - e P */
    bip340_challenge(&k[1], sig, pkx, msg);
    sc_neg(&k[1], &k[1]);
    ge_set_generator(&pts[0]);
    if (!ge_mul_multi_vartime(&R, k, pts, 2u) || !ge_to_affine(&x, &y, &R)) {
        return 0u; /* R at infinity */
    }
    return (fe_is_odd(&y) == 0u && fe_eq(&x, &r)) ? 1u : 0u;
}
