#include "sha256.h"

#include <string.h>

#include "wipe.h"

/* Round constants and initial values: FIPS 180-4 sections 4.2.2 and 5.3.3. */
static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u};

static const uint32_t H0[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                               0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};

static uint32_t ror(uint32_t x, unsigned n) { return (x >> n) | (x << (32u - n)); }

static void compress(void *state, const uint8_t *blk) {
    uint32_t *h = state;
    uint32_t w[16];
    uint32_t s[8];
    for (unsigned i = 0; i < 16u; i++) {
        w[i] = ((uint32_t)blk[4u * i] << 24) | ((uint32_t)blk[4u * i + 1u] << 16) |
               ((uint32_t)blk[4u * i + 2u] << 8) | (uint32_t)blk[4u * i + 3u];
    }
    memcpy(s, h, sizeof s);
    for (unsigned i = 0; i < 64u; i++) {
        uint32_t wi;
        if (i < 16u) {
            wi = w[i];
        } else {
            /* message schedule kept in a 16-word ring to save stack */
            uint32_t w15 = w[(i - 15u) & 15u], w2 = w[(i - 2u) & 15u];
            uint32_t s0 = ror(w15, 7) ^ ror(w15, 18) ^ (w15 >> 3);
            uint32_t s1 = ror(w2, 17) ^ ror(w2, 19) ^ (w2 >> 10);
            wi = w[i & 15u] + s0 + w[(i - 7u) & 15u] + s1;
            w[i & 15u] = wi;
        }
        uint32_t S1 = ror(s[4], 6) ^ ror(s[4], 11) ^ ror(s[4], 25);
        uint32_t ch = (s[4] & s[5]) ^ (~s[4] & s[6]);
        uint32_t t1 = s[7] + S1 + ch + K[i] + wi;
        uint32_t S0 = ror(s[0], 2) ^ ror(s[0], 13) ^ ror(s[0], 22);
        uint32_t maj = (s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]);
        uint32_t t2 = S0 + maj;
        s[7] = s[6];
        s[6] = s[5];
        s[5] = s[4];
        s[4] = s[3] + t1;
        s[3] = s[2];
        s[2] = s[1];
        s[1] = s[0];
        s[0] = t1 + t2;
    }
    for (unsigned i = 0; i < 8u; i++) {
        h[i] += s[i];
    }
    wipe(w, sizeof w);
    wipe(s, sizeof s);
}

static const md_hash_t SHA256_MD = {compress, 64u, 8u};

void sha256_init(sha256_ctx_t *c) {
    memcpy(c->h, H0, sizeof c->h);
    md_reset(&c->n);
}

void sha256_update(sha256_ctx_t *c, const uint8_t *data, size_t len) {
    md_update(&SHA256_MD, c->h, c->buf, &c->n, data, len);
}

void sha256_final(sha256_ctx_t *c, uint8_t out[32]) {
    md_finish(&SHA256_MD, c->h, c->buf, &c->n);
    for (unsigned i = 0; i < 8u; i++) {
        out[4u * i] = (uint8_t)(c->h[i] >> 24);
        out[4u * i + 1u] = (uint8_t)(c->h[i] >> 16);
        out[4u * i + 2u] = (uint8_t)(c->h[i] >> 8);
        out[4u * i + 3u] = (uint8_t)c->h[i];
    }
    wipe(c, sizeof *c);
}

void sha256(const uint8_t *data, size_t len, uint8_t out[32]) {
    sha256_ctx_t c;
    sha256_init(&c);
    sha256_update(&c, data, len);
    sha256_final(&c, out);
}
