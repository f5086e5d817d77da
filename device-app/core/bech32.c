#include "bech32.h"

#include <string.h>

static const char CHARSET[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t pre) {
    uint32_t b = pre >> 25;
    return ((pre & 0x1FFFFFFu) << 5) ^ (-((b >> 0) & 1u) & 0x3b6a57b2u) ^ (-((b >> 1) & 1u) & 0x26508e6du) ^
           (-((b >> 2) & 1u) & 0x1ea119fau) ^ (-((b >> 3) & 1u) & 0x3d4233ddu) ^ (-((b >> 4) & 1u) & 0x2a1462b3u);
}

bool segwit_address(const char *hrp, const uint8_t *script, size_t script_len, char *out) {
    uint8_t data[1 + 65];
    size_t n = 0, hrp_len = strlen(hrp);
    if (script_len < 4u || script_len > 42u || script[1] + 2u != script_len || script[1] < 2u) {
        return false;
    }
    uint32_t version;
    if (script[0] == 0x00u) {
        version = 0u;
        if (script[1] != 20u && script[1] != 32u) {
            return false;
        }
    } else if (script[0] >= 0x51u && script[0] <= 0x60u) {
        version = script[0] - 0x50u;
    } else {
        return false;
    }
    /* 8-bit program to 5-bit groups */
    data[n++] = (uint8_t)version;
    uint32_t acc = 0, bits = 0;
    for (size_t i = 2; i < script_len; i++) {
        acc = (acc << 8) | script[i];
        bits += 8u;
        while (bits >= 5u) {
            bits -= 5u;
            data[n++] = (uint8_t)((acc >> bits) & 31u);
        }
    }
    if (bits > 0u) {
        data[n++] = (uint8_t)((acc << (5u - bits)) & 31u);
    }
    if (hrp_len + 1u + n + 6u > SEGWIT_ADDR_MAX) {
        return false;
    }
    uint32_t chk = 1u;
    for (size_t i = 0; i < hrp_len; i++) {
        chk = polymod_step(chk) ^ ((uint32_t)hrp[i] >> 5);
    }
    chk = polymod_step(chk);
    for (size_t i = 0; i < hrp_len; i++) {
        chk = polymod_step(chk) ^ ((uint32_t)hrp[i] & 31u);
    }
    for (size_t i = 0; i < n; i++) {
        chk = polymod_step(chk) ^ data[i];
    }
    for (int i = 0; i < 6; i++) {
        chk = polymod_step(chk);
    }
    chk ^= version == 0u ? 1u : 0x2bc830a3u; /* bech32 / bech32m constant */
    size_t o = 0;
    memcpy(out, hrp, hrp_len);
    o = hrp_len;
    out[o++] = '1';
    for (size_t i = 0; i < n; i++) {
        out[o++] = CHARSET[data[i]];
    }
    for (int i = 0; i < 6; i++) {
        out[o++] = CHARSET[(chk >> (5 * (5 - i))) & 31u];
    }
    out[o] = '\0';
    return true;
}
