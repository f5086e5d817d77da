/* taproot.h - BIP341 taproot output keys with an empty script tree (BIP86 style), as Spark's
 * node and refund outputs use them (docs/transfers.md, section "Transaction shapes"). */
#ifndef SPARK_TAPROOT_H
#define SPARK_TAPROOT_H
#include <stdbool.h>
#include <stdint.h>

#define TAPROOT_SCRIPT_LEN 34u

typedef struct {
    uint8_t qx[32];    /* x of Q = P' + t·G */
    uint8_t tweak[32]; /* t = TapTweak(P.x) */
    uint8_t p_odd;     /* P had odd y: its secret is negated before adding t */
} taproot_key_t;

/* Q for the compressed point pub; false if pub does not decode or t >= n or Q is infinity. */
bool taproot_output_key(const uint8_t pub[33], taproot_key_t *out);
/* The output script OP_1 <Q.x> of pub; false as taproot_output_key. */
bool taproot_script(const uint8_t pub[33], uint8_t script[TAPROOT_SCRIPT_LEN]);
#endif
