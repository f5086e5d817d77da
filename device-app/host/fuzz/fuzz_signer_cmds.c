/* fuzz_signer_cmds.c - libFuzzer target for the parsers of the signer commands (PROTOCOL.md
 * KEY_SPLIT, ECIES_PUBLIC_KEY, HTLC_HMAC, EXPORT_STATIC_KEY, SIGN_EXIT_SWEEP, SPLIT_PREPARE): byte 0
 * picks the command, byte 1 is P1 (bit 0; SPLIT_PREPARE takes the whole byte), the rest is the
 * APDU data. With byte 0 bit 6 set, a SPLIT_PREPARE of 2 entries for threshold byte 1 >> 1 mod 4
 * goes first, so KEY_SPLIT transfers also run from prepared entries. A request that waits for the user is
 * approved (byte 0 bit 7 clear) or rejected; a KEY_SPLIT result is then read page by page.
 * Besides the sanitizers: one reply per APDU and reply lengths within 255 bytes (host_platform
 * aborts otherwise), and a deferred reply always has a review on screen. */
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "host_platform.h"
#include "protocol.h"
#include "review.h"

static const uint8_t SEED[64] = {7, 7, 7};
static const uint8_t INS[] = {INS_KEY_SPLIT, INS_ECIES_PUBLIC_KEY, INS_HTLC_HMAC, INS_EXPORT_STATIC_KEY,
                              INS_SIGN_EXIT_SWEEP, INS_SPLIT_PREPARE};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t apdu[CORE_MAX_APDU];
    if (size < 2) {
        return 0;
    }
    size_t len = size - 2 > 255 ? 255 : size - 2;
    host_reset(SEED, sizeof SEED);
    core_init();
    if ((data[0] & 0x40u) != 0u) {
        uint8_t prep[6] = {CLA_SPARK, INS_SPLIT_PREPARE, 2, 0, 1, (uint8_t)((data[1] >> 1) % 4u)};
        (void)host_exchange(prep, sizeof prep);
    }
    apdu[0] = CLA_SPARK;
    apdu[1] = INS[(data[0] & 0x7fu) % sizeof INS];
    apdu[2] = apdu[1] == INS_SPLIT_PREPARE ? data[1] : (uint8_t)(data[1] & 1u);
    apdu[3] = 0;
    apdu[4] = (uint8_t)len;
    memcpy(apdu + 5, data + 2, len);
    uint16_t sw = host_exchange(apdu, 5 + len);
    if (sw == 0) {
        if (!review_active()) {
            abort();
        }
        sw = host_decide((data[0] & 0x80u) == 0u);
        if (sw == 0) {
            abort(); /* a decision always answers */
        }
    }
    if (apdu[1] == INS_KEY_SPLIT && sw == SW_OK) {
        for (uint8_t page = 1; page < 4; page++) {
            uint8_t rd[5] = {CLA_SPARK, INS_KEY_SPLIT, P1_KEY_SPLIT_READ, page, 0};
            if (host_exchange(rd, sizeof rd) != SW_OK) {
                break;
            }
        }
    }
    return 0;
}
