/* main.c - the platform's event loop: os_io in, core entry points out.
 *
 * IO uses the os_io_* syscalls (API >= 24), so Speculos' embedded USB/HID stack does the framing
 * and the status handshake; the app sees 0x20 + APDU or 0x01 + SEPH event (docs/speculos.md, section
 * "IO through os_io"). */
#include "../core/platform.h"
#include "syscalls.h"
#include "plat_wipe.h"
#include "debug.h"
#include "stack.h"

/* >= 273 bytes: os_io_rx_evt drops an APDU that does not fit (docs/speculos.md, "IO through os_io"). */
#define IO_BUF_SIZE 300u

static uint8_t io_buf[IO_BUF_SIZE];
static uint8_t reply_buf[CORE_MAX_REPLY + 2u];
static uint8_t buttons_held; /* OR of buttons pressed since the last release */

void app_main(void);

/* Speculos sends one event per button change, mask << 1 (left 0x02, right 0x04, release 0x00).
 * Like the Ledger SDK we act on release with everything pressed since the previous release, so
 * "both" arrives as one LEFT|RIGHT event (docs/speculos.md, section "Buttons"). */
static void on_button_event(uint8_t payload)
{
    uint8_t mask = (uint8_t)((payload >> 1) & 0x03u);
    if (mask != 0u) {
        buttons_held |= mask;
        return;
    }
    if (buttons_held != 0u) {
        button_t b = (button_t)buttons_held;
        buttons_held = 0u;
        core_on_button(b);
    }
}

static void on_seph_event(const uint8_t *pkt, size_t len)
{
    if (len < 4u) {
        return;
    }
    size_t payload_len = ((size_t)pkt[2] << 8) | pkt[3];
    if (pkt[1] == SEPH_TAG_BUTTON_PUSH && payload_len >= 1u && len >= 5u) {
        on_button_event(pkt[4]);
    }
    /* Tickers and USB housekeeping need nothing from the core. */
}

void plat_reply(const uint8_t *data, size_t len, uint16_t sw)
{
    if (len > CORE_MAX_REPLY) {
        /* A core bug: never truncate silently. */
        len = 0;
        sw = 0x6F00u;
    }
    for (size_t i = 0; i < len; i++) {
        reply_buf[i] = data[i];
    }
    reply_buf[len] = (uint8_t)(sw >> 8);
    reply_buf[len + 1u] = (uint8_t)sw;
    (void)sys_os_io_tx_cmd(OS_IO_PACKET_TYPE_USB_HID_APDU, reply_buf, (uint16_t)(len + 2u));
    /* Replies can carry public data only, but wipe anyway: nothing lingers in RAM. */
    plat_wipe(reply_buf, sizeof(reply_buf));
}

void plat_exit(void)
{
    plat_wipe(io_buf, sizeof(io_buf));
    debug_report_stack();
    sys_exit(0u);
}

void app_main(void)
{
    stack_init();
    (void)sys_os_io_init();
    (void)sys_os_io_start();
    core_init();
    for (;;) {
        int32_t n = sys_os_io_rx_evt(io_buf, (uint16_t)sizeof(io_buf));
        if (n <= 0) {
            continue; /* USB housekeeping (0) or a dropped packet (< 0) */
        }
        size_t len = (size_t)n <= sizeof(io_buf) ? (size_t)n : sizeof(io_buf);
        if (io_buf[0] == OS_IO_PACKET_TYPE_USB_HID_APDU) {
            core_on_apdu(io_buf + 1, len - 1u);
            plat_wipe(io_buf, len);
        } else if (io_buf[0] == OS_IO_PACKET_TYPE_SEPH) {
            on_seph_event(io_buf, len);
        }
        if (!stack_intact()) {
            /* The stack ran into .bss: state may be corrupt, never continue. */
            sys_exit(0xCAu);
        }
        /* Nothing the core computed may linger below the stack pointer between events. */
        stack_scrub();
    }
}
