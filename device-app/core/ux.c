#include "ux.h"

#include "nonce_store.h"
#include "protocol.h"
#include "review.h"
#include "settings.h"
#include "ux_text.h"

typedef enum { MENU_HOME = 0, MENU_SETTINGS = 1, MENU_EXITED = 2 } menu_t;

/* Home pages: 0 app name and version, 1 Settings, 2 Quit. Settings pages: 0 blind signing
 * toggle, 1 Back. */
#define HOME_PAGES 3u
#define SETTINGS_PAGES 2u

static menu_t g_menu;
static uint8_t g_page;

static void show_menu(void) {
    ux_page_t p;
    uint8_t count = (g_menu == MENU_HOME) ? HOME_PAGES : SETTINGS_PAGES;
    if (g_menu == MENU_HOME) {
        if (g_page == 0u) {
            page_init(&p, APP_NAME);
            page_add_line(&p, "Version " APP_VERSION_STR);
            page_add_line(&p, "Ready");
        } else if (g_page == 1u) {
            page_init(&p, "Settings");
        } else {
            page_init(&p, "Quit");
        }
    } else {
        if (g_page == 0u) {
            page_init(&p, "Blind signing");
            page_add_line(&p, settings_blind_signing() ? "Enabled" : "Disabled");
        } else {
            page_init(&p, "Back");
        }
    }
    p.nav = (uint8_t)((g_page > 0u ? UX_NAV_LEFT : 0u) |
                      (g_page + 1u < count ? UX_NAV_RIGHT : 0u));
    plat_show(&p);
}

void ux_init(void) {
    review_reset();
    g_menu = MENU_HOME;
    g_page = 0u;
    show_menu();
}

void ux_show_home(void) {
    if (g_menu == MENU_EXITED) {
        return;
    }
    g_menu = MENU_HOME;
    g_page = 0u;
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
    uint8_t count = (g_menu == MENU_HOME) ? HOME_PAGES : SETTINGS_PAGES;
    if (b == BUTTON_LEFT) {
        if (g_page > 0u) {
            g_page--;
        }
    } else if (b == BUTTON_RIGHT) {
        if (g_page + 1u < count) {
            g_page++;
        }
    } else if (b == BUTTON_BOTH) {
        if (g_menu == MENU_HOME && g_page == 1u) {
            g_menu = MENU_SETTINGS;
            g_page = 0u;
        } else if (g_menu == MENU_HOME && g_page == 2u) {
            g_menu = MENU_EXITED;
            nonce_store_clear(); /* outstanding commitments die with the app */
            plat_exit();
            return;
        } else if (g_menu == MENU_SETTINGS && g_page == 0u) {
            settings_toggle_blind_signing();
        } else if (g_menu == MENU_SETTINGS && g_page == 1u) {
            g_menu = MENU_HOME;
            g_page = 1u;
        }
    }
    show_menu();
}
