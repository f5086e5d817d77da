#include <stdlib.h>

#include "test.h"

unsigned g_checks_failed_in_test;
static unsigned g_passed, g_failed;

void run_test(const char *name, test_fn_t fn) {
    g_checks_failed_in_test = 0;
    fn();
    if (g_checks_failed_in_test == 0) {
        g_passed++;
    } else {
        g_failed++;
        fprintf(stderr, "FAILED: %s (%u checks)\n", name, g_checks_failed_in_test);
    }
}

int main(void) {
    suite_crypto();
    suite_secret_arith();
    suite_frost();
    suite_nonce();
    suite_policy();
    suite_apdu();
    suite_ux();
    suite_adversarial();
    suite_nonce_whitebox();
    suite_adaptor_rule();
    suite_signer_cmds();
    suite_ecies();
    suite_key_split();
    suite_exit_sweep();
    suite_key_kinds();
    suite_clear_sign();
    suite_session_cache();
    printf("%u passed, %u failed\n", g_passed, g_failed);
    return g_failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
