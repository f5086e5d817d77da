/* font.h - the bitmap font the platform draws text with, in the layout Speculos parses for its
 * screen-text OCR (docs/speculos.md, section "Screen text (OCR)"; LedgerHQ/speculos src/fonts.h:
 * bagl_font_t, 16 bytes). The glyphs are our own (glyphs5x8.txt), turned into font_data.c by
 * gen_font.py. */
#ifndef SPARK_FONT_H
#define SPARK_FONT_H

#include <stdint.h>

#define FONT_GLYPH_W 5u
#define FONT_GLYPH_H 8u
#define FONT_ADVANCE 6u /* glyph width + 1 px gap: Speculos joins glyphs < 12 px apart */
#define FONT_GLYPH_BITS (FONT_GLYPH_W * FONT_GLYPH_H)

typedef struct {
    uint16_t bitmap_len;
    uint8_t font_id;
    uint8_t bpp;
    uint8_t height;
    uint8_t baseline;
    uint8_t first_char;
    uint8_t last_char;
    const uint32_t *characters; /* one packed entry per char: bits 2..13 = byte offset */
    const uint8_t *bitmap;
} bagl_font_t;

_Static_assert(sizeof(bagl_font_t) == 16, "Speculos reads bagl_font_t as 16 bytes");

extern const bagl_font_t font_5x8;

/* Address of the glyph bitmap for printable ASCII c (anything else draws '?'). Speculos
 * identifies the character by this exact address, so never copy it. */
const uint8_t *font_glyph(char c);

#endif
