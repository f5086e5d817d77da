/* apdu_reader.c - see apdu_reader.h. */
#include "apdu_reader.h"

#include "protocol.h"

uint16_t apdu_parse(const uint8_t *buf, size_t len, apdu_t *out) {
    if (buf == NULL || len < 4u) {
        return SW_WRONG_LENGTH;
    }
    out->cla = buf[0];
    out->ins = buf[1];
    out->p1 = buf[2];
    out->p2 = buf[3];
    out->lc = 0u;
    out->data = buf + 4;
    if (len == 4u) {
        return SW_OK;
    }
    out->lc = buf[4];
    out->data = buf + 5;
    if (len != 5u + (size_t)out->lc) {
        return SW_WRONG_LENGTH;
    }
    return SW_OK;
}

void rd_init(reader_t *r, const uint8_t *p, size_t len) {
    r->p = p;
    r->len = len;
    r->off = 0u;
    r->err = false;
}

const uint8_t *rd_bytes(reader_t *r, size_t n) {
    if (r->err || n > r->len - r->off) {
        r->err = true;
        return NULL;
    }
    const uint8_t *q = r->p + r->off;
    r->off += n;
    return q;
}

uint8_t rd_u8(reader_t *r) {
    const uint8_t *q = rd_bytes(r, 1u);
    return q == NULL ? 0u : q[0];
}

uint32_t rd_u32(reader_t *r) {
    const uint8_t *q = rd_bytes(r, 4u);
    if (q == NULL) {
        return 0u;
    }
    return ((uint32_t)q[0] << 24) | ((uint32_t)q[1] << 16) | ((uint32_t)q[2] << 8) | q[3];
}

uint16_t rd_u16(reader_t *r) {
    const uint8_t *q = rd_bytes(r, 2u);
    return q == NULL ? 0u : (uint16_t)(((uint32_t)q[0] << 8) | q[1]);
}

uint64_t rd_u64(reader_t *r) {
    uint64_t hi = rd_u32(r);
    return (hi << 32) | rd_u32(r);
}

bool rd_finished(const reader_t *r) { return !r->err && r->off == r->len; }
