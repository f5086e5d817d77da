/* host_platform.h - the platform interface implemented on a PC for tests, fuzzers and the
 * benchmark: BIP32 from a test seed, scripted random bytes, captured replies and pages. */
#ifndef HOST_PLATFORM_H
#define HOST_PLATFORM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

typedef struct {
    uint8_t data[256];
    size_t len;
    uint16_t sw;
    unsigned count; /* plat_reply calls since host_reset */
} host_reply_t;

extern host_reply_t g_host_reply;
extern ux_page_t g_host_page;  /* last page drawn */
extern unsigned g_host_pages;  /* plat_show calls since host_reset */
extern bool g_host_exited;
/* Calls since host_reset of what the device's OS does for the app (device-app/platform): scalar
 * multiplications on secrets (plat_ec_mul_gen, plat_ec_mul) and BIP32 derivations. Under
 * Speculos each multiplication is the dominant cost of a command (docs/speculos.md, "The OS
 * crypto syscalls"): tests count them per command. */
extern unsigned g_host_ec_muls;
extern unsigned g_host_derives;

/* New run: seed (BIP32 master seed), clear queued random bytes and captures. Does NOT call
 * core_init (tests choose when). */
void host_reset(const uint8_t *seed, size_t seed_len);
/* plat_random serves these bytes first, then a deterministic SHA-256 counter stream. */
void host_queue_random(const uint8_t *bytes, size_t len);
/* Send one APDU. Returns the status word, or 0 if the core deferred the reply (review). */
uint16_t host_exchange(const uint8_t *apdu, size_t len);
void host_press(button_t b);
/* Press BOTH on Approve (approve=true) or Reject after walking right to it. Returns the SW. */
uint16_t host_decide(bool approve);
/* true if the current page's title or a line contains text */
bool host_screen_has(const char *text);
/* Standalone BIP32 (used by plat_derive_secp256k1 and tests). */
bool host_bip32_derive(const uint8_t *seed, size_t seed_len, const uint32_t *path, size_t depth,
                       uint8_t priv[32]);
/* Turn blind signing on through the Settings menu, as a user would, from the Home page. */
void host_enable_blind_signing(void);
#endif
