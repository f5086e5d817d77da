/* portable.h - the portable constant-time C implementations of the arithmetic on secrets.
 *
 * The core does not call these: it calls sc_add/sc_sub/sc_mul/sc_inv (sc.h) and
 * ge_mul_gen/ge_mul (ge.h), which go through the platform (platform.h, "arithmetic on
 * secrets"). On the device the platform uses the OS's cx_bn_* / cx_ecpoint_* syscalls; the host
 * platform (device-app/host/host_platform.c) implements the same services with these functions,
 * which are the reference the device is tested against (byte-equal outputs of the same
 * commands, device-app/host/README.md). On the device build nothing references them, so the
 * linker drops them and the fixed-base table. */
#ifndef SPARK_PORTABLE_H
#define SPARK_PORTABLE_H
#include "ge.h"
#include "sc.h"

/* Inputs < n; outputs < n; constant time. */
void sc_add_portable(sc_t *r, const sc_t *a, const sc_t *b);
void sc_sub_portable(sc_t *r, const sc_t *a, const sc_t *b);
void sc_mul_portable(sc_t *r, const sc_t *a, const sc_t *b);
void sc_inv_portable(sc_t *r, const sc_t *a); /* a^(n-2): 0 for a = 0 */
/* r = k * G with the fixed-base table; constant time in k. */
void ge_mul_gen_portable(ge_t *r, const sc_t *k);
/* r = k * p, constant time in k and p (fixed 4-bit window, table scanned in full). */
void ge_mul_portable(ge_t *r, const sc_t *k, const ge_t *p);
#endif
