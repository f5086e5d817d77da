#include "sc.h"

#include "portable.h"
#include "wipe.h"

/* n (SEC 2 section 2.4.1), R^2 mod n and -n^-1 mod 2^32, computed offline. */
const mod_t SC_MOD = {
    {{0xd0364141u, 0xbfd25e8cu, 0xaf48a03bu, 0xbaaedce6u, 0xfffffffeu, 0xffffffffu, 0xffffffffu,
      0xffffffffu}},
    {{0x67d7d140u, 0x896cf214u, 0x0e7cf878u, 0x741496c2u, 0x5bcd07c6u, 0xe697f5e4u, 0x81c69bc5u,
      0x9d671cd5u}},
    0x5588b13fu};

static const u256_t N_MINUS_2 = {{0xd036413fu, 0xbfd25e8cu, 0xaf48a03bu, 0xbaaedce6u,
                                  0xfffffffeu, 0xffffffffu, 0xffffffffu, 0xffffffffu}};
static const u256_t N_HALF = {{0x681b20a0u, 0xdfe92f46u, 0x57a4501du, 0x5d576e73u, 0xffffffffu,
                               0xffffffffu, 0xffffffffu, 0x7fffffffu}};
/* R mod n, i.e. 1 in Montgomery form */
static const u256_t SC_ONE_MONT = {{0x2fc9bebfu, 0x402da173u, 0x50b75fc4u, 0x45512319u,
                                    0x00000001u, 0u, 0u, 0u}};

uint32_t sc_from_bytes_reduce(sc_t *r, const uint8_t b[32]) {
    u256_t x;
    u256_from_be(&x, b);
    uint32_t over = mod_reduce_once(r, &x, &SC_MOD);
    wipe(&x, sizeof x);
    return over;
}

uint32_t sc_from_bytes_nonzero(sc_t *r, const uint8_t b[32]) {
    u256_from_be(r, b);
    return u256_lt(r, &SC_MOD.m) & (u256_is_zero(r) ^ 1u);
}

void sc_to_bytes(uint8_t b[32], const sc_t *a) { u256_to_be(b, a); }
void sc_set_u32(sc_t *r, uint32_t x) { u256_set_u32(r, x); }
/* The portable arithmetic (portable.h): the host platform's implementation of plat_sc_*. */
void sc_add_portable(sc_t *r, const sc_t *a, const sc_t *b) { mod_add(r, a, b, &SC_MOD); }
void sc_sub_portable(sc_t *r, const sc_t *a, const sc_t *b) { mod_sub(r, a, b, &SC_MOD); }

void sc_mul_portable(sc_t *r, const sc_t *a, const sc_t *b) {
    /* (a*b*R^-1) * R^2 * R^-1 = a*b */
    u256_t t;
    mod_mont_mul(&t, a, b, &SC_MOD);
    mod_mont_mul(r, &t, &SC_MOD.r2, &SC_MOD);
    wipe(&t, sizeof t);
}

void sc_inv_portable(sc_t *r, const sc_t *a) {
    u256_t am, inv_m, one;
    mod_mont_mul(&am, a, &SC_MOD.r2, &SC_MOD); /* to Montgomery form */
    mod_mont_pow(&inv_m, &am, &N_MINUS_2, &SC_ONE_MONT, &SC_MOD);
    u256_set_u32(&one, 1u);
    mod_mont_mul(r, &inv_m, &one, &SC_MOD); /* back to normal form */
    wipe(&am, sizeof am);
    wipe(&inv_m, sizeof inv_m);
}

uint32_t sc_is_zero(const sc_t *a) { return u256_is_zero(a); }
uint32_t sc_is_high(const sc_t *a) { return u256_lt(&N_HALF, a); }
