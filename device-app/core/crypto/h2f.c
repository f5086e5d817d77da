#include "h2f.h"

#include <string.h>

#include "sha256.h"
#include "wipe.h"

uint32_t expand_message_xmd(uint8_t *out, size_t out_len, const uint8_t *msg1, size_t len1,
                            const uint8_t *msg2, size_t len2, const uint8_t *dst,
                            size_t dst_len) {
    static const uint8_t zpad[64] = {0}; /* r_in_bytes = 64 for SHA-256 */
    size_t ell = (out_len + 31u) / 32u;
    if (ell == 0u || ell > 255u || dst_len > 255u) {
        return 0u;
    }
    uint8_t b0[32], bi[32], tmp[32];
    uint8_t lib[3] = {(uint8_t)(out_len >> 8), (uint8_t)out_len, 0u};
    uint8_t dlen = (uint8_t)dst_len;
    sha256_ctx_t c;
    /* b_0 = H(Z_pad || msg || I2OSP(len, 2) || I2OSP(0, 1) || DST_prime) */
    sha256_init(&c);
    sha256_update(&c, zpad, sizeof zpad);
    sha256_update(&c, msg1, len1);
    if (len2 > 0u) {
        sha256_update(&c, msg2, len2);
    }
    sha256_update(&c, lib, 3u);
    sha256_update(&c, dst, dst_len);
    sha256_update(&c, &dlen, 1u);
    sha256_final(&c, b0);
    memset(bi, 0, sizeof bi);
    for (size_t i = 1; i <= ell; i++) {
        /* b_i = H((b_0 xor b_{i-1}) || I2OSP(i, 1) || DST_prime), b_0 xor 0 for i = 1 */
        uint8_t idx = (uint8_t)i;
        for (unsigned j = 0; j < 32u; j++) {
            tmp[j] = (uint8_t)(b0[j] ^ bi[j]);
        }
        sha256_init(&c);
        sha256_update(&c, tmp, 32u);
        sha256_update(&c, &idx, 1u);
        sha256_update(&c, dst, dst_len);
        sha256_update(&c, &dlen, 1u);
        sha256_final(&c, bi);
        size_t off = (i - 1u) * 32u;
        size_t n = out_len - off < 32u ? out_len - off : 32u;
        memcpy(out + off, bi, n);
    }
    wipe(b0, sizeof b0);
    wipe(bi, sizeof bi);
    wipe(tmp, sizeof tmp);
    return 1u;
}

uint32_t hash_to_scalars(sc_t *out, unsigned count, const uint8_t *msg1, size_t len1,
                         const uint8_t *msg2, size_t len2, const uint8_t *dst, size_t dst_len) {
    uint8_t buf[4u * 48u];
    if (count == 0u || count > 4u) {
        return 0u;
    }
    if (!expand_message_xmd(buf, 48u * count, msg1, len1, msg2, len2, dst, dst_len)) {
        return 0u;
    }
    for (unsigned i = 0; i < count; i++) {
        sc_from_bytes48(&out[i], buf + 48u * i);
    }
    wipe(buf, sizeof buf);
    return 1u;
}
