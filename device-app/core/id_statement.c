/* id_statement.c - see id_statement.h. The formats are the SDK 0.8.8 wallet's (docs/transfers.md,
 * section "What the sender's identity key signs"): the challenge is protobuf-encoded by the wallet
 * (connection.ts), the per-leaf payload is concatenated text and ciphertext (transfer.ts
 * prepareSingleSendTransferKeyTweak), the provider's challenge is the service provider's own
 * (emulator/ssp/auth.ts, docs/ssp.md), the packages use the SDK's structured hasher
 * (utils/hashstructure.ts: tag hash twice, then 8-byte big-endian length || bytes per value, a
 * map as its entry count — itself a value of 8 bytes — then its entries sorted by key). */
#include "id_statement.h"

#include <string.h>

#include "wipe.h"

enum {
    ST_TAG = 0,    /* tag hash || tag hash */
    ST_TID_LEN,    /* u64 = 16 */
    ST_TID,        /* 16 bytes */
    ST_COUNT_LEN,  /* u64 = 8: the count is itself a value (the SDK's addUint64) */
    ST_COUNT,      /* u64, 1..IDS_MAX_ENTRIES */
    ST_KEY_LEN,    /* u64, 1..IDS_KEY_MAX */
    ST_KEY,        /* printable, sorted, distinct */
    ST_VALUE_LEN,  /* u64, 1..IDS_VALUE_MAX */
    ST_VALUE,      /* skipped (hashed only) */
    ST_END
};

/* The SDK's tag serialization: u64 length || UTF-8 bytes per component, then SHA-256. */
static void tag_hash(const char *kind, uint8_t out[32]) {
    const char *parts[3] = {"spark", kind, "signing payload"};
    sha256_ctx_t c;
    sha256_init(&c);
    for (size_t i = 0; i < 3u; i++) {
        uint8_t len[8] = {0};
        size_t n = strlen(parts[i]);
        len[7] = (uint8_t)n;
        sha256_update(&c, len, sizeof len);
        sha256_update(&c, (const uint8_t *)parts[i], n);
    }
    sha256_final(&c, out);
}

static uint64_t be64(const uint8_t *b) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8u; i++) {
        v = (v << 8) | b[i];
    }
    return v;
}

static void expect(ids_parser_t *p, uint8_t state, uint32_t need) {
    p->state = state;
    p->need = need;
    p->field_len = 0u;
}

static bool printable(uint8_t c) { return c >= 0x21u && c <= 0x7Eu; }

/* A whole field arrived: check it and pick the next one. */
static bool field_done(ids_parser_t *p) {
    switch (p->state) {
    case ST_TAG: {
        uint8_t t[32];
        tag_hash(p->mode == IDS_TRANSFER ? "transfer" : "claim", t);
        if (memcmp(p->field, t, 32u) != 0 || memcmp(p->field + 32, t, 32u) != 0) {
            return false;
        }
        expect(p, ST_TID_LEN, 8u);
        return true;
    }
    case ST_TID_LEN:
        if (be64(p->field) != 16u) {
            return false;
        }
        expect(p, ST_TID, 16u);
        return true;
    case ST_TID:
        memcpy(p->transfer_id, p->field, 16u);
        expect(p, ST_COUNT_LEN, 8u);
        return true;
    case ST_COUNT_LEN:
        if (be64(p->field) != 8u) {
            return false;
        }
        expect(p, ST_COUNT, 8u);
        return true;
    case ST_COUNT: {
        uint64_t n = be64(p->field);
        if (n == 0u || n > IDS_MAX_ENTRIES) {
            return false;
        }
        p->entries = (uint32_t)n;
        p->entry = 0u;
        p->prev_key_len = 0u;
        expect(p, ST_KEY_LEN, 8u);
        return true;
    }
    case ST_KEY_LEN: {
        uint64_t n = be64(p->field);
        if (n == 0u || n > IDS_KEY_MAX) {
            return false;
        }
        expect(p, ST_KEY, (uint32_t)n);
        return true;
    }
    case ST_KEY: {
        /* the SDK sorts the entries by key bytes; a key not above the previous one is not its encoding */
        size_t common = p->field_len < p->prev_key_len ? p->field_len : p->prev_key_len;
        int cmp = memcmp(p->field, p->prev_key, common);
        if (p->entry > 0u && (cmp < 0 || (cmp == 0 && p->field_len <= p->prev_key_len))) {
            return false;
        }
        memcpy(p->prev_key, p->field, p->field_len);
        p->prev_key_len = (uint8_t)p->field_len;
        expect(p, ST_VALUE_LEN, 8u);
        return true;
    }
    case ST_VALUE_LEN: {
        uint64_t n = be64(p->field);
        if (n == 0u || n > IDS_VALUE_MAX) {
            return false;
        }
        p->skip = n;
        p->state = ST_VALUE;
        return true;
    }
    default:
        return false;
    }
}

static bool package_byte(ids_parser_t *p, uint8_t b) {
    if (p->state == ST_END) {
        return false; /* trailing bytes */
    }
    if (p->state == ST_VALUE) {
        if (--p->skip == 0u) {
            if (++p->entry == p->entries) {
                p->state = ST_END;
            } else {
                expect(p, ST_KEY_LEN, 8u);
            }
        }
        return true;
    }
    if (p->state == ST_KEY && !printable(b)) {
        return false;
    }
    /* fields are at most 64 bytes (the tag pair, a key); the others are shorter */
    p->field[p->field_len++] = b;
    return p->field_len < p->need || field_done(p);
}

bool ids_begin(ids_parser_t *p, uint8_t mode) {
    wipe(p, sizeof *p);
    if (mode > IDS_PROVIDER_LOGIN) {
        return false;
    }
    p->mode = mode;
    sha256_init(&p->sha);
    expect(p, ST_TAG, 64u);
    return true;
}

bool ids_feed(ids_parser_t *p, const uint8_t *data, size_t len) {
    if (p->failed) {
        return false;
    }
    sha256_update(&p->sha, data, len);
    if (p->mode == IDS_LOGIN || p->mode == IDS_LEAF || p->mode == IDS_PROVIDER_LOGIN) {
        if (len > (size_t)(IDS_SMALL_MAX - p->buf_len)) {
            p->failed = 1u;
            return false;
        }
        memcpy(p->buf + p->buf_len, data, len);
        p->buf_len = (uint16_t)(p->buf_len + len);
        return true;
    }
    for (size_t i = 0; i < len; i++) {
        if (!package_byte(p, data[i])) {
            p->failed = 1u;
            return false;
        }
    }
    return true;
}

bool ids_uuid_parse(const uint8_t *text, size_t len, uint8_t out[16]) {
    size_t k = 0;
    if (len != IDS_UUID_TEXT_LEN) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        uint8_t c = text[i], v;
        if (i == 8u || i == 13u || i == 18u || i == 23u) {
            if (c != '-') {
                return false;
            }
            continue;
        }
        if (c >= '0' && c <= '9') {
            v = (uint8_t)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v = (uint8_t)(c - 'a' + 10);
        } else {
            return false;
        }
        if ((k & 1u) == 0u) {
            out[k / 2u] = (uint8_t)(v << 4);
        } else {
            out[k / 2u] |= v;
        }
        k++;
    }
    return true;
}

/* One canonical proto3 varint field value (no overlong encoding); false if malformed. */
static bool varint(const uint8_t *b, size_t len, size_t *off) {
    for (size_t i = 0; i < 10u && *off < len; i++) {
        uint8_t c = b[(*off)++];
        if ((c & 0x80u) == 0u) {
            return i == 0u || c != 0u;
        }
    }
    return false;
}

/* spark_authn.Challenge, canonical proto3 (fields in order, zero fields omitted):
 * [08 version]? [10 timestamp]? 1a 20 nonce[32] 22 21 public_key[33], nothing else. */
static bool parse_login(const ids_parser_t *p, ids_result_t *out) {
    const uint8_t *b = p->buf;
    size_t len = p->buf_len, off = 0;
    if (off < len && b[off] == 0x08u) {
        off++;
        if (!varint(b, len, &off)) {
            return false;
        }
    }
    if (off < len && b[off] == 0x10u) {
        off++;
        if (!varint(b, len, &off)) {
            return false;
        }
    }
    if (len - off != 2u + 32u + 2u + 33u || b[off] != 0x1au || b[off + 1u] != 32u || b[off + 34u] != 0x22u ||
        b[off + 35u] != 33u) {
        return false;
    }
    memcpy(out->pubkey, b + off + 36u, 33u);
    return true;
}

/* The service provider's challenge, exactly IDS_PROVIDER_LEN bytes with the version first. The
 * device has no clock and no HMAC key: the expiry, nonce and HMAC are the provider's to check;
 * the device checks the shape and (in the handler) the key. */
static bool parse_provider_login(const ids_parser_t *p, ids_result_t *out) {
    if (p->buf_len != IDS_PROVIDER_LEN || p->buf[0] != IDS_PROVIDER_VERSION) {
        return false;
    }
    memcpy(out->pubkey, p->buf + IDS_PROVIDER_KEY_AT, 33u);
    return true;
}

/* leafId (printable, 1..64) || transferId (canonical UUID text) || ciphertext [129] */
static bool parse_leaf(const ids_parser_t *p, ids_result_t *out) {
    const uint8_t *b = p->buf;
    size_t len = p->buf_len;
    if (len < 1u + IDS_UUID_TEXT_LEN + IDS_CIPHER_LEN || len > 64u + IDS_UUID_TEXT_LEN + IDS_CIPHER_LEN) {
        return false;
    }
    size_t id_len = len - IDS_UUID_TEXT_LEN - IDS_CIPHER_LEN;
    for (size_t i = 0; i < id_len; i++) {
        if (!printable(b[i])) {
            return false;
        }
    }
    if (!ids_uuid_parse(b + id_len, IDS_UUID_TEXT_LEN, out->transfer_id)) {
        return false;
    }
    memcpy(out->leaf_id, b, id_len);
    out->leaf_id_len = (uint8_t)id_len;
    sha256(b + id_len + IDS_UUID_TEXT_LEN, IDS_CIPHER_LEN, out->cipher_hash);
    return true;
}

bool ids_finish(ids_parser_t *p, ids_result_t *out) {
    bool ok = !p->failed;
    memset(out, 0, sizeof *out);
    if (ok) {
        if (p->mode == IDS_LOGIN) {
            ok = parse_login(p, out);
        } else if (p->mode == IDS_LEAF) {
            ok = parse_leaf(p, out);
        } else if (p->mode == IDS_PROVIDER_LOGIN) {
            ok = parse_provider_login(p, out);
        } else {
            ok = p->state == ST_END;
            memcpy(out->transfer_id, p->transfer_id, 16u);
        }
    }
    sha256_final(&p->sha, out->digest);
    wipe(p, sizeof *p);
    if (!ok) {
        memset(out, 0, sizeof *out);
    }
    return ok;
}
