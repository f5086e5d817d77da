#include "key_public.h"

#include "ct.h"
#include "ge.h"
#include "platform.h"
#include "sc.h"
#include "session_cache.h"
#include "wipe.h"

bool key_public_from_private(const uint8_t priv[32], uint8_t pub[33]) {
    sc_t d;
    ge_t p;
    uint32_t ok = sc_from_bytes_nonzero(&d, priv);
    ge_mul_gen(&p, &d);
    ok &= ge_encode(pub, &p);
    CT_DECLASSIFY(pub, 33u);
    CT_DECLASSIFY(&ok, sizeof ok);
    wipe(&d, sizeof d);
    wipe(&p, sizeof p);
    return ok != 0u;
}

bool key_public_of_account_key(key_kind_t kind, uint32_t account, uint8_t pub[33]) {
    spark_key_t key = spark_account_key(kind, account);
    return key_public_of(&key, pub);
}

bool key_public_of(const spark_key_t *key, uint8_t pub[33]) {
    uint8_t priv[32];
    if (pubkey_cache_get(key, pub)) {
        return true;
    }
    bool ok = plat_derive_secp256k1(key->path, key->depth, priv) && key_public_from_private(priv, pub);
    wipe(priv, sizeof priv);
    if (ok) {
        pubkey_cache_put(key, pub);
    }
    return ok;
}
