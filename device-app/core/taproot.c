/* taproot.c - see taproot.h. Public values only. */
#include "taproot.h"

#include <string.h>

#include "ge.h"
#include "ge_multi.h"
#include "sc.h"
#include "tagged.h"

bool taproot_output_key(const uint8_t pub[33], taproot_key_t *out) {
    uint8_t q[33];
    ge_t p, t, sum;
    sc_t tw;
    if (ge_decode(&p, pub) == 0u) {
        return false;
    }
    out->p_odd = (uint8_t)(pub[0] == 0x03u);
    if (out->p_odd) {
        ge_neg(&p, &p);
    }
    tagged_hash("TapTweak", pub + 1, 32u, out->tweak);
    if (sc_from_bytes_reduce(&tw, out->tweak) != 0u) {
        return false; /* t >= n: BIP341 fails the tweak */
    }
    /* the tweak is public (a hash of the public key): the variable-time multiplication, not
     * the platform's arithmetic on secrets, which costs far more under Speculos (as frost_share.c) */
    ge_t g;
    ge_set_generator(&g);
    if (ge_mul_multi_vartime(&t, &tw, &g, 1u) == 0u) {
        return false;
    }
    ge_add(&sum, &p, &t);
    if (ge_encode(q, &sum) == 0u) {
        return false;
    }
    memcpy(out->qx, q + 1, 32u);
    return true;
}

bool taproot_script(const uint8_t pub[33], uint8_t script[TAPROOT_SCRIPT_LEN]) {
    taproot_key_t k;
    if (!taproot_output_key(pub, &k)) {
        return false;
    }
    script[0] = 0x51u;
    script[1] = 0x20u;
    memcpy(script + 2, k.qx, 32u);
    return true;
}
