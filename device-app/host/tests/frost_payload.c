#include "frost_payload.h"

#include <string.h>

#include "core_includes.h"
#include "test.h"

size_t tv_keyref(const tv_frost_t *v, uint8_t *out) {
    return put_keyref(out, v->kind, v->account, v->index, v->leaf);
}

size_t tv_frost_payload(const tv_frost_t *v, uint32_t ref, uint8_t *out) {
    size_t n = tv_keyref(v, out);
    memcpy(out + n, v->msg, 32);
    n += 32;
    memcpy(out + n, v->vk, 33);
    n += 33;
    n += put_be32(out + n, ref);
    memcpy(out + n, v->hiding, 33);
    n += 33;
    memcpy(out + n, v->binding, 33);
    n += 33;
    out[n++] = v->nops;
    for (unsigned i = 0; i < v->nops; i++) {
        memcpy(out + n, v->ops[i].id, 32);
        n += 32;
        memcpy(out + n, v->ops[i].hiding, 33);
        n += 33;
        memcpy(out + n, v->ops[i].binding, 33);
        n += 33;
    }
    out[n++] = v->has_adaptor;
    if (v->has_adaptor) {
        memcpy(out + n, v->adaptor, 33);
        n += 33;
    }
    return n;
}

size_t chunk_apdu(uint8_t ins, uint8_t *apdu, const uint8_t *payload, size_t len, size_t off, size_t chunk,
                             size_t *take) {
    *take = len - off < chunk ? len - off : chunk;
    bool last = off + *take == len;
    size_t n = mk_apdu(apdu, ins, off == 0 ? P1_CHUNK_FIRST : P1_CHUNK_NEXT,
                       last ? P2_CHUNK_LAST : P2_CHUNK_MORE, payload + off, *take);
    if (*take == 0) {
        apdu[4] = 0;
        n = 5;
    }
    return n;
}

bool frost_sign_approved_is(const uint8_t *payload, size_t len, size_t chunk, const uint8_t z[32]) {
    uint16_t sw = send_frost_sign(payload, len, chunk);
    if (sw != 0u) {
        fprintf(stderr, "  FROST_SIGN answered 0x%04x instead of waiting for the review\n", sw);
        return false;
    }
    sw = host_decide(true);
    if (sw != SW_OK || g_host_reply.len != 32u || memcmp(g_host_reply.data, z, 32) != 0) {
        fprintf(stderr, "  approved FROST_SIGN: 0x%04x with %u bytes, not the expected share\n", sw,
                (unsigned)g_host_reply.len);
        return false;
    }
    return true;
}

uint16_t send_frost_sign(const uint8_t *payload, size_t len, size_t chunk) {
    return send_chunked(INS_FROST_SIGN, payload, len, chunk);
}

uint16_t send_chunked(uint8_t ins, const uint8_t *payload, size_t len, size_t chunk) {
    uint8_t apdu[300];
    size_t off = 0, take;
    uint16_t sw = 0;
    do {
        size_t n = chunk_apdu(ins, apdu, payload, len, off, chunk, &take);
        sw = host_exchange(apdu, n);
        off += take;
        if (off < len && sw != SW_OK) {
            return sw;
        }
    } while (off < len);
    return sw;
}

void issue_commitments_until(uint32_t upto) {
    uint8_t apdu[8];
    for (int guard = 0; guard < 2000; guard++) {
        size_t n = mk_apdu(apdu, INS_FROST_COMMIT, 3, 0, NULL, 0);
        if (host_exchange(apdu, n) != SW_OK) {
            return;
        }
        uint32_t first = ((uint32_t)g_host_reply.data[0] << 24) |
                         ((uint32_t)g_host_reply.data[1] << 16) |
                         ((uint32_t)g_host_reply.data[2] << 8) | g_host_reply.data[3];
        if (first + 2 >= upto) {
            return;
        }
    }
}

uint32_t issue_one_commitment(void) {
    uint8_t apdu[8];
    size_t n = mk_apdu(apdu, INS_FROST_COMMIT, 1, 0, NULL, 0);
    if (host_exchange(apdu, n) != SW_OK || g_host_reply.len != 4u + 66u) {
        return UINT32_MAX;
    }
    return ((uint32_t)g_host_reply.data[0] << 24) | ((uint32_t)g_host_reply.data[1] << 16) |
           ((uint32_t)g_host_reply.data[2] << 8) | g_host_reply.data[3];
}

void issue_commitments_through(uint32_t upto, uint32_t *next) {
    while (*next <= upto) {
        uint32_t r = issue_one_commitment();
        if (r == UINT32_MAX) {
            return;
        }
        *next = r + 1u;
    }
}

frost_err_t tv_frost_share(const tv_frost_t *v, const sc_t *secret, const sc_t *d, const sc_t *e,
                           const frost_commit_ref_t *ops, uint32_t n_ops, const uint8_t *adaptor,
                           uint8_t z[32]) {
    frost_plan_t plan;
    frost_err_t err =
        frost_prepare(v->msg, v->vk, ops, n_ops, v->hiding, v->binding, adaptor, &plan);
    if (err == FROST_OK) {
        frost_finish(&plan, secret, d, e, z);
    }
    return err;
}

frost_err_t tv_frost_prepare(const tv_frost_t *v, const uint8_t vk[33],
                             const frost_commit_ref_t *ops, uint32_t n_ops,
                             const uint8_t *adaptor) {
    frost_plan_t plan;
    return frost_prepare(v->msg, vk, ops, n_ops, v->hiding, v->binding, adaptor, &plan);
}
