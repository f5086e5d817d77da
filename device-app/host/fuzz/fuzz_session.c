/* fuzz_session.c - libFuzzer target with security oracles over whole sessions: commitments,
 * FROST_SIGN packages (valid SDK packages from the vectors, optionally mutated, sent in chunks
 * that may stop half-way), raw APDUs and button presses, interleaved in any order.
 * Oracles (abort = finding), besides the sanitizers and the one-reply-per-APDU rule:
 *   - a FROST share (0x9000 with 32 bytes) is produced at most once per nonce reference;
 *   - a share only ever comes from BOTH pressed on the "Approve" page of a review, never
 *     directly from an APDU, and never with blind signing off;
 *   - an unmutated package signed in full equals the SDK's share for it;
 *   - the adaptor rule: once a package with an adaptor point has consumed its reference (a
 *     review shown, or PATH_REFUSED / BLIND_SIGNING_DISABLED / NONCE_MISMATCH), no reference
 *     issued before it ever yields a share. (A package from the vectors, mutated or not, that
 *     gets past the parser has the vector's adaptor flag: a changed flag or operator count
 *     changes the expected length.)
 * Input: byte 0 bit 0 = blind signing on. Then records by tag % 5:
 *   0 k        FROST_COMMIT with P1 = k % 4
 *   1 v r c s  FROST_SIGN of vector v % N; reference = v's own if r < 0x80 else r & 0x7f;
 *              chunk size max(c, 1); send only the first s % 8 chunks if s >= 0x80
 *   2 b        button b % 3 + 1
 *   3 L data   raw APDU of L bytes
 *   4 v p x    like 1 with the vector's reference, all chunks of 255, payload byte
 *              (keyref length + p % rest) XOR x (the KEYREF stays intact, so the reference
 *              field is still where the oracle reads it) */
#include <stdlib.h>
#include <string.h>

#include "frost_payload.h"
#include "host_platform.h"
#include "protocol.h"
#include "review.h"
#include "settings.h"
#include "test.h"
#include "vectors/vectors.h"

unsigned g_checks_failed_in_test; /* test.h helpers link against it */

#define MAX_SHARES 64u

static uint32_t g_shared[MAX_SHARES];
static unsigned g_n_shared;
static bool g_pending;         /* a FROST_SIGN review is (as far as we know) on screen */
static uint32_t g_pending_ref; /* its reference, read from the payload we sent */
static bool g_pending_exact;   /* the package was an unmutated vector package */
static const tv_frost_t *g_pending_vec;
static bool g_pending_unknown; /* completed by a raw APDU: reference not tracked */
static uint32_t g_issued_next; /* the next reference the device will issue, from its replies */
static uint32_t g_barrier;     /* references below it were spent by an adaptor sign ... */
static uint32_t g_barrier_ref; /* ... except the adaptor sign's own */

static void record_share(uint32_t ref) {
    for (unsigned i = 0; i < g_n_shared; i++) {
        if (g_shared[i] == ref) {
            abort(); /* the same nonce reference produced a second share */
        }
    }
    if (g_n_shared < MAX_SHARES) {
        g_shared[g_n_shared++] = ref;
    }
}

static uint32_t be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Any APDU other than a continuation drops a pending review (PROTOCOL.md, UX). */
static uint16_t exchange(const uint8_t *apdu, size_t len, bool raw) {
    uint16_t sw = host_exchange(apdu, len);
    g_pending = false;
    if (sw == SW_OK && len >= 2u && apdu[1] == INS_FROST_COMMIT && g_host_reply.len >= 4u) {
        g_issued_next = be32(g_host_reply.data) + (uint32_t)((g_host_reply.len - 4u) / 66u);
    }
    if (sw == SW_OK && g_host_reply.len == 32u && len >= 2u && apdu[1] == INS_FROST_SIGN) {
        abort(); /* a share without any approval */
    }
    if (raw && sw == 0u && len >= 2u && apdu[1] == INS_FROST_SIGN) {
        /* a raw continuation completed a package sent earlier: a FROST review */
        g_pending = true;
        g_pending_unknown = true;
        g_pending_exact = false;
    }
    return sw;
}

/* Send `payload` as FROST_SIGN chunks; stop after max_chunks (0 = all). */
static void send_sign(const uint8_t *payload, size_t n, size_t chunk, unsigned max_chunks,
                      size_t ref_off, bool exact, const tv_frost_t *v) {
    uint8_t apdu[300];
    size_t off = 0, take;
    unsigned sent = 0;
    do {
        size_t a = chunk_apdu(INS_FROST_SIGN, apdu, payload, n, off, chunk, &take);
        bool last = off + take == n;
        uint16_t sw = exchange(apdu, a, false);
        off += take;
        sent++;
        bool consumed = sw == 0u || sw == SW_PATH_REFUSED || sw == SW_BLIND_SIGNING_DISABLED ||
                        sw == SW_NONCE_MISMATCH;
        if (last && consumed && v->has_adaptor) {
            g_barrier = g_issued_next;
            g_barrier_ref = be32(payload + ref_off);
        }
        if (last && sw == 0) {
            if (!settings_blind_signing() || !review_active()) {
                abort(); /* a review without the setting, or a deferred reply without one */
            }
            g_pending = true;
            g_pending_ref = be32(payload + ref_off);
            g_pending_exact = exact;
            g_pending_vec = v;
            g_pending_unknown = false;
        }
        if (!last && sw != SW_OK) {
            return;
        }
        if (max_chunks != 0u && sent >= max_chunks) {
            return;
        }
    } while (off < n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static uint8_t payload[FROST_MAX_PAYLOAD];
    uint8_t apdu[CORE_MAX_APDU];
    size_t off = 1;
    if (size < 1u) {
        return 0;
    }
    host_reset(TV_SEED, sizeof TV_SEED);
    host_queue_random(TV_SESSION_SECRET, sizeof TV_SESSION_SECRET);
    core_init();
    g_n_shared = 0;
    g_pending = false;
    g_issued_next = 0;
    g_barrier = 0;
    g_barrier_ref = 0;
    if (data[0] & 1u) {
        host_enable_blind_signing();
    }
    for (unsigned steps = 0; off < size && steps < 64u && !g_host_exited; steps++) {
        uint8_t tag = data[off++] % 5u;
        if (tag == 0u && off < size) {
            size_t a = mk_apdu(apdu, INS_FROST_COMMIT, (uint8_t)(data[off++] % 4u), 0, NULL, 0);
            (void)exchange(apdu, a, false);
        } else if ((tag == 1u || tag == 4u) && off + 3u <= size) {
            const tv_frost_t *v = &TV_FROST[data[off] % TV_FROST_N];
            size_t klen = tv_keyref(v, payload);
            size_t ref_off = klen + 32u + 33u;
            bool exact = true;
            uint32_t ref = v->ref;
            if (tag == 1u && data[off + 1] >= 0x80u) {
                ref = data[off + 1] & 0x7fu;
                exact = ref == v->ref;
            }
            size_t n = tv_frost_payload(v, ref, payload);
            size_t chunk = 255u;
            unsigned max_chunks = 0;
            if (tag == 1u) {
                chunk = data[off + 2] == 0u ? 1u : data[off + 2];
                if (off + 3u < size && data[off + 3] >= 0x80u) {
                    max_chunks = data[off + 3] % 8u;
                }
                off += 4u;
            } else {
                size_t p = klen + data[off + 1] % (n - klen);
                payload[p] ^= data[off + 2];
                exact = data[off + 2] == 0u;
                off += 3u;
            }
            send_sign(payload, n, chunk, max_chunks, ref_off, exact, v);
        } else if (tag == 2u && off < size) {
            button_t b = (button_t)(data[off++] % 3u + 1u);
            bool on_approve = review_active() && strcmp(g_host_page.title, "Approve") == 0;
            unsigned before = g_host_reply.count;
            host_press(b);
            if (g_host_reply.count != before) {
                if (g_host_reply.count != before + 1u || b != BUTTON_BOTH) {
                    abort(); /* a reply from a button other than BOTH, or two replies */
                }
                if (g_host_reply.sw == SW_OK && g_host_reply.len == 32u) {
                    if (!on_approve || !g_pending) {
                        abort(); /* a share without BOTH on the Approve page */
                    }
                    if (!g_pending_unknown) {
                        record_share(g_pending_ref);
                        if (g_pending_ref < g_barrier && g_pending_ref != g_barrier_ref) {
                            abort(); /* a reference older than an adaptor sign was used */
                        }
                    }
                    if (g_pending_exact && memcmp(g_host_reply.data, g_pending_vec->z, 32) != 0) {
                        abort(); /* wrong share for an exact SDK package */
                    }
                }
                g_pending = false;
            }
        } else if (tag == 3u && off < size) {
            size_t len = data[off++];
            if (len > size - off) {
                len = size - off;
            }
            if (len > sizeof apdu) {
                len = sizeof apdu;
            }
            memcpy(apdu, data + off, len);
            off += len;
            (void)exchange(apdu, len, true);
        } else {
            break;
        }
    }
    return 0;
}
