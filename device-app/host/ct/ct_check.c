/* ct_check.c - constant-time check of the core's secret-handling code under valgrind memcheck
 * (the "ctgrind" technique): secrets are marked undefined, so memcheck reports every branch
 * and every memory index that depends on them. Public outputs are declassified inside the core
 * with CT_DECLASSIFY (ct.h). Run by `make ct-check`: any memcheck error fails it. The checks
 * cover the crypto primitives directly and the command handlers end to end (keys from the
 * platform poisoned on derivation, the session secret poisoned at start). */
#include <stdio.h>
#include <string.h>

#include "bip340.h"
#include "ct.h"
#include "ecdsa.h"
#include "frost_payload.h"
#include "frost_share.h"
#include "ge.h"
#include "hmac_sha256.h"
#include "host_platform.h"
#include "nonce_store.h"
#include "protocol.h"
#include "spark_keys.h"
#include "test.h"
#include "vectors/vectors.h"

unsigned g_checks_failed_in_test;
extern bool g_host_poison_keys;

static int g_bad;

static void expect(int cond, const char *what) {
    if (!cond) {
        fprintf(stderr, "ct_check: wrong result: %s\n", what);
        g_bad = 1;
    }
}

static void primitives(void) {
    const tv_frost_t *v = &TV_FROST[2];
    uint8_t priv[32], out[64], aux[32];
    sc_t k, d, e;
    ge_t p;

    memcpy(priv, v->secret, 32);
    CT_POISON(priv, 32);
    sc_from_bytes_reduce(&k, priv);
    ge_mul_gen(&p, &k);
    (void)ge_encode(out, &p);
    CT_DECLASSIFY(out, 33);

    expect(ecdsa_sign(priv, v->msg, out) == 1u, "ecdsa");
    memset(aux, 7, sizeof aux);
    CT_POISON(aux, sizeof aux);
    expect(bip340_sign(priv, v->msg, aux, out) == 1u, "bip340");

    hmac_sha256(priv, 32, v->msg, 32, out);
    CT_DECLASSIFY(out, 32);

    frost_commit_ref_t ops[8];
    for (unsigned j = 0; j < v->nops; j++) {
        ops[j].id = v->ops[j].id;
        ops[j].hiding = v->ops[j].hiding;
        ops[j].binding = v->ops[j].binding;
    }
    sc_from_bytes_reduce(&d, v->d);
    sc_from_bytes_reduce(&e, v->e);
    CT_POISON(&d, sizeof d);
    CT_POISON(&e, sizeof e);
    expect(tv_frost_share(v, &k, &d, &e, ops, v->nops, v->has_adaptor ? v->adaptor : NULL,
                          out) == FROST_OK,
           "frost");
    expect(memcmp(out, v->z, 32) == 0, "frost share value");
}

static void handlers(void) {
    uint8_t apdu[300], secret[32], payload[FROST_MAX_PAYLOAD];
    const tv_frost_t *v = &TV_FROST[0];
    host_reset(TV_SEED, sizeof TV_SEED);
    memcpy(secret, TV_SESSION_SECRET, 32);
    CT_POISON(secret, 32);
    host_queue_random(secret, 32);
    g_host_poison_keys = true;
    core_init();

    uint8_t ref[5] = {KEY_IDENTITY, 0, 0, 0, 0};
    size_t n = mk_apdu(apdu, INS_GET_PUBLIC_KEY, P1_SILENT, 0, ref, sizeof ref);
    expect(host_exchange(apdu, n) == SW_OK, "pubkey");

    host_enable_blind_signing();
    uint8_t req[36] = {0};
    memcpy(req + 4, TV_SIGS[0].digest, 32);
    for (uint8_t mode = 0; mode <= P1_SCHNORR; mode++) {
        n = mk_apdu(apdu, INS_SIGN_IDENTITY, mode, 0, req, sizeof req);
        expect(host_exchange(apdu, n) == 0, "identity review");
        expect(host_decide(true) == SW_OK, "identity signature");
    }
    uint32_t next = 0; /* the next reference the device issues */
    issue_commitments_through(v->ref, &next);
    n = tv_frost_payload(v, v->ref, payload);
    expect(send_frost_sign(payload, n, 200) == 0, "frost review");
    expect(host_decide(true) == SW_OK, "frost sign");
    expect(memcmp(g_host_reply.data, v->z, 32) == 0, "frost share via APDU");

    /* the other secret-bearing paths: every FROST vector (leaf by id, deposit,
     * static deposit, adaptor), a forged user commitment (NONCE_MISMATCH after recomputing
     * the poisoned nonces), a rejected review, GET_PUBLIC_KEY shown and approved, Quit (wipe) */
    /* references are issued right before use: an adaptor sign spends all earlier ones */
    for (unsigned i = 1; i < TV_FROST_N; i++) {
        const tv_frost_t *w = &TV_FROST[i];
        issue_commitments_through(w->ref, &next);
        n = tv_frost_payload(w, w->ref, payload);
        expect(send_frost_sign(payload, n, 255) == 0, "frost review (all vectors)");
        expect(host_decide(true) == SW_OK, "frost sign (all vectors)");
        expect(memcmp(g_host_reply.data, w->z, 32) == 0, "frost share (all vectors)");
    }
    /* fresh references used by no vector */
    n = tv_frost_payload(v, issue_one_commitment(), payload);
    expect(send_frost_sign(payload, n, 255) == SW_NONCE_MISMATCH, "forged commitment");
    n = tv_frost_payload(v, issue_one_commitment(), payload);
    expect(send_frost_sign(payload, n, 255) == SW_NONCE_MISMATCH, "forged commitment 2");
    n = mk_apdu(apdu, INS_SIGN_IDENTITY, P1_ECDSA_DER, 0, req, sizeof req);
    expect(host_exchange(apdu, n) == 0, "identity review (reject)");
    expect(host_decide(false) == SW_DENIED, "identity rejected");
    uint8_t sref[9] = {KEY_STATIC_DEPOSIT, 0, 0, 0, 1, 0, 0, 0, 9};
    n = mk_apdu(apdu, INS_GET_PUBLIC_KEY, P1_SHOW, 0, sref, sizeof sref);
    expect(host_exchange(apdu, n) == 0, "pubkey review");
    expect(host_decide(true) == SW_OK, "pubkey approved");
    /* HTLC_HMAC (keyed by a poisoned key) and EXPORT_STATIC_KEY (public key shown, then the
     * key derived again after Approve and replied) */
    uint8_t hreq[37] = {0, 0, 0, 0, 32};
    memcpy(hreq + 5, "0197a2b45c6d7e8f9a0b1c2d3e4f5a6b", 32);
    n = mk_apdu(apdu, INS_HTLC_HMAC, 0, 0, hreq, sizeof hreq);
    expect(host_exchange(apdu, n) == SW_OK, "htlc hmac");
    /* ECIES_PUBLIC_KEY: ECDH with the poisoned identity key, HKDF, AES-GCM, the tag check */
    uint8_t ereq[133];
    memcpy(ereq, (const uint8_t[4]){0, 0, 0, 0}, 4);
    memcpy(ereq + 4, TV_ECIES[0].ct, 129);
    n = mk_apdu(apdu, INS_ECIES_PUBLIC_KEY, 0, 0, ereq, sizeof ereq);
    expect(host_exchange(apdu, n) == SW_OK, "ecies public key");
    ereq[4 + 128] ^= 1u;
    n = mk_apdu(apdu, INS_ECIES_PUBLIC_KEY, 0, 0, ereq, sizeof ereq);
    expect(host_exchange(apdu, n) == SW_BAD_DATA, "ecies tampered");
    /* KEY_SPLIT claim (decrypt, subtract the poisoned leaf key, VSS) and transfer (approved) */
    uint8_t kreq[250];
    size_t kn = put_key_split_claim(kreq, 2, 3, 0, TV_ECIES[0].ct, "x");
    n = mk_apdu(apdu, INS_KEY_SPLIT, P1_KEY_SPLIT_RUN, 0, kreq, kn);
    expect(host_exchange(apdu, n) == SW_OK, "key split claim");
    kn = put_key_split_transfer(kreq, 2, 3, "x", TV_KEYS[0].pub);
    n = mk_apdu(apdu, INS_KEY_SPLIT, P1_KEY_SPLIT_RUN, 0, kreq, kn);
    expect(host_exchange(apdu, n) == 0, "key split transfer review");
    expect(host_decide(true) == SW_OK, "key split transfer");
    /* SPLIT_PREPARE from poisoned TRNG bytes (a_new, e, a_1, the GCM nonce), then a transfer
     * from the prepared entry */
    uint8_t rnd[3 * 32 + 16], t2 = 2;
    memset(rnd, 0x5a, sizeof rnd);
    CT_POISON(rnd, sizeof rnd);
    host_queue_random(rnd, sizeof rnd);
    n = mk_apdu(apdu, INS_SPLIT_PREPARE, 1, 0, &t2, 1);
    expect(host_exchange(apdu, n) == SW_OK && g_host_reply.data[0] == 1u, "split prepare");
    n = mk_apdu(apdu, INS_KEY_SPLIT, P1_KEY_SPLIT_RUN, 0, kreq, kn);
    expect(host_exchange(apdu, n) == 0, "prepared key split review");
    expect(host_decide(true) == SW_OK, "prepared key split transfer");
    /* SIGN_EXIT_SWEEP: tweak the poisoned leaf key and sign (approved) */
    uint8_t sreq[200];
    size_t sn = put_keyref(sreq, KEY_LEAF, 0, 0, "x");
    sreq[sn++] = 2; /* regtest */
    memset(sreq + sn, 0, 4 + 4 + 32 + 4);
    sreq[sn + 3] = 2; /* version 2 */
    sn += 44;
    memset(sreq + sn, 0, 8);
    sreq[sn + 5] = 1; /* 65536 sats in */
    sn += 8;
    memset(sreq + sn, 0xff, 4);
    sn += 4;
    memset(sreq + sn, 0, 8);
    sreq[sn + 6] = 1; /* 256 sats out */
    sn += 8;
    sreq[sn++] = sizeof TV_SWEEP_DEST;
    memcpy(sreq + sn, TV_SWEEP_DEST, sizeof TV_SWEEP_DEST);
    sn += sizeof TV_SWEEP_DEST;
    n = mk_apdu(apdu, INS_SIGN_EXIT_SWEEP, 0, 0, sreq, sn);
    expect(host_exchange(apdu, n) == 0, "exit sweep review");
    expect(host_decide(true) == SW_OK, "exit sweep signed");
    uint8_t xreq[8] = {0, 0, 0, 1, 0, 0, 0, 7};
    n = mk_apdu(apdu, INS_EXPORT_STATIC_KEY, 0, 0, xreq, sizeof xreq);
    expect(host_exchange(apdu, n) == 0, "export review");
    expect(host_decide(true) == SW_OK, "export approved");
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_BOTH); /* Quit: the session secret is wiped */
    expect(g_host_exited, "quit");
    g_host_poison_keys = false;
}

/* The harness must be able to fail: a branch on a poisoned byte has to be reported. Run as
 * `ct_check --self-test`; make ct-check expects valgrind's error exit code from it. */
static int self_test(void) {
    volatile uint8_t secret[1] = {1};
    CT_POISON((const void *)secret, 1);
    if (secret[0] & 1u) { /* deliberately secret-dependent */
        printf("ct_check self-test: branched on a secret\n");
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--self-test") == 0) {
        return self_test();
    }
    primitives();
    handlers();
    printf("ct_check: %s\n", g_bad ? "WRONG RESULTS" : "ran (memcheck reports any leak)");
    return g_bad;
}
