#include "frost_share.h"

#include <string.h>

#include "bip340.h"
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

/* Step 1: the participants (operators and the user) sorted by identifier, numeric =
 * big-endian byte order. Every operator id must be a valid non-zero scalar; a duplicate (the
 * user's own id among the operators included) is refused. Public data: a plain insertion sort. */
static frost_err_t sorted_participants(frost_commit_ref_t all[FROST_MAX_PARTICIPANTS],
                                       const uint8_t user_id[32], const uint8_t user_hiding[33],
                                       const uint8_t user_binding[33],
                                       const frost_commit_ref_t *ops, uint32_t n_ops) {
    if (n_ops == 0u || n_ops + 1u > FROST_MAX_PARTICIPANTS) {
        return FROST_ERR_ID;
    }
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
    return FROST_OK;
}

/* Step 2: the taproot output key. P' = P with even y; Q = P' + t*G with t = TapTweak(P'.x)
 * and an empty merkle root. Writes Q.x and whether P and Q differ in y parity (then the
 * user's secret is negated). */
static frost_err_t taproot_output_key(const uint8_t verifying_key[33], uint8_t qx[32],
                                      uint32_t *s_neg) {
    ge_t P, Q, T, G;
    fe_t ax, ay;
    sc_t t;
    uint8_t h[32];
    if (!ge_decode(&P, verifying_key)) {
        return FROST_ERR_POINT;
    }
    uint32_t p_odd = (uint32_t)(verifying_key[0] & 1u);
    if (p_odd) {
        ge_neg(&P, &P);
    }
    tagged_hash("TapTweak", verifying_key + 1, 32u, h);
    (void)sc_from_bytes_reduce(&t, h);
    /* t is public (a hash of the verifying key): the variable-time multiplication, not the
     * platform's arithmetic on secrets, whose side-channel protection t does not need and
     * which costs far more under Speculos (docs/speculos.md, "The OS crypto syscalls") */
    ge_set_generator(&G);
    (void)ge_mul_multi_vartime(&T, &t, &G, 1u);
    ge_add(&Q, &P, &T);
    if (!ge_to_affine(&ax, &ay, &Q)) {
        return FROST_ERR_DEGENERATE;
    }
    fe_to_bytes(qx, &ax);
    *s_neg = p_odd ^ fe_is_odd(&ay);
    return FROST_OK;
}

/* Step 3: the binding-factor input prefix = 0x02 || Q.x || H4(msg) || H5(commitment list). */
static void binding_prefix(uint8_t prefix[97], const uint8_t qx[32], const uint8_t msg[32],
                           const frost_commit_ref_t *all, uint32_t n_all) {
    sha256_ctx_t hc;
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
}

/* Step 4: the group commitment R = sum(D_i + rho_i * E_i) (+ adaptor), and the user's binding
 * factor rho_user. Binding factors and commitments are public, so the rho_i * E_i terms go
 * through the variable-time multi-scalar multiplication, in groups of GE_MULTI_MAX sharing
 * their doublings. R at infinity (e.g. an adaptor point that cancels the commitments) has no
 * BIP340 encoding: refused, not signed. */
static frost_err_t group_commitment(fe_t *rx, fe_t *ry, sc_t *rho_user, const uint8_t prefix[97],
                                    const frost_commit_ref_t *all, uint32_t n_all,
                                    const uint8_t *user_id, const uint8_t *adaptor) {
    ge_t R;
    ge_set_infinity(&R);
    for (uint32_t g = 0; g < n_all; g += GE_MULTI_MAX) {
        ge_t E[GE_MULTI_MAX], D, sum;
        sc_t rhos[GE_MULTI_MAX];
        uint32_t m = n_all - g < GE_MULTI_MAX ? n_all - g : GE_MULTI_MAX;
        for (uint32_t j = 0; j < m; j++) {
            const frost_commit_ref_t *pc = &all[g + j];
            hash_to_scalar_tag(&rhos[j], "rho", prefix, 97u, pc->id, 32u);
            if (pc->id == user_id) {
                *rho_user = rhos[j];
            }
            if (!ge_decode(&D, pc->hiding) || !ge_decode(&E[j], pc->binding)) {
                return FROST_ERR_POINT;
            }
            ge_add(&R, &R, &D);
        }
        (void)ge_mul_multi_vartime(&sum, rhos, E, m);
        ge_add(&R, &R, &sum);
    }
    if (adaptor != NULL) {
        ge_t A;
        if (!ge_decode(&A, adaptor)) {
            return FROST_ERR_POINT;
        }
        ge_add(&R, &R, &A);
    }
    return ge_to_affine(rx, ry, &R) ? FROST_OK : FROST_ERR_DEGENERATE;
}

frost_err_t frost_prepare(const uint8_t msg[32], const uint8_t verifying_key[33],
                          const frost_commit_ref_t *ops, uint32_t n_ops,
                          const uint8_t user_hiding[33], const uint8_t user_binding[33],
                          const uint8_t *adaptor, frost_plan_t *plan) {
    frost_commit_ref_t all[FROST_MAX_PARTICIPANTS];
    uint8_t user_id[32], qx[32], rxb[32], prefix[97];
    fe_t rx, ry;
    uint32_t s_neg = 0u;

    memset(plan, 0, sizeof *plan);
    frost_user_identifier(user_id);
    frost_err_t err = sorted_participants(all, user_id, user_hiding, user_binding, ops, n_ops);
    if (err == FROST_OK) {
        err = taproot_output_key(verifying_key, qx, &s_neg);
    }
    if (err == FROST_OK) {
        binding_prefix(prefix, qx, msg, all, n_ops + 1u);
        err = group_commitment(&rx, &ry, &plan->rho_user, prefix, all, n_ops + 1u, user_id,
                               adaptor);
    }
    if (err != FROST_OK) {
        memset(plan, 0, sizeof *plan);
        return err;
    }
    plan->r_odd = fe_is_odd(&ry);
    plan->s_neg = s_neg;
    fe_to_bytes(rxb, &rx);
    plan->r_enc[0] = (uint8_t)(0x02u | plan->r_odd);
    memcpy(plan->r_enc + 1, rxb, 32u);
    bip340_challenge(&plan->c, rxb, qx, msg); /* step 5: c over R.x, Q.x and the message */
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
