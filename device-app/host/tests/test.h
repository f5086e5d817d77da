/* test.h - a tiny test runner: CHECKs inside TEST functions; main prints "N passed, M failed"
 * (N, M count test functions) and exits non-zero on any failure. */
#ifndef HOST_TEST_H
#define HOST_TEST_H
#include <stdio.h>
#include <string.h>

#include "host_platform.h"

extern unsigned g_checks_failed_in_test;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            g_checks_failed_in_test++;                                                 \
            fprintf(stderr, "  FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
        }                                                                              \
    } while (0)

#define CHECK_EQ_U(a, b)                                                               \
    do {                                                                               \
        unsigned long va_ = (unsigned long)(a), vb_ = (unsigned long)(b);              \
        if (va_ != vb_) {                                                              \
            g_checks_failed_in_test++;                                                 \
            fprintf(stderr, "  FAIL %s:%d: %s == 0x%lx, expected 0x%lx\n", __FILE__,   \
                    __LINE__, #a, va_, vb_);                                           \
        }                                                                              \
    } while (0)

#define CHECK_BYTES(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

typedef void (*test_fn_t)(void);
void run_test(const char *name, test_fn_t fn);
#define RUN(fn) run_test(#fn, fn)

/* Suites (one per file) */
void suite_crypto(void);
void suite_frost(void);
void suite_nonce(void);
void suite_policy(void);
void suite_apdu(void);
void suite_ux(void);
void suite_adversarial(void);
void suite_nonce_whitebox(void);
void suite_adaptor_rule(void);
void suite_secret_arith(void);
void suite_signer_cmds(void);
void suite_ecies(void);
void suite_key_split(void);
void suite_exit_sweep(void);
void suite_key_kinds(void);
void suite_clear_sign(void);
void suite_session_cache(void);

/* helpers (test_util.c) */
size_t mk_apdu(uint8_t *buf, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
               size_t len);
void hex_to_bytes(const char *hex, uint8_t *out, size_t n);
/* The screen shows the first `digits` lowercase hex digits of data on one line. */
bool screen_has_hex(const uint8_t *data, size_t digits);
/* The screen shows the n characters of text that start at text, on one line (a line of a longer
 * value, such as an address the pager splits). */
bool screen_has_chars(const char *text, size_t n);
/* A review's pages in order: every text of `texts` is on the current page, REVIEW_NEXT presses
 * right to the next page. False at the first text missing. */
#define REVIEW_NEXT ""
bool review_shows(const char *const *texts, size_t n);
#define REVIEW_SHOWS(...) \
    review_shows((const char *const[]){__VA_ARGS__}, \
                 sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
/* Big-endian u32 at o; returns 4. */
size_t put_be32(uint8_t *o, uint32_t v);
/* A KEYREF of a kind (PROTOCOL.md "Key references"): the account, then the index of a static
 * deposit key or the id of a leaf key (other kinds ignore index and leaf). Returns its length. */
size_t put_keyref(uint8_t *o, uint8_t kind, uint32_t account, uint32_t index, const char *leaf);
/* An explicit-path KEYREF (kind 0x06). Returns its length. */
size_t put_path_ref(uint8_t *o, const uint32_t *path, uint8_t depth);
/* KEY_SPLIT requests (PROTOCOL.md 0x32) for the leaf key of account 0 with id `leaf`: a transfer
 * to `receiver`, a claim of the 129-byte ECIES ciphertext ct to `account`'s identity key.
 * Return their length. */
size_t put_key_split_transfer(uint8_t *o, uint8_t t, uint8_t n, const char *leaf, const uint8_t receiver[33]);
size_t put_key_split_claim(uint8_t *o, uint8_t t, uint8_t n, uint32_t account, const uint8_t ct[129],
                           const char *leaf);
/* fresh core with the vectors' test seed; session secret = TV_SESSION_SECRET */
void fresh_core(void);
/* KEYREF of a leaf key of account 0 named by its id */
size_t put_leaf_ref(uint8_t *o, const char *leaf);
#endif
