/* test_nonce_whitebox.c - the nonce store's counter and window at the edges a host cannot
 * reach in a test's lifetime (2^32 commitments). This file compiles its own private copy of
 * core/nonce_store.c under renamed entry points, so it can set the counter directly; the copy
 * is the same source the device runs. */
#define nonce_store_init wb_nonce_store_init
#define nonce_store_clear wb_nonce_store_clear
#define nonce_store_issue wb_nonce_store_issue
#define nonce_store_consume wb_nonce_store_consume
#define nonce_store_nonces wb_nonce_store_nonces
#define nonce_store_commitments wb_nonce_store_commitments
#define nonce_store_size wb_nonce_store_size
#define nonce_store_retire_all wb_nonce_store_retire_all
#include "nonce_store.c"

#include "test.h"

static void set_bit(uint32_t ref) {
    uint32_t b = ref % NONCE_WINDOW;
    g_store.outstanding[b / 8u] = (uint8_t)(g_store.outstanding[b / 8u] | (1u << (b % 8u)));
}

/* The counter stops at 2^32 - 1: references never wrap to reuse 0.., and the top values are
 * handled without overflow in the window arithmetic. */
static void test_counter_top(void) {
    uint32_t ref;
    host_reset((const uint8_t *)"seed", 4);
    wb_nonce_store_init();
    g_store.next = UINT32_MAX - 3u;
    CHECK(wb_nonce_store_issue(&ref));
    CHECK_EQ_U(ref, UINT32_MAX - 3u);
    CHECK(wb_nonce_store_issue(&ref));
    CHECK(wb_nonce_store_issue(&ref));
    CHECK_EQ_U(ref, UINT32_MAX - 1u);
    /* exhausted: refused, the counter does not move or wrap */
    CHECK(!wb_nonce_store_issue(&ref));
    CHECK(!wb_nonce_store_issue(&ref));
    CHECK_EQ_U(g_store.next, UINT32_MAX);
    CHECK(!wb_nonce_store_consume(UINT32_MAX)); /* never issued */
    CHECK(wb_nonce_store_consume(UINT32_MAX - 1u));
    CHECK(!wb_nonce_store_consume(UINT32_MAX - 1u));
    CHECK(wb_nonce_store_consume(UINT32_MAX - 3u));
    CHECK(wb_nonce_store_consume(UINT32_MAX - 2u));
    /* references from "before the wrap" that share bits with live ones */
    CHECK(!wb_nonce_store_consume(0u));
    CHECK(!wb_nonce_store_consume(NONCE_WINDOW - 2u));
}

/* The window edge: ref = next - W is still outstanding, ref = next - W - 1 is out even if its
 * bit is set (the bit belongs to a newer reference). */
static void test_window_edge(void) {
    host_reset((const uint8_t *)"seed", 4);
    wb_nonce_store_init();
    g_store.next = 5000u;
    set_bit(5000u - NONCE_WINDOW);
    CHECK(wb_nonce_store_consume(5000u - NONCE_WINDOW));
    set_bit(5000u - NONCE_WINDOW - 1u);
    CHECK(!wb_nonce_store_consume(5000u - NONCE_WINDOW - 1u));
    /* ... and refusing it left the bit to its owner, 4999 = (5000 - W - 1) + W */
    CHECK(wb_nonce_store_consume(5000u - 1u));
    /* ref == next (not yet issued) with its bit set is refused */
    set_bit(g_store.next);
    CHECK(!wb_nonce_store_consume(g_store.next));
}

/* Quit wipes the secret and the bitmap: nothing outstanding survives, and the wiped secret is
 * all zero bytes. */
static void test_clear_wipes(void) {
    uint32_t ref;
    uint8_t zero[32] = {0};
    host_reset((const uint8_t *)"seed", 4);
    wb_nonce_store_init();
    CHECK(memcmp(g_store.secret, zero, 32) != 0);
    CHECK(wb_nonce_store_issue(&ref));
    wb_nonce_store_clear();
    CHECK_BYTES(g_store.secret, zero, 32);
    CHECK_EQ_U(g_store.next, 0);
    for (unsigned i = 0; i < sizeof g_store.outstanding; i++) {
        CHECK_EQ_U(g_store.outstanding[i], 0);
    }
    CHECK(!wb_nonce_store_consume(ref));
}

/* retire_all (the adaptor rule) clears every outstanding bit, across the window wrap, but keeps
 * the secret and the counter: the nonces of a reference already consumed can still be derived,
 * and the next reference is new. */
static void test_retire_all_keeps_secret_and_counter(void) {
    uint32_t ref, last = 0;
    uint8_t secret[32];
    sc_t d0, e0, d1, e1;
    host_reset((const uint8_t *)"seed", 4);
    wb_nonce_store_init();
    g_store.next = NONCE_WINDOW - 5u; /* the issued references straddle the wrap of the bitmap */
    for (int i = 0; i < 10; i++) {
        CHECK(wb_nonce_store_issue(&last));
    }
    CHECK(wb_nonce_store_consume(last));
    CHECK(wb_nonce_store_nonces(last, &d0, &e0));
    memcpy(secret, g_store.secret, 32);
    wb_nonce_store_retire_all();
    CHECK_BYTES(g_store.secret, secret, 32);
    CHECK_EQ_U(g_store.next, NONCE_WINDOW + 5u);
    for (unsigned i = 0; i < sizeof g_store.outstanding; i++) {
        CHECK_EQ_U(g_store.outstanding[i], 0);
    }
    for (uint32_t r = NONCE_WINDOW - 5u; r < NONCE_WINDOW + 5u; r++) {
        CHECK(!wb_nonce_store_consume(r));
    }
    CHECK(wb_nonce_store_nonces(last, &d1, &e1)); /* same nonces for the consumed reference */
    CHECK(memcmp(&d0, &d1, sizeof d0) == 0 && memcmp(&e0, &e1, sizeof e0) == 0);
    CHECK(wb_nonce_store_issue(&ref));
    CHECK_EQ_U(ref, NONCE_WINDOW + 5u);
    CHECK(wb_nonce_store_consume(ref));
}

void suite_nonce_whitebox(void) {
    RUN(test_retire_all_keeps_secret_and_counter);
    RUN(test_counter_top);
    RUN(test_window_edge);
    RUN(test_clear_wipes);
}
