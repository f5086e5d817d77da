#include "bech32.h"

#include <string.h>

static const char CHARSET[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t pre) {
    uint32_t b = pre >> 25;
    return ((pre & 0x1FFFFFFu) << 5) ^ (-((b >> 0) & 1u) & 0x3b6a57b2u) ^ (-((b >> 1) & 1u) & 0x26508e6du) ^
           (-((b >> 2) & 1u) & 0x1ea119fau) ^ (-((b >> 3) & 1u) & 0x3d4233ddu) ^ (-((b >> 4) & 1u) & 0x2a1462b3u);
}

/* 8-bit bytes to 5-bit groups (padded); returns the number of groups written. */
static size_t to_5bit(const uint8_t *in, size_t len, uint8_t *out) {
    uint32_t acc = 0, bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        acc = ((acc << 8) | in[i]) & 0xFFFFFu;
        bits += 8u;
        while (bits >= 5u) {
            bits -= 5u;
            out[n++] = (uint8_t)((acc >> bits) & 31u);
        }
    }
    if (bits > 0u) {
        out[n++] = (uint8_t)((acc << (5u - bits)) & 31u);
    }
    return n;
}

bool bech32_encode(const char *hrp, const uint8_t *data5, size_t n, bool bech32m, char *out, size_t out_max) {
    size_t hrp_len = strlen(hrp);
    if (hrp_len + 1u + n + 6u + 1u > out_max) {
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
        chk = polymod_step(chk) ^ data5[i];
    }
    for (int i = 0; i < 6; i++) {
        chk = polymod_step(chk);
    }
    chk ^= bech32m ? 0x2bc830a3u : 1u; /* BIP350 / BIP173 constant */
    size_t o = hrp_len;
    memcpy(out, hrp, hrp_len);
    out[o++] = '1';
    for (size_t i = 0; i < n; i++) {
        out[o++] = CHARSET[data5[i]];
    }
    for (int i = 0; i < 6; i++) {
        out[o++] = CHARSET[(chk >> (5 * (5 - i))) & 31u];
    }
    out[o] = '\0';
    return true;
}

bool segwit_address(const char *hrp, const uint8_t *script, size_t script_len, char *out) {
    uint8_t data[1 + 65];
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
    data[0] = (uint8_t)version;
    size_t n = 1u + to_5bit(script + 2, script_len - 2u, data + 1);
    return bech32_encode(hrp, data, n, version != 0u, out, SEGWIT_ADDR_MAX + 1u);
}

bool spark_address(const char *hrp, const uint8_t identity_key[33], char *out) {
    /* the SDK's SparkAddress protobuf with only identity_public_key = 1: tag 0x0a, length 33 */
    uint8_t payload[2 + 33], data[56];
    payload[0] = 0x0au;
    payload[1] = 33u;
    memcpy(payload + 2, identity_key, 33u);
    size_t n = to_5bit(payload, sizeof payload, data);
    return bech32_encode(hrp, data, n, true, out, SPARK_ADDR_MAX + 1u);
}
