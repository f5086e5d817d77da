/* fuzz_apdu.c - libFuzzer target over the whole command surface: the input is a script of
 * APDUs and button presses fed to a fresh core. Invariants checked besides the sanitizers:
 * every APDU is answered at most once (host_exchange aborts otherwise), an unanswered APDU
 * always has a review on screen, and reply lengths stay within CORE_MAX_REPLY (plat_reply
 * aborts otherwise).
 * Byte 0: bit 0 = turn blind signing on first. Then records: 0x00 L bytes[L] = one APDU of
 * L bytes; 0x01 b = button (b % 3 + 1); any other tag ends the script. */
#include <stdlib.h>
#include <string.h>

#include "host_platform.h"
#include "protocol.h"
#include "review.h"

static const uint8_t SEED[64] = {1, 2, 3};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t off = 0;
    host_reset(SEED, sizeof SEED);
    core_init();
    if (size > 0 && (data[0] & 1u)) {
        host_enable_blind_signing(); /* reach the signing flows more often */
    }
    off = 1;
    while (off < size && !g_host_exited) {
        uint8_t tag = data[off++];
        if (tag == 0x00 && off < size) {
            size_t len = data[off++];
            if (len > size - off) {
                len = size - off;
            }
            uint8_t apdu[CORE_MAX_APDU];
            memcpy(apdu, data + off, len);
            off += len;
            uint16_t sw = host_exchange(apdu, len);
            if (sw == 0 && !core_reply_pending()) {
                abort(); /* no reply and nothing waiting for the user */
            }
            if (sw == 0 && !review_active()) {
                abort();
            }
        } else if (tag == 0x01 && off < size) {
            host_press((button_t)(data[off++] % 3u + 1u));
        } else {
            break;
        }
    }
    return 0;
}
