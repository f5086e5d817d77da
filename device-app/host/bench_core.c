/* bench_core.c - one core operation per run, for `make bench` (valgrind --tool=callgrind
 * --toggle-collect=bench_once counts only the instructions inside bench_once). The count
 * estimates device time: a Cortex-M3 class core runs very roughly one such instruction per
 * cycle-ish, so Ir / clock gives an order of magnitude (32-bit ARM needs more instructions for
 * the same 64-bit multiply-accumulate than x86-64, so read it as a lower bound). */
#include <stdio.h>
#include <string.h>

#include "ecdsa.h"
#include "ecies.h"
#include "vss.h"
#include "bip340.h"
#include "frost_share.h"
#include "ge.h"
#include "host_platform.h"
#include "nonce_store.h"
#include "vectors/vectors.h"

static uint8_t g_out[700];

__attribute__((noinline)) static void bench_once(const char *op) {
    const tv_frost_t *v = &TV_FROST[2]; /* 4 operators */
    if (strcmp(op, "frost") == 0) {
        sc_t s, d, e;
        frost_commit_ref_t ops[8];
        sc_from_bytes_reduce(&s, v->secret);
        sc_from_bytes_reduce(&d, v->d);
        sc_from_bytes_reduce(&e, v->e);
        for (unsigned j = 0; j < v->nops; j++) {
            ops[j].id = v->ops[j].id;
            ops[j].hiding = v->ops[j].hiding;
            ops[j].binding = v->ops[j].binding;
        }
        (void)frost_user_share(&s, &d, &e, v->msg, v->vk, ops, v->nops, v->hiding, v->binding,
                               v->has_adaptor ? v->adaptor : NULL, g_out);
    } else if (strcmp(op, "ecdsa") == 0) {
        (void)ecdsa_sign(v->secret, v->msg, g_out);
    } else if (strcmp(op, "schnorr") == 0) {
        (void)bip340_sign(v->secret, v->msg, v->msg, g_out);
    } else if (strcmp(op, "pubkey") == 0) {
        sc_t s;
        ge_t p;
        sc_from_bytes_reduce(&s, v->secret);
        ge_mul_gen(&p, &s);
        (void)ge_encode(g_out, &p);
    } else if (strcmp(op, "commit") == 0) {
        (void)nonce_store_commitments(0, g_out, g_out + 33);
    } else if (strcmp(op, "ecies") == 0) {
        /* decrypt one transfer key ciphertext (ECDH, HKDF, AES-256-GCM) */
        uint8_t priv[32];
        const uint32_t path[3] = {0x80863D73u, 0x80000000u, 0x80000000u};
        (void)host_bip32_derive(TV_SEED, sizeof TV_SEED, path, 3, priv);
        (void)ecies_decrypt(priv, TV_ECIES[0].ct, sizeof TV_ECIES[0].ct, g_out);
    } else if (strcmp(op, "vss") == 0) {
        /* Feldman VSS 3 of 5: 3 proofs (k*G) and 5 shares */
        sc_t coeffs[3];
        sc_from_bytes_reduce(&coeffs[0], v->secret);
        sc_from_bytes_reduce(&coeffs[1], v->d);
        sc_from_bytes_reduce(&coeffs[2], v->e);
        (void)vss_split(coeffs, 3, 5, g_out, g_out + 99);
    }
}

int main(int argc, char **argv) {
    const char *op = argc > 1 ? argv[1] : "frost";
    host_reset(TV_SEED, sizeof TV_SEED);
    nonce_store_init();
    bench_once(op);
    if (strcmp(op, "frost") == 0 && memcmp(g_out, TV_FROST[2].z, 32) != 0) {
        fprintf(stderr, "bench: FROST share differs from the SDK's\n");
        return 1;
    }
    printf("%s done\n", op);
    return 0;
}
