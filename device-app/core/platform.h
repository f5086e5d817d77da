/*
 * platform.h - the contract between the portable core (device-app/core) and a
 * platform (device-app/platform on the Ledger/Speculos, device-app/host/host_platform.c on a PC).
 *
 * The core never touches hardware, syscalls or libc IO. It asks the platform for exactly the
 * services below and is driven by exactly the three core_* entry points at the end.
 *
 * Threading/IO model (matches Ledger's os_io loop: one APDU in flight at a time):
 *   - The platform calls core_init() once at start.
 *   - For every received APDU the platform calls core_on_apdu(). The core answers that APDU
 *     EXACTLY ONCE with plat_reply(), either inside core_on_apdu() (most commands) or later,
 *     inside a core_on_button() call (commands that need the user's approval on screen).
 *     The platform must not deliver another APDU before the reply was sent (Ledger IO
 *     cannot anyway). core_reply_pending() tells the platform whether it is still waiting.
 *   - Button events are delivered on RELEASE with the OR of all buttons pressed since the
 *     previous release (Speculos "both" = LEFT|RIGHT, docs/speculos.md, section "Buttons").
 *   - The core calls plat_show() whenever the screen must change (at core_init, after every
 *     button, when a review starts/ends). Each call draws one whole page.
 *
 * Memory: the core has no heap; all its state is static (.bss after --gc-sections;
 * zero-initialised, no .data: the core has no initialised writable globals). Stack use of one
 * core call must fit the stack the linker script reserves (at least 8 KiB, device-app/link.ld);
 * the deepest path is the FROST_SIGN approval. The platform measures the high water under
 * Speculos and reports it at Quit (checked by test/device/frost.test.ts); make -C host arm-check
 * lists the frames.
 */
#ifndef SPARK_PLATFORM_H
#define SPARK_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------- screen pages ---------- */

/* A page is a title line plus up to UX_MAX_LINES body lines. Every string is NUL-terminated,
 * printable ASCII 0x20..0x7E only, at most UX_LINE_CHARS characters (the platform's font must
 * fit UX_LINE_CHARS glyphs in 128 px: <= 7 px per glyph incl. spacing). Hex data is shown in
 * lines of 16 (hashes) or 17 (public keys) characters. */
#define UX_LINE_CHARS 18u
#define UX_MAX_LINES 4u

/* nav bits: draw a "<" at the left edge / ">" at the right edge (more pages that way). */
#define UX_NAV_LEFT 0x01u
#define UX_NAV_RIGHT 0x02u

typedef struct {
    char title[UX_LINE_CHARS + 1u];
    char lines[UX_MAX_LINES][UX_LINE_CHARS + 1u];
    uint8_t n_lines; /* 0..UX_MAX_LINES body lines in use */
    uint8_t nav;     /* UX_NAV_* bits */
} ux_page_t;

typedef enum {
    BUTTON_LEFT = 1,
    BUTTON_RIGHT = 2,
    BUTTON_BOTH = 3 /* LEFT | RIGHT */
} button_t;

/* ---------- services the platform provides to the core ---------- */

/* Fill out[0..len) with cryptographically strong random bytes (device TRNG). */
void plat_random(uint8_t *out, size_t len);

/* BIP32 secp256k1 private key at `path` (depth elements, hardened = value | 0x80000000) from
 * the device seed. Writes 32 bytes big-endian. Returns false on any failure (priv then
 * zeroed). The CALLER wipes priv after use. The core only ever asks for paths that passed its
 * own Spark key policy. */
bool plat_derive_secp256k1(const uint32_t *path, size_t depth, uint8_t priv[32]);

/* ---------- arithmetic on secrets ----------
 *
 * Curve and scalar arithmetic that may touch a secret (private keys, nonces, the FROST share)
 * is a platform service: on the device it runs in the OS's crypto library through the cx_bn_*
 * and cx_ecpoint_* syscalls, which on a real Ledger execute in the secure element with its
 * side-channel and fault countermeasures; on the host it is the portable constant-time C of
 * core/crypto (crypto/portable.h), which is the reference both are tested against. The core
 * calls these only through sc.h (sc_add, sc_sub, sc_mul, sc_inv) and ge.h (ge_mul_gen, ge_mul),
 * which also handle the zero scalar and the point at infinity, so the preconditions below
 * always hold. Values are 32 bytes big-endian; n is the secp256k1 group order. A platform that
 * cannot compute a result stops the app (like plat_random): it never returns a wrong value. */

/* r = a + b mod n, r = a - b mod n, r = a * b mod n; a, b < n. r may alias a or b. */
void plat_sc_add(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]);
void plat_sc_sub(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]);
void plat_sc_mul(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]);
/* r = a^-1 mod n; 0 < a < n. */
void plat_sc_inv(uint8_t r[32], const uint8_t a[32]);
/* (x, y) = k * G in affine coordinates; 0 < k < n (so the result is never infinity). */
void plat_ec_mul_gen(uint8_t x[32], uint8_t y[32], const uint8_t k[32]);
/* (x, y) = k * (px, py); 0 < k < n, (px, py) a point on the curve (not infinity). */
void plat_ec_mul(uint8_t x[32], uint8_t y[32], const uint8_t k[32], const uint8_t px[32],
                 const uint8_t py[32]);

/* Draw one page (clears the screen first). `page` is only valid during the call. */
void plat_show(const ux_page_t *page);

/* Send the reply to the pending APDU: data[0..len) then the status word (big-endian on the
 * wire). len <= CORE_MAX_REPLY (255). `data` is only valid during the call. */
void plat_reply(const uint8_t *data, size_t len, uint16_t sw);

/* The user chose Quit. On the device this does not return (os_sched_exit(0)). On the host it
 * records the request and returns; the core then ignores further events. */
void plat_exit(void);

/* ---------- entry points the core provides to the platform ---------- */

#define CORE_MAX_APDU 260u  /* CLA INS P1 P2 Lc + 255 data bytes */
#define CORE_MAX_REPLY 255u /* data bytes, status word not counted */

void core_init(void);
/* apdu = CLA INS P1 P2 [Lc data...]; only valid during the call (the core copies). */
void core_on_apdu(const uint8_t *apdu, size_t len);
void core_on_button(button_t b);
/* true between an APDU that needs approval and its plat_reply. */
bool core_reply_pending(void);

#endif
