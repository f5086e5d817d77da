/* main.c - the platform's event loop: os_io in, core entry points out.
 *
 * IO uses the os_io_* syscalls (API >= 24), so Speculos' embedded USB/HID stack does the framing
 * and the status handshake; the app sees 0x20 + APDU or 0x01 + SEPH event (SPECULOS.md 3.1). */
#include "../core/platform.h"
#include "syscalls.h"
#include "plat_wipe.h"
#include "stack.h"

/* >= 273 bytes: os_io_rx_evt drops an APDU that does not fit (SPECULOS.md 3.1). */
#define IO_BUF_SIZE 300u

static uint8_t io_buf[IO_BUF_SIZE];
static uint8_t reply_buf[CORE_MAX_REPLY + 2u];
static uint8_t buttons_held; /* OR of buttons pressed since the last release */

void app_main(void);

/* Speculos sends one event per button change, mask << 1 (left 0x02, right 0x04, release 0x00).
 * Like the Ledger SDK we act on release with everything pressed since the previous release, so
 * "both" arrives as one LEFT|RIGHT event (SPECULOS.md 3.3). */
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

/* Writes v in decimal at out, returns the number of characters. */
static size_t put_u32(char *out, uint32_t v)
{
    char tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    for (size_t i = 0; i < n; i++) {
        out[i] = tmp[n - 1u - i];
    }
    return n;
}

static size_t put_str(char *out, const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        out[n] = s[n];
        n++;
    }
    return n;
}

/* Reports the deepest stack use on Speculos' debug channel: SEPH tag 0x5F, which Speculos logs
 * as "printf: ..." (SPECULOS.md 3.2; 0x66 would deadlock the os_io status logic, 3.1). */
static void report_stack(void)
{
    uint8_t pkt[64];
    char *text = (char *)(pkt + 3);
    size_t n = put_str(text, "stack high water: ");
    n += put_u32(text + n, stack_high_water());
    n += put_str(text + n, " of ");
    n += put_u32(text + n, stack_size());
    n += put_str(text + n, " bytes\n");
    pkt[0] = 0x5Fu;
    pkt[1] = (uint8_t)(n >> 8);
    pkt[2] = (uint8_t)n;
    (void)sys_os_io_tx_cmd(OS_IO_PACKET_TYPE_SEPH, pkt, (uint16_t)(n + 3u));
}

void plat_exit(void)
{
    plat_wipe(io_buf, sizeof(io_buf));
    report_stack();
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
    }
}
