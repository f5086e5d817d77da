#include "core_includes.h"
#include "test.h"
#include "vectors/vectors.h"

size_t mk_apdu(uint8_t *buf, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
               size_t len) {
    buf[0] = CLA_SPARK;
    buf[1] = ins;
    buf[2] = p1;
    buf[3] = p2;
    if (data == NULL && len == 0) {
        return 4;
    }
    buf[4] = (uint8_t)len;
    if (len > 0) {
        memcpy(buf + 5, data, len);
    }
    return 5 + len;
}

size_t put_be32(uint8_t *o, uint32_t v) {
    o[0] = (uint8_t)(v >> 24);
    o[1] = (uint8_t)(v >> 16);
    o[2] = (uint8_t)(v >> 8);
    o[3] = (uint8_t)v;
    return 4;
}

size_t put_keyref(uint8_t *o, uint8_t kind, uint32_t account, uint32_t index, const char *leaf) {
    size_t n = 0;
    o[n++] = kind;
    n += put_be32(o + n, account);
    if (kind == KEY_STATIC_DEPOSIT) {
        n += put_be32(o + n, index);
    } else if (kind == KEY_LEAF) {
        size_t l = strlen(leaf);
        o[n++] = (uint8_t)l;
        memcpy(o + n, leaf, l);
        n += l;
    }
    return n;
}

size_t put_path_ref(uint8_t *o, const uint32_t *path, uint8_t depth) {
    size_t n = 0;
    o[n++] = KEY_EXPLICIT_PATH;
    o[n++] = depth;
    for (unsigned i = 0; i < depth; i++) {
        n += put_be32(o + n, path[i]);
    }
    return n;
}

bool screen_has_hex(const uint8_t *data, size_t digits) {
    char hex[2u * UX_LINE_CHARS + 2u];
    if (digits > UX_LINE_CHARS) {
        return false; /* no line holds more */
    }
    for (size_t i = 0; i < digits; i++) {
        hex[i] = "0123456789abcdef"[(i % 2u) == 0u ? data[i / 2u] >> 4 : data[i / 2u] & 15u];
    }
    hex[digits] = '\0';
    return host_screen_has(hex);
}

bool review_shows(const char *const *texts, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (texts[i][0] == '\0') {
            host_press(BUTTON_RIGHT);
        } else if (!host_screen_has(texts[i])) {
            return false;
        }
    }
    return true;
}

bool screen_has_chars(const char *text, size_t n) {
    char line[UX_LINE_CHARS + 1u];
    if (n > UX_LINE_CHARS) {
        return false; /* no line holds more */
    }
    memcpy(line, text, n);
    line[n] = '\0';
    return host_screen_has(line);
}

size_t put_key_split_transfer(uint8_t *o, uint8_t t, uint8_t n, const char *leaf, const uint8_t receiver[33]) {
    size_t len = 0;
    o[len++] = KEY_SPLIT_TRANSFER;
    o[len++] = t;
    o[len++] = n;
    len += put_keyref(o + len, KEY_LEAF, 0, 0, leaf);
    memcpy(o + len, receiver, 33);
    return len + 33;
}

size_t put_key_split_claim(uint8_t *o, uint8_t t, uint8_t n, uint32_t account, const uint8_t ct[129],
                           const char *leaf) {
    size_t len = 0;
    o[len++] = KEY_SPLIT_CLAIM;
    o[len++] = t;
    o[len++] = n;
    len += put_be32(o + len, account);
    memcpy(o + len, ct, 129);
    len += 129;
    return len + put_keyref(o + len, KEY_LEAF, 0, 0, leaf);
}

void hex_to_bytes(const char *hex, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

void fresh_core(void) {
    host_reset(TV_SEED, sizeof TV_SEED);
    host_queue_random(TV_SESSION_SECRET, sizeof TV_SESSION_SECRET);
    core_init();
}

size_t put_leaf_ref(uint8_t *o, const char *leaf) { return put_keyref(o, KEY_LEAF, 0, 0, leaf); }
