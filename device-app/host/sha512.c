#include "sha512.h"

#include <string.h>

#include "md_block.h"

/* FIPS 180-4 sections 4.2.3 and 5.3.5 */
static const uint64_t K[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull};

typedef struct {
    uint64_t h[8];
    uint8_t buf[128];
    md_count_t n;
} ctx_t;

static uint64_t ror(uint64_t x, unsigned n) { return (x >> n) | (x << (64u - n)); }

static void compress(void *state, const uint8_t *b) {
    uint64_t *h = state;
    uint64_t w[80], s[8];
    for (unsigned i = 0; i < 16u; i++) {
        w[i] = 0;
        for (unsigned j = 0; j < 8u; j++) {
            w[i] = (w[i] << 8) | b[8u * i + j];
        }
    }
    for (unsigned i = 16; i < 80u; i++) {
        uint64_t s0 = ror(w[i - 15], 1) ^ ror(w[i - 15], 8) ^ (w[i - 15] >> 7);
        uint64_t s1 = ror(w[i - 2], 19) ^ ror(w[i - 2], 61) ^ (w[i - 2] >> 6);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(s, h, sizeof s);
    for (unsigned i = 0; i < 80u; i++) {
        uint64_t S1 = ror(s[4], 14) ^ ror(s[4], 18) ^ ror(s[4], 41);
        uint64_t ch = (s[4] & s[5]) ^ (~s[4] & s[6]);
        uint64_t t1 = s[7] + S1 + ch + K[i] + w[i];
        uint64_t S0 = ror(s[0], 28) ^ ror(s[0], 34) ^ ror(s[0], 39);
        uint64_t maj = (s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]);
        memmove(s + 1, s, 7u * sizeof s[0]);
        s[4] += t1;
        s[0] = t1 + S0 + maj;
    }
    for (unsigned i = 0; i < 8u; i++) {
        h[i] += s[i];
    }
}

static void init(ctx_t *c) {
    static const uint64_t H0[8] = {0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull,
                                   0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
                                   0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
                                   0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull};
    memcpy(c->h, H0, sizeof c->h);
    md_reset(&c->n);
}

static const md_hash_t SHA512_MD = {compress, 128u, 16u};

static void update(ctx_t *c, const uint8_t *d, size_t len) {
    md_update(&SHA512_MD, c->h, c->buf, &c->n, d, len);
}

static void final(ctx_t *c, uint8_t out[64]) {
    md_finish(&SHA512_MD, c->h, c->buf, &c->n);
    for (unsigned i = 0; i < 64u; i++) {
        out[i] = (uint8_t)(c->h[i / 8u] >> (56u - 8u * (i % 8u)));
    }
    memset(c, 0, sizeof *c);
}

void sha512(const uint8_t *data, size_t len, uint8_t out[64]) {
    ctx_t c;
    init(&c);
    update(&c, data, len);
    final(&c, out);
}

void hmac_sha512(const uint8_t *key, size_t key_len, const uint8_t *d1, size_t l1,
                 const uint8_t *d2, size_t l2, uint8_t out[64]) {
    uint8_t k[128] = {0}, pad[128], ih[64];
    ctx_t c;
    if (key_len > 128u) {
        sha512(key, key_len, k);
    } else {
        memcpy(k, key, key_len);
    }
    for (unsigned i = 0; i < 128u; i++) {
        pad[i] = (uint8_t)(k[i] ^ 0x36u);
    }
    init(&c);
    update(&c, pad, 128);
    update(&c, d1, l1);
    if (l2 > 0u) {
        update(&c, d2, l2);
    }
    final(&c, ih);
    for (unsigned i = 0; i < 128u; i++) {
        pad[i] = (uint8_t)(k[i] ^ 0x5cu);
    }
    init(&c);
    update(&c, pad, 128);
    update(&c, ih, 64);
    final(&c, out);
    memset(k, 0, sizeof k);
}
