#include "ux_text.h"

#include <string.h>

#include "bech32.h"

static void copy_line(char *dst, const char *src, size_t n) {
    if (n > UX_LINE_CHARS) {
        n = UX_LINE_CHARS;
    }
    size_t i = 0;
    for (; i < n && src[i] != '\0'; i++) {
        char ch = src[i];
        /* only what the platform's font can draw */
        dst[i] = (ch >= 0x20 && ch <= 0x7e) ? ch : '?';
    }
    dst[i] = '\0';
}

void page_init(ux_page_t *p, const char *title) {
    memset(p, 0, sizeof *p);
    copy_line(p->title, title, UX_LINE_CHARS);
}

static char *next_line(ux_page_t *p) {
    if (p->n_lines >= UX_MAX_LINES) {
        return NULL;
    }
    return p->lines[p->n_lines++];
}

void page_add_line(ux_page_t *p, const char *text) {
    char *l = next_line(p);
    if (l != NULL) {
        copy_line(l, text, UX_LINE_CHARS);
    }
}

/* "<prefix><decimal value><suffix>" as one line. */
static void add_decimal(ux_page_t *p, const char *prefix, uint64_t value, const char *suffix) {
    char buf[UX_LINE_CHARS + 1u];
    char digits[21];
    size_t nd = 0, n = 0;
    do {
        digits[nd++] = (char)('0' + (value % 10u));
        value /= 10u;
    } while (value != 0u);
    while (prefix[n] != '\0' && n < UX_LINE_CHARS) {
        buf[n] = prefix[n];
        n++;
    }
    while (nd > 0u && n < UX_LINE_CHARS) {
        buf[n++] = digits[--nd];
    }
    for (size_t i = 0; suffix[i] != '\0' && n < UX_LINE_CHARS; i++) {
        buf[n++] = suffix[i];
    }
    buf[n] = '\0';
    page_add_line(p, buf);
}

void page_add_number(ux_page_t *p, const char *prefix, uint32_t value) { add_decimal(p, prefix, value, ""); }

void page_add_sats(ux_page_t *p, const char *prefix, uint64_t sats) { add_decimal(p, prefix, sats, " sats"); }

void page_add_hex(ux_page_t *p, const uint8_t *data, size_t len, size_t per_line) {
    static const char HEX[] = "0123456789abcdef";
    char text[UX_MAX_LINES * UX_LINE_CHARS + 1u]; /* more hex digits would not fit a page */
    size_t n = 0;
    for (size_t i = 0; i < len && n + 2u < sizeof text; i++) {
        text[n++] = HEX[data[i] >> 4];
        text[n++] = HEX[data[i] & 15u];
    }
    text[n] = '\0';
    page_add_wrapped(p, text, per_line);
}

void page_add_wrapped(ux_page_t *p, const char *text, size_t per_line) {
    size_t len = strlen(text), done = 0;
    if (per_line == 0u || per_line > UX_LINE_CHARS) {
        per_line = UX_LINE_CHARS;
    }
    while (done < len) {
        char *l = next_line(p);
        if (l == NULL) {
            return;
        }
        copy_line(l, text + done, per_line);
        done += per_line;
    }
}

void page_add_address(ux_page_t *p, const char *hrp, const uint8_t *script, size_t script_len) {
    char addr[SEGWIT_ADDR_MAX + 1u];
    if (segwit_address(hrp, script, script_len, addr)) {
        page_add_wrapped(p, addr, UX_LINE_CHARS);
    } else {
        page_add_line(p, "Script");
        page_add_hex(p, script, script_len, UX_LINE_CHARS);
    }
}
