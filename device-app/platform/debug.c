/* debug.c - text on Speculos' debug channel (see debug.h). */
#include "debug.h"

#include "stack.h"
#include "syscalls.h"

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
 * as "printf: ..." (docs/speculos.md, "SEPH wire format"; 0x66 would deadlock the os_io status
 * logic, "IO through os_io"). */
void debug_report_stack(void)
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
