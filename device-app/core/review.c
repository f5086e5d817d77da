#include "review.h"

#include <string.h>

#include "ux.h"
#include "ux_text.h"

static ux_page_t g_pages[REVIEW_MAX_CONTENT];
static uint8_t g_n_content;
static uint8_t g_index;
static bool g_active;
static review_cb_t g_cb;

void review_reset(void) {
    g_n_content = 0u;
    g_index = 0u;
    g_active = false;
    g_cb = NULL;
}

ux_page_t *review_add_page(const char *title) {
    if (g_n_content >= REVIEW_MAX_CONTENT) {
        return NULL;
    }
    ux_page_t *p = &g_pages[g_n_content++];
    page_init(p, title);
    return p;
}

static uint8_t total_pages(void) { return (uint8_t)(g_n_content + 2u); }

static void show_current(void) {
    ux_page_t page;
    if (g_index < g_n_content) {
        page = g_pages[g_index];
    } else if (g_index == g_n_content) {
        page_init(&page, "Approve");
    } else {
        page_init(&page, "Reject");
    }
    page.nav = (uint8_t)((g_index > 0u ? UX_NAV_LEFT : 0u) |
                         (g_index + 1u < total_pages() ? UX_NAV_RIGHT : 0u));
    plat_show(&page);
}

void review_start(review_cb_t cb) {
    g_cb = cb;
    g_index = 0u;
    g_active = true;
    show_current();
}

bool review_active(void) { return g_active; }

void review_on_button(button_t b) {
    if (!g_active) {
        return;
    }
    if (b == BUTTON_LEFT) {
        if (g_index > 0u) {
            g_index--;
        }
        show_current();
    } else if (b == BUTTON_RIGHT) {
        if (g_index + 1u < total_pages()) {
            g_index++;
        }
        show_current();
    } else if (b == BUTTON_BOTH && g_index >= g_n_content) {
        bool approved = (g_index == g_n_content);
        review_cb_t cb = g_cb;
        review_reset();
        ux_show_home();
        if (cb != NULL) {
            cb(approved);
        }
    }
}

void review_cancel(void) {
    review_reset();
    ux_show_home();
}
