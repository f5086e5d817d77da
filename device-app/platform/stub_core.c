/* stub_core.c - a stand-in for the portable core, used only when device-app/core.mk is absent
 * (bring-up of the platform before the real core compiles). Shows a home page and answers a
 * version APDU; everything else is refused. */
#include "../core/platform.h"

static void copy_str(char *dst, const char *src)
{
    size_t i = 0;
    while (i < UX_LINE_CHARS && src[i] != '\0') {
        dst[i] = src[i];
        i++;
    }
    dst[i] = '\0';
}

void core_init(void)
{
    ux_page_t page = {0};
    copy_str(page.title, "Spark Signer");
    copy_str(page.lines[0], "stub core");
    copy_str(page.lines[1], "stub");
    page.n_lines = 2u;
    plat_show(&page);
}

void core_on_apdu(const uint8_t *apdu, size_t len)
{
    /* PROTOCOL.md GET_VERSION layout: version, flags, commit batch, nonce window, operators */
    static const uint8_t version[8] = {0u, 1u, 0u, 0u, 3u, 0x04u, 0x00u, 8u};
    if (len >= 4u && apdu[0] == 0xE0u && apdu[1] == 0x01u) {
        plat_reply(version, sizeof(version), 0x9000u);
        return;
    }
    plat_reply(NULL, 0u, 0x6D00u);
}

void core_on_button(button_t b)
{
    if (b == BUTTON_BOTH) {
        plat_exit();
    }
}

bool core_reply_pending(void)
{
    return false;
}
