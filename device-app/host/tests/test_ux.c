#include "core_includes.h"
#include "test.h"
#include "vectors/vectors.h"

/* RIGHT moves onto the last page of a flow, titled `title`: it offers only LEFT, and RIGHT there
 * does not wrap around to the first page. */
static void check_right_to_last_page(const char *title) {
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has(title));
    CHECK_EQ_U(g_host_page.nav, UX_NAV_LEFT);
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has(title));
}

static void test_home_and_navigation(void) {
    fresh_core();
    CHECK(host_screen_has(APP_NAME));
    CHECK(host_screen_has("Version " APP_VERSION_STR));
    CHECK_EQ_U(g_host_page.nav, UX_NAV_RIGHT);
    host_press(BUTTON_LEFT); /* no wrap-around */
    CHECK(host_screen_has(APP_NAME));
    host_press(BUTTON_BOTH); /* nothing on the home page */
    CHECK(host_screen_has(APP_NAME));
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("Settings"));
    CHECK_EQ_U(g_host_page.nav, UX_NAV_LEFT | UX_NAV_RIGHT);
    check_right_to_last_page("Quit");
    host_press(BUTTON_LEFT);
    host_press(BUTTON_LEFT);
    CHECK(host_screen_has(APP_NAME));
    CHECK(!g_host_exited);
}

static void test_settings_toggle(void) {
    fresh_core();
    CHECK(!settings_blind_signing());
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_BOTH);
    CHECK(host_screen_has("Blind signing"));
    CHECK(host_screen_has("Disabled"));
    host_press(BUTTON_BOTH);
    CHECK(host_screen_has("Enabled"));
    CHECK(settings_blind_signing());
    host_press(BUTTON_BOTH);
    CHECK(host_screen_has("Disabled"));
    host_press(BUTTON_BOTH);
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("Back"));
    host_press(BUTTON_BOTH);
    CHECK(host_screen_has("Settings"));
    CHECK(settings_blind_signing());
    /* settings live in RAM: a restart turns blind signing off again */
    fresh_core();
    CHECK(!settings_blind_signing());
}

static void test_quit(void) {
    fresh_core();
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_BOTH);
    CHECK(g_host_exited);
    unsigned pages = g_host_pages;
    host_press(BUTTON_LEFT);
    CHECK_EQ_U(g_host_pages, pages);
}

/* A fresh core with blind signing on, showing the review of a SIGN_IDENTITY request (`p1`: the
 * signature scheme) that waits for the user. */
static void start_identity_review(uint8_t p1) {
    uint8_t apdu[64], data[36] = {0};
    fresh_core();
    host_enable_blind_signing();
    size_t a = mk_apdu(apdu, INS_SIGN_IDENTITY, p1, 0, data, sizeof data);
    CHECK_EQ_U(host_exchange(apdu, a), 0);
}

static void test_review_navigation(void) {
    start_identity_review(P1_SCHNORR);
    CHECK_EQ_U(g_host_page.nav, UX_NAV_RIGHT);
    host_press(BUTTON_BOTH); /* both on a content page does nothing */
    CHECK(core_reply_pending());
    host_press(BUTTON_RIGHT);
    host_press(BUTTON_RIGHT);
    CHECK(host_screen_has("Approve"));
    check_right_to_last_page("Reject");
    host_press(BUTTON_LEFT);
    CHECK(host_screen_has("Approve"));
    unsigned before = g_host_reply.count;
    host_press(BUTTON_BOTH);
    CHECK_EQ_U(g_host_reply.count, before + 1);
    CHECK_EQ_U(g_host_reply.sw, SW_OK);
    CHECK(host_screen_has(APP_NAME));
    /* buttons after the flow do not reply again */
    host_press(BUTTON_BOTH);
    CHECK_EQ_U(g_host_reply.count, before + 1);
}

static void test_apdu_during_review_cancels(void) {
    start_identity_review(P1_ECDSA_DER);
    uint8_t v[8];
    size_t b = mk_apdu(v, INS_GET_VERSION, 0, 0, NULL, 0);
    CHECK_EQ_U(host_exchange(v, b), SW_OK);
    CHECK(!core_reply_pending());
    CHECK(host_screen_has(APP_NAME));
}

void suite_ux(void) {
    RUN(test_home_and_navigation);
    RUN(test_settings_toggle);
    RUN(test_quit);
    RUN(test_review_navigation);
    RUN(test_apdu_during_review_cancels);
}
