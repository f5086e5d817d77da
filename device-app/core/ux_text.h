/* ux_text.h - building screen pages: bounded string copies, decimal and hex lines. */
#ifndef SPARK_UX_TEXT_H
#define SPARK_UX_TEXT_H
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

void page_init(ux_page_t *p, const char *title);
/* Append one body line (truncated to UX_LINE_CHARS); ignored when the page is full. */
void page_add_line(ux_page_t *p, const char *text);
/* Append "<prefix><decimal value>" as one line. */
void page_add_number(ux_page_t *p, const char *prefix, uint32_t value);
/* Append "<prefix><sats> sats" as one line (amounts up to 21e14 sats fit 18 characters with a
 * prefix of at most 2). */
void page_add_sats(ux_page_t *p, const char *prefix, uint64_t sats);
/* Append bytes as lowercase hex, `per_line` characters per line, as many lines as fit. */
void page_add_hex(ux_page_t *p, const uint8_t *data, size_t len, size_t per_line);
/* Append text split into lines of `per_line` characters (for leaf ids). */
void page_add_wrapped(ux_page_t *p, const char *text, size_t per_line);
/* Append an output script as its address (bech32 / bech32m with the prefix `hrp`), in lines of
 * UX_LINE_CHARS; a script that is not a segwit output as the line `Script` and its hex. */
void page_add_address(ux_page_t *p, const char *hrp, const uint8_t *script, size_t script_len);
#endif
