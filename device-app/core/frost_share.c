#include "frost_share.h"

#include <string.h>

#include "ge.h"
#include "ge_multi.h"
#include "h2f.h"
#include "sha256.h"
#include "tagged.h"
#include "ct.h"
#include "wipe.h"

/* Context string of FROST(secp256k1, SHA-256) with Taproot tweaks
 * (lightsparkdev/frost frost-secp256k1-tr, RFC 9591 section 6.5 style). */
#define FROST_CONTEXT "FROST-secp256k1-SHA256-TR-v1"

static void context_dst(uint8_t *dst, size_t *len, const char *tag) {
    size_t a = sizeof FROST_CONTEXT - 1u, b = strlen(tag);
    memcpy(dst, FROST_CONTEXT, a);
    memcpy(dst + a, tag, b);
    *len = a + b;
}

/* H1/H3/HID: hash_to_field into scalars with DST = context || tag */
static void hash_to_scalar_tag(sc_t *out, const char *tag, const uint8_t *m1, size_t l1,
                               const uint8_t *m2, size_t l2) {
    uint8_t dst[40];
    size_t dl;
    context_dst(dst, &dl, tag);
    (void)hash_to_scalars(out, 1u, m1, l1, m2, l2, dst, dl);
}

/* H4/H5: plain SHA-256 over context || tag || input */
static void hash_ctx_init(sha256_ctx_t *c, const char *tag) {
    sha256_init(c);
    sha256_update(c, (const uint8_t *)FROST_CONTEXT, sizeof FROST_CONTEXT - 1u);
    sha256_update(c, (const uint8_t *)tag, strlen(tag));
}

void frost_user_identifier(uint8_t id[32]) {
    sc_t s;
    hash_to_scalar_tag(&s, "id", (const uint8_t *)"user", 4u, NULL, 0u);
    sc_to_bytes(id, &s);
}

static uint32_t id_valid(const uint8_t id[32]) {
    sc_t s;
    return sc_from_bytes_nonzero(&s, id);
}

frost_err_t frost_prepare(const uint8_t msg[32], const uint8_t verifying_key[33],
                          const frost_commit_ref_t *ops, uint32_t n_ops,
                          const uint8_t user_hiding[33], const uint8_t user_binding[33],
                          const uint8_t *adaptor, frost_plan_t *plan) {
    frost_commit_ref_t all[FROST_MAX_PARTICIPANTS];
    uint8_t user_id[32];
    uint8_t qx[32], h[32], prefix[97];
    ge_t P, Q, R, T;
    fe_t ax, ay;
    sc_t t;
    sha256_ctx_t hc;
    frost_err_t err = FROST_OK;

    memset(plan, 0, sizeof *plan);
    if (n_ops == 0u || n_ops + 1u > FROST_MAX_PARTICIPANTS) {
        return FROST_ERR_ID;
    }
    frost_user_identifier(user_id);

    /* Participants sorted by identifier (numeric = big-endian byte order); public data, so a
     * plain insertion sort is fine. The user's own id among the operators shows up as a
     * duplicate. */
    all[0].id = user_id;
    all[0].hiding = user_hiding;
    all[0].binding = user_binding;
    for (uint32_t i = 0; i < n_ops; i++) {
        if (!id_valid(ops[i].id)) {
            return FROST_ERR_ID;
        }
        all[i + 1u] = ops[i];
    }
    uint32_t n_all = n_ops + 1u;
    for (uint32_t i = 1; i < n_all; i++) {
        frost_commit_ref_t cur = all[i];
        uint32_t j = i;
        while (j > 0u && memcmp(all[j - 1u].id, cur.id, 32u) > 0) {
            all[j] = all[j - 1u];
            j--;
        }
        all[j] = cur;
    }
    for (uint32_t i = 1; i < n_all; i++) {
        if (memcmp(all[i - 1u].id, all[i].id, 32u) == 0) {
            return FROST_ERR_ID;
        }
    }

    /* P' = P with even y; Q = P' + t*G, t = TapTweak(P'.x) with an empty merkle root */
    if (!ge_decode(&P, verifying_key)) {
        return FROST_ERR_POINT;
    }
    uint32_t p_odd = (uint32_t)(verifying_key[0] & 1u);
    if (p_odd) {
        ge_neg(&P, &P);
    }
    tagged_hash("TapTweak", verifying_key + 1, 32u, h);
    (void)sc_from_bytes_reduce(&t, h);
    ge_mul_gen(&T, &t);
    ge_add(&Q, &P, &T);
    if (!ge_to_affine(&ax, &ay, &Q)) {
        return FROST_ERR_DEGENERATE;
    }
    uint32_t q_odd = fe_is_odd(&ay);
    fe_to_bytes(qx, &ax);

    /* prefix = 0x02 || Q.x || H4(msg) || H5(commitment list) */
    prefix[0] = 0x02u;
    memcpy(prefix + 1, qx, 32u);
    hash_ctx_init(&hc, "msg");
    sha256_update(&hc, msg, 32u);
    sha256_final(&hc, prefix + 33);
    hash_ctx_init(&hc, "com");
    for (uint32_t i = 0; i < n_all; i++) {
        sha256_update(&hc, all[i].id, 32u);
        sha256_update(&hc, all[i].hiding, 33u);
        sha256_update(&hc, all[i].binding, 33u);
    }
    sha256_final(&hc, prefix + 65);

    /* R = sum(D_i + rho_i * E_i) (+ adaptor). Binding factors and commitments are public, so
     * the rho_i * E_i terms go through the variable-time multi-scalar multiplication, in
     * groups of GE_MULTI_MAX sharing their doublings. */
    ge_set_infinity(&R);
    for (uint32_t g = 0; g < n_all && err == FROST_OK; g += GE_MULTI_MAX) {
        ge_t E[GE_MULTI_MAX], D, sum;
        sc_t rhos[GE_MULTI_MAX];
        uint32_t m = n_all - g < GE_MULTI_MAX ? n_all - g : GE_MULTI_MAX;
        for (uint32_t j = 0; j < m; j++) {
            const frost_commit_ref_t *pc = &all[g + j];
            hash_to_scalar_tag(&rhos[j], "rho", prefix, sizeof prefix, pc->id, 32u);
            if (pc->id == user_id) {
                plan->rho_user = rhos[j];
            }
            if (!ge_decode(&D, pc->hiding) || !ge_decode(&E[j], pc->binding)) {
                err = FROST_ERR_POINT;
                break;
            }
            ge_add(&R, &R, &D);
        }
        if (err == FROST_OK) {
            (void)ge_mul_multi_vartime(&sum, rhos, E, m);
            ge_add(&R, &R, &sum);
        }
    }
    if (err == FROST_OK && adaptor != NULL) {
        ge_t A;
        if (!ge_decode(&A, adaptor)) {
            err = FROST_ERR_POINT;
        } else {
            ge_add(&R, &R, &A);
        }
    }
    /* R at infinity (e.g. an adaptor point that cancels the commitments) has no BIP340
     * encoding: refused, not signed */
    if (err == FROST_OK && !ge_to_affine(&ax, &ay, &R)) {
        err = FROST_ERR_DEGENERATE;
    }
    if (err != FROST_OK) {
        memset(plan, 0, sizeof *plan);
        return err;
    }
    plan->r_odd = fe_is_odd(&ay);
    plan->s_neg = p_odd ^ q_odd;
    fe_to_bytes(h, &ax);
    plan->r_enc[0] = (uint8_t)(0x02u | plan->r_odd);
    memcpy(plan->r_enc + 1, h, 32u);

    /* c = int(tagged "BIP0340/challenge"(R.x || Q.x || msg)) mod n */
    tagged_init(&hc, "BIP0340/challenge");
    sha256_update(&hc, h, 32u);
    sha256_update(&hc, qx, 32u);
    sha256_update(&hc, msg, 32u);
    sha256_final(&hc, h);
    (void)sc_from_bytes_reduce(&plan->c, h);
    return FROST_OK;
}

void frost_finish(const frost_plan_t *plan, const sc_t *secret, const sc_t *d, const sc_t *e,
                  uint8_t z_out[32]) {
    sc_t dd, ee, s, cs, z;
    sc_cond_neg(&dd, d, plan->r_odd);
    sc_cond_neg(&ee, e, plan->r_odd);
    sc_cond_neg(&s, secret, plan->s_neg);
    /* z = d + rho_user * e + c * s */
    sc_mul(&z, &plan->rho_user, &ee);
    sc_add(&z, &z, &dd);
    sc_mul(&cs, &plan->c, &s);
    sc_add(&z, &z, &cs);
    sc_to_bytes(z_out, &z);
    CT_DECLASSIFY(z_out, 32u); /* the share is sent to the host */

    wipe(&dd, sizeof dd);
    wipe(&ee, sizeof ee);
    wipe(&s, sizeof s);
    wipe(&cs, sizeof cs);
    wipe(&z, sizeof z);
}

frost_err_t frost_user_share(const sc_t *secret, const sc_t *d, const sc_t *e,
                             const uint8_t msg[32], const uint8_t verifying_key[33],
                             const frost_commit_ref_t *ops, uint32_t n_ops,
                             const uint8_t user_hiding[33], const uint8_t user_binding[33],
                             const uint8_t *adaptor, uint8_t z_out[32]) {
    frost_plan_t plan;
    frost_err_t err = frost_prepare(msg, verifying_key, ops, n_ops, user_hiding, user_binding,
                                    adaptor, &plan);
    if (err == FROST_OK) {
        frost_finish(&plan, secret, d, e, z_out);
    }
    return err;
}

frost_err_t frost_check_package(const uint8_t verifying_key[33], const frost_commit_ref_t *ops,
                                uint32_t n_ops, const uint8_t *adaptor) {
    uint8_t user_id[32];
    ge_t p;
    if (n_ops == 0u || n_ops + 1u > FROST_MAX_PARTICIPANTS) {
        return FROST_ERR_ID;
    }
    frost_user_identifier(user_id);
    for (uint32_t i = 0; i < n_ops; i++) {
        if (!id_valid(ops[i].id) || memcmp(ops[i].id, user_id, 32u) == 0) {
            return FROST_ERR_ID;
        }
        for (uint32_t j = 0; j < i; j++) {
            if (memcmp(ops[i].id, ops[j].id, 32u) == 0) {
                return FROST_ERR_ID;
            }
        }
        if (!ge_decode(&p, ops[i].hiding) || !ge_decode(&p, ops[i].binding)) {
            return FROST_ERR_POINT;
        }
    }
    if (!ge_decode(&p, verifying_key) || (adaptor != NULL && !ge_decode(&p, adaptor))) {
        return FROST_ERR_POINT;
    }
    return FROST_OK;
}
