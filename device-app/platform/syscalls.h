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
