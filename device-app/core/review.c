#include "review.h"

#include <string.h>

#include "pager.h"
#include "ux.h"
#include "ux_text.h"

static ux_page_t g_pages[REVIEW_MAX_CONTENT];
static uint8_t g_n_content;
static pager_t g_pager; /* the content pages, then Approve, then Reject */
static bool g_active;
static review_cb_t g_cb;

void review_reset(void) {
    g_n_content = 0u;
    pager_open(&g_pager, 1u, 0u);
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

static void show_current(void) {
    ux_page_t page;
    uint8_t index = g_pager.index;
    if (index < g_n_content) {
        page = g_pages[index];
    } else if (index == g_n_content) {
        page_init(&page, "Approve");
    } else {
        page_init(&page, "Reject");
    }
    page.nav = pager_nav(&g_pager);
    plat_show(&page);
}

void review_start(review_cb_t cb) {
    g_cb = cb;
    pager_open(&g_pager, (uint8_t)(g_n_content + 2u), 0u);
    g_active = true;
    show_current();
}

bool review_active(void) { return g_active; }

void review_on_button(button_t b) {
    if (!g_active) {
        return;
    }
    if (pager_move(&g_pager, b)) {
        show_current();
    } else if (b == BUTTON_BOTH && g_pager.index >= g_n_content) {
        bool approved = (g_pager.index == g_n_content);
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
