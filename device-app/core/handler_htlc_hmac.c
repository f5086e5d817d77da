/* handler_htlc_hmac.c - HTLC_HMAC (PROTOCOL.md 0x40): HMAC-SHA256 keyed by the HTLC preimage
 * base key over a transfer id, byte for byte the SDK's htlcHMAC. No screen: PROTOCOL.md says
 * why an approval would protect nothing. */
#include <string.h>

#include "dispatch.h"
#include "hmac_sha256.h"
#include "key_policy.h"
#include "platform.h"
#include "protocol.h"
#include "spark_keys.h"
#include "wipe.h"

void handle_htlc_hmac(const apdu_t *a) {
    reader_t r;
    uint8_t priv[32], mac[32];

    if (!core_p1p2_zero(a)) {
        return;
    }
    rd_init(&r, a->data, a->lc);
    uint32_t account = rd_u32(&r);
    uint8_t len = rd_u8(&r);
    const uint8_t *id = rd_bytes(&r, len);
    if (r.err || id == NULL) {
        core_reply_sw(SW_WRONG_LENGTH);
        return;
    }
    if (!rd_finished(&r) || !key_policy_id_text_ok(id, len)) {
        core_reply_sw(SW_BAD_DATA);
        return;
    }
    if (account > SPARK_MAX_ACCOUNT) {
        core_reply_sw(SW_PATH_REFUSED);
        return;
    }
    if (!spark_key_derive_account_key(KEY_HTLC_BASE, account, priv)) {
        wipe(priv, sizeof priv);
        core_reply_sw(SW_INTERNAL);
        return;
    }
    hmac_sha256(priv, sizeof priv, id, len, mac);
    wipe(priv, sizeof priv);
    core_reply(mac, sizeof mac, SW_OK);
    wipe(mac, sizeof mac);
}
