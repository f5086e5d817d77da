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
#include "protocol.h"
#include "spark_keys.h"
#include "vectors/vectors.h"

static uint8_t g_out[700];

/* The FROST inputs of TV_FROST[2] (4 operators), as FROST_SIGN holds them. */
static struct {
    sc_t s, d, e;
    frost_commit_ref_t ops[8];
    frost_plan_t plan;
} g_frost;

static void load_frost(const tv_frost_t *v) {
    sc_from_bytes_reduce(&g_frost.s, v->secret);
    sc_from_bytes_reduce(&g_frost.d, v->d);
    sc_from_bytes_reduce(&g_frost.e, v->e);
    for (unsigned j = 0; j < v->nops; j++) {
        g_frost.ops[j].id = v->ops[j].id;
        g_frost.ops[j].hiding = v->ops[j].hiding;
        g_frost.ops[j].binding = v->ops[j].binding;
    }
}

static frost_err_t frost_prepare_tv(const tv_frost_t *v) {
    return frost_prepare(v->msg, v->vk, g_frost.ops, v->nops, v->hiding, v->binding,
                         v->has_adaptor ? v->adaptor : NULL, &g_frost.plan);
}

/* KEY_SPLIT transfer of leaf "bench" 2 of 3 to the vectors' first key, run and approved through
 * the core (the review's page walk included: a few thousand instructions); SPLIT_PREPARE of one
 * entry for t = 2. */
static const uint8_t SPLIT_REQ[] = {KEY_SPLIT_TRANSFER, 2, 3, KEY_LEAF, 0, 0, 0, 0, 5, 'b', 'e', 'n', 'c', 'h'};
static const uint8_t LEAF_REF[] = {KEY_LEAF, 0, 0, 0, 0, 5, 'b', 'e', 'n', 'c', 'h'};

static void exchange(uint8_t ins, uint8_t p1, const uint8_t *data, size_t len) {
    uint8_t apdu[CORE_MAX_APDU] = {CLA_SPARK, ins, p1, 0, (uint8_t)len};
    memcpy(apdu + 5, data, len);
    if (host_exchange(apdu, 5 + len) == 0) {
        (void)host_decide(true);
    }
}

static void key_split_transfer(void) {
    uint8_t req[sizeof SPLIT_REQ + 33];
    memcpy(req, SPLIT_REQ, sizeof SPLIT_REQ);
    memcpy(req + sizeof SPLIT_REQ, TV_KEYS[0].pub, 33);
    exchange(INS_KEY_SPLIT, P1_KEY_SPLIT_RUN, req, sizeof req);
}

static void split_prepare(void) {
    const uint8_t t = 2;
    exchange(INS_SPLIT_PREPARE, 1, &t, 1);
}

/* "frost": the whole share as FROST_SIGN computes it, frost_prepare (public, before the
 * review) then frost_finish (the secret part, after the approval); "frost-finish": only the
 * secret part, the arithmetic that runs on the OS's syscalls on the device. */
__attribute__((noinline)) static void bench_once(const char *op) {
    const tv_frost_t *v = &TV_FROST[2];
    if (strcmp(op, "frost") == 0) {
        if (frost_prepare_tv(v) == FROST_OK) {
            frost_finish(&g_frost.plan, &g_frost.s, &g_frost.d, &g_frost.e, g_out);
        }
    } else if (strcmp(op, "frost-finish") == 0) {
        frost_finish(&g_frost.plan, &g_frost.s, &g_frost.d, &g_frost.e, g_out);
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
    } else if (strncmp(op, "split-", 6) == 0 && strcmp(op, "split-prepare") != 0) {
        key_split_transfer(); /* fresh, or from the entry main prepared */
    } else if (strcmp(op, "split-prepare") == 0) {
        split_prepare();
    }
}

int main(int argc, char **argv) {
    const char *op = argc > 1 ? argv[1] : "frost";
    host_reset(TV_SEED, sizeof TV_SEED);
    nonce_store_init();
    load_frost(&TV_FROST[2]);
    if (strcmp(op, "frost-finish") == 0 && frost_prepare_tv(&TV_FROST[2]) != FROST_OK) {
        fprintf(stderr, "bench: frost_prepare refused the vector\n");
        return 1;
    }
    if (strncmp(op, "split", 5) == 0) {
        core_init();
        if (strcmp(op, "split-prepared-warm") == 0) {
            exchange(INS_GET_PUBLIC_KEY, P1_SILENT, LEAF_REF, sizeof LEAF_REF); /* A_old cached */
        }
        if (strncmp(op, "split-prepared", 14) == 0) {
            split_prepare();
        }
    }
    bench_once(op);
    if (strncmp(op, "split-", 6) == 0 && (g_host_reply.sw != SW_OK || g_host_reply.len == 0u)) {
        fprintf(stderr, "bench: %s failed (SW %04x)\n", op, g_host_reply.sw);
        return 1;
    }
    if (strncmp(op, "frost", 5) == 0 && memcmp(g_out, TV_FROST[2].z, 32) != 0) {
        fprintf(stderr, "bench: FROST share differs from the SDK's\n");
        return 1;
    }
    printf("%s done\n", op);
    return 0;
}
