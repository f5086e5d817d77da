#include "ux.h"

#include "nonce_store.h"
#include "pager.h"
#include "protocol.h"
#include "review.h"
#include "settings.h"
#include "split_pool.h"
#include "ux_text.h"

typedef enum { MENU_HOME = 0, MENU_SETTINGS = 1, MENU_EXITED = 2 } menu_t;

/* Home pages: 0 app name and version, 1 Settings, 2 Quit. Settings pages: 0 blind signing
 * toggle, 1 Back. */
#define HOME_PAGES 3u
#define SETTINGS_PAGES 2u

static menu_t g_menu;
static pager_t g_pager;

static void open_menu(menu_t menu, uint8_t page) {
    g_menu = menu;
    pager_open(&g_pager, menu == MENU_HOME ? HOME_PAGES : SETTINGS_PAGES, page);
}

static void show_menu(void) {
    ux_page_t p;
    uint8_t page = g_pager.index;
    if (g_menu == MENU_HOME) {
        if (page == 0u) {
            page_init(&p, APP_NAME);
            page_add_line(&p, "Version " APP_VERSION_STR);
            page_add_line(&p, "Ready");
        } else if (page == 1u) {
            page_init(&p, "Settings");
        } else {
            page_init(&p, "Quit");
        }
    } else {
        if (page == 0u) {
            page_init(&p, "Blind signing");
            page_add_line(&p, settings_blind_signing() ? "Enabled" : "Disabled");
        } else {
            page_init(&p, "Back");
        }
    }
    p.nav = pager_nav(&g_pager);
    plat_show(&p);
}

void ux_init(void) {
    review_reset();
    open_menu(MENU_HOME, 0u);
    show_menu();
}

void ux_show_home(void) {
    if (g_menu == MENU_EXITED) {
        return;
    }
    open_menu(MENU_HOME, 0u);
    show_menu();
}

bool ux_exited(void) { return g_menu == MENU_EXITED; }

void ux_on_button(button_t b) {
    if (g_menu == MENU_EXITED) {
        return;
    }
    if (review_active()) {
        review_on_button(b);
        return;
    }
    uint8_t page = g_pager.index;
    if (pager_move(&g_pager, b)) {
        /* LEFT or RIGHT: the page changed (or stayed at an end); redrawn below */
    } else if (b == BUTTON_BOTH) {
        if (g_menu == MENU_HOME && page == 1u) {
            open_menu(MENU_SETTINGS, 0u);
        } else if (g_menu == MENU_HOME && page == 2u) {
            g_menu = MENU_EXITED;
            nonce_store_clear(); /* outstanding commitments die with the app */
            split_pool_clear();  /* and the prepared splits' randomness */
            plat_exit();
            return;
        } else if (g_menu == MENU_SETTINGS && page == 0u) {
            settings_toggle_blind_signing();
        } else if (g_menu == MENU_SETTINGS && page == 1u) {
            open_menu(MENU_HOME, 1u);
        }
    }
    show_menu();
}
