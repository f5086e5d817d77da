/* os_crypto.c - the core's arithmetic on secrets (core/platform.h, "arithmetic on secrets")
 * through the OS's crypto library, as Ledger's own apps do: cx_bn_* for scalars mod n and
 * cx_ecpoint_* for scalar multiplication. On a real device these run in the secure element
 * with its side-channel and fault countermeasures; under Speculos they are emulated with
 * OpenSSL (speculos src/bolos/cx_bn.c, cx_ecpoint.c), which is enough to test that the app
 * computes the same values as the portable reference (device-app/host).
 *
 * Each call is self-contained: lock the big-number unit, load the inputs, compute, export,
 * unlock (which releases every number; Speculos clears them, BN_clear_free in cx_mpi.c). The
 * core guarantees the preconditions (scalars in 1..n-1, points on the curve), so any error the
 * OS reports is a fault: the app stops (exit code 0xCE) rather than use a wrong value. */
#include "../core/platform.h"
#include "syscalls.h"

#define CX_OK 0u
#define SCALAR_BYTES 32u
#define CRYPTO_FAULT_EXIT 0xCEu

/* cx_ecpoint_t (speculos src/bolos/cx_ec.h): the curve, then the handles of x, y and z.
 * A word for the curve matches both int-sized and short enums (the byte is at offset 0 and
 * the handles start at offset 4 either way). */
typedef struct {
    uint32_t curve;
    uint32_t x, y, z;
} cx_ecpoint_t;

/* The secp256k1 group order n (SEC 2 section 2.4.1), big-endian. */
static const uint8_t SECP256K1_N[SCALAR_BYTES] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

static uint32_t ptr(const void *p) { return (uint32_t)(uintptr_t)p; }

/* Run one cx syscall; anything but CX_OK (in r0) with no exception (in r1) stops the app. */
static void cx_call(uint32_t id, uint32_t *args) {
    syscall_result_t r = sys_call(id, args);
    if (r.value != CX_OK || r.error != 0u) {
        sys_exit(CRYPTO_FAULT_EXIT);
    }
}

static void bn_lock(void) {
    uint32_t args[2] = {SCALAR_BYTES, 0u};
    cx_call(SYSCALL_cx_bn_lock, args);
}

static void bn_unlock(void) {
    uint32_t args[1] = {0u}; /* no arguments: a 1-word dummy array */
    cx_call(SYSCALL_cx_bn_unlock, args);
}

static uint32_t bn_load(const uint8_t value[SCALAR_BYTES]) {
    uint32_t handle = 0u;
    uint32_t args[4] = {ptr(&handle), SCALAR_BYTES, ptr(value), SCALAR_BYTES};
    cx_call(SYSCALL_cx_bn_alloc_init, args);
    return handle;
}

static uint32_t bn_alloc(void) {
    uint32_t handle = 0u;
    uint32_t args[2] = {ptr(&handle), SCALAR_BYTES};
    cx_call(SYSCALL_cx_bn_alloc, args);
    return handle;
}

static void bn_export(uint32_t handle, uint8_t out[SCALAR_BYTES]) {
    uint32_t args[3] = {handle, ptr(out), SCALAR_BYTES};
    cx_call(SYSCALL_cx_bn_export, args);
}

/* r = op(a, b) mod n for the cx_bn_mod_add/sub/mul syscalls (r, a, b, n). */
static void bn_mod_binary(uint32_t id, uint8_t r[32], const uint8_t a[32], const uint8_t b[32]) {
    bn_lock();
    uint32_t n = bn_load(SECP256K1_N);
    uint32_t ha = bn_load(a);
    uint32_t hb = bn_load(b);
    uint32_t hr = bn_alloc();
    uint32_t args[4] = {hr, ha, hb, n};
    cx_call(id, args);
    bn_export(hr, r);
    bn_unlock();
}

void plat_sc_add(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]) {
    bn_mod_binary(SYSCALL_cx_bn_mod_add, r, a, b);
}

void plat_sc_sub(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]) {
    bn_mod_binary(SYSCALL_cx_bn_mod_sub, r, a, b);
}

void plat_sc_mul(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]) {
    bn_mod_binary(SYSCALL_cx_bn_mod_mul, r, a, b);
}

void plat_sc_inv(uint8_t r[32], const uint8_t a[32]) {
    bn_lock();
    uint32_t n = bn_load(SECP256K1_N);
    uint32_t ha = bn_load(a);
    uint32_t hr = bn_alloc();
    uint32_t args[3] = {hr, ha, n};
    cx_call(SYSCALL_cx_bn_mod_invert_nprime, args);
    bn_export(hr, r);
    bn_unlock();
}

/* (x, y) = k * P for a point already set up in the locked unit, then unlock. */
static void ecpoint_mul_export(cx_ecpoint_t *p, uint8_t x[32], uint8_t y[32],
                               const uint8_t k[32]) {
    /* the randomized multiplication: on a device, the one with side-channel protection */
    uint32_t mul[3] = {ptr(p), ptr(k), SCALAR_BYTES};
    cx_call(SYSCALL_cx_ecpoint_rnd_scalarmul, mul);
    uint32_t exp[5] = {ptr(p), ptr(x), SCALAR_BYTES, ptr(y), SCALAR_BYTES};
    cx_call(SYSCALL_cx_ecpoint_export, exp);
    bn_unlock();
}

static void ecpoint_alloc(cx_ecpoint_t *p) {
    uint32_t args[2] = {ptr(p), CX_CURVE_SECP256K1};
    cx_call(SYSCALL_cx_ecpoint_alloc, args);
}

void plat_ec_mul_gen(uint8_t x[32], uint8_t y[32], const uint8_t k[32]) {
    cx_ecpoint_t p = {0u, 0u, 0u, 0u};
    bn_lock();
    ecpoint_alloc(&p);
    uint32_t gen[2] = {CX_CURVE_SECP256K1, ptr(&p)};
    cx_call(SYSCALL_cx_ecdomain_generator_bn, gen);
    ecpoint_mul_export(&p, x, y, k);
}

void plat_ec_mul(uint8_t x[32], uint8_t y[32], const uint8_t k[32], const uint8_t px[32],
                 const uint8_t py[32]) {
    cx_ecpoint_t p = {0u, 0u, 0u, 0u};
    bn_lock();
    ecpoint_alloc(&p);
    uint32_t init[5] = {ptr(&p), ptr(px), SCALAR_BYTES, ptr(py), SCALAR_BYTES};
    cx_call(SYSCALL_cx_ecpoint_init, init);
    ecpoint_mul_export(&p, x, y, k);
}
