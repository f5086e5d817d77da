/* display.c - plat_show(): draws one ux_page_t with BAGL syscalls on the 128x64 screen.
 *
 * Layout: title on the top row, body lines below, "<" / ">" hints at the edges. Every glyph is
 * one bagl_hal_draw_bitmap_within_rect call whose bitmap pointer points into the font, which is
 * how Speculos recovers the text for /events (docs/speculos.md, section "Screen text (OCR)"). Speculos
 * glues a glyph to the previous text event when it is on the same row and < 12 px away, so the nav hints
 * are drawn FIRST: that keeps "<" and ">" as events of their own instead of sticking to a body line. */
#include "../core/platform.h"
#include "font/font.h"
#include "syscalls.h"

#define SCREEN_W 128u
#define SCREEN_H 64u
#define TITLE_Y 2u
#define BODY_Y 16u
#define LINE_PITCH 12u
#define NAV_Y 28u

_Static_assert(UX_LINE_CHARS * FONT_ADVANCE <= SCREEN_W - 2u * (FONT_GLYPH_W + 4u),
               "a full line must fit between the nav hints");
_Static_assert(BODY_Y + (UX_MAX_LINES - 1u) * LINE_PITCH + FONT_GLYPH_H <= SCREEN_H,
               "all body lines must fit on screen");

/* Two colours for 1 bpp: index 0 off, index 1 lit (any non-zero colour is lit on a Nano). */
static const uint32_t text_colors[2] = {0x000000u, 0xFFFFFFu};

static void draw_char(uint16_t x, uint16_t y, char c)
{
    sys_draw_bitmap(x, y, FONT_GLYPH_W, FONT_GLYPH_H, text_colors, 2u, 1u, font_glyph(c),
                    FONT_GLYPH_BITS);
}

static size_t bounded_len(const char *s)
{
    size_t n = 0;
    while (n < UX_LINE_CHARS && s[n] != '\0') {
        n++;
    }
    return n;
}

static void draw_centered(uint16_t y, const char *s)
{
    size_t n = bounded_len(s);
    uint16_t x = (uint16_t)((SCREEN_W - n * FONT_ADVANCE) / 2u);
    for (size_t i = 0; i < n; i++) {
        draw_char((uint16_t)(x + i * FONT_ADVANCE), y, s[i]);
    }
}

void plat_show(const ux_page_t *page)
{
    /* A rectangle covering exactly the whole screen is what Speculos treats as a clear
     * (speculos/mcu/display.py): it also starts a new "current screen" for /events. */
    sys_draw_rect(0x000000u, 0u, 0u, SCREEN_W, SCREEN_H);
    if ((page->nav & UX_NAV_LEFT) != 0u) {
        draw_char(1u, NAV_Y, '<');
    }
    if ((page->nav & UX_NAV_RIGHT) != 0u) {
        draw_char((uint16_t)(SCREEN_W - 1u - FONT_GLYPH_W), NAV_Y, '>');
    }
    draw_centered(TITLE_Y, page->title);
    uint8_t n = page->n_lines <= UX_MAX_LINES ? page->n_lines : (uint8_t)UX_MAX_LINES;
    for (uint8_t i = 0; i < n; i++) {
        draw_centered((uint16_t)(BODY_Y + i * LINE_PITCH), page->lines[i]);
    }
}
