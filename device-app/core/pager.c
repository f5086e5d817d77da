#include "pager.h"

void pager_open(pager_t *p, uint8_t count, uint8_t index) {
    p->count = count == 0u ? 1u : count;
    p->index = index < p->count ? index : (uint8_t)(p->count - 1u);
}

bool pager_move(pager_t *p, button_t b) {
    if (b == BUTTON_LEFT) {
        if (p->index > 0u) {
            p->index--;
        }
        return true;
    }
    if (b == BUTTON_RIGHT) {
        if (p->index + 1u < p->count) {
            p->index++;
        }
        return true;
    }
    return false;
}

uint8_t pager_nav(const pager_t *p) {
    return (uint8_t)((p->index > 0u ? UX_NAV_LEFT : 0u) |
                     (p->index + 1u < p->count ? UX_NAV_RIGHT : 0u));
}
