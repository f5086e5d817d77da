/* syscalls.h - the few BOLOS syscalls this app uses, as Speculos emulates them at API level 25.
 *
 * Ids and argument orders are facts from LedgerHQ/speculos sdk/bolos_syscalls.h and src/emulate.c
 * (summarised in docs/speculos.md, section "The syscalls we use"). Every call goes through SVC_Call
 * (svc.S). */
#ifndef SPARK_SYSCALLS_H
#define SPARK_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

#define SYSCALL_os_perso_derive_node_bip32 0x05000053u
#define SYSCALL_bagl_hal_draw_bitmap_within_rect 0x0900007cu
#define SYSCALL_bagl_hal_draw_rect 0x0500007du
#define SYSCALL_os_io_init 0x01000084u
#define SYSCALL_os_io_start 0x01000085u
#define SYSCALL_os_io_tx_cmd 0x04000088u
#define SYSCALL_os_io_rx_evt 0x03000089u
#define SYSCALL_os_sched_exit 0x0100009au
#define SYSCALL_cx_get_random_bytes 0x02000107u

/* The OS's big-number and elliptic-curve library (os_crypto.c). Every one returns a cx_err_t
 * in r0 (0 = CX_OK); argument layouts from speculos src/emulate.c, semantics from
 * src/bolos/cx_bn.c, cx_mpi.c, cx_ecpoint.c and cx_ec_domain.c (docs/speculos.md, section
 * "The OS crypto syscalls"). */
#define SYSCALL_cx_bn_lock 0x02000112u                 /* word size in bytes, flags */
#define SYSCALL_cx_bn_unlock 0x000000b6u               /* releases and clears every number */
#define SYSCALL_cx_bn_alloc 0x02000113u                /* &handle, size */
#define SYSCALL_cx_bn_alloc_init 0x04000114u           /* &handle, size, bytes, length */
#define SYSCALL_cx_bn_export 0x030000c3u               /* handle, bytes, length (big-endian) */
#define SYSCALL_cx_bn_mod_add 0x040000d3u              /* r, a, b, n */
#define SYSCALL_cx_bn_mod_sub 0x040000d4u              /* r, a, b, n */
#define SYSCALL_cx_bn_mod_mul 0x040000d5u              /* r, a, b, n */
#define SYSCALL_cx_bn_mod_invert_nprime 0x030000dau    /* r, a, n (n prime) */
#define SYSCALL_cx_ecpoint_alloc 0x020000f1u           /* &point, curve */
#define SYSCALL_cx_ecdomain_generator_bn 0x02000133u   /* curve, &point */
#define SYSCALL_cx_ecpoint_init 0x050000f3u            /* &point, x, x length, y, y length */
#define SYSCALL_cx_ecpoint_rnd_scalarmul 0x03000127u   /* &point, k, k length */
#define SYSCALL_cx_ecpoint_export 0x050000f5u          /* &point, x, x length, y, y length */

/* os_io packet types (LedgerHQ/speculos src/bolos/io/sdk/io/include/os_io.h) */
#define OS_IO_PACKET_TYPE_SEPH 0x01u
#define OS_IO_PACKET_TYPE_USB_HID_APDU 0x20u

/* SEPH event tags the app sees (speculos/mcu/seproxyhal.py SephTag) */
#define SEPH_TAG_BUTTON_PUSH 0x05u
#define SEPH_TAG_TICKER 0x0Eu

#define CX_CURVE_SECP256K1 0x21u /* speculos src/bolos/cx_ec.h */

typedef struct {
    uint32_t value; /* r0 */
    uint32_t error; /* r1: exception code, 0 = none */
} syscall_result_t;

syscall_result_t sys_call(uint32_t id, uint32_t *args);

int32_t sys_os_io_init(void);
int32_t sys_os_io_start(void);
/* Returns > 0 packet length (type byte included), 0 nothing for the app, < 0 error. */
int32_t sys_os_io_rx_evt(uint8_t *buf, uint16_t max_len);
int32_t sys_os_io_tx_cmd(uint8_t type, const uint8_t *buf, uint16_t len);
void sys_draw_rect(uint32_t color, uint16_t x, uint16_t y, uint16_t w, uint16_t h);
void sys_draw_bitmap(uint16_t x, uint16_t y, uint16_t w, uint16_t h, const uint32_t *colors,
                     uint32_t color_count, uint32_t bpp, const uint8_t *bitmap, uint32_t bits);
uint32_t sys_random(uint8_t *out, size_t len);
/* Returns 0 on success, else the exception code. */
uint32_t sys_derive_bip32(const uint32_t *path, uint32_t depth, uint8_t priv[32]);
__attribute__((noreturn)) void sys_exit(uint32_t code);

#endif
