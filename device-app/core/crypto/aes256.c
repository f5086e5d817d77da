#include "aes256.h"

#include "wipe.h"

/* a·b in GF(2^8) mod x^8 + x^4 + x^3 + x + 1, without branches on the operands. */
static uint8_t gf_mul(uint8_t a, uint8_t b) {
    uint8_t r = 0u;
    for (int i = 0; i < 8; i++) {
        r ^= (uint8_t)(a & (uint8_t)(0u - (b & 1u)));
        b = (uint8_t)(b >> 1);
        uint8_t hi = (uint8_t)(a >> 7);
        a = (uint8_t)((uint8_t)(a << 1) ^ (uint8_t)(0x1bu & (uint8_t)(0u - hi)));
    }
    return r;
}

static uint8_t rotl8(uint8_t x, int n) { return (uint8_t)((uint8_t)(x << n) | (uint8_t)(x >> (8 - n))); }

/* S(x) = affine(x^254); x^254 is the inverse for x != 0 and 0 for x = 0, as AES defines. */
static uint8_t sbox(uint8_t x) {
    /* 254 = 0b11111110: square-and-multiply over a public exponent */
    uint8_t r = 1u;
    for (int bit = 7; bit >= 0; bit--) {
        r = gf_mul(r, r);
        if (((254u >> bit) & 1u) != 0u) {
            r = gf_mul(r, x);
        }
    }
    return (uint8_t)(r ^ rotl8(r, 1) ^ rotl8(r, 2) ^ rotl8(r, 3) ^ rotl8(r, 4) ^ 0x63u);
}

static uint8_t xtime(uint8_t a) { return (uint8_t)((uint8_t)(a << 1) ^ (uint8_t)(0x1bu & (uint8_t)(0u - (a >> 7)))); }

void aes256_init(aes256_t *c, const uint8_t key[32]) {
    uint8_t w[240];
    uint8_t rcon = 1u;
    for (int i = 0; i < 32; i++) {
        w[i] = key[i];
    }
    for (int i = 8; i < 60; i++) {
        uint8_t t[4] = {w[4 * (i - 1)], w[4 * (i - 1) + 1], w[4 * (i - 1) + 2], w[4 * (i - 1) + 3]};
        if (i % 8 == 0) {
            uint8_t t0 = t[0];
            t[0] = (uint8_t)(sbox(t[1]) ^ rcon);
            t[1] = sbox(t[2]);
            t[2] = sbox(t[3]);
            t[3] = sbox(t0);
            rcon = xtime(rcon);
        } else if (i % 8 == 4) {
            for (int j = 0; j < 4; j++) {
                t[j] = sbox(t[j]);
            }
        }
        for (int j = 0; j < 4; j++) {
            w[4 * i + j] = (uint8_t)(w[4 * (i - 8) + j] ^ t[j]);
        }
    }
    for (int r = 0; r < 15; r++) {
        for (int j = 0; j < 16; j++) {
            c->rk[r][j] = w[16 * r + j];
        }
    }
    wipe(w, sizeof w);
}

static void add_round_key(uint8_t s[16], const uint8_t k[16]) {
    for (int i = 0; i < 16; i++) {
        s[i] ^= k[i];
    }
}

/* SubBytes and ShiftRows together; the state is column-major (s[4c + r]). */
static void sub_shift(uint8_t s[16]) {
    uint8_t t[16];
    for (int c = 0; c < 4; c++) {
        for (int r = 0; r < 4; r++) {
            t[4 * c + r] = sbox(s[4 * ((c + r) % 4) + r]);
        }
    }
    for (int i = 0; i < 16; i++) {
        s[i] = t[i];
    }
    wipe(t, sizeof t);
}

static void mix_columns(uint8_t s[16]) {
    for (int c = 0; c < 4; c++) {
        uint8_t *q = s + 4 * c;
        uint8_t a0 = q[0], a1 = q[1], a2 = q[2], a3 = q[3];
        uint8_t all = (uint8_t)(a0 ^ a1 ^ a2 ^ a3);
        q[0] = (uint8_t)(a0 ^ all ^ xtime((uint8_t)(a0 ^ a1)));
        q[1] = (uint8_t)(a1 ^ all ^ xtime((uint8_t)(a1 ^ a2)));
        q[2] = (uint8_t)(a2 ^ all ^ xtime((uint8_t)(a2 ^ a3)));
        q[3] = (uint8_t)(a3 ^ all ^ xtime((uint8_t)(a3 ^ a0)));
    }
}

void aes256_encrypt(const aes256_t *c, const uint8_t in[16], uint8_t out[16]) {
    uint8_t s[16];
    for (int i = 0; i < 16; i++) {
        s[i] = in[i];
    }
    add_round_key(s, c->rk[0]);
    for (int r = 1; r < 14; r++) {
        sub_shift(s);
        mix_columns(s);
        add_round_key(s, c->rk[r]);
    }
    sub_shift(s);
    add_round_key(s, c->rk[14]);
    for (int i = 0; i < 16; i++) {
        out[i] = s[i];
    }
    wipe(s, sizeof s);
}
