/* pager.h - a row of pages browsed with the buttons, the one navigation rule of every screen
 * flow (the menus in ux.c, the review flows in review.c): LEFT and RIGHT move one page and stop
 * at the ends; "<" and ">" (UX_NAV_*) show on which sides more pages are. */
#ifndef SPARK_PAGER_H
#define SPARK_PAGER_H
#include <stdbool.h>
#include <stdint.h>

#include "platform.h"

typedef struct {
    uint8_t index; /* the page shown, 0..count-1 */
    uint8_t count; /* pages in the row, at least 1 */
} pager_t;

/* Start on page `index` of `count` (index clamped to the last page). */
void pager_open(pager_t *p, uint8_t count, uint8_t index);
/* LEFT or RIGHT: move if there is a page that way, and return true (the caller redraws);
 * any other button: return false and leave the page unchanged. */
bool pager_move(pager_t *p, button_t b);
/* The UX_NAV_* bits for the page shown. */
uint8_t pager_nav(const pager_t *p);
#endif
