/* handler_get_version.c - GET_VERSION (PROTOCOL.md 0x01): version, settings flags, limits. */
#include "dispatch.h"
#include "nonce_store.h"
#include "protocol.h"
#include "settings.h"

void handle_get_version(const apdu_t *a) {
    if (!core_p1p2_zero(a)) {
        return;
    }
    if (a->lc != 0u) {
        core_reply_sw(SW_WRONG_LENGTH);
        return;
    }
    uint8_t out[8] = {APP_VERSION_MAJOR,
                      APP_VERSION_MINOR,
                      APP_VERSION_PATCH,
                      (uint8_t)((settings_blind_signing() ? VERSION_FLAG_BLIND_SIGNING : 0u) | VERSION_FLAG_PROVIDER_LOGIN),
                      FROST_MAX_COMMIT_BATCH,
                      (uint8_t)(NONCE_WINDOW >> 8),
                      (uint8_t)NONCE_WINDOW,
                      FROST_MAX_OPERATORS};
    core_reply(out, sizeof out, SW_OK);
}
