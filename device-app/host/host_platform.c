#include "host_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct.h"
#include "ge.h"
#include "portable.h"
#include "sc.h"
#include "sha256.h"
#include "sha512.h"
#include "wipe.h"

host_reply_t g_host_reply;
ux_page_t g_host_page;
unsigned g_host_pages;
unsigned g_host_ec_muls;
unsigned g_host_derives;
bool g_host_exited;

static uint8_t g_seed[64];
static size_t g_seed_len;
static uint8_t g_queue[512];
static size_t g_queue_len, g_queue_pos;
static uint32_t g_rng_ctr;

void host_reset(const uint8_t *seed, size_t seed_len) {
    if (seed_len > sizeof g_seed) {
        seed_len = sizeof g_seed;
    }
    memcpy(g_seed, seed, seed_len);
    g_seed_len = seed_len;
    g_queue_len = g_queue_pos = 0;
    g_rng_ctr = 0;
    memset(&g_host_reply, 0, sizeof g_host_reply);
    memset(&g_host_page, 0, sizeof g_host_page);
    g_host_pages = 0;
    g_host_ec_muls = 0;
    g_host_derives = 0;
    g_host_exited = false;
}

void host_queue_random(const uint8_t *bytes, size_t len) {
    if (g_queue_pos == g_queue_len) {
        g_queue_len = g_queue_pos = 0;
    }
    if (len > sizeof g_queue - g_queue_len) {
        fprintf(stderr, "host_queue_random: queue full\n");
        abort();
    }
    memcpy(g_queue + g_queue_len, bytes, len);
    g_queue_len += len;
}

void plat_random(uint8_t *out, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (g_queue_pos < g_queue_len) {
            out[i] = g_queue[g_queue_pos++];
            continue;
        }
        /* deterministic filler: SHA-256("host-rng" || counter), one byte per counter step is
         * wasteful but keeps the code obvious */
        uint8_t in[12] = {'h', 'o', 's', 't', '-', 'r', 'n', 'g'};
        uint8_t h[32];
        in[8] = (uint8_t)(g_rng_ctr >> 24);
        in[9] = (uint8_t)(g_rng_ctr >> 16);
        in[10] = (uint8_t)(g_rng_ctr >> 8);
        in[11] = (uint8_t)g_rng_ctr;
        g_rng_ctr++;
        sha256(in, sizeof in, h);
        out[i] = h[0];
    }
}

bool host_bip32_derive(const uint8_t *seed, size_t seed_len, const uint32_t *path, size_t depth,
                       uint8_t priv[32]) {
    /* BIP32: master = HMAC-SHA512("Bitcoin seed", seed); children per "Private parent key ->
     * private child key". */
    uint8_t I[64], k[32], c[32], data[37];
    sc_t kp, il;
    hmac_sha512((const uint8_t *)"Bitcoin seed", 12, seed, seed_len, NULL, 0, I);
    memcpy(k, I, 32);
    memcpy(c, I + 32, 32);
    if (!sc_from_bytes_nonzero(&kp, k)) {
        return false;
    }
    for (size_t i = 0; i < depth; i++) {
        uint32_t idx = path[i];
        if (idx & 0x80000000u) {
            data[0] = 0;
            memcpy(data + 1, k, 32);
        } else {
            ge_t p;
            ge_mul_gen(&p, &kp);
            ge_encode(data, &p);
        }
        data[33] = (uint8_t)(idx >> 24);
        data[34] = (uint8_t)(idx >> 16);
        data[35] = (uint8_t)(idx >> 8);
        data[36] = (uint8_t)idx;
        hmac_sha512(c, 32, data, 37, NULL, 0, I);
        if (!sc_from_bytes_nonzero(&il, I)) {
            return false;
        }
        sc_add(&kp, &kp, &il);
        if (sc_is_zero(&kp)) {
            return false;
        }
        sc_to_bytes(k, &kp);
        memcpy(c, I + 32, 32);
    }
    memcpy(priv, k, 32);
    wipe(k, sizeof k);
    wipe(I, sizeof I);
    wipe(c, sizeof c);
    wipe(data, sizeof data); /* held the parent key for hardened steps */
    wipe(&kp, sizeof kp);
    wipe(&il, sizeof il);
    return true;
}

bool g_host_poison_keys;

bool plat_derive_secp256k1(const uint32_t *path, size_t depth, uint8_t priv[32]) {
    g_host_derives++;
    if (!host_bip32_derive(g_seed, g_seed_len, path, depth, priv)) {
        memset(priv, 0, 32);
        return false;
    }
    if (g_host_poison_keys) {
        CT_POISON(priv, 32); /* ct_check: the core must treat the key as secret */
    }
    return true;
}

void plat_show(const ux_page_t *page) {
    /* the contract: printable ASCII, bounded lines */
    if (page->n_lines > UX_MAX_LINES || strlen(page->title) > UX_LINE_CHARS) {
        fprintf(stderr, "plat_show: page violates the contract\n");
        abort();
    }
    for (unsigned i = 0; i < page->n_lines; i++) {
        for (const char *s = page->lines[i]; *s; s++) {
            if (*s < 0x20 || *s > 0x7e) {
                fprintf(stderr, "plat_show: non-printable character\n");
                abort();
            }
        }
    }
    g_host_page = *page;
    g_host_pages++;
}

void plat_reply(const uint8_t *data, size_t len, uint16_t sw) {
    if (len > CORE_MAX_REPLY) {
        fprintf(stderr, "plat_reply: %zu bytes is over the limit\n", len);
        abort();
    }
    if (len > 0) {
        memcpy(g_host_reply.data, data, len);
    }
    g_host_reply.len = len;
    g_host_reply.sw = sw;
    g_host_reply.count++;
}

void plat_exit(void) { g_host_exited = true; }

uint16_t host_exchange(const uint8_t *apdu, size_t len) {
    unsigned before = g_host_reply.count;
    core_on_apdu(apdu, len);
    if (g_host_reply.count == before) {
        return 0; /* deferred: a review is on screen */
    }
    if (g_host_reply.count != before + 1) {
        fprintf(stderr, "host_exchange: core replied %u times\n", g_host_reply.count - before);
        abort();
    }
    return g_host_reply.sw;
}

void host_press(button_t b) { core_on_button(b); }

bool host_screen_has(const char *text) {
    if (strstr(g_host_page.title, text) != NULL) {
        return true;
    }
    for (unsigned i = 0; i < g_host_page.n_lines; i++) {
        if (strstr(g_host_page.lines[i], text) != NULL) {
            return true;
        }
    }
    return false;
}

uint16_t host_decide(bool approve) {
    unsigned before = g_host_reply.count;
    for (int i = 0; i < 16 && strcmp(g_host_page.title, "Approve") != 0; i++) {
        host_press(BUTTON_RIGHT);
    }
    if (!approve) {
        host_press(BUTTON_RIGHT);
    }
    host_press(BUTTON_BOTH);
    return g_host_reply.count == before + 1 ? g_host_reply.sw : 0;
}

void host_enable_blind_signing(void) {
    host_press(BUTTON_RIGHT); /* Settings */
    host_press(BUTTON_BOTH);  /* enter */
    host_press(BUTTON_BOTH);  /* toggle */
    host_press(BUTTON_RIGHT); /* Back */
    host_press(BUTTON_BOTH);
}

/* ---------- arithmetic on secrets: the portable reference (core/crypto/portable.h) ---------- */

typedef void (*sc_portable_op_t)(sc_t *r, const sc_t *a, const sc_t *b);

static void sc_bytes_op(uint8_t r[32], const uint8_t a[32], const uint8_t b[32],
                        sc_portable_op_t op) {
    sc_t x, y, z;
    u256_from_be(&x, a);
    u256_from_be(&y, b);
    op(&z, &x, &y);
    sc_to_bytes(r, &z);
    wipe(&x, sizeof x);
    wipe(&y, sizeof y);
    wipe(&z, sizeof z);
}

void plat_sc_add(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]) {
    sc_bytes_op(r, a, b, sc_add_portable);
}
void plat_sc_sub(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]) {
    sc_bytes_op(r, a, b, sc_sub_portable);
}
void plat_sc_mul(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]) {
    sc_bytes_op(r, a, b, sc_mul_portable);
}

void plat_sc_inv(uint8_t r[32], const uint8_t a[32]) {
    sc_t x, z;
    u256_from_be(&x, a);
    sc_inv_portable(&z, &x);
    sc_to_bytes(r, &z);
    wipe(&x, sizeof x);
    wipe(&z, sizeof z);
}

static void point_to_bytes(uint8_t x[32], uint8_t y[32], const ge_t *p) {
    fe_t ax, ay;
    (void)ge_to_affine(&ax, &ay, p);
    fe_to_bytes(x, &ax);
    fe_to_bytes(y, &ay);
    wipe(&ax, sizeof ax);
    wipe(&ay, sizeof ay);
}

void plat_ec_mul_gen(uint8_t x[32], uint8_t y[32], const uint8_t k[32]) {
    sc_t s;
    ge_t p;
    g_host_ec_muls++;
    u256_from_be(&s, k);
    ge_mul_gen_portable(&p, &s);
    point_to_bytes(x, y, &p);
    wipe(&s, sizeof s);
    wipe(&p, sizeof p);
}

void plat_ec_mul(uint8_t x[32], uint8_t y[32], const uint8_t k[32], const uint8_t px[32],
                 const uint8_t py[32]) {
    sc_t s;
    ge_t p, q;
    g_host_ec_muls++;
    u256_from_be(&s, k);
    (void)fe_from_bytes(&p.x, px);
    (void)fe_from_bytes(&p.y, py);
    p.z = FE_ONE;
    ge_mul_portable(&q, &s, &p);
    point_to_bytes(x, y, &q);
    wipe(&s, sizeof s);
    wipe(&q, sizeof q);
}
