/* syscalls.c - typed wrappers over SVC_Call. Arguments are passed as an array of 32-bit words in
 * declaration order; narrow types take a whole word (docs/speculos.md, section "Syscall calling
 * convention"). */
#include "syscalls.h"

extern uint64_t SVC_Call(uint32_t id, uint32_t *args);

syscall_result_t sys_call(uint32_t id, uint32_t *args)
{
    uint64_t r = SVC_Call(id, args);
    syscall_result_t out = {(uint32_t)r, (uint32_t)(r >> 32)};
    return out;
}

int32_t sys_os_io_init(void)
{
    /* os_io_init_t: Speculos reads only the USB part (pid, vid, name[20], class_mask at offset 24).
     * class_mask 0x0001 = HID is mandatory, otherwise no APDU is ever delivered
     * (speculos src/bolos/io/sdk/io/include/os_io.h; usbd_ledger.c). Zero-fill the rest. */
    uint8_t init[40] = {0};
    init[24] = 0x01u;
    uint32_t args[1] = {(uint32_t)(uintptr_t)init};
    return (int32_t)sys_call(SYSCALL_os_io_init, args).value;
}

int32_t sys_os_io_start(void)
{
    uint32_t args[1] = {0};
    return (int32_t)sys_call(SYSCALL_os_io_start, args).value;
}

int32_t sys_os_io_rx_evt(uint8_t *buf, uint16_t max_len)
{
    uint32_t args[4] = {(uint32_t)(uintptr_t)buf, max_len, 0u, 0u};
    return (int32_t)sys_call(SYSCALL_os_io_rx_evt, args).value;
}

int32_t sys_os_io_tx_cmd(uint8_t type, const uint8_t *buf, uint16_t len)
{
    uint32_t args[4] = {type, (uint32_t)(uintptr_t)buf, len, 0u};
    return (int32_t)sys_call(SYSCALL_os_io_tx_cmd, args).value;
}

void sys_draw_rect(uint32_t color, uint16_t x, uint16_t y, uint16_t w, uint16_t h)
{
    uint32_t args[5] = {color, x, y, w, h};
    (void)sys_call(SYSCALL_bagl_hal_draw_rect, args);
}

void sys_draw_bitmap(uint16_t x, uint16_t y, uint16_t w, uint16_t h, const uint32_t *colors,
                     uint32_t color_count, uint32_t bpp, const uint8_t *bitmap, uint32_t bits)
{
    uint32_t args[9] = {x, y, w, h, color_count, (uint32_t)(uintptr_t)colors, bpp,
                        (uint32_t)(uintptr_t)bitmap, bits};
    (void)sys_call(SYSCALL_bagl_hal_draw_bitmap_within_rect, args);
}

uint32_t sys_random(uint8_t *out, size_t len)
{
    uint32_t args[2] = {(uint32_t)(uintptr_t)out, (uint32_t)len};
    syscall_result_t r = sys_call(SYSCALL_cx_get_random_bytes, args);
    return r.error != 0u ? r.error : r.value;
}

uint32_t sys_derive_bip32(const uint32_t *path, uint32_t depth, uint8_t priv[32])
{
    uint32_t args[5] = {CX_CURVE_SECP256K1, (uint32_t)(uintptr_t)path, depth,
                        (uint32_t)(uintptr_t)priv, 0u /* no chain code wanted */};
    syscall_result_t r = sys_call(SYSCALL_os_perso_derive_node_bip32, args);
    return r.error;
}

void sys_exit(uint32_t code)
{
    uint32_t args[1] = {code};
    (void)sys_call(SYSCALL_os_sched_exit, args);
    for (;;) {
    }
}
