/* session_cache.c - see session_cache.h. */
#include "session_cache.h"

#include <string.h>

#include "sha256.h"
#include "wipe.h"

typedef struct {
    uint32_t ref;
    uint8_t used;
    uint8_t digest[32]; /* SHA-256(hiding || binding) */
} commit_slot_t;

typedef struct {
    uint8_t used;
    uint8_t depth;
    uint32_t path[SPARK_MAX_DEPTH];
    uint8_t pub[33];
} pubkey_slot_t;

static commit_slot_t g_commits[COMMIT_CACHE_SLOTS];
static pubkey_slot_t g_pubkeys[PUBKEY_CACHE_SLOTS];
static uint32_t g_next_pubkey;

void commit_cache_clear(void) { wipe(g_commits, sizeof g_commits); }

void session_cache_clear(void) {
    commit_cache_clear();
    wipe(g_pubkeys, sizeof g_pubkeys);
    g_next_pubkey = 0u;
}

static void commit_digest(const uint8_t hiding[33], const uint8_t binding[33], uint8_t out[32]) {
    sha256_ctx_t c;
    sha256_init(&c);
    sha256_update(&c, hiding, 33u);
    sha256_update(&c, binding, 33u);
    sha256_final(&c, out);
}

void commit_cache_put(uint32_t ref, const uint8_t hiding[33], const uint8_t binding[33]) {
    /* references are issued in order, so ref mod SLOTS keeps the most recent ones */
    commit_slot_t *s = &g_commits[ref % COMMIT_CACHE_SLOTS];
    s->ref = ref;
    s->used = 1u;
    commit_digest(hiding, binding, s->digest);
}

cache_match_t commit_cache_match(uint32_t ref, const uint8_t hiding[33], const uint8_t binding[33]) {
    const commit_slot_t *s = &g_commits[ref % COMMIT_CACHE_SLOTS];
    uint8_t d[32];
    if (!s->used || s->ref != ref) {
        return CACHE_MISS;
    }
    commit_digest(hiding, binding, d);
    return ct_equal(d, s->digest, 32u) ? CACHE_EQUAL : CACHE_DIFFERENT;
}

static bool same_path(const pubkey_slot_t *s, const spark_key_t *key) {
    return s->used && s->depth == key->depth && key->depth <= SPARK_MAX_DEPTH &&
           memcmp(s->path, key->path, sizeof(uint32_t) * key->depth) == 0;
}

bool pubkey_cache_get(const spark_key_t *key, uint8_t pub[33]) {
    for (uint32_t i = 0; i < PUBKEY_CACHE_SLOTS; i++) {
        if (same_path(&g_pubkeys[i], key)) {
            memcpy(pub, g_pubkeys[i].pub, 33u);
            return true;
        }
    }
    return false;
}

void pubkey_cache_put(const spark_key_t *key, const uint8_t pub[33]) {
    if (key->depth == 0u || key->depth > SPARK_MAX_DEPTH) {
        return;
    }
    pubkey_slot_t *s = &g_pubkeys[g_next_pubkey];
    g_next_pubkey = (g_next_pubkey + 1u) % PUBKEY_CACHE_SLOTS;
    memset(s, 0, sizeof *s);
    s->used = 1u;
    s->depth = (uint8_t)key->depth;
    memcpy(s->path, key->path, sizeof(uint32_t) * key->depth);
    memcpy(s->pub, pub, 33u);
}
