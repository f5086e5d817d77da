/* C_bagl_fonts: the table Speculos reads at load to map glyph bitmap addresses back to text
 * (docs/speculos.md, section "Screen text (OCR)"; LedgerHQ/speculos src/bolos/fonts_info.c): an array of
 * N font pointers whose symbol size is 4*N, immediately followed by a word holding N. */
    .syntax unified
    .section .rodata.C_bagl_fonts, "a"
    .align 2
    .global C_bagl_fonts
    .type C_bagl_fonts, %object
C_bagl_fonts:
    .word font_5x8
    .size C_bagl_fonts, 4
    .global C_bagl_fonts_count
    .type C_bagl_fonts_count, %object
C_bagl_fonts_count:
    .word 1
    .size C_bagl_fonts_count, 4
