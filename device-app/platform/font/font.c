/* font.c - glyph lookup in the generated font. */
#include "font.h"

const uint8_t *font_glyph(char c)
{
    uint8_t code = (uint8_t)c;
    if (code < font_5x8.first_char || code > font_5x8.last_char) {
        code = (uint8_t)'?';
    }
    uint32_t entry = font_5x8.characters[code - font_5x8.first_char];
    /* bits 2..13 of a bagl_font_character_t: byte offset of the glyph in the bitmap */
    uint32_t offset = (entry >> 2) & 0xFFFu;
    return font_5x8.bitmap + offset;
}
